"""The html memo in a real browser: headless Chromium renders it, with no network, and the
page a client would see has the plain summary first and every table laid out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from monell.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (scripts/system_deps.sh installs it)"
)


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("memo") / "memo.html"
    result = CliRunner().invoke(
        cli,
        [
            "assess",
            str(ROOT / "examples" / "st_louis_excessive_force.yaml"),
            "--format",
            "html",
            "-o",
            str(out),
        ],
        env={"MONELL_DB": f"sqlite:///{out.parent / 'none.sqlite3'}"},
    )
    assert result.exit_code == 0, result.output
    return out


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_browser_dom_has_summary_before_memo(memo: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", memo.as_uri()).stdout
    assert dom.index("In plain words") < dom.index("Memo for counsel")
    assert dom.count("<table>") >= 2 and "not legal advice" in dom


def test_browser_screenshot_is_a_rendered_page(memo: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "memo.png"
    chromium(tmp_path, "--window-size=1000,1400", f"--screenshot={shot}", memo.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size == (1000, 1400)
    low, high = image.getextrema()
    assert high - low > 100  # text on a page, not a blank or an error screen
