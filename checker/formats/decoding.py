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


# Codecs Python knows that are no character set a file can be written in: transforms
# (rot13, base64, zlib, …) are caught by `_is_text_encoding`; these decode text escapes or
# domain names, or nothing at all.
_NOT_CHARSETS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7"})


def _charset(name: str, path: str) -> str:
    """The codec for a charset a file declares; an InputError for one that is not a character set."""
    codec = codecs.lookup(name)
    if not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_CHARSETS:
        raise InputError(path, f"declares charset={name}, which is not a character set", "declare charset=UTF-8 and save the file as UTF-8")
    return codec.name


def decode(data: bytes, path: str, fallback: str = "utf-8") -> str:
    """A BOM wins; else `fallback` (UTF-8 unless the file declares otherwise). Refuses binary and empty files."""
    fallback = _charset(fallback, path)
    if fallback == "utf-8":
        return decode_text(data, path)  # one decoder, one set of messages, for every UTF file
    if not data.strip():
        raise InputError(path, "file is empty", "remove it or add the text")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:8192]:
        raise InputError(path, "looks like a binary file, not text", "pass the text form of the catalog")
    encoding = encoding or fallback
    try:
        text = data.decode(encoding)
    except UnicodeError as exc:  # UnicodeDecodeError, or a codec's own UnicodeError
        where = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise InputError(
            path,
            f"not valid {encoding}{where}",
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
            codecs.lookup(name)
            return name  # as declared, for messages; decode() checks it is a character set
        except LookupError:
            pass  # "CHARSET" in a fresh template, or a typo: UTF-8 is the sane guess
    return "utf-8"


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16 or UTF-32; anything else is refused clearly."""
    if not data.strip():
        raise InputError(path, "file is empty", "remove it or add the text")
    # UTF-32 first: its little-endian mark begins with the UTF-16 one.
    marked = next((enc for enc, boms in _MARKED_UNICODE if data.startswith(boms)), None)
    if marked:
        try:
            text = data.decode(marked)
        except UnicodeDecodeError as exc:
            raise InputError(path, f"broken {marked.upper()} at byte {exc.start}", "re-save the file as UTF-8") from exc
    else:
        if b"\x00" in data[:8192]:
            if _utf16_without_bom(data[:8192]):
                raise InputError(path, "looks like UTF-16 without a byte order mark", "re-save it as UTF-8, or as UTF-16 with a BOM")
            raise InputError(path, "looks like a binary file, not text", "pass only text or Markdown files")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                path,
                f"not valid UTF-8 (byte {exc.start})",
                "convert it, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`",
            ) from exc
    if not text.strip():
        raise InputError(path, "file holds only whitespace", "remove it or add the text")
    # One newline convention, so offsets mean the same on every platform.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_MARKED_UNICODE = (
    ("utf-32", (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)),
    ("utf-16", (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)),
)


def _utf16_without_bom(sample: bytes) -> bool:
    """Text in UTF-16 has a NUL in nearly every other byte (one side only) for Latin scripts;
    a binary file has them anywhere."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return False
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(zeros_even, zeros_odd) > 0.3 and min(zeros_even, zeros_odd) < 0.02
