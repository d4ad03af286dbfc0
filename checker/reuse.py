"""Unchanged version sets are not compared again.

A version set's comparison (`pipeline.check_version_set`) depends only on its documents,
the configuration, the models and checker's own code. Its result is kept in the cache
store under a key made of all of these, so a rerun after editing one file compares only
the sets that file belongs to and reads the others back (rows, findings and notes).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Sequence

from .records import VersionSet, VersionSetReport, finding_from_dict, finding_to_dict, row_from_dict, row_to_dict

if TYPE_CHECKING:
    from .cache import CacheStore
    from .config import Config
    from .embed import EmbeddedDocument
    from .pipeline import SetResult

VersionSets = Sequence[tuple[VersionSet, Sequence["EmbeddedDocument"]]]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of checker's own source and data files: a result computed by other code is
    never reused (the version number alone does not change with every edit)."""
    digest = hashlib.sha256()

    def walk(folder) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and entry.name != "__pycache__":
                walk(entry)
            elif entry.is_file() and entry.name.endswith((".py", ".toml", ".tsv", ".c")):
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())

    walk(resources.files("checker"))
    return digest.hexdigest()


def set_key(vs: VersionSet, config: "Config") -> str:
    """Everything a set's comparison reads, except the models (the run signature keys those)."""
    documents = [
        {
            "path": d.path,
            "lang": d.lang,
            "text": d.text,
            "format": d.format,
            "units": [[u.key, u.start, u.end, u.line, u.note] for u in d.units],
            "untranslated": sorted(d.untranslated),
        }
        for d in vs.documents
    ]
    payload = {"code": code_fingerprint(), "config": config.as_dict(), "set": vs.id, "documents": documents}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def encode_result(result: "SetResult") -> str:
    return json.dumps(
        {
            "rows": [row_to_dict(row) for row in result.report.rows],
            "findings": [finding_to_dict(f) for f in result.findings],
            "notes": [finding_to_dict(f) for f in result.notes],
        },
        ensure_ascii=False,
    )


def decode_result(text: str, vs: VersionSet) -> "SetResult":
    from .pipeline import SetResult

    data = json.loads(text)
    return SetResult(
        VersionSetReport(vs.id, vs.documents, tuple(row_from_dict(r) for r in data["rows"])),
        tuple(finding_from_dict(f) for f in data["findings"]),
        tuple(finding_from_dict(f) for f in data["notes"]),
    )


def reused_results(
    store: "CacheStore", run_signature: str, sets: VersionSets, config: "Config"
) -> tuple[dict[int, "SetResult"], dict[int, str]]:
    """(results read back, by position in `sets`; keys of the sets still to compare)."""
    keys = {i: set_key(vs, config) for i, (vs, _) in enumerate(sets)}
    found = store.get_set_results(run_signature, keys.values())
    reused: dict[int, "SetResult"] = {}
    for i, key in keys.items():
        if key in found:
            try:
                reused[i] = decode_result(found[key], sets[i][0])
            except (ValueError, KeyError, TypeError):
                continue  # an entry that does not decode is compared again
    return reused, {i: k for i, k in keys.items() if i not in reused}
