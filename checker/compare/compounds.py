"""German compounds hold what other languages say in several words
(Plenarsitzung = session plénière). Their parts are extra candidates when
deciding whether a term is rendered. Uses compound-split (CharSplit)."""

from __future__ import annotations

from functools import lru_cache

# CharSplit scores a split from about -2 (nonsense) to 1 (clear); Plenar|Sitzung is -0.53,
# Unteilbar|keit (no compound) -1.26.
MIN_SPLIT_SCORE = -0.6
_LINKING = ("s", "es", "n", "en")


@lru_cache(maxsize=4096)
def compound_parts(word: str, lang: str) -> tuple[str, ...]:
    if lang not in ("de", "nl") or len(word) < 8:
        return ()
    from compound_split import char_split

    splits = char_split.split_compound(word)
    if not splits or splits[0][0] < MIN_SPLIT_SCORE:
        return ()
    _, head, tail = splits[0]
    parts = [head, tail]
    for suffix in _LINKING:  # Wirtschafts- -> Wirtschaft
        if head.lower().endswith(suffix) and len(head) - len(suffix) >= 4:
            parts.append(head[: -len(suffix)])
            break
    return tuple(parts)
