"""Errors the ingest pipeline reports to the user (CLI exit code 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    """One malformed input row: where it is and what is wrong with it."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class IngestError(ValueError):
    """Input that cannot be loaded; nothing from the offending file was written."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)
