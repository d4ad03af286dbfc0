"""JUnit XML, for the test views of GitLab, Jenkins, Azure DevOps and the like.

    <testsuites name="checker" tests=… failures=…>
      <testsuite name="VERSION SET" tests=… failures=…>
        <testcase classname="VERSION SET" name="number de ≠ en fr (f-number-30d)" file="docs/de/…">
          <failure type="major number" message="The return period differs…">details</failure>
        </testcase>
        …
      <testsuite name="unrelated files" skipped=…>   (files that were not compared)

Every finding is one failing test case, named by kind, languages and the finding's id (stable
across runs, so a CI history can follow it); a version set without findings is one passing
test case. Built with ElementTree, so every input text is escaped; characters XML 1.0 cannot
carry at all (most control characters) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from checker.emit.files import primary_version, report_path
from checker.emit.order import findings_by_version_set, severity_rank
from checker.records import Finding, RunResult

PASSING_CASE = "versions agree"
UNRELATED_SUITE = "unrelated files"
# Everything XML 1.0 cannot contain, even escaped (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_junit(result: RunResult, *, base: Path | None = None) -> str:
    root = ET.Element("testsuites", name="checker")
    total_tests = total_failures = total_skipped = 0
    for vs, findings in findings_by_version_set(result):
        suite = ET.SubElement(root, "testsuite", name=_x(vs.id))
        for f in sorted(findings, key=lambda f: (severity_rank(f.severity), f.id)):
            _failing_case(suite, vs.id, f, base)
        if not findings:
            langs = ", ".join(d.lang for d in vs.versions)
            ET.SubElement(suite, "testcase", classname=_x(vs.id), name=_x(f"{PASSING_CASE} ({langs})"), time="0")
        _count(suite, tests=max(len(findings), 1), failures=len(findings), skipped=0)
        total_tests += max(len(findings), 1)
        total_failures += len(findings)
    if result.unrelated:
        suite = ET.SubElement(root, "testsuite", name=UNRELATED_SUITE)
        for u in result.unrelated:
            case = ET.SubElement(suite, "testcase", classname=UNRELATED_SUITE,
                                 name=_x(report_path(u.path, base) + (f" ({u.lang})" if u.lang else "")), time="0")
            ET.SubElement(case, "skipped", message=_x(u.reason))
        _count(suite, tests=len(result.unrelated), failures=0, skipped=len(result.unrelated))
        total_tests += len(result.unrelated)
        total_skipped += len(result.unrelated)
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", str(total_skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _failing_case(suite: ET.Element, vs_id: str, f: Finding, base: Path | None) -> None:
    divergent = list(dict.fromkeys(v.lang for v in f.versions if v.role == "divergent"))
    reference = list(dict.fromkeys(v.lang for v in f.versions if v.role != "divergent"))
    langs = " ".join(divergent) + (" ≠ " + " ".join(reference) if reference else "")
    case = ET.SubElement(suite, "testcase", classname=_x(vs_id), name=_x(f"{f.kind} {langs} ({f.id})"), time="0")
    primary = primary_version(f)
    if primary is not None:
        case.set("file", _x(report_path(primary.path, base)))
    failure = ET.SubElement(case, "failure", type=_x(f"{f.severity} {f.kind}"), message=_x(f.message))
    failure.text = _x(_details(f, base))


def _details(f: Finding, base: Path | None) -> str:
    """What a person reading the CI test view needs: severity, each version's place and sentence."""
    lines = [f"{f.severity} {f.kind} (score {float(f.score):.2f}): {f.message}"]
    for v in f.versions:
        lines.append(f"{v.lang} ({v.role}) {report_path(v.path, base)}:{v.line}: {v.text or '(no counterpart)'}")
        for s in v.spans:
            lines.append(f"    “{s.text}”" + (f" → {s.pivot_text}" if s.pivot_text else ""))
    lines.append(f"finding {f.id}")
    return "\n".join(lines)


def _count(suite: ET.Element, *, tests: int, failures: int, skipped: int) -> None:
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))


def _x(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
