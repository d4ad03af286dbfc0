"""Records of the fact checks: a fact found in one version, and a divergence between versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

FACT_KINDS = ("number", "date", "relative_time", "entity", "negation")


@dataclass(frozen=True)
class Fact:
    """One fact in one text.

    `value` is normalised so that the same fact written in another language or
    style compares equal (or is judged equivalent by its kind's `same_*`
    function): numbers are `(readings, unit)`, dates `(year, month, day)` with
    None for parts not given, relative times `(amount, unit, anchor)`, entities
    `(key, strength)`, negations the cue in canonical form. `text[start:end]` of
    the text the fact came from is `self.text`.
    """

    kind: str
    value: Any
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class FactDivergence:
    """Versions of one bead that state a fact differently.

    `divergent` holds the language(s) that differ from the agreeing `reference`
    ones; `spans` gives, per language, the facts involved (the changed ones in
    the divergent version, the agreed ones in the reference versions).
    """

    kind: str
    severity: str  # "major" | "minor" | "info"
    divergent: tuple[str, ...]
    reference: tuple[str, ...]
    spans: Mapping[str, tuple[Fact, ...]]
    message: str
    rule: str  # stable code, e.g. "number.mismatch"
