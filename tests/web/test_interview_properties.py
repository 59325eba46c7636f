"""Properties of the interview's parsers and of the plain summary, over generated input."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from monell.domain.vocabulary import Conduct
from monell.web.intake.content import load, pick
from monell.web.intake.steps import date_text, locate, problem_kind
from monell.web.intake.summary import gather_items, plain_summary
from monell.web.intake.uploads import sniff

boxes = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)


@given(st.dates(min_value=dt.date(1871, 4, 20), max_value=dt.date(2199, 12, 31)))
def test_three_boxes_give_the_iso_date(day: dt.date) -> None:
    parts = {"d_day": str(day.day), "d_month": str(day.month), "d_year": f"{day.year:04d}"}
    assert date_text(parts, "d") == day.isoformat()


@given(boxes, boxes, boxes)
def test_any_typing_in_the_boxes_is_passed_on_never_lost(d: str, m: str, y: str) -> None:
    got = date_text({"x_day": d, "x_month": m, "x_year": y}, "x")
    d, m, y = d.strip(), m.strip(), y.strip()
    numbers = all(p.isascii() and p.isdigit() for p in (d, m, y)) and len(y) == 4
    if not (d or m or y):
        assert got is None
    elif numbers:
        assert got == f"{y}-{int(m):02d}-{int(d):02d}"
    else:
        assert got == f"{y}-{m}-{d}"  # as typed, for the incident rules to refuse


@given(st.integers(min_value=0, max_value=50), st.sampled_from(["name", "badge"]))
def test_officer_paths_land_on_their_row(i: int, part: str) -> None:
    assert locate(f"officers[{i}].{part}") == ("officers", f"{part}_{i}")


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz '", min_size=1, max_size=20).map(str.strip)


@given(st.lists(words.filter(bool), min_size=1, max_size=8))
def test_gather_list_splits_back_into_its_items(items: list[str]) -> None:
    items = [i for i in items if not i.startswith("and ")] or ["photos"]
    body = ", ".join(items[:-1]) + (", and " if len(items) > 1 else "") + items[-1]
    assert gather_items({"summary": [f"Gather now: {body}."]}) == items


@given(st.binary(max_size=32))
def test_sniff_accepts_only_known_signatures(data: bytes) -> None:
    kind = sniff(data)
    assert kind is None or kind in {
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf"
    }  # fmt: skip
    if kind == "application/pdf":
        assert data.startswith(b"%PDF-")


TODAY = dt.date(2026, 1, 1)
rows = st.lists(
    st.tuples(
        st.sampled_from([c.value for c in Conduct]),
        st.one_of(st.none(), st.integers(min_value=-4000, max_value=4000)),
    ),
    max_size=8,
)


@given(rows, st.sampled_from(["en", "es"]))
def test_no_claim_is_said_to_have_run_out_while_a_period_is_open(
    given_rows: list[tuple[str, int | None]], language: str
) -> None:
    deadlines = [
        {
            "claim": claim,
            "deadline": None if days is None else (TODAY + dt.timedelta(days=days)).isoformat(),
            "days_remaining": days,
        }
        for claim, days in given_rows
    ]
    summary = plain_summary({"deadlines": deadlines, "summary": [], "claims": []}, language)
    open_days = [d for _, d in given_rows if d is not None and d >= 0]
    if open_days:
        assert summary.days_left == min(open_days)
        assert summary.first_deadline == TODAY + dt.timedelta(days=min(open_days))
    else:
        assert summary.first_deadline is None and not summary.deadline
    open_claims = {c for c, d in given_rows if d is not None and d >= 0}
    passed_claims = {c for c, d in given_rows if d is not None and d < 0} - open_claims
    assert bool(summary.passed) == bool(passed_claims)
    # The claims named as possibly run out are exactly those with no open period (no
    # claim's plain name is part of another's, so a name in the line is that claim).
    if summary.passed:
        names = {c: pick(load("summary")["claims"][c], language) for c, _ in given_rows}
        for claim in open_claims:
            assert names[claim] not in summary.passed[0]
        for claim in passed_claims:
            assert names[claim] in summary.passed[0]


@given(st.text(max_size=60))
def test_every_domain_message_gets_a_plain_kind(message: str) -> None:
    from monell.domain.incident import Problem

    assert problem_kind(Problem("x", None, message)) in {
        "missing", "none_chosen", "too_early", "future", "born_after", "before_incident",
        "after_case_ended", "case_not_ended", "no_case", "bad_date", "bad_choice", "bad_value",
    }  # fmt: skip
