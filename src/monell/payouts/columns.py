"""Which source column is which field: the FiveThirtyEight layout, aliases, mapping files.

The FiveThirtyEight / Marshall Project files share a data dictionary
(data/settlements/README.source.md) but not a column order, and each city adds or drops
columns. A header is matched by name after normalising it ("Police Officer" → police_officer),
so column order, extra columns and missing optional columns do not matter. Any other CSV is
read through a YAML mapping file (docs/payouts.md): source column → field, a date format, and
constants such as the city and state that a city's own export does not repeat on every row.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from monell.domain.vocabulary import State
from monell.payouts.parse import CellError, clean_text, parse_amount, parse_date, parse_year


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    YEAR = "year"
    MONEY = "money"


class FileKind(StrEnum):
    SETTLEMENTS = "settlements"
    # Five cities sent a separate list of the officers named per docket (`*_police_edited.csv`).
    OFFICERS = "officers"


SETTLEMENT_FIELDS: dict[str, Kind] = {
    "city": Kind.TEXT,
    "state": Kind.TEXT,
    "agency": Kind.TEXT,
    "incident_date": Kind.DATE,
    "filed_date": Kind.DATE,
    "closed_date": Kind.DATE,
    "calendar_year": Kind.YEAR,
    "amount_awarded": Kind.MONEY,
    "other_expenses": Kind.MONEY,
    "total_incurred": Kind.MONEY,
    "case_outcome": Kind.TEXT,
    "docket_number": Kind.TEXT,
    "claim_number": Kind.TEXT,
    "court": Kind.TEXT,
    "plaintiff_name": Kind.TEXT,
    "matter_name": Kind.TEXT,
    "summary_allegations": Kind.TEXT,
    "claim_or_lawsuit": Kind.TEXT,
    "defendant": Kind.TEXT,
}

OFFICER_FIELDS: dict[str, Kind] = {
    "city": Kind.TEXT,
    "state": Kind.TEXT,
    "docket_number": Kind.TEXT,
    "closed_date": Kind.DATE,
    "calendar_year": Kind.YEAR,
    "officer_name": Kind.TEXT,
}

# Other names the city files use for the same field; used only when the field's own column
# is absent. Richmond writes `plaintiff`; Charleston and North Charleston `defendant_name`.
ALIASES: dict[str, tuple[str, ...]] = {
    "plaintiff_name": ("plaintiff",),
    "defendant": ("defendant_name",),
    "officer_name": ("police_officer", "officer"),
}

MONEY_FIELDS = tuple(name for name, kind in SETTLEMENT_FIELDS.items() if kind is Kind.MONEY)
_MAPPING_KEYS = {"columns", "constants", "date_format", "encoding", "delimiter", "kind"}
MAX_MAPPING_BYTES = 256 << 10


class LayoutError(ValueError):
    """The header (or mapping file) cannot give the fields a file needs; says which and how."""


def normalise_header(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


@dataclass(frozen=True)
class ColumnMapping:
    """A mapping file: how to read a CSV that is not in the FiveThirtyEight layout."""

    columns: Mapping[str, str] = field(default_factory=dict)  # normalised source → field
    constants: Mapping[str, str] = field(default_factory=dict)  # field → value on every row
    date_format: str | None = None
    encoding: str | None = None  # None: UTF-8 (BOM or not), else Windows-1252
    delimiter: str = ","
    kind: FileKind | None = None
    source: str = "(built-in FiveThirtyEight layout)"


def _read_mapping_yaml(path: Path) -> Any:
    """The parsed mapping file, read as incident files are (bounded, repeated keys and
    collection aliases refused, scalars as written); LayoutError names what is wrong."""
    from monell.intake import DuplicateKeyError, TextScalarLoader, read_bounded, yaml_message

    where = str(path)
    try:
        text = read_bounded(path, MAX_MAPPING_BYTES).decode("utf-8")
    except OSError as exc:
        raise LayoutError(f"{where}: cannot read the mapping file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise LayoutError(
            f"{where}: byte {exc.start} is not UTF-8; a mapping file is YAML text "
            "(docs/payouts.md), not the CSV or a binary file"
        ) from exc
    except ValueError as exc:
        raise LayoutError(f"{where}: {exc}; a mapping file is a few lines of YAML") from exc
    try:
        return yaml.load(text, Loader=TextScalarLoader)  # a SafeLoader subclass
    except DuplicateKeyError as exc:
        lines = " and ".join(str(n) for n in exc.lines)
        raise LayoutError(
            f"{where}: key {exc.key!r} given twice (lines {lines}); keep one"
        ) from exc
    except yaml.YAMLError as exc:
        raise LayoutError(f"{where}: not valid YAML: {yaml_message(exc)[:400]}") from exc
    except (RecursionError, ValueError, TypeError) as exc:
        raise LayoutError(f"{where}: not valid YAML ({type(exc).__name__})") from exc


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def load_mapping(path: Path) -> ColumnMapping:
    """Read and validate a YAML mapping file; errors name the key and the fix."""
    where = str(path)
    data = _read_mapping_yaml(path)
    if not isinstance(data, dict):
        raise LayoutError(f"{where}: expected a mapping with a `columns:` key (docs/payouts.md)")
    unknown = sorted(str(k) for k in data if k not in _MAPPING_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_MAPPING_KEYS))
        raise LayoutError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    raw_kind = data.get("kind")
    kinds = {k.value for k in FileKind}
    if raw_kind is not None and not (isinstance(raw_kind, str) and raw_kind in kinds):
        raise LayoutError(f"{where}: kind: must be 'settlements' or 'officers', not {raw_kind!r}")
    kind = FileKind(raw_kind) if raw_kind is not None else None
    fields = OFFICER_FIELDS if kind is FileKind.OFFICERS else SETTLEMENT_FIELDS
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise LayoutError(f"{where}: columns: must map source column names to fields")
    mapped: dict[str, str] = {}
    for source, target in columns.items():
        if not _scalar(source):
            raise LayoutError(f"{where}: columns: {source!r} is not a column name; quote it")
        if not isinstance(target, str) or target not in fields:
            raise LayoutError(
                f"{where}: columns: {source!r} maps to unknown field {target!r}; fields: "
                + ", ".join(fields)
            )
        mapped[normalise_header(str(source))] = target
    constants = data.get("constants") or {}
    if not isinstance(constants, dict):
        raise LayoutError(f"{where}: constants: must map fields to values")
    for target, value in constants.items():
        if not isinstance(target, str) or target not in fields or fields[target] is not Kind.TEXT:
            raise LayoutError(
                f"{where}: constants: {target!r} is not a text field; constants can set "
                + ", ".join(name for name, kind in fields.items() if kind is Kind.TEXT)
            )
        if not _scalar(value):
            raise LayoutError(f"{where}: constants: {target}: give one value, not {value!r}")
        if target == "state" and str(value).upper() not in State.__members__:
            raise LayoutError(f"{where}: constants: state {value!r} is not a US state code")
    date_format = data.get("date_format")
    if date_format is not None:
        if not isinstance(date_format, str):
            raise LayoutError(f"{where}: date_format must be text such as '%m/%d/%Y'")
        try:
            date(2019, 1, 31).strftime(date_format)
        except ValueError as exc:
            raise LayoutError(f"{where}: date_format {date_format!r} is not valid") from exc
    encoding = data.get("encoding") or None
    if encoding is not None:
        encoding = _text_encoding(where, encoding)
    delimiter = data.get("delimiter") or ","
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n\0':
        raise LayoutError(
            f"{where}: delimiter must be one character other than a quote or line break "
            f"(e.g. ';' or '\\t'), not {delimiter!r}"
        )
    return ColumnMapping(
        columns=mapped,
        constants={str(k): str(v) for k, v in constants.items()},
        date_format=date_format or None,
        encoding=encoding,
        delimiter=delimiter,
        kind=kind,
        source=where,
    )


def _text_encoding(where: str, encoding: object) -> str:
    """A codec name Python decodes text with; LayoutError otherwise (`base64` and `rot13`
    are codecs too, but not text encodings)."""
    if not isinstance(encoding, str):
        raise LayoutError(f"{where}: encoding must be a name such as utf-8 or cp1252")
    try:
        info = codecs.lookup(encoding)
    except LookupError as exc:
        raise LayoutError(
            f"{where}: encoding {encoding!r} is not a known text encoding; use e.g. utf-8 or cp1252"
        ) from exc
    if not getattr(info, "_is_text_encoding", True):
        raise LayoutError(
            f"{where}: encoding {encoding!r} is a binary codec, not a text encoding; use e.g. "
            "utf-8 or cp1252"
        )
    return encoding


@dataclass(frozen=True)
class Layout:
    """Where each field is in one file's rows, and how to read it."""

    kind: FileKind
    header: tuple[str, ...]  # the source header as written (keys of the raw JSON)
    positions: Mapping[str, int]  # field → column index
    constants: Mapping[str, str]
    date_format: str | None

    def extract(self, cells: Sequence[str], today: date) -> tuple[dict[str, Any], list[str]]:
        """Typed field values for one row, and the problems found (column: reason)."""
        values: dict[str, Any] = dict.fromkeys(self._fields)
        problems: list[str] = []
        failed: set[str] = set()
        for name, kind, index, constant, column in self._plan:
            text = cells[index] if index >= 0 else constant
            if not text:
                continue  # blank: the value stays None, and blank cells are half of a file
            try:
                if kind is Kind.TEXT:
                    values[name] = clean_text(text)
                elif kind is Kind.MONEY:
                    values[name] = parse_amount(text)
                elif kind is Kind.DATE:
                    values[name] = parse_date(text, self.date_format, today=today)
                else:
                    values[name] = parse_year(text, today=today)
            except CellError as exc:
                problems.append(f"column {column!r}: {exc}")
                failed.add(name)
        state = values["state"]
        if state is not None:
            values["state"] = state.upper()
            # ASCII first: "ﬂ".upper() is "FL" in Python but not in pyarrow's upper-casing.
            if not state.isascii() or values["state"] not in State.__members__:
                problems.append(f"state {state!r} is not a US state code")
        for required in ("city", "state"):
            if values[required] is None and required not in failed:
                problems.append(f"{required} is blank")
        if self.kind is FileKind.OFFICERS and values["officer_name"] is None:
            problems.append("officer name is blank")
        return values, problems

    @property
    def _fields(self) -> dict[str, Kind]:
        return OFFICER_FIELDS if self.kind is FileKind.OFFICERS else SETTLEMENT_FIELDS

    @cached_property
    def _plan(self) -> tuple[tuple[str, Kind, int, str | None, str], ...]:
        """(field, kind, column index or -1, constant, column label), worked out once."""
        plan: list[tuple[str, Kind, int, str | None, str]] = []
        for name, kind in self._fields.items():
            if name in self.positions:
                index = self.positions[name]
                plan.append((name, kind, index, None, self.header[index]))
            elif name in self.constants:
                plan.append((name, kind, -1, self.constants[name], f"constant {name}"))
        return tuple(plan)


def resolve_layout(header: Sequence[str], mapping: ColumnMapping | None) -> Layout:
    """Match a header to fields; LayoutError names what is missing and how to supply it."""
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            # Which of the two is the data? Guessing would load the wrong column silently
            # (the corpus loader refuses a repeated column for the same reason).
            raise LayoutError(
                f"duplicate column {name!r} in the header (columns {seen[name]} and {number}); "
                "rename or remove one"
            )
        seen[name] = number
    mapping = mapping or ColumnMapping()
    normalised = [normalise_header(h) for h in header]
    kind = mapping.kind or _guess_kind(normalised, mapping)
    fields = OFFICER_FIELDS if kind is FileKind.OFFICERS else SETTLEMENT_FIELDS
    positions: dict[str, int] = {}
    for index, name in enumerate(normalised):
        target = mapping.columns.get(name)
        if target is not None and target not in positions:
            positions[target] = index
    for name in fields:
        for candidate in (name, *ALIASES.get(name, ())):
            if name not in positions and candidate in normalised:
                positions[name] = normalised.index(candidate)
    missing_columns = [name for name in mapping.columns if name not in normalised]
    if missing_columns:
        raise LayoutError(
            f"mapping {mapping.source} names column(s) not in the header: "
            + ", ".join(missing_columns)
            + f"; the header has: {', '.join(header)}"
        )
    for required in ("city", "state"):
        if required not in positions and required not in mapping.constants:
            raise LayoutError(
                f"missing required column {required!r}; add the column, or pass --mapping with "
                f"`constants: {{{required}: ...}}` (docs/payouts.md)"
            )
    if kind is FileKind.SETTLEMENTS and not any(m in positions for m in MONEY_FIELDS):
        raise LayoutError(
            "missing required column 'amount_awarded' (or other_expenses / total_incurred); "
            "map the file's amount column with --mapping (docs/payouts.md)"
        )
    if kind is FileKind.OFFICERS and "officer_name" not in positions:
        raise LayoutError("officer list without a police_officer column")
    return Layout(
        kind=kind,
        header=tuple(header),
        positions=positions,
        constants=dict(mapping.constants),
        date_format=mapping.date_format,
    )


def _guess_kind(normalised: Sequence[str], mapping: ColumnMapping) -> FileKind:
    has_officer = any(c in normalised for c in ("police_officer", "officer"))
    has_money = any(m in normalised for m in MONEY_FIELDS) or any(
        target in MONEY_FIELDS for target in mapping.columns.values()
    )
    return FileKind.OFFICERS if has_officer and not has_money else FileKind.SETTLEMENTS
