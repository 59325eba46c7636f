"""Precision and recall of the category rules against hand labels.

The labels (data/labels/settlement_categories.csv) were assigned by reading each row's text, not
by running the rules. Each row carries a `split`: rules were tuned only while looking at
`tune` rows; `heldout` rows are reported separately as the honest estimate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monell.payouts.categories import Category, Rule, categorise

SPLITS = ("tune", "heldout")
LABEL_COLUMNS = ("source_file", "source_line", "text", "matter_name", "categories", "split", "note")


class LabelError(ValueError):
    """The labels file is malformed; names file:line and the fix."""


@dataclass(frozen=True)
class LabelledRow:
    source_file: str
    source_line: int
    text: str
    matter_name: str
    categories: frozenset[Category]
    split: str
    note: str


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None


@dataclass(frozen=True)
class Evaluation:
    rows: dict[str, int]  # split → rows
    scores: dict[str, dict[Category, Score]]  # split ("tune", "heldout", "all") → category → score
    exact: dict[str, float]  # split → share of rows whose label set is exactly right

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "exact_match": self.exact,
            "scores": {
                split: {
                    category.value: {
                        "support": s.support,
                        "tp": s.tp,
                        "fp": s.fp,
                        "fn": s.fn,
                        "precision": s.precision,
                        "recall": s.recall,
                    }
                    for category, s in by_category.items()
                }
                for split, by_category in self.scores.items()
            },
        }


def default_labels_path() -> Path:
    # src/monell/payouts/evaluate.py → repo root / data / labels
    return Path(__file__).resolve().parents[3] / "data" / "labels" / "settlement_categories.csv"


def load_labels(path: Path) -> list[LabelledRow]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise LabelError(f"{path}: cannot read: {exc.strerror}") from exc
    rows: list[LabelledRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LabelError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for record in reader:
            where = f"{path}:{reader.line_num}"
            try:
                categories = frozenset(
                    Category(c.strip()) for c in record["categories"].split(";") if c.strip()
                )
            except ValueError as exc:
                raise LabelError(
                    f"{where}: unknown category in {record['categories']!r}; use "
                    + ", ".join(c.value for c in Category)
                ) from exc
            if not categories:
                raise LabelError(f"{where}: no categories (use unknown for a blank text)")
            if record["split"] not in SPLITS:
                raise LabelError(f"{where}: split must be one of {SPLITS}")
            rows.append(
                LabelledRow(
                    source_file=record["source_file"],
                    source_line=int(record["source_line"]),
                    text=record["text"],
                    matter_name=record["matter_name"],
                    categories=categories,
                    split=record["split"],
                    note=record["note"],
                )
            )
    return rows


def evaluate(rows: list[LabelledRow], rules: tuple[Rule, ...] | None = None) -> Evaluation:
    counts: dict[str, dict[Category, list[int]]] = {
        split: {c: [0, 0, 0] for c in Category} for split in (*SPLITS, "all")
    }
    exact_hits = {split: 0 for split in (*SPLITS, "all")}
    totals = {split: 0 for split in (*SPLITS, "all")}
    for row in rows:
        predicted = set(categorise(row.text or None, row.matter_name or None, rules))
        for split in (row.split, "all"):
            totals[split] += 1
            exact_hits[split] += predicted == set(row.categories)
            for category in Category:
                tally = counts[split][category]
                if category in predicted and category in row.categories:
                    tally[0] += 1
                elif category in predicted:
                    tally[1] += 1
                elif category in row.categories:
                    tally[2] += 1
    return Evaluation(
        rows=totals,
        scores={
            split: {c: Score(*tally) for c, tally in by_category.items()}
            for split, by_category in counts.items()
        },
        exact={s: (exact_hits[s] / totals[s] if totals[s] else 0.0) for s in totals},
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def to_markdown(result: Evaluation) -> str:
    lines = [
        "Allegation categories: rules in `src/monell/payouts/category_rules.yaml` against "
        "hand labels in `data/labels/settlement_categories.csv` "
        f"({result.rows['all']} rows: {result.rows['tune']} tune, "
        f"{result.rows['heldout']} held out from tuning).",
        "",
        "| category | tune n | tune P | tune R | held-out n | held-out P | held-out R |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for category in Category:
        tune = result.scores["tune"][category]
        held = result.scores["heldout"][category]
        lines.append(
            f"| {category.value} | {tune.support} | {_pct(tune.precision)} | "
            f"{_pct(tune.recall)} | {held.support} | {_pct(held.precision)} | "
            f"{_pct(held.recall)} |"
        )
    lines += [
        "",
        f"Exact label-set match: tune {result.exact['tune']:.2f}, "
        f"held-out {result.exact['heldout']:.2f}. n = rows labelled with the category; "
        "P = precision, R = recall; — = no predictions or no such rows.",
    ]
    return "\n".join(lines) + "\n"


def disagreements(rows: list[LabelledRow], split: str = "tune") -> list[str]:
    """Rows where rules and labels differ, for tuning (only ever run on the tune split)."""
    out = []
    for row in rows:
        if row.split != split:
            continue
        predicted = set(categorise(row.text or None, row.matter_name or None))
        if predicted != set(row.categories):
            out.append(
                f"{row.source_file}:{row.source_line}: {row.text[:90]!r} "
                f"label={sorted(c.value for c in row.categories)} "
                f"rules={sorted(c.value for c in predicted)}"
            )
    return out
