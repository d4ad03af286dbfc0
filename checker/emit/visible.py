"""Characters that change how the text around them is shown, made visible in every report.

A bidirectional override (U+202E) reorders what follows it, so a report could show
"2016" where the file says "6102"; an escape byte in a file name drives the terminal or
a CI log. Each becomes a visible escape, `\\u202e` or `\\x1b`, the text around it unchanged.
Marks that only order neutral characters (U+200E, U+200F, U+061C) stay: RTL text needs them.
"""

from __future__ import annotations

import re

# Bidi embeddings, overrides and isolates; C0 controls but tab and newline; DEL and C1.
_HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _code(char: str) -> str:
    n = ord(char)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def show_controls(text: str) -> str:
    return _HIDDEN.sub(lambda m: _code(m.group()), text)
