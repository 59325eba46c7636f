"""The index follows the corpus: built once, reused, rebuilt when opinions are added."""

from __future__ import annotations

from pathlib import Path

from monell.research.precedents import index_directory, open_retrieval
from monell.storage.database import open_database


def test_rebuilt_only_when_the_corpus_changes(tmp_path: Path, shared_opinions: Path) -> None:
    from monell.corpus.ingest_jsonl import load_jsonl

    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    engine = open_database(url)
    load_jsonl(engine, shared_opinions / "scotus.jsonl")
    said: list[str] = []
    first = open_retrieval(engine, url, progress=said.append, semantic=False)
    assert first.mode == "bm25" and len(said) == 1 and "building" in said[0]
    assert first.index.directory == index_directory(url) == tmp_path / "c.sqlite3.research"
    assert first.index.manifest["opinions"] == 62

    said.clear()
    again = open_retrieval(engine, url, progress=said.append, semantic=False)
    assert said == [] and again.index.fingerprint == first.index.fingerprint

    load_jsonl(engine, shared_opinions / "ca1_1983.jsonl")
    rebuilt = open_retrieval(engine, url, progress=said.append, semantic=False)
    assert len(said) == 1 and rebuilt.index.manifest["opinions"] == 62 + 104
    engine.dispose()


def test_postgres_urls_get_a_folder_in_the_data_dir() -> None:
    a = index_directory("postgresql+psycopg://u:secret@db.example/monell")
    b = index_directory("postgresql+psycopg://u:other@db.example/monell")
    assert a == b  # the password is not part of the name
    assert "secret" not in str(a) and a.name.startswith("research-")
