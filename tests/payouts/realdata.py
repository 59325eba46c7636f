"""Where the real city files are: the repo copy that the product ships."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SETTLEMENTS = REPO / "data" / "settlements"
FIXTURES = Path(__file__).parent / "fixtures"

# Data rows per file, counted with Python's csv module (quoted cells span lines, so these are
# not `wc -l` - 1). The officer lists are the `*_police_edited.csv` files.
EXPECTED_ROWS = {
    "atlanta_edited.csv": 65,
    "baltimore_edited.csv": 82,
    "baton_rouge_edited.csv": 30,
    "baton_rouge_police_edited.csv": 69,
    "boston_edited.csv": 51,
    "cambridge_edited.csv": 4,
    "cambridge_police_edited.csv": 4,
    "charleston_edited.csv": 59,
    "chicago_edited.csv": 1515,
    "cincinnati_edited.csv": 54,
    "cleveland_edited.csv": 142,
    "columbia_edited.csv": 30,
    "fort_lauderdale_edited.csv": 58,
    "indianapolis_edited.csv": 237,
    "little_rock_edited.csv": 8,
    "little_rock_police_edited.csv": 14,
    "los_angeles_edited.csv": 997,
    "memphis_edited.csv": 254,
    "miami_edited.csv": 87,
    "milwaukee_edited.csv": 56,
    "new_orleans_edited.csv": 28,
    "new_orleans_police_edited.csv": 32,
    "north_charleston_edited.csv": 108,
    "orlando_edited.csv": 38,
    "paterson_edited.csv": 69,
    "richmond_edited.csv": 10,
    "roanoke_edited.csv": 2,
    "roanoke_police_edited.csv": 2,
    "san_francisco_edited.csv": 87,
    "springfield_edited.csv": 40,
    "stlouis_edited.csv": 14,
    "waterbury_edited.csv": 15,
}


def all_city_files() -> list[Path]:
    return sorted(SETTLEMENTS.glob("*/*.csv"))


def city_file(name: str) -> Path:
    matches = sorted(SETTLEMENTS.glob(f"*/{name}"))
    assert len(matches) == 1, name
    return matches[0]
