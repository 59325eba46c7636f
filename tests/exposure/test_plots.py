"""Charts are valid PNG and SVG files, deterministic, and refuse other formats."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from monell.exposure import plots
from monell.exposure.comparables import comparables_from_store
from monell.exposure.cpi import load_cpi
from monell.payouts.store import SettlementStore
from tests.exposure.conftest import make_incident

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figures(store: SettlementStore) -> dict[str, object]:
    result = comparables_from_store(make_incident(), store, load_cpi(), 2020)
    records = store.query(state="MO", city="Kansas City")
    return {
        "comparables": plots.comparables_figure(
            plots.bands_from_comparables(result), 2020, "Comparable settlements"
        ),
        "per_year": plots.payouts_per_year_figure(plots.per_year(records), "Kansas City, MO"),
        "empty": plots.comparables_figure([], 2020, "Nothing loaded"),
    }


def test_png_and_svg_files_are_valid(store: SettlementStore, tmp_path: Path) -> None:
    for name, fig in figures(store).items():
        png = plots.save(fig, tmp_path / f"{name}.png")
        svg = plots.save(fig, tmp_path / f"{name}.svg")
        assert png.read_bytes().startswith(PNG_MAGIC)
        root = ET.fromstring(svg.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_svg_is_reproducible(store: SettlementStore) -> None:
    fig = figures(store)["per_year"]
    assert plots.render(fig, "svg") == plots.render(fig, "svg")


def test_per_year_totals(store: SettlementStore) -> None:
    years = plots.per_year(store.query(state="MO", city="Kansas City"))
    assert {y: (float(t), n) for y, (t, n) in years.items()} == {
        2014: (50000.0, 1), 2015: (100000.0, 1), 2016: (40000.0, 1), 2017: (30000.0, 1),
        2018: (200000.0, 1),
    }  # fmt: skip


def test_data_uri_is_a_png(store: SettlementStore) -> None:
    uri = plots.data_uri(figures(store)["per_year"])
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(PNG_MAGIC)


def test_other_suffix_is_refused(store: SettlementStore, tmp_path: Path) -> None:
    with pytest.raises(plots.PlotError, match=r"\.png or \.svg"):
        plots.save(figures(store)["empty"], tmp_path / "chart.pdf")
