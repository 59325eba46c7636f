"""The csv module's field-size cap is one per process: importing the settlement importer after
the corpus loader must not shrink it, or a corpus load in the same process (the test run, a
notebook) would refuse opinion texts over 10 MB."""

from __future__ import annotations

import subprocess
import sys


def test_settlement_importer_never_lowers_the_corpus_cap() -> None:
    code = (
        "import csv, monell.corpus.bulkcsv, monell.payouts.importer; print(csv.field_size_limit())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == 2**31 - 1
