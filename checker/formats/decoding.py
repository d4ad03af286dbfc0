"""Bytes -> text for the text-based formats (PO, JSON, YAML, HTML); XML decodes itself."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# `"Content-Type: text/plain; charset=ISO-8859-1\n"` in a PO header
_PO_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")


def decode(data: bytes, path: str, fallback: str = "utf-8") -> str:
    """A BOM wins; else `fallback` (UTF-8 unless the file declares otherwise). Refuses binary and empty files."""
    if not data.strip():
        raise InputError(path, "file is empty", "remove it or add the text")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:8192]:
        raise InputError(path, "looks like a binary file, not text", "pass the text form of the catalog")
    encoding = encoding or fallback
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid {encoding} (byte {exc.start})",
            "convert it, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`",
        ) from exc
    if not text.strip():
        raise InputError(path, "file holds only whitespace", "remove it or add the text")
    return text


def po_charset(data: bytes) -> str:
    """The charset a PO header declares (gettext's own rule), UTF-8 when absent or unknown."""
    m = _PO_CHARSET.search(data[:8192])
    if m:
        name = m.group(1).decode("ascii")
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass  # "CHARSET" in a fresh template, or a typo: UTF-8 is the sane guess
    return "utf-8"
