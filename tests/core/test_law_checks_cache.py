"""The kept citation checks (monell.law.checked) give exactly the live answers, and a missing,
damaged, stale or unwritable cache never changes an answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from monell.domain.vocabulary import AuthorityKind, CitationStatus
from monell.law import checked
from monell.law.book import load_law
from monell.law.verify import check_authority, check_authority_live


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(checked, "cache_dir", lambda: tmp_path / "cache")
    checked.checked_authorities.cache_clear()
    yield tmp_path / "cache"
    checked.checked_authorities.cache_clear()


def _case_rows() -> list:  # type: ignore[type-arg]
    return [a for a in load_law().authorities.values() if a.kind is AuthorityKind.CASE]


def test_every_case_row_is_answered_as_the_live_check_answers(cache_in: Path) -> None:
    rows = _case_rows()
    assert len(rows) > 30
    for row in rows:
        args = (row.kind, row.name, row.citation, row.year, row.confidence)
        assert check_authority(*args) == check_authority_live(*args), row.key
    # the Supreme Court's Graham v. Connor is in the bundled sample: verified
    graham = next(r for r in rows if r.citation == "490 U.S. 386")
    status, verified, _, _ = check_authority(
        graham.kind, graham.name, graham.citation, graham.year, graham.confidence
    )
    assert (status, verified) == (CitationStatus.FOUND, True)


def test_the_answers_are_written_once_and_read_back(cache_in: Path) -> None:
    first = checked.checked_authorities()
    files = list(cache_in.glob("law-checks-*.json"))
    assert [f.name for f in files] == [f"law-checks-{checked.fingerprint()}.json"]
    checked.checked_authorities.cache_clear()
    # a second process reads the file: doctor one answer and see it come back
    data = json.loads(files[0].read_text(encoding="utf-8"))
    data["checks"][0][-1] = "read from the kept file"
    files[0].write_text(json.dumps(data), encoding="utf-8")
    again = checked.checked_authorities()
    assert "read from the kept file" in {check[3] for check in again.values()}
    assert again.keys() == first.keys()


def test_answers_for_other_data_are_removed_when_new_ones_are_kept(cache_in: Path) -> None:
    cache_in.mkdir(parents=True)
    stale = cache_in / "law-checks-00000000000000000000000000000000.json"
    stale.write_text('{"format": 1, "checks": []}', encoding="utf-8")
    other = cache_in / "eyecite-hyperscan"
    other.mkdir()
    checked.checked_authorities()
    assert not stale.exists()
    assert other.exists()  # only this module's files are touched
    assert [f.name for f in cache_in.glob("law-checks-*.json")] == [
        f"law-checks-{checked.fingerprint()}.json"
    ]


def test_a_damaged_file_is_computed_again_and_replaced(cache_in: Path) -> None:
    live = checked.build()
    path = cache_in / f"law-checks-{checked.fingerprint()}.json"
    cache_in.mkdir(parents=True)
    for damage in ("{not json", json.dumps({"format": 99, "checks": []}), '{"format": 1}'):
        path.write_text(damage, encoding="utf-8")
        checked.checked_authorities.cache_clear()
        assert checked.checked_authorities() == live
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == checked.FORMAT


def test_an_unknown_status_in_the_file_is_not_trusted(cache_in: Path) -> None:
    checked.checked_authorities()
    path = next(cache_in.glob("law-checks-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["checks"][0][4] = "renamed_status"
    path.write_text(json.dumps(data), encoding="utf-8")
    checked.checked_authorities.cache_clear()
    assert checked.checked_authorities() == checked.build()


def test_an_unwritable_cache_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(checked, "cache_dir", lambda: blocker / "cache")
    checked.checked_authorities.cache_clear()
    try:
        assert checked.checked_authorities() == checked.build()
    finally:
        checked.checked_authorities.cache_clear()


def test_a_new_eyecite_or_reporters_db_makes_a_new_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is what keeps an old answer from being read after the law data, verify.py or
    the parsing libraries change."""
    before = checked.fingerprint()
    assert checked.fingerprint() == before
    real = checked.metadata.version
    for package in ("eyecite", "reporters-db"):
        monkeypatch.setattr(
            checked.metadata, "version", lambda p, pkg=package: "0.0.1" if p == pkg else real(p)
        )
        assert checked.fingerprint() != before, package
    monkeypatch.setattr(checked.metadata, "version", real)
    assert checked.fingerprint() == before


def test_a_citation_outside_the_book_is_checked_live(cache_in: Path) -> None:
    row = _case_rows()[0]
    assert (
        checked.cached_check("Not A Case v. In The Book", "1 U.S. 1", 1790, row.confidence) is None
    )
