"""Omission and addition: beads where some versions have no sentence at all (1:0, 0:1)."""

from __future__ import annotations

from typing import Sequence

from ..config import OmissionConfig
from ..records import Bead
from .divergence import Divergence
from .wordlinks import is_content_word


def _content_words(bead: Bead, lang: str, min_chars: int) -> int:
    return sum(1 for w in bead.text(lang).split() if is_content_word(w.strip(".,;:!?«»“”\"'()"), lang, min_chars))


def compare_gaps(bead: Bead, all_langs: Sequence[str], config: OmissionConfig, min_word_chars: int) -> list[Divergence]:
    present = [l for l in all_langs if bead.members.get(l)]
    missing = [l for l in all_langs if not bead.members.get(l)]
    if not present or not missing:
        return []
    only_headings = all(s.kind == "heading" for l in present for s in bead.members[l])
    substantial = min(_content_words(bead, l, min_word_chars) for l in present) >= config.min_content_words
    if len(present) > len(missing):
        kind, blamed, refs = "omission", missing, present
        message = f"The {', '.join(missing)} version leaves out a sentence that {', '.join(present)} have."
    elif len(present) < len(missing):
        kind, blamed, refs = "addition", present, missing
        message = f"The {', '.join(present)} version adds a sentence that {', '.join(missing)} do not have."
    else:
        # A tie (e.g. two versions): the side lacking the sentence is blamed, without a vote.
        kind, blamed, refs = "omission", missing, present
        message = f"A sentence of {', '.join(present)} has no counterpart in {', '.join(missing)}."
    voted = len(present) != len(missing)
    severity = "major" if substantial and voted and not only_headings else "minor" if substantial else "info"
    return [
        Divergence(
            kind=kind,
            severity=severity,
            score=0.9 if voted else 0.6,
            message=message,
            divergent=tuple(blamed),
            reference=tuple(refs),
            spans={},
            evidence={"signal": "alignment-gap", "present": present, "missing": missing},
            signal="gaps",
        )
    ]
