"""A long query is read whole by the model: chunked, each chunk encoded, vectors averaged."""

from __future__ import annotations

import numpy as np

from monell.research.embedding import QUERY_CHUNK_WORDS, encode_query


class RecordingEncoder:
    """Encodes a text as the unit vector of its word count per hashed word; records inputs."""

    name = "recording"
    dim = 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                out[i, len(word) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def test_a_200_word_fact_section_is_encoded_in_chunks_the_model_reads_whole() -> None:
    words = [f"w{i}" for i in range(200)]
    encoder = RecordingEncoder()
    vector = encode_query(encoder, " ".join(words))
    assert [len(chunk.split()) for chunk in encoder.seen] == [70, 70, 60]
    assert " ".join(encoder.seen).split() == words  # every word, in order, once
    expected = encoder.encode(encoder.seen[:3]).mean(axis=0)
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), rtol=1e-6)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-6


def test_a_short_query_is_one_chunk_and_the_models_own_vector() -> None:
    encoder = RecordingEncoder()
    text = "officer tased a handcuffed man"
    vector = encode_query(encoder, text)
    assert encoder.seen == [text]
    np.testing.assert_allclose(vector, encoder.encode([text])[0], rtol=1e-6)
    assert QUERY_CHUNK_WORDS < 90  # 128 word pieces hold about 90 English words


def test_an_empty_query_does_not_divide_by_zero() -> None:
    vector = encode_query(RecordingEncoder(), "   ")
    assert not np.isnan(vector).any()
