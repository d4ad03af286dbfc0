"""Language tags as files write them (pt-BR, pt_BR, EN, x-default) -> ISO 639-1 codes."""

from __future__ import annotations

import re

# ISO 639-1: the two-letter codes a locale key such as Rails' `de:` can be.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)

# primary subtag, then optional region/script subtags: de, pt-BR, pt_BR, zh-Hans-CN, sr@latin
_TAG = re.compile(r"^(?P<primary>[A-Za-z]{2,3})(?:[-_@][A-Za-z0-9]+)*$")


def normalize_lang(tag: str | None) -> str | None:
    """The primary language of a tag, lower case ("pt-BR" -> "pt"); None when there is none."""
    if not tag:
        return None
    m = _TAG.match(tag.strip())
    if not m:
        return None  # "*all*", "x-default", garbage
    return m.group("primary").lower()


def locale_code(key: str) -> str | None:
    """The ISO 639-1 language when `key` is a locale (de, pt-BR, zh_CN), else None (nav, app)."""
    lang = normalize_lang(key)
    return lang if lang in ISO_639_1 and len(lang) == 2 else None
