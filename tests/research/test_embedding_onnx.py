"""ONNX Runtime encodes with the packaged model's own weights and gives torch's vectors."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from monell.research.embedding import PackagedEncoder, _onnx_session, load_encoder

TEXTS = [
    "Officers tased a handcuffed man who lay face down and did not resist.",
    "qualified immunity",
    "The district court denied summary judgment on the excessive force claim because a "
    "reasonable jury could find that the officer struck the plaintiff after he had been "
    "subdued, and the law clearly established that such force was unreasonable. " * 4,
    "",
]


@pytest.fixture(scope="module")
def encoder() -> PackagedEncoder:
    return load_encoder()


def test_onnx_vectors_equal_torch_vectors(encoder: PackagedEncoder) -> None:
    assert encoder.session is not None  # onnxruntime is a dependency: it must be in use
    ours = encoder.encode(TEXTS)  # one padded batch: short, long (truncated) and empty texts
    theirs = encoder.encode_torch(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), encoder.dim)
    assert np.allclose(ours, theirs, atol=1e-5)
    one_by_one = np.vstack([encoder.encode([t]) for t in TEXTS])
    assert np.allclose(ours, one_by_one, atol=1e-5)  # padding never leaks into the pooling
    assert np.allclose(np.linalg.norm(ours[:3], axis=1), 1.0, atol=1e-5)


def test_a_damaged_export_is_made_again(encoder: PackagedEncoder, tmp_path: Path) -> None:
    assert _onnx_session(encoder.model, tmp_path) is not None
    (exported,) = tmp_path.glob("*.onnx")
    exported.write_bytes(b"half a model")  # e.g. a disk filled up by something else
    session = _onnx_session(encoder.model, tmp_path)
    assert session is not None
    assert exported.stat().st_size > 1_000_000  # the real weights again
    assert not list(tmp_path.glob("*.part"))  # no temporary file left behind


def test_without_onnxruntime_torch_encodes(
    encoder: PackagedEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    assert _onnx_session(encoder.model, tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_query_encoder_without_torch_gives_torch_vectors(encoder: PackagedEncoder) -> None:
    """`monell precedents search` encodes its query with the exported ONNX file and the
    packaged tokenizer.json, never importing torch (the 6 s of the old 8.6 s command)."""
    import subprocess

    code = (
        "import sys, json\n"
        "from monell.research.embedding import load_query_encoder, encode_query\n"
        "enc = load_query_encoder()\n"
        f"texts = {TEXTS!r}\n"
        "vectors = enc.encode(texts).tolist()\n"
        "long = encode_query(enc, ' '.join(texts[:3]) * 3).tolist()\n"
        "print(json.dumps([type(enc).__name__, 'torch' in sys.modules,"
        " 'sentence_transformers' in sys.modules, vectors, long]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    kind, torch_loaded, st_loaded, vectors, long = json.loads(done.stdout)
    assert kind == "OnnxQueryEncoder"
    assert not torch_loaded and not st_loaded
    assert np.allclose(np.asarray(vectors), encoder.encode_torch(TEXTS), atol=1e-5)
    from monell.research.embedding import encode_query

    assert np.allclose(np.asarray(long), encode_query(encoder, " ".join(TEXTS[:3]) * 3), atol=1e-5)


def test_query_encoder_falls_back_to_torch_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from monell.research.embedding import load_query_encoder

    load_query_encoder.cache_clear()
    monkeypatch.setenv("MONELL_QUERY_ENCODER", "torch")
    try:
        assert isinstance(load_query_encoder(), PackagedEncoder)
    finally:
        load_query_encoder.cache_clear()
