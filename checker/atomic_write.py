"""Files written whole or not at all: a temporary file in the same folder, then a rename.

Reports, baselines and the memos in the cache folder all go through `write_atomic`, so a
run killed half-way leaves the previous file, never half a new one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8, `\\n` newlines) to `path` through a temporary file and a rename.

    An existing file keeps its permission bits; a new one gets 0644 (mkstemp's 0600 would
    hide a report from a web server or another CI user).
    """
    write_all_atomic([(Path(path), text)])


def write_all_atomic(files: list[tuple[Path, str]]) -> None:
    """Write several files as one: every temporary file is written first, and only when all
    are complete are they renamed into place. A full disk or an unwritable folder leaves
    every old file as it was (never a new JSON beside the old HTML)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            target = Path(path)
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
