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
from .atomic_write import write_atomic as _write_atomic
from .emit.formats import OUTPUT_FORMATS, OutputSpec, formats_help, parse_output_specs, write_outputs, writes_to_stdout
from .own_reports import OwnReports
from .errors import CheckerError
from .records import SEVERITY_RANK


CHECK_EXAMPLES = """\
examples:
  checker check seeds/                     writes reports/seeds.json and reports/seeds.html
  checker check docs/de.md docs/fr.md --json out.json --fail-on minor
  checker check site/ --pivot marian --pivot-model ~/models/opus-mt-{src}-en
  checker check site/ --nli transformers --nli-model ~/models/deberta-mnli
  checker check site/ --decisions review.json   leaves the findings dismissed in review.json out
  checker check docs/ --format github --format sarif:checker.sarif --format html:report.html

Versions are paired by repository layout where the paths say it (docs/de/x.md,
index.fr.md, locales/de.json, locale/de/LC_MESSAGES/app.po); a PO, XLIFF or TMX file
holds its versions itself; other files are paired by content, their language taken
from the name (de.txt) or detected. Files that match nothing are listed as unrelated.

exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error (including: no two files are versions of each other),
130 interrupted.
"""

FORMATS_EPILOG = (
    "output formats (--format FORMAT to standard output, --format FORMAT:PATH to a file; repeatable):\n"
    + formats_help()
    + "\nWith --format, reports/NAME.{json,html} are written only if asked for (--json, --html, json:PATH).\n\n"
    "in GitHub Actions (annotations on the pull request, a job summary, code scanning alerts):\n"
    "  - run: checker check docs/ --format github --format sarif:checker.sarif --format html:report.html\n"
    "  - uses: github/codeql-action/upload-sarif@v3\n"
    "    if: always()\n"
    "    with: {sarif_file: checker.sarif}\n"
    "in GitLab CI:\n"
    "  script: checker check docs/ --format gitlab:gl-code-quality.json --format junit:checker.xml\n"
    "  artifacts: {when: always, reports: {codequality: gl-code-quality.json, junit: checker.xml}}\n"
)

BASELINE_EXAMPLES = """\
examples:
  checker baseline create docs/ --output checker-baseline.json
  checker baseline create --from-report reports/docs.json     no models needed
  checker check docs/ --baseline checker-baseline.json        exit 1 only for new findings

A finding is known by its fingerprint (its id): what differs and in which sentence, not
its line, so the baseline survives edits elsewhere in the files. Commit the file; remake
it when the known findings are fixed (`check --baseline` counts them as fixed).
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
        epilog=CHECK_EXAMPLES + "\n" + FORMATS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH",
        help="files or folders: .txt, .md, .html, .po, .xlf/.xliff, .tmx, and JSON/YAML catalogues named by language",
    )
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="check only the version sets with a file changed since this git revision (e.g. origin/main, HEAD)",
    )
    check.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    check.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here")
    check.add_argument(
        "--reports-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where NAME.json and NAME.html go when neither --json, --html nor --format is given (default: reports/)",
    )
    _add_format_option(check)
    _add_model_options(check)
    check.add_argument(
        "--fail-on",
        choices=["major", "minor", "info", "never"],
        help="exit 1 when a finding of this severity or worse exists (default from config: minor)",
    )
    check.add_argument(
        "--min-severity",
        choices=["major", "minor", "info"],
        help="findings below this severity become notes: in the JSON and HTML reports for review, "
        "never in the CI formats or the exit code (default from config: minor)",
    )
    check.add_argument(
        "--decisions",
        type=Path,
        metavar="FILE",
        help="review decisions exported from the HTML report: dismissed findings are left out of the reports and the exit code",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report and count only findings not in this baseline (made by `checker baseline create`)",
    )
    check.add_argument(
        "--strict-suppressions",
        action="store_true",
        help="exit 1 when a suppression (inline `checker: ignore` or [[suppress]] in the config) matches no finding",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary on the terminal")
    check.add_argument("--no-color", action="store_true", help="plain terminal output")
    check.add_argument(
        "--engine", choices=["local", "ray"], default="local", help="where version sets are compared (default: local)"
    )
    check.add_argument("--ray-address", metavar="ADDR", help="a running Ray cluster for --engine ray (default: start one here)")

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
        epilog=(
            "examples:\n  checker report reports/seeds.json --html review.html\n"
            "  checker report reports/seeds.json --format sarif:checker.sarif --format github\n\n" + FORMATS_EPILOG
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("report_json", type=Path, metavar="RUN.json")
    report.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here")
    report.add_argument("--text", action="store_true", help="print the terminal summary")
    _add_format_option(report)
    report.add_argument(
        "--decisions", type=Path, metavar="FILE", help="review decisions exported from the HTML report: leave the dismissed findings out"
    )
    report.add_argument("--no-color", action="store_true", help="plain terminal output")

    baseline = sub.add_parser(
        "baseline",
        help="record the current findings so `check --baseline` fails only on new ones",
        description="Record the findings of today so that `checker check --baseline FILE` reports only new ones.",
        epilog=BASELINE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    baseline_actions = baseline.add_subparsers(dest="baseline_action", metavar="ACTION", required=True)
    create = baseline_actions.add_parser(
        "create",
        help="check the inputs (or read a saved report) and write every finding to the baseline",
        description="Check the inputs, or read a saved JSON report, and write every finding to a baseline file.",
        epilog=BASELINE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("inputs", nargs="*", metavar="PATH", help="files or folders, as for `checker check`")
    create.add_argument("--from-report", type=Path, metavar="RUN.json", help="take the findings of a saved JSON report (no models)")
    create.add_argument(
        "--output", "-o", type=Path, default=Path("checker-baseline.json"), metavar="FILE",
        help="where to write the baseline (default: checker-baseline.json)",
    )
    _add_model_options(create)
    create.add_argument("--min-severity", choices=["major", "minor", "info"], help="leave findings below this severity out")
    create.add_argument("--decisions", type=Path, metavar="FILE", help="leave the findings dismissed in this decisions file out")
    create.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary on the terminal")

    models = sub.add_parser(
        "models",
        help="list the model backends and the weights they use; convert models for fast CPU inference",
        description="List the model backends, the weights each uses, their sources, licences and checksums.",
        epilog="examples:\n  checker models list\n  checker models convert ~/models/opus-mt-de-en ~/models/opus-mt-de-en-ct2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    model_actions = models.add_subparsers(dest="action", metavar="ACTION")
    model_actions.add_parser("list", help="the model registry and which preset models are on this machine (the default)")
    pull = model_actions.add_parser(
        "pull",
        help="download what `check --models full` needs into the Hugging Face cache",
        description="Download the models of a preset from the model hub into the Hugging Face cache "
        "(HF_HOME, HF_ENDPOINT, HF_HUB_OFFLINE and your token are honoured), exactly the files the "
        "registry lists, at its revision, each checked after the download.",
        epilog="examples:\n  checker models pull --models full --languages de,fr,id\n  checker check docs/ --models full",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_preset_option(pull)
    pull.add_argument("--languages", metavar="LIST", help="source languages, comma-separated (default: `languages` of the configuration)")
    pull.add_argument("--config", type=Path, metavar="FILE", help="checker.toml or pyproject.toml to read languages from")
    pull.add_argument("--allow-pickle-weights", action="store_true", help="also fetch pickle-based weights the registry lists")
    convert = model_actions.add_parser(
        "convert",
        help="convert a transformers model folder for --pivot ct2 or --nli onnx",
        description="Convert a transformers translation model (MarianMT, M2M100, NLLB) into a CTranslate2 "
        "folder for --pivot ct2, or with --nli an MNLI classifier into an ONNX folder for --nli onnx.",
        epilog="examples:\n"
        "  checker models convert ~/models/opus-mt-de-en ~/models/opus-mt-de-en-ct2\n"
        "  checker check site/ --pivot ct2 --pivot-model ~/models/opus-mt-{src}-en-ct2\n"
        "  checker models convert --nli ~/models/deberta-mnli ~/models/deberta-mnli-onnx\n"
        "  checker check site/ --pivot ct2 --pivot-model … --nli onnx --nli-model ~/models/deberta-mnli-onnx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("source", type=Path, metavar="SRC_DIR", help="a folder written by transformers' save_pretrained")
    convert.add_argument("output", type=Path, metavar="OUT_DIR", help="the folder to create")
    convert.add_argument("--nli", action="store_true", help="SRC_DIR is an MNLI-style classifier: export it to ONNX")
    convert.add_argument(
        "--quantization",
        default="int8",
        metavar="TYPE",
        help="weight type: int8 (default), or float32; for translators also int8_float32, int16, float16, bfloat16 …",
    )
    convert.add_argument("--force", action="store_true", help="overwrite OUT_DIR when it is not empty")

    cache = sub.add_parser(
        "cache",
        help="show or clear the cache of model outputs",
        description="Show or clear the cache of model outputs (translations, sentence and word vectors, NLI scores).",
        epilog="examples:\n  checker cache info\n  checker cache clear --older-than 30",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cache.add_argument("action", choices=["info", "clear"])
    cache.add_argument("--older-than", type=float, metavar="DAYS", help="clear only entries not used for this many days")
    cache.add_argument("--config", type=Path, metavar="FILE", help="checker.toml or pyproject.toml to read [cache] from")
    return parser


def _add_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        action="append",
        dest="formats",
        metavar="FORMAT[:PATH]",
        help="write the report in FORMAT to standard output, or to PATH (FORMAT=PATH works too); repeatable; "
        "FORMAT: " + ", ".join(OUTPUT_FORMATS) + " (html needs a PATH); see the list below",
    )


def _add_model_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("models and configuration")
    group.add_argument("--config", type=Path, metavar="FILE", help="checker.toml or pyproject.toml to read settings from")
    _add_preset_option(group)
    group.add_argument(
        "--allow-download",
        action="store_true",
        help="let this run fetch the preset's missing models from the model hub (else it stops and names them)",
    )
    group.add_argument("--pivot", metavar="NAME", help="translator into English: none, marian, nllb, m2m100, llama-cpp, ct2")
    group.add_argument("--pivot-model", metavar="NAME_OR_DIR", help="model name or local directory for --pivot")
    group.add_argument("--nli", metavar="NAME", help="NLI backend: none, transformers or onnx")
    group.add_argument("--nli-model", metavar="NAME_OR_DIR", help="MNLI-style model name or local directory for --nli")
    group.add_argument(
        "--divergence",
        metavar="NAME_OR_DIR",
        help="checker's own divergence model: builtin (default: checker-divergence-4, models/divergence-4), "
        "head (checker-divergence-1, models/divergence), none, or a folder written by scripts/train_divergence.py",
    )
    group.add_argument(
        "--allow-pickle-weights",
        action="store_true",
        help="also load pickle-based weights (pytorch_model.bin, *.pt, *.ckpt), which can run code: only from a source you trust",
    )


def _add_preset_option(p) -> None:
    p.add_argument(
        "--models",
        choices=["offline", "full"],
        help="model preset: offline (default: what installs with checker) or full (adds a translator per "
        "language and NLI from the model hub; `checker models pull` fetches them); see `checker models list`",
    )


def _config(args: argparse.Namespace, search_from: Path):
    from .config import load_config

    config = load_config(args.config, search_from=search_from)
    config = config.with_overrides(
        pivot=args.pivot,
        pivot_model=args.pivot_model,
        nli=args.nli,
        nli_model=args.nli_model,
        divergence=args.divergence,
        fail_on=getattr(args, "fail_on", None),
        min_severity=getattr(args, "min_severity", None),
        allow_pickle=True if getattr(args, "allow_pickle_weights", False) else None,
        models=getattr(args, "models", None),
        allow_download=True if getattr(args, "allow_download", False) else None,
    )
    # A gate must show what fails it: findings at the --fail-on severity are always reported.
    if config.fail_on != "never" and SEVERITY_RANK[config.fail_on] < SEVERITY_RANK[config.min_severity]:
        config = config.with_overrides(min_severity=config.fail_on)
    return config


def _default_report_name(inputs: Sequence[str]) -> str:
    first = Path(inputs[0])
    name = first.resolve().name if first.is_dir() else first.stem
    return name or "report"


def _gated_run(args: argparse.Namespace, on_problem=None, own=None):
    """run_check, then the review decisions and the suppressions: what `check` and
    `baseline create` share. Returns (RunResult, Config, SuppressionReport). Files that
    cannot be checked go to `on_problem` (pipeline.prepare_run); without it they end the run."""
    from .backends.registry import build_backends
    from .baseline import record_gate
    from .cache import open_store
    from .decisions import apply_decisions, load_decisions
    from .discover import changed_files
    from .engine import make_engine, run_check_with
    from .pipeline import input_languages, input_root
    from .suppress import apply_suppressions, unit_note_markers

    config = _config(args, Path.cwd())
    decisions = load_decisions(args.decisions) if args.decisions else None  # a bad file fails before any model loads
    engine = make_engine(getattr(args, "engine", "local"), getattr(args, "ray_address", None))  # so does a missing ray
    interactive = sys.stderr.isatty() and not args.quiet
    progress = _Progress(interactive)
    _ensure_preset_models(config, lambda: input_languages(args.inputs, config))  # before any model loads
    backends = build_backends(config)
    store = open_store(config.cache)  # the one build_backends opened, if caching is on
    cache = store.translations if store is not None and backends.translator else None
    since = getattr(args, "changed_since", None)
    changed = changed_files(since, input_root(args.inputs)) if since else None
    result = run_check_with(engine, args.inputs, config, backends, progress, cache, changed, on_problem, store, own)
    if decisions is not None:
        result = apply_decisions(result, decisions)
    result, suppression = apply_suppressions(result, config.suppress, config.ignore, extra_markers=unit_note_markers(result))
    return record_gate(result, suppression), config, suppression


def _ensure_preset_models(config, languages) -> None:
    """For a hub preset: the models the input languages need are in the cache and intact, or
    fetched now when the user allowed downloads; else exit 2 naming each one and `models pull`."""
    if config.models == "offline":
        return
    from .cache import default_cache_dir
    from .model_catalog.hub import hub_settings
    from .model_catalog.presets import ensure_available, plan_models

    plan = plan_models(config.models, languages())
    ensure_available(plan, hub_settings(), default_cache_dir(), allow_download=config.allow_download,
                     allow_pickle=config.allow_pickle)


def _cmd_check(args: argparse.Namespace) -> int:
    from .baseline import filter_new, gate_lines, load_baseline, record_gate

    specs = parse_output_specs(args.formats or [])  # a bad --format fails before any model loads
    defaults: list[Path] = []
    if args.json is None and args.html is None and not specs:
        name = _default_report_name(args.inputs)
        defaults = [args.reports_dir / f"{name}.json", args.reports_dir / f"{name}.html"]
        specs = parse_output_specs([OutputSpec("json", defaults[0]), OutputSpec("html", defaults[1])])
    else:
        chosen = [OutputSpec(f, p) for f, p in (("json", args.json), ("html", args.html)) if p is not None]
        specs = parse_output_specs([*chosen, *specs])
    outputs = _refuse_unsafe_outputs(specs, args.inputs, {"decisions": args.decisions, "baseline": args.baseline,
                                                          "config": args.config}, defaults)
    baseline = load_baseline(args.baseline) if args.baseline else None  # so does a bad baseline
    unchecked: list[str] = []

    def not_checked(problem) -> None:
        """A bad file is named at once; the others are checked and reported, and the run exits 2."""
        print(f"checker: error: {problem.message}", file=sys.stderr, flush=True)
        unchecked.append(problem.path)

    own = OwnReports.of_run([*outputs, args.decisions, args.baseline], [args.reports_dir, *(p.parent for p in outputs)])
    result, config, suppression = _gated_run(args, not_checked, own)
    if baseline is not None:
        result, stats = filter_new(result, baseline)
        result = record_gate(result, stats=stats)

    color = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    written = _write_reports(result, specs, color)
    if not args.quiet:
        _print_summary(result, specs, written, color)
        # the baseline counts, what was suppressed, unused suppressions (stderr when stdout is a report)
        for line in gate_lines(result):
            print(line, file=sys.stderr if writes_to_stdout(specs) else sys.stdout)
    if unchecked:
        n = len(unchecked)
        print(f"checker: {n} file{'s' if n != 1 else ''} could not be checked (named above); the reports cover the rest", file=sys.stderr)
        return 2
    code = _exit_code(result, config.fail_on)
    return max(code, 1) if args.strict_suppressions and suppression.unused else code


def _refuse_unsafe_outputs(specs, inputs, read, defaults=()) -> list[Path]:
    """The report files of `specs`, checked before any work (own_reports.refuse_unsafe_outputs)."""
    from .own_reports import refuse_unsafe_outputs

    outputs = [s.path for s in specs if s.path is not None]
    refuse_unsafe_outputs(outputs, inputs, read, defaults)
    return outputs


def _write_reports(result, specs, color: bool, full_report: str | None = None) -> list[str]:
    """Every report of the run, replaced together; each noted in its folder's manifest, so a
    later folder scan knows it as checker's own (own_reports.py)."""
    from .own_reports import record_reports

    written = write_outputs(result, specs, sys.stdout, color=color, full_report=full_report)
    record_reports(Path(p) for p in written)
    return written


def _print_summary(result, specs, written: list[str], color: bool) -> None:
    """The terminal summary and the files written; when a --format goes to stdout, stdout is left to it."""
    from .emit.text import render_text

    if writes_to_stdout(specs):
        if written:
            print("wrote " + ", ".join(written), file=sys.stderr)
        return
    print(render_text(result, color=color))
    if written:
        print("wrote " + ", ".join(written))


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
    _ensure_preset_models(config, lambda: (args.source_lang, args.target_lang))
    backends = build_backends(config)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    records = score_pairs(pairs, args.source_lang, args.target_lang, config, backends, progress)
    _write_atomic(args.jsonl, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    if not args.quiet:
        divergent = sum(1 for r in records if r["divergent"])
        print(f"{len(records)} pairs scored, {divergent} divergent; wrote {args.jsonl}")
    return 0


def _read_report(path: Path):
    """A saved JSON report as a RunResult; a missing, foreign or malformed file is an
    InputError (exit 2) naming the field that is wrong (validate.py)."""
    from .records import SCHEMA, SEVERITIES, run_result_from_json
    from .validate import REPORT_SHAPE, checked_shape, read_json_file

    fix = "pass a JSON report written by `checker check --json`"
    data = read_json_file(path, "report", fix)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise CheckerError(f"{path}: not a checker JSON report (schema {found!r}, expected {SCHEMA!r})")

    def severities(report) -> str | None:
        for group in ("findings", "notes"):
            for n, f in enumerate(report.get(group, [])):
                if f["severity"] not in SEVERITIES:
                    return f"{group}[{n}].severity is {f['severity']!r}, not one of {', '.join(SEVERITIES)}"
        return None

    return run_result_from_json(checked_shape(data, REPORT_SHAPE, str(path), fix, severities))


def _cmd_baseline(args: argparse.Namespace) -> int:
    from .baseline import Baseline, gate_record, save_baseline

    if bool(args.inputs) == bool(args.from_report):
        raise CheckerError("checker baseline create: give either PATH... to check or --from-report RUN.json, not both or neither")
    from .own_reports import refuse_unsafe_outputs

    refuse_unsafe_outputs([args.output], args.inputs, {"saved report": args.from_report, "decisions": args.decisions})
    if args.from_report:
        result = _read_report(args.from_report)  # its suppressions and decisions were applied when it was made
        if "baseline" in gate_record(result):
            raise CheckerError(
                f"{args.from_report}: made with --baseline, so it holds only the new findings "
                "(use the report of a run without --baseline)"
            )
    else:
        result, _, _ = _gated_run(args)
    baseline = Baseline.from_result(result)
    save_baseline(baseline, args.output)
    if not args.quiet:
        n = len(baseline.entries)
        print(f"wrote {args.output}: {n} finding{'s' if n != 1 else ''} in the baseline")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .decisions import apply_decisions, load_decisions
    from .emit.text import render_text

    specs = parse_output_specs(args.formats or [])
    to_stdout = writes_to_stdout(specs)
    if args.text and to_stdout:
        stdout_format = next(s.format for s in specs if s.path is None)
        raise CheckerError(
            f"--text and --format {stdout_format} both print to standard output "
            f"(give the format a file: --format {stdout_format}:PATH, or use --format text)"
        )
    with_html = parse_output_specs([*([OutputSpec("html", args.html)] if args.html else []), *specs])
    _refuse_unsafe_outputs(with_html, [], {"saved report": args.report_json, "decisions": args.decisions})
    decisions = load_decisions(args.decisions) if args.decisions else None
    result = _read_report(args.report_json)
    if decisions is not None:
        result = apply_decisions(result, decisions)
    notes = sys.stderr if to_stdout else sys.stdout  # a format on stdout keeps stdout to itself
    color = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    written = _write_reports(result, with_html, color)
    if written:
        print("wrote " + ", ".join(written), file=notes)
    if args.text or not (args.html or specs):
        print(render_text(result, color=color))
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    if args.action == "convert":
        return _cmd_models_convert(args)
    if args.action == "pull":
        return _cmd_models_pull(args)
    from .model_catalog.catalog import describe_models, registry_entries
    from .model_catalog.hub import hub_settings, missing_files

    settings = hub_settings()
    on_machine = {e.id: not missing_files(e, settings) for e in registry_entries() if e.preset}
    print(describe_models(on_machine=on_machine))
    return 0


def _cmd_models_pull(args: argparse.Namespace) -> int:
    from .cache import default_cache_dir
    from .config import load_config
    from .model_catalog.hub import hub_settings, pull
    from .model_catalog.presets import plan_models

    config = load_config(args.config, search_from=Path.cwd())
    preset = args.models or (config.models if config.models != "offline" else "full")
    if preset == "offline":
        print("the offline preset needs no download: its models install with checker")
        return 0
    languages = [x.strip() for x in args.languages.split(",") if x.strip()] if args.languages else list(config.languages)
    plan = plan_models(preset, languages)
    if plan.unserved:
        print(f"checker: warning: the registry lists no translator for {', '.join(plan.unserved)}", file=sys.stderr)
    settings = hub_settings()
    folders = pull(plan.entries(), settings, default_cache_dir(), allow_pickle=args.allow_pickle_weights)
    for entry, folder in zip(plan.entries(), folders):
        print(f"{entry.label}: {folder}")
    print(f"{len(folders)} model{'s' if len(folders) != 1 else ''} ready in {settings.cache_dir}; "
          f"run `checker check PATH --models {preset}`")
    return 0


def _cmd_models_convert(args: argparse.Namespace) -> int:
    if args.nli:
        from .backends.nli_fast import export_nli

        out = export_nli(args.source, args.output, args.quantization, force=args.force)
        print(f"wrote {out}; use it with --nli onnx --nli-model {out}")
    else:
        from .backends.ct2_pivot import convert_translator

        out = convert_translator(args.source, args.output, args.quantization, force=args.force)
        print(f"wrote {out}; use it with --pivot ct2 --pivot-model {out}")
    return 0


def _cmd_cache(args: argparse.Namespace) -> int:
    from .cache import cache_command
    from .config import load_config

    print(cache_command(args.action, load_config(args.config, search_from=Path.cwd()).cache, args.older_than))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    commands = {
        "check": _cmd_check, "pairs": _cmd_pairs, "report": _cmd_report, "baseline": _cmd_baseline, "models": _cmd_models,
        "cache": _cmd_cache,
    }
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
