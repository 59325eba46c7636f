"""Files written whole or not at all: memos, charts, exports."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`: a crash,
    a full disk or a kill mid-write never leaves half a file, and an old file stays whole.
    OSError propagates for the caller to word (the CLI names the option and the fix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name must stay within the file system's 255 bytes even for a long name.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:200]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from its reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
