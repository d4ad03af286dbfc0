"""checker's own reports in a folder scan: known by where checker wrote them, never by content.

A translation can hold any text a report holds (a generator tag, a schema key), so a folder
scan skips a file only when

- it is an output of this run (its --json, --html, --format or default report paths), or
  its --decisions or --baseline file;
- it lies in a reports folder of this run (--reports-dir, default `reports/`, or the folder
  of one of its outputs) and the manifest checker keeps beside every report it writes
  (`.checker-reports.json`) lists it with the sha256 it has now (a translation saved over an
  old report is read). A manifest anywhere else counts for nothing: a translator could
  write one beside a translation.

Each file skipped goes into the run's list of files not compared, with the reason: a scan
never drops a file silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .atomic_write import write_atomic
from .errors import CheckerError

MANIFEST = ".checker-reports.json"
SCHEMA = "checker-reports/1"
# A manifest lists a few report names; a larger file is not one checker wrote.
_MAX_MANIFEST_BYTES = 1024 * 1024


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_manifest(folder: Path) -> dict[str, str]:
    """name -> sha256; empty for a missing, oversized or foreign file (never an error)."""
    path = folder / MANIFEST
    try:
        if path.stat().st_size > _MAX_MANIFEST_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    reports = data.get("reports") if isinstance(data, dict) and data.get("schema") == SCHEMA else None
    if not isinstance(reports, dict):
        return {}
    return {k: v for k, v in reports.items() if isinstance(k, str) and isinstance(v, str)}


def record_reports(paths: Iterable[Path]) -> None:
    """Note reports just written in the manifest of their folder (kept entries stay)."""
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        by_folder.setdefault(Path(path).parent, []).append(Path(path))
    for folder, written in by_folder.items():
        listed = _read_manifest(folder)
        for path in written:
            digest = _sha256(path)
            if digest:
                listed[path.name] = digest
        body = {"schema": SCHEMA, "note": "reports written by checker; folder scans leave them out", "reports": listed}
        write_atomic(folder / MANIFEST, json.dumps(body, indent=2, sort_keys=True) + "\n")


@dataclass
class OwnReports:
    """What a folder scan leaves out as checker's own files; `skipped` collects (path, reason)."""

    outputs: frozenset[Path] = frozenset()  # resolved paths of this run's outputs, decisions and baseline
    # resolved folders whose manifest counts (the default: reports/ in the working folder)
    report_dirs: frozenset[Path] = field(default_factory=lambda: frozenset({Path("reports").resolve()}))
    skipped: list[tuple[str, str]] = field(default_factory=list)
    _manifests: dict[Path, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of_run(cls, paths: Iterable[Path | None], report_dirs: Iterable[Path]) -> "OwnReports":
        outputs = frozenset(Path(p).resolve() for p in paths if p is not None)
        return cls(outputs, frozenset(Path(d).resolve() for d in report_dirs))

    def reason(self, path: Path) -> str | None:
        resolved = path.resolve()
        if resolved in self.outputs:
            return "written or read by this run as a report, decisions or baseline file: not a version"
        folder = resolved.parent
        if folder not in self.report_dirs:
            return None
        if folder not in self._manifests:
            self._manifests[folder] = _read_manifest(folder)
        recorded = self._manifests[folder].get(path.name)
        if recorded and recorded == _sha256(path):
            return f"checker's own report (listed in {MANIFEST} beside it): not a version"
        return None

    def keep(self, path: Path) -> bool:
        """False (and the path listed in `skipped`) for checker's own files."""
        why = self.reason(path)
        if why is None:
            return True
        self.skipped.append((str(path), why))
        return False


def refuse_unsafe_outputs(
    outputs: Sequence[Path], inputs: Sequence[str], read: Mapping[str, Path | None], defaults: Sequence[Path] = ()
) -> None:
    """Before any work: a CheckerError (exit 2) for a report path that is a folder, cannot be
    written, or would overwrite what the run reads: a file named as input, the decisions,
    baseline or config file (`read`: what -> path), or a file of a folder checked that a scan
    reads and checker did not write (not for `defaults`, the reports/NAME.* paths)."""
    from .load import _not_scanned_because

    named = {Path(i).resolve() for i in inputs if Path(i).is_file()}
    folders = [Path(i).resolve() for i in inputs if Path(i).is_dir()]
    reads = {Path(p).resolve(): what for what, p in read.items() if p is not None}
    own = OwnReports(report_dirs=frozenset(Path(p).resolve().parent for p in outputs))
    chosen = {Path(p).resolve() for p in outputs} - {Path(p).resolve() for p in defaults}
    for out in outputs:
        target = out.resolve()
        fix = "give the report another path"
        if out.is_dir():
            raise CheckerError(f"{out}: is a folder; a report needs a file path ({fix}, e.g. {out / 'report'}.json)")
        if target in named:
            raise CheckerError(f"{out}: is an input of this run; writing the report there would overwrite it ({fix})")
        if target in reads:
            raise CheckerError(f"{out}: is the {reads[target]} file of this run; writing the report there would overwrite it ({fix})")
        scanned = target in chosen and target.is_file() and any(target.is_relative_to(f) for f in folders)
        if scanned and _not_scanned_because(target) is None and own.reason(target) is None:
            raise CheckerError(
                f"{out}: a file in the folder checked that checker did not write; writing the report "
                f"there would overwrite it ({fix})"
            )
        _refuse_unwritable(out)


def _refuse_unwritable(out: Path) -> None:
    """The report's folder exists (or can be made) and may be written: found now, not after the models ran."""
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise CheckerError(f"{out}: {folder} is a file, not a folder; give the report another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CheckerError(f"{out}: the folder {folder} cannot be written (permission denied); give the report another path")
