"""The `checker` command line.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import CheckerError
from .records import SEVERITY_RANK


CHECK_EXAMPLES = """\
examples:
  checker check seeds/                     writes reports/seeds.json and reports/seeds.html
  checker check docs/de.md docs/fr.md --json out.json --fail-on minor
  checker check site/ --pivot marian --pivot-model ~/models/opus-mt-{src}-en
  checker check site/ --nli transformers --nli-model ~/models/deberta-mnli
  checker check site/ --decisions review.json   leaves the findings dismissed in review.json out

Every file is one language version; its language comes from its name (de.txt,
index.fr.md) or is detected. Files are grouped into sets of versions of the same
content; files that match nothing are listed as unrelated and not compared.

exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error (including: no two files are versions of each other),
130 interrupted.
"""

PAIRS_EXAMPLES = """\
example:
  checker pairs data.tsv --source-lang de --target-lang en --jsonl scores.jsonl

The TSV has a header line `source<TAB>target`; one JSON record per pair is
written to --jsonl: {"index": 0, "divergent": true, "score": 0.87, ...}, where
score grows with how sure the checker is that the two differ in meaning.
"""


class _Progress:
    """Progress lines on stderr, only for a person at a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.monotonic() - self.start:5.1f}s] {message}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checker",
        description="Finds where language versions of the same text stopped saying the same thing.",
        epilog=(
            "start here:\n"
            "  checker check seeds/          compare the versions in a folder, write reports/seeds.{json,html}\n"
            "  checker check --help          options, exit codes and examples\n"
            "exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error, 130 interrupted"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="compare the language versions in files or folders and write reports",
        description="Compare language versions of the same content and report where they diverge.",
        epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("inputs", nargs="+", metavar="PATH", help="files or folders (.txt, .md)")
    check.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    check.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here")
    check.add_argument(
        "--reports-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where NAME.json and NAME.html go when neither --json nor --html is given (default: reports/)",
    )
    _add_model_options(check)
    check.add_argument(
        "--fail-on",
        choices=["major", "minor", "info", "never"],
        help="exit 1 when a finding of this severity or worse exists (default from config: minor)",
    )
    check.add_argument(
        "--min-severity",
        choices=["major", "minor", "info"],
        help="leave findings below this severity out of the reports (default from config: minor)",
    )
    check.add_argument(
        "--decisions",
        type=Path,
        metavar="FILE",
        help="review decisions exported from the HTML report: dismissed findings are left out of the reports and the exit code",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary on the terminal")
    check.add_argument("--no-color", action="store_true", help="plain terminal output")

    pairs = sub.add_parser(
        "pairs",
        help="score a TSV of sentence pairs (source, target) for divergence",
        description="Score each sentence pair of a TSV file for a difference in meaning.",
        epilog=PAIRS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pairs.add_argument("tsv", type=Path, metavar="FILE.tsv")
    pairs.add_argument("--source-lang", required=True, metavar="S", help="language of the source column, e.g. de")
    pairs.add_argument("--target-lang", required=True, metavar="T", help="language of the target column, e.g. en")
    pairs.add_argument("--jsonl", type=Path, required=True, metavar="OUT", help="write one JSON record per pair here")
    _add_model_options(pairs)
    pairs.add_argument("--quiet", "-q", action="store_true", help="no progress on the terminal")

    report = sub.add_parser(
        "report",
        help="re-render a saved JSON report (no models needed)",
        description="Re-render a JSON report written by `checker check --json` into other formats.",
        epilog="example:\n  checker report reports/seeds.json --html review.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("report_json", type=Path, metavar="RUN.json")
    report.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here")
    report.add_argument("--text", action="store_true", help="print the terminal summary")
    report.add_argument(
        "--decisions", type=Path, metavar="FILE", help="review decisions exported from the HTML report: leave the dismissed findings out"
    )
    report.add_argument("--no-color", action="store_true", help="plain terminal output")

    models = sub.add_parser(
        "models",
        help="list the model backends and the weights they use",
        description="List the model backends, the weights each uses, their sources, licences and checksums.",
        epilog="example:\n  checker models list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    models.add_argument("action", choices=["list"], nargs="?", default="list")
    return parser


def _add_model_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("models and configuration")
    group.add_argument("--config", type=Path, metavar="FILE", help="checker.toml or pyproject.toml to read settings from")
    group.add_argument("--pivot", metavar="NAME", help="translator into English: none, marian, nllb, m2m100, llama-cpp")
    group.add_argument("--pivot-model", metavar="NAME_OR_DIR", help="model name or local directory for --pivot")
    group.add_argument("--nli", metavar="NAME", help="NLI backend: none or transformers")
    group.add_argument("--nli-model", metavar="NAME_OR_DIR", help="MNLI-style model name or local directory for --nli")


def _config(args: argparse.Namespace, search_from: Path):
    from .config import load_config

    config = load_config(args.config, search_from=search_from)
    config = config.with_overrides(
        pivot=args.pivot,
        pivot_model=args.pivot_model,
        nli=args.nli,
        nli_model=args.nli_model,
        fail_on=getattr(args, "fail_on", None),
        min_severity=getattr(args, "min_severity", None),
    )
    # A gate must show what fails it: findings at the --fail-on severity are always reported.
    if config.fail_on != "never" and SEVERITY_RANK[config.fail_on] < SEVERITY_RANK[config.min_severity]:
        config = config.with_overrides(min_severity=config.fail_on)
    return config


def _default_report_name(inputs: Sequence[str]) -> str:
    first = Path(inputs[0])
    name = first.resolve().name if first.is_dir() else first.stem
    return name or "report"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _cmd_check(args: argparse.Namespace) -> int:
    from .backends.registry import build_backends
    from .cache import TranslationCache
    from .decisions import apply_decisions, load_decisions
    from .emit.html import write_html
    from .emit.text import render_text
    from .pipeline import run_check
    from .records import to_json_dict

    config = _config(args, Path.cwd())
    decisions = load_decisions(args.decisions) if args.decisions else None  # a bad file fails before any model loads
    interactive = sys.stderr.isatty() and not args.quiet
    progress = _Progress(interactive)
    backends = build_backends(config)
    cache = TranslationCache() if backends.translator else None
    result = run_check(args.inputs, config, backends, progress, cache)
    if decisions is not None:
        result = apply_decisions(result, decisions)

    json_path, html_path = args.json, args.html
    if json_path is None and html_path is None:
        name = _default_report_name(args.inputs)
        json_path = args.reports_dir / f"{name}.json"
        html_path = args.reports_dir / f"{name}.html"
    written = []
    if json_path:
        _write_atomic(json_path, json.dumps(to_json_dict(result), ensure_ascii=False, indent=2) + "\n")
        written.append(str(json_path))
    if html_path:
        write_html(result, html_path)
        written.append(str(html_path))
    if not args.quiet:
        color = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
        print(render_text(result, color=color))
        print("wrote " + ", ".join(written))
    return _exit_code(result, config.fail_on)


def _exit_code(result, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK.get(f.severity, 0) >= threshold for f in result.findings) else 0


def _cmd_pairs(args: argparse.Namespace) -> int:
    from .backends.registry import build_backends
    from .pairs import read_pairs, score_pairs

    config = _config(args, Path.cwd())
    pairs = read_pairs(args.tsv)
    backends = build_backends(config)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    records = score_pairs(pairs, args.source_lang, args.target_lang, config, backends, progress)
    _write_atomic(args.jsonl, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    if not args.quiet:
        divergent = sum(1 for r in records if r["divergent"])
        print(f"{len(records)} pairs scored, {divergent} divergent; wrote {args.jsonl}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .decisions import apply_decisions, load_decisions
    from .emit.html import write_html
    from .emit.text import render_text
    from .records import run_result_from_json

    decisions = load_decisions(args.decisions) if args.decisions else None
    try:
        data = json.loads(args.report_json.read_text(encoding="utf-8"))
        result = run_result_from_json(data)
    except FileNotFoundError:
        raise CheckerError(f"{args.report_json}: no such file")
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise CheckerError(f"{args.report_json}: not a checker JSON report ({exc})") from exc
    if decisions is not None:
        result = apply_decisions(result, decisions)
    if args.html:
        write_html(result, args.html)
        print(f"wrote {args.html}")
    if args.text or not args.html:
        color = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
        print(render_text(result, color=color))
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from .model_registry import describe_models

    print(describe_models())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    commands = {"check": _cmd_check, "pairs": _cmd_pairs, "report": _cmd_report, "models": _cmd_models}
    try:
        return commands[args.command](args)
    except CheckerError as exc:
        print(f"checker: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output folder that cannot be written, a file that cannot be read
        where = exc.filename or "a file"
        print(f"checker: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("checker: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
