"""A long query is read whole by the model: cut into runs that fit its window, each encoded,
the vectors averaged by length; a query that fits is encoded as it is."""

from __future__ import annotations

import numpy as np
import pytest

from monell.research.embedding import QUERY_CHUNK_WORDS, encode_query


class RecordingEncoder:
    """Encodes a text as the unit vector of its words' lengths (mod 8); records inputs."""

    name = "recording"
    dim = 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return _vectors(texts, self.dim)


class TokenizingEncoder(RecordingEncoder):
    """Like the packaged model: counts word pieces (here: digits cost 3 pieces, words 1)."""

    max_pieces = 40

    def count_pieces(self, text: str) -> int:
        return sum(3 if w.isdigit() else 1 for w in text.split())


def _vectors(texts: list[str], dim: int) -> np.ndarray:
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.split():
            out[i, len(word) % dim] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def _weighted(texts: list[str], weights: list[int]) -> np.ndarray:
    v = (_vectors(texts, 8) * np.asarray(weights, dtype=np.float32)[:, None]).sum(axis=0)
    return v / np.linalg.norm(v)


def test_a_200_word_fact_section_is_cut_into_equal_runs_the_model_reads_whole() -> None:
    words = [f"w{i}" for i in range(200)]
    encoder = RecordingEncoder()
    vector = encode_query(encoder, " ".join(words))
    sizes = [len(chunk.split()) for chunk in encoder.seen]
    assert sizes == [67, 66, 67]  # three runs, as even as the words allow
    assert max(sizes) <= QUERY_CHUNK_WORDS
    assert " ".join(encoder.seen).split() == words  # every word, in order, once
    np.testing.assert_allclose(vector, _weighted(encoder.seen, sizes), rtol=1e-6)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-6


def test_one_word_over_the_window_does_not_get_half_the_weight() -> None:
    text = " ".join(["officer"] * 70 + ["retaliation"])
    encoder = RecordingEncoder()
    vector = encode_query(encoder, text)
    sizes = [len(chunk.split()) for chunk in encoder.seen]
    assert sizes == [36, 35]  # not 70 + 1
    whole = _vectors([text], 8)[0]
    assert float(vector @ whole) > 0.99  # close to what the whole text means


def test_the_models_own_word_pieces_decide_when_it_has_a_tokenizer() -> None:
    # 30 words fit a 70-word rule, but with numbers they are 50 pieces: over the 40 window.
    words = ["shot"] * 20 + ["1983"] * 10
    encoder = TokenizingEncoder()
    encode_query(encoder, " ".join(words))
    assert len(encoder.seen) >= 2
    assert all(encoder.count_pieces(c) <= encoder.max_pieces for c in encoder.seen)
    assert " ".join(encoder.seen).split() == words


@pytest.mark.parametrize("encoder", [RecordingEncoder(), TokenizingEncoder()])
def test_a_query_that_fits_is_encoded_whole(encoder: RecordingEncoder) -> None:
    text = "officer tased a handcuffed man 2019"
    vector = encode_query(encoder, text)
    assert encoder.seen == [text]
    np.testing.assert_allclose(vector, _vectors([text], 8)[0], rtol=1e-6)


def test_an_empty_query_does_not_divide_by_zero() -> None:
    vector = encode_query(RecordingEncoder(), "   ")
    assert not np.isnan(vector).any()
