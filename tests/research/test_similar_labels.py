"""The hand-checked incidents (data/labels/similar_incidents.jsonl) agree with the sample."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from monell.domain.vocabulary import Conduct, Custody
from monell.research.segment import facts_section
from tests.research.conftest import REPO, sample_text

LABELS = REPO / "data" / "labels" / "similar_incidents.jsonl"


def test_every_expected_precedent_is_in_the_sample_with_its_facts(shared_opinions: Path) -> None:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 15 and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert len(row["narrative"].split()) >= 20, row["id"]
        assert {Conduct(c) for c in row["conduct"]} and Custody(row["custody"])
        date = dt.date.fromisoformat(row["incident_date"])
        assert row["expected"], row["id"]
        for e in row["expected"]:
            assert dt.date.fromisoformat(e["date_filed"]) < date, (row["id"], e["case_name"])
            text = sample_text(shared_opinions, e["sample_file"], e["case_name"])
            section = facts_section(text).text
            assert e["facts_quote"] in section, (row["id"], e["case_name"])
