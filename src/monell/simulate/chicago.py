"""Chicago's police-misconduct payments from the City of Chicago Department of Law's files.

The Law Department published every judgment and settlement payment it sent to the
Comptroller (2008 to August 2021). The bundled `data/chicago_law_department_police_misconduct.csv`
keeps the rows that are police misconduct payments to claimants:

- department POLICE (the files also write "POLICE 0931", the police fund's number);
- a misconduct cause (`MISCONDUCT_CAUSES`: false arrest, excessive force, illegal search or
  seizure, extended detention or malicious prosecution, reversed conviction, failure to provide
  medical care, other police misconduct) — not vehicle accidents, property damage or FOIA suits;
- a payment to the claimant (`DISPOSITIONS`: settlement, verdict, satisfaction of a judgment,
  offer of judgment — not consultants, appraisers or expenses) above zero; fees and costs are
  kept apart, as in the files. One case can be several rows (installments).

It is a different cut of Chicago's payouts from the FiveThirtyEight / Marshall Project file
(misconduct only, another year field): e.g. 2013 there has 183 payments and $92.6M. A
calibration uses one or the other for Chicago, never both (`monell simulate calibrate
--chicago-law-department`). Regenerate the bundled file from the raw CSVs with

    python -m monell.simulate.chicago ../shared/data/simulation/chicago_law_department \\
        src/monell/simulate/data/chicago_law_department_police_misconduct.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from monell.exposure.cpi import load_cpi
from monell.simulate.calibrate import Payment
from monell.simulate.population import DATA_PACKAGE

BUNDLED_FILE = "chicago_law_department_police_misconduct.csv"
SOURCE = (
    "City of Chicago Department of Law, judgment and settlement payments 2008–2021 (to Aug. 30, "
    "2021), CSV conversions in the public repository philipwosull/cpd_lawsuit_data at commit "
    "208416af57ad0cd0cb8667fd2b7a36e16e77a218 (raw_data/law_website_data/csv_formatted_raw_data)"
)
SELECTION = (
    "rows with department POLICE, a misconduct cause (false arrest, excessive force, illegal "
    "search or seizure, extended detention or malicious prosecution, reversed conviction, "
    "failure to provide medical care, other police misconduct; the unexplained codes CPDSA and "
    "CPDPP left out), a payment to the claimant (settlement, verdict, satisfaction, offer of "
    "judgment) above zero; payment amount without fees and costs; year of the date sent to "
    "the Comptroller"
)
# PRIMARY CAUSE values (prefixes) that are police misconduct; the files spell them several ways
MISCONDUCT_CAUSES = (
    "FALSE ARREST",
    "EXCESSIVE FORCE",
    "ILLEGAL SEARCH",
    "EXTENDED DETENTION",
    "MALICIOUS PROSEC",
    "REVERSED CONVICTION",
    "REVERSE CONVICTION",
    "FAILURE TO PROVIDE MEDICAL CARE",
    "OTHER POLICE MISCONDUCT",
)
DISPOSITIONS = ("SETTLEMENT", "VERDICT", "SATISFACTION", "OFFER OF JUDGMENT", "OFFER OF JDGMT")
COLUMNS = (
    "date_to_comptroller",
    "case_number",
    "primary_cause",
    "disposition",
    "payment_usd",
    "fees_costs_usd",
    "source_file",
)


def _field(row: dict[str, str], *names: str) -> str:
    """The first of `names` the row has (the files' headers vary: spaces, a misspelling)."""
    clean = {(k or "").replace(" ", "").upper(): (v or "").strip() for k, v in row.items()}
    for name in names:
        value = clean.get(name.replace(" ", "").upper())
        if value is not None:
            return value
    return ""


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("$", "")) if text else None
    except InvalidOperation:
        return None


def is_misconduct_payment(department: str, cause: str, disposition: str, payment: Decimal) -> bool:
    return (
        department.upper().startswith("POLICE")
        and cause.upper().startswith(MISCONDUCT_CAUSES)
        and disposition.upper().startswith(DISPOSITIONS)
        and payment > 0
    )


def derive(files: Iterable[Path]) -> Iterator[dict[str, str]]:
    """The police-misconduct payment rows of the raw Law Department CSVs, in file order."""
    for path in files:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                payment = _money(_field(row, "PAYMENT AMOUNT ($)"))
                date = _field(row, "DATE TO COMPTROLLER")[:10]
                department = _field(row, "CITY DEPARTMENT INVOLVED", "CITY DEPARTMENT")
                cause = _field(row, "PRIMARY CAUSE")
                disposition = _field(row, "DISPOSITION", "DISPOSTION")
                if payment is None or len(date) != 10:
                    continue
                if not is_misconduct_payment(department, cause, disposition, payment):
                    continue
                yield {
                    "date_to_comptroller": dt.date.fromisoformat(date).isoformat(),
                    "case_number": _field(row, "CASE #"),
                    "primary_cause": cause,
                    "disposition": disposition,
                    "payment_usd": str(payment),
                    "fees_costs_usd": str(_money(_field(row, "FEES & COSTS ($)")) or 0),
                    "source_file": path.name,
                }


def law_department_payments(dollars_year: int) -> list[Payment]:
    """The bundled rows as payments in `dollars_year` dollars (CPI-U), dated when sent to
    the Comptroller; no incident date (the lag stays the settlements' fit)."""
    text = resources.files(DATA_PACKAGE).joinpath(BUNDLED_FILE).read_text("utf-8")
    cpi = load_cpi()
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        date = dt.date.fromisoformat(row["date_to_comptroller"])
        amount = cpi.adjust(Decimal(row["payment_usd"]), date.year, dollars_year)
        out.append(Payment("Chicago", "IL", date.year, float(amount), None, BUNDLED_FILE, date))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m monell.simulate.chicago RAW_DIR OUT.csv", file=sys.stderr)
        return 2
    files = sorted(Path(argv[0]).glob("raw_csv_formatted_*_law_website_data.csv"))
    rows = list(derive(files))
    with Path(argv[1]).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} payments from {len(files)} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
