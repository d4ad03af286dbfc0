"""The one validation layer every file checker reads goes through: inputs, saved reports,
baselines and decisions files.

What it refuses, always as an `InputError` naming the file (exit 2; in a check the other
files are still checked and reported):

- JSON that Python's parser rejects for reasons other than syntax: integers longer than
  its int-parsing limit, nesting deeper than the interpreter's recursion limit;
- text holding a lone surrogate (a `\\ud800` escape in JSON or YAML): it has no UTF-8
  form, so no report could be written;
- file names that are not valid UTF-8 (shown with `\\xNN` escapes, never raw);
- a saved report whose fields have the wrong types (`report_shape_problem`), before the
  renderers see it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable_path(path: str | Path) -> str:
    """A path as text that can be printed and written as UTF-8: undecodable bytes as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def refuse_surrogates(text: str, path: str, where: str) -> None:
    """`where`: "line 4", "key nav.home", … – what the user looks for in the file."""
    m = _SURROGATE.search(text)
    if m:
        raise InputError(
            path,
            f"{where} holds the lone surrogate \\u{ord(m.group()):04x}, which is no character and has no UTF-8 form",
            "remove the escape or write the character it was meant to be",
        )


def parse_json(text: str, path: str, fix: str) -> Any:
    """json.loads with every failure as an InputError: syntax (line and column), an integer
    over Python's digit limit, nesting too deep, a lone surrogate escape."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", fix) from exc
    except RecursionError as exc:
        raise InputError(path, "is nested too deeply to read", "flatten the structure") from exc
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise InputError(path, f"holds a number checker will not read ({exc})", fix) from exc
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        refuse_surrogates(exc.object, path, "a string")
    except RecursionError as exc:
        raise InputError(path, "is nested too deeply to read", "flatten the structure") from exc
    return data


def read_json_file(path: str | Path, kind: str, fix: str, missing_fix: str = "") -> Any:
    """A JSON file checker reads besides its inputs (a baseline, a decisions file, a saved
    report): read, decoded (UTF-8, BOM allowed) and parsed through `parse_json`."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(where, f"no such {kind} file", missing_fix) from None
    except IsADirectoryError:
        raise InputError(where, f"is a folder, not a {kind} file", fix) from None
    except OSError as exc:
        raise InputError(where, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text (byte {exc.start})", "save it as UTF-8") from exc
    return parse_json(text, where, fix)


# --- saved reports ----------------------------------------------------------------------------------------
# The shape of checker-report/1 as the renderers read it: a dict maps keys to shapes (a key
# ending in "?" may be missing), a list holds one shape, a tuple is any of several types.

_NUM = (int, float)
_SPAN = {"start": int, "end": int, "text": str, "pivot_text?": (str, type(None))}
_FINDING_VERSION = {
    "lang": str, "path": str, "line": int, "start": int, "end": int, "text": str, "pivot?": str, "role": str,
    "spans?": [_SPAN], "key?": (str, type(None)),
}
_FINDING = {
    "id": str, "version_set": str, "kind": str, "severity": str, "score": _NUM, "message": str,
    "versions": [_FINDING_VERSION], "evidence?": dict,
}
_SEGMENT = {"start": int, "end": int, "text": str, "pivot?": str, "line?": int}
REPORT_SHAPE = {
    "schema": str,
    "tool": {"version": str, "signature": str, "preset?": str, "models?": [dict], "stages?": dict},
    "version_sets?": [{
        "id": str,
        "versions": [{"lang": str, "path": str, "sha256?": str}],
        "alignment?": [{"chrf?": (int, float, type(None)), "members": (dict, "each", [_SEGMENT])}],
    }],
    "unrelated?": [{"path": str, "lang": str, "reason": str}],
    "findings?": [_FINDING],
    "notes?": [_FINDING],
    "config?": dict,
}


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def shape_problem(value: Any, shape: Any, where: str = "") -> str | None:
    """The first place where `value` does not have `shape` ("findings[2].versions[0].line is a
    string, not int"), or None."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where or 'the file'} is {_type_name(value)}, not an object"
        for key, sub in shape.items():
            name, optional = key.rstrip("?"), key.endswith("?")
            if name not in value:
                if optional:
                    continue
                return f"{where + '.' if where else ''}{name} is missing"
            problem = shape_problem(value[name], sub, f"{where + '.' if where else ''}{name}")
            if problem:
                return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is {_type_name(value)}, not a list"
        for i, item in enumerate(value):
            problem = shape_problem(item, shape[0], f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(shape, tuple) and len(shape) == 3 and shape[1] == "each":  # a dict whose values share a shape
        if not isinstance(value, dict):
            return f"{where} is {_type_name(value)}, not an object"
        for key, item in value.items():
            problem = shape_problem(item, shape[2], f"{where}.{key}")
            if problem:
                return problem
        return None
    allowed = shape if isinstance(shape, tuple) else (shape,)
    # bool is an int to Python, never to a report
    if isinstance(value, bool) and bool not in allowed or not isinstance(value, allowed):
        names = " or ".join("null" if t is type(None) else "number" if t is float else t.__name__ for t in allowed)
        return f"{where} is {_type_name(value)}, not {names}"
    return None


def checked_shape(data: Any, shape: Any, path: str, fix: str, check: Callable[[Mapping[str, Any]], str | None] | None = None) -> Any:
    """`data` when it has `shape` (and `check` finds nothing), else an InputError naming the field."""
    problem = shape_problem(data, shape) or (check(data) if check else None)
    if problem:
        raise InputError(path, f"not a valid checker report: {problem}", fix)
    return data
