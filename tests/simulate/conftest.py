"""Small parameter sets so the whole folder runs in seconds."""

from __future__ import annotations

import pytest

from monell.simulate.params import Params, load_params


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
