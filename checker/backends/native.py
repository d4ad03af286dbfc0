"""Compiled code checker builds for itself (the e5 shim): where it may be loaded from.

Loading a shared library runs its constructors, so a library is loaded only when

- its folder and the file belong to this account and no one else may write them
  (a folder a repository, a CI cache or another user controls could hold a planted one);
- its sha256 equals the one recorded when checker built it (`NAME.sha256` beside it),
  read from the same open file that is then loaded (no swap between check and load).

Anything else is not loaded: the caller rebuilds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import Iterator

from checker.atomic_write import write_atomic
from checker.errors import ModelUnavailableError

_RECORD_SUFFIX = ".sha256"
# Bits that let another account replace a file or add one to a folder.
_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def _ours(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & _OTHERS_WRITE


def private_folder(folder: Path) -> None:
    """Create `folder` (0700) or accept an existing one only when it is ours and closed to others."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or not _ours(st):
        raise ModelUnavailableError(
            f"{folder}: compiled code is kept only in a folder of your own that no one else may write "
            "(this one is a link, another account's, or writable by others); "
            "fix its owner and permissions (chmod go-w) or set CHECKER_NATIVE_DIR to another folder"
        )


def _record(library: Path) -> Path:
    return library.with_name(library.name + _RECORD_SUFFIX)


def install_library(built: Path, target: Path) -> None:
    """Record the sha256 of a freshly built library, then move it into place (0755)."""
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    os.chmod(built, 0o755)
    write_atomic(_record(target), digest + "\n")
    os.replace(built, target)  # atomic: readers see no file or the whole file


def _recorded(library: Path) -> str | None:
    record = _record(library)
    try:
        fd = os.open(record, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not _ours(os.fstat(fh.fileno())):
            return None
        return fh.read(200).decode("ascii", "replace").strip() or None


def _verified_fd(library: Path) -> int | None:
    """An open descriptor of `library` when every check passes, else None."""
    try:
        folder = library.parent.lstat()
        fd = os.open(library, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        expected = _recorded(library)
        if not (stat.S_ISDIR(folder.st_mode) and _ours(folder) and stat.S_ISREG(st.st_mode) and _ours(st) and expected):
            os.close(fd)
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: os.read(fd, 1 << 20), b""):
            digest.update(block)
        if digest.hexdigest() != expected:
            os.close(fd)
            return None
        os.lseek(fd, 0, os.SEEK_SET)
        return fd
    except OSError:
        os.close(fd)
        return None


def trusted_library(library: Path) -> Path | None:
    """`library` when it may be loaded (see the module docstring), else None."""
    fd = _verified_fd(library)
    if fd is None:
        return None
    os.close(fd)
    return library


@contextlib.contextmanager
def open_trusted_library(library: Path) -> Iterator[str]:
    """A path for ctypes.CDLL that names the very file just verified (/proc/self/fd/N where
    the system has it). Raises ModelUnavailableError when the library fails a check."""
    fd = _verified_fd(library)
    if fd is None:
        raise ModelUnavailableError(f"{library}: not a library checker built here (owner, permissions or sha256 differ); not loaded")
    try:
        by_fd = f"/proc/self/fd/{fd}"
        yield by_fd if os.path.exists(by_fd) else str(library)
    finally:
        os.close(fd)
