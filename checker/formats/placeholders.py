"""Placeholders in catalog strings: variables and tags a translator must keep, not prose to compare."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(
    r"""
      \{\{\s*[^{}]+?\s*\}\}            # {{name}}            i18next, Handlebars, Angular
    | \{[A-Za-z0-9_.]+\}               # {0} {name}          .NET, ICU simple arguments, Python format
    | %\([A-Za-z0-9_]+\)[-+#0]*\d*(?:\.\d+)?[sdifFeEgGxXoc]   # %(name)s   Python
    | %\d+\$[-+#0]*\d*(?:\.\d+)?[sdifFeEgGxXouc@]           # %1$s       positional printf
    | %[-+#0]*\d*(?:\.\d+)?(?:l{1,2}|h{1,2}|z|j|t)?[sdifFeEgGxXouc@]  # %s %d %.2f %lld %@
    | </?\d+\s*/?>                     # <0>…</0> <1/>       react-i18next Trans
    | \$t\([^()]+\)                    # $t(key)             i18next nesting
    """,
    re.VERBOSE,
)


def placeholders(text: str) -> tuple[str, ...]:
    """The placeholders in `text`, in order, as written ("Hi {{name}}, %d new" -> ("{{name}}", "%d"))."""
    return tuple(m.group(0) for m in _PLACEHOLDER.finditer(text))
