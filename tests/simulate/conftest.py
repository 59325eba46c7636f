"""Small parameter sets so the whole folder runs in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monell.simulate.params import Params, load_params

REPO = Path(__file__).resolve().parents[2]


def settlements_db(tmp_path_factory: pytest.TempPathFactory, files: list[str]) -> str:
    """A SQLite database with these files of data/settlements imported (monell payouts import)."""
    from monell.cli.main import cli

    url = f"sqlite:///{tmp_path_factory.mktemp('settlements') / 'p.sqlite3'}"
    paths = [str(REPO / "data" / "settlements" / f) for f in files]
    result = CliRunner().invoke(cli, ["payouts", "import", *paths, "--db", url])
    assert result.exit_code == 0, result.output
    return url


def small(
    params: Params, *, runs: int = 6, years: int = 4, batch_size: int = 3, scale: float = 0.02
) -> Params:
    """`params` on 2% of the national agencies (about 300), a few runs and years."""
    return params.model_copy(
        update={
            "population": params.population.model_copy(update={"scale": scale}),
            "run": params.run.model_copy(
                update={"runs": runs, "years": years, "batch_size": batch_size}
            ),
        }
    )


@pytest.fixture
def baseline() -> Params:
    return small(load_params("baseline"))
