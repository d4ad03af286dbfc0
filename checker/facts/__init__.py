"""Rule checks on the original texts of aligned sentences: numbers, dates, names, negation.

`compare_bead_facts({lang: text})` reports where a bead's versions state a fact
differently; `extract_facts(text, lang)` lists the facts of one text. Rules
exist for German, French, Indonesian and English.
"""

from .compare import RULES, SUPPORTED_LANGS, compare_bead_facts, extract_facts
from .records import FACT_KINDS, Fact, FactDivergence

__all__ = ["FACT_KINDS", "RULES", "SUPPORTED_LANGS", "Fact", "FactDivergence", "compare_bead_facts", "extract_facts"]
