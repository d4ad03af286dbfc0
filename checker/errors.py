"""Errors that end a run with exit code 2 and a message naming the file and the fix."""

from __future__ import annotations


class CheckerError(Exception):
    """A usage or input problem the user can fix. The CLI prints it and exits 2."""


class InputError(CheckerError):
    def __init__(self, path: str, problem: str, fix: str = "") -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        msg = f"{path}: {problem}"
        if fix:
            msg += f" ({fix})"
        super().__init__(msg)


class ModelUnavailableError(CheckerError):
    """Weights a backend needs are not on this machine."""
