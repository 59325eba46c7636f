"""Precision and recall of the QI rules against the hand-labelled opinions.

`data/labels/qi_labels.jsonl` holds one row per opinion of the shared sample: the labels a
person gave it by reading the text, the sentence behind each label, and a fixed `split`
(`dev` rows were looked at while writing the rules in `qi.py`; `holdout` rows measure them).
The labels name the opinion by its sample id; the texts come from the sample files, which are
not copied into the repo (see data/labels/SOURCES.md).

Scoring, per field:
- decides_qi: a yes/no label; precision and recall of "yes".
- result, disposition: a prediction counts when it is not empty; it is right when it equals
  the label (an empty label makes any non-empty prediction wrong).
- rights, prong: sets; every (opinion, code) pair is one decision.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from monell.research.qi import QiSignals

FIELDS = ("decides_qi", "result", "disposition", "rights", "prong")


class LabelError(ValueError):
    """A label file row is malformed; the message names file:line and the field."""


@dataclass(frozen=True)
class Label:
    id: str
    source_file: str
    split: str
    decides_qi: bool
    result: str | None
    disposition: str | None
    rights: frozenset[str]
    prongs: frozenset[str]
    sentences: dict[str, str | None]


def load_labels(path: Path) -> list[Label]:
    rows: list[Label] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            try:
                raw = json.loads(line)
                rows.append(
                    Label(
                        id=raw["id"],
                        source_file=raw["source_file"],
                        split=raw["split"],
                        decides_qi=bool(raw["decides_qi"]["value"]),
                        result=raw["result"]["value"],
                        disposition=raw["disposition"]["value"],
                        rights=frozenset(raw["rights"]["value"]),
                        prongs=frozenset(raw["prong"]["value"]),
                        sentences={f: raw[f]["sentence"] for f in FIELDS},
                    )
                )
            except (KeyError, TypeError, json.JSONDecodeError) as exc:
                raise LabelError(
                    f"{where}: malformed label row ({exc!r}); see "
                    "data/labels/SOURCES.md for the row format"
                ) from exc
    return rows


def opinion_texts(opinions_dir: Path, labels: Iterable[Label]) -> dict[str, str]:
    """The text of every labelled opinion, read from the shared sample files."""
    wanted: dict[str, set[str]] = {}
    for label in labels:
        wanted.setdefault(label.source_file, set()).add(label.id)
    texts: dict[str, str] = {}
    for name, ids in wanted.items():
        path = opinions_dir / name
        if not path.exists():
            raise LabelError(
                f"{path}: sample file not found; pass --opinions DIR pointing at "
                "shared/data/opinions"
            )
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if record["id"] in ids and record["id"] not in texts:
                    texts[record["id"]] = record["text"]
    missing = {i for ids in wanted.values() for i in ids} - texts.keys()
    if missing:
        raise LabelError(f"labelled opinions not in the sample: {sorted(missing)}")
    return texts


@dataclass(frozen=True)
class Score:
    field: str
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.actual if self.actual else None


def _pairs(label: Label, signals: QiSignals) -> Iterator[tuple[str, int, int, int]]:
    yield (
        "decides_qi",
        int(label.decides_qi and signals.decides),
        int(signals.decides),
        int(label.decides_qi),
    )
    for field, gold, got in (
        ("result", label.result, signals.result),
        ("disposition", label.disposition, signals.disposition),
    ):
        got_s = str(got) if got is not None else None
        yield (
            field,
            int(got_s is not None and got_s == gold),
            int(got_s is not None),
            int(gold is not None),
        )
    for field, gold_set, got_set in (
        ("rights", label.rights, {str(r) for r in signals.rights}),
        ("prong", label.prongs, {str(p) for p in signals.prongs}),
    ):
        yield (field, len(gold_set & got_set), len(got_set), len(gold_set))


def evaluate(labels: Iterable[Label], predict: Callable[[Label], QiSignals]) -> list[Score]:
    totals = {f: [0, 0, 0] for f in FIELDS}
    for label in labels:
        for field, tp, pred, act in _pairs(label, predict(label)):
            totals[field][0] += tp
            totals[field][1] += pred
            totals[field][2] += act
    return [Score(f, *totals[f]) for f in FIELDS]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def table(scores: list[Score], title: str) -> str:
    lines = [
        f"{title}",
        "",
        "| field | precision | recall | TP | predicted | labelled |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.field} | {_fmt(s.precision)} | {_fmt(s.recall)} | "
            f"{s.true_positives} | {s.predicted} | {s.actual} |"
        )
    return "\n".join(lines)
