"""SARIF 2.1.0, the format GitHub code scanning (and many IDEs) read.

One run. `tool.driver.rules` holds one rule per finding kind, with a stable id (the kind's
name: `number`, `omission`, …) so alerts keep their identity across checker versions.
Each finding becomes one result:

- `locations`: the divergent version's file, the region of its divergent words (lines and
  code-point columns when the run still has the file's text, else the lines);
- `relatedLocations`: the other versions, each with its sentence as the message;
- `partialFingerprints["checkerFinding/v1"]`: the finding's id (a hash of what differs,
  not of line numbers), so code scanning keeps one alert across runs and line shifts.

The run's reproducibility signature (models, thresholds) is in `run.properties`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checker.emit.files import Place, document_texts, finding_place, missing_sentence, other_versions, primary_version
from checker.emit.order import severity_rank
from checker.records import FINDING_KINDS, Finding, FindingVersion, RunResult, shown_key

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "checkerFinding/v1"
LEVELS = {"major": "error", "minor": "warning", "info": "note"}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # PascalCase, as SARIF viewers show it
    short: str
    full: str
    default_level: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("number", "NumberDiffers", "A number differs between the versions.",
             "One version states a different quantity, amount, percentage or count than the others.", "error"),
        Rule("date", "DateDiffers", "A date or time differs between the versions.",
             "One version names a different date, weekday, time or relative time (\"next week\") than the others.",
             "error"),
        Rule("entity", "NameDiffers", "A name differs between the versions.",
             "One version names a different person, place or organisation than the others, or leaves a name out.",
             "error"),
        Rule("negation", "NegationDiffers", "One version negates what the others affirm.",
             "A negation (\"not\", \"never\", \"no\") is present in some versions and absent in others.", "error"),
        Rule("omission", "SentenceOmitted", "A version leaves out a sentence the others have.",
             "A sentence present in the other versions has no counterpart in this version.", "error"),
        Rule("addition", "SentenceAdded", "A version adds a sentence the others lack.",
             "This version has a sentence with no counterpart in the other versions.", "error"),
        Rule("term", "TermDiffers", "A version uses a different term.",
             "Word alignment between the versions finds a term whose meaning differs from the others' term.",
             "warning"),
        Rule("meaning", "MeaningDiffers", "The versions' sentences say different things.",
             "The aligned sentences do not entail each other (NLI on the English pivots, sentence similarity).",
             "warning"),
    )
}


def render_sarif(result: RunResult, *, base: Path | None = None) -> str:
    """The run as a SARIF 2.1.0 log (JSON text). Paths are made relative to `base` (default: cwd)."""
    return json.dumps(sarif_log(result, base=base), ensure_ascii=False, indent=2) + "\n"


def sarif_log(result: RunResult, *, base: Path | None = None) -> dict[str, Any]:
    rules = _rules_for(result)
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    texts = document_texts(result)
    findings = sorted(result.findings, key=lambda f: (severity_rank(f.severity), f.version_set, f.id))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "checker",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "rules": [_rule_dict(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        # Our offsets are Python string indices, i.e. Unicode code points.
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index, texts, base) for f in findings],
        "properties": {
            "signature": result.signature,
            "versionSets": [
                {"id": vs.id, "versions": [{"lang": d.lang, "path": d.path} for d in vs.versions]}
                for vs in result.version_sets
            ],
            "unrelated": [{"path": u.path, "lang": u.lang, "reason": u.reason} for u in result.unrelated],
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rules_for(result: RunResult) -> list[Rule]:
    """Every known kind (a stable rule list), plus any kind a newer report uses."""
    rules = [RULES[k] for k in FINDING_KINDS if k in RULES]
    rules += [RULES[k] for k in RULES if k not in FINDING_KINDS]
    known = {r.id for r in rules}
    for f in result.findings:
        if f.kind not in known:
            known.add(f.kind)
            rules.append(Rule(f.kind, f.kind, f"Versions differ ({f.kind}).", f"Versions differ ({f.kind}).", "warning"))
    return rules


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "defaultConfiguration": {"level": rule.default_level},
        "properties": {"tags": ["translation", "consistency"]},
    }


def _result(f: Finding, rule_index: dict[str, int], texts: dict[str, str], base: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.kind,
        "ruleIndex": rule_index[f.kind],
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": _message(f)},
        "partialFingerprints": {FINGERPRINT_KEY: f.id},
        "properties": {
            "findingId": f.id,
            "versionSet": f.version_set,
            "severity": f.severity,
            "score": round(float(f.score), 4),
            "divergent": [v.lang for v in f.versions if v.role == "divergent"],
            "reference": [v.lang for v in f.versions if v.role != "divergent"],
        },
    }
    primary = primary_version(f)
    if primary is not None:
        out["locations"] = [_location(primary, texts, base)]
    related = [
        {**_location(v, texts, base), "id": i, "message": {"text": _version_note(v)}}
        for i, v in enumerate(other_versions(f), start=1)
    ]
    if related:
        out["relatedLocations"] = related
    return out


def _location(v: FindingVersion, texts: dict[str, str], base: Path | None) -> dict[str, Any]:
    place = finding_place(v, texts, base)
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(place.path)}, "region": _region(place, v)}
    if v.spans and v.text:
        # The region is the divergent words; the whole sentence is their context.
        physical["contextRegion"] = {
            "startLine": v.line,
            "endLine": v.line + v.text.count("\n"),
            "snippet": {"text": v.text},
        }
    location: dict[str, Any] = {"physicalLocation": physical}
    if v.key is not None:
        # the catalogue key is what a translator searches for (a JSON path, a msgid, a unit id)
        location["logicalLocations"] = [{"name": shown_key(v.key), "kind": "member"}]
    return location


def _region(place: Place, v: FindingVersion) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": place.start_line}
    if place.end_line != place.start_line:
        region["endLine"] = place.end_line
    if place.has_columns:
        region["startColumn"] = place.start_column
        region["endColumn"] = place.end_column
        region["charOffset"] = place.char_offset
        region["charLength"] = place.char_length
    # A snippet must be exactly the region's text: one span's words, or the whole sentence.
    snippet = v.spans[0].text if len(v.spans) == 1 else "" if v.spans else v.text
    if snippet:
        region["snippet"] = {"text": snippet}
    return region


def _uri(path: str) -> str:
    """A URI reference: percent-encoded, so spaces, `:` or `#` in a name stay part of the path."""
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return quote(path, safe="/")


def _message(f: Finding) -> str:
    """The finding's message; for a gap also the sentence that is missing (code scanning shows
    only the message, not the related locations, until one opens the alert)."""
    message = f.message or f"Versions differ ({f.kind})."
    missing = missing_sentence(f)
    return message + (f"\nMissing here: {missing.lang} “{missing.text}”" if missing is not None else "")


def _version_note(v: FindingVersion) -> str:
    words = "; ".join(f"“{s.text}”" for s in v.spans)
    sentence = v.text or "(no counterpart in this version)"
    return f"{v.lang} ({v.role}): {sentence}" + (f" [{words}]" if words else "")
