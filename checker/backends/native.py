"""Compiled code checker builds for itself (the e5 shim): where it may be loaded from.

Loading a shared library runs its constructors, so a library is loaded only when

- its folder and the file belong to this account and no one else may write them
  (a folder a repository, a CI cache or another user controls could hold a planted one);
- its sha256 equals the one recorded when checker built it (`NAME.sha256` beside it).

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


@contextlib.contextmanager
def _locked(folder: Path, exclusive: bool) -> Iterator[None]:
    """The folder's lock: a library and its record change together (exclusive) and are read
    together (shared), so concurrent first runs never see one's record beside the other's library."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no concurrent builds to order
        yield
        return
    try:
        # a reader never creates it: without one, no library was ever installed here
        flags = os.O_RDWR | os.O_CREAT if exclusive else os.O_RDONLY
        fd = os.open(folder / ".lock", flags | os.O_NOFOLLOW, 0o600)
    except OSError:
        yield  # no lock file yet, or a folder the ownership checks refuse anyway
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def install_library(built: Path, target: Path) -> None:
    """Record the sha256 of a freshly built library, then move it into place (0755)."""
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    os.chmod(built, 0o755)
    with _locked(target.parent, exclusive=True):
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
    if not library.parent.is_dir():
        return None
    with _locked(library.parent, exclusive=False):
        return _checked_fd(library)


def _checked_fd(library: Path) -> int | None:
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


def verified_library(library: Path) -> str:
    """`library` as a path for ctypes.CDLL, after every check (see the module docstring);
    a ModelUnavailableError when one fails. Loaded by its path, not /proc/self/fd/N: the
    dynamic loader takes a name it has seen for the library loaded under it before. Between
    the check and the load only this account could change the file (the folder is its own
    and closed to others)."""
    if trusted_library(library) is None:
        raise ModelUnavailableError(f"{library}: not a library checker built here (owner, permissions or sha256 differ); not loaded")
    return str(library)
