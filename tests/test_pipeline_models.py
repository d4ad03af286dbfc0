"""The real pipeline, through the command line and the backend registry, with model backends:
the shipped e5 embedder, a tiny random-weight Marian translator and a tiny hand-wired
NLI classifier, both built here with save_pretrained (no hub, no network).

The document set: three versions (de, fr, en) of a four-sentence library notice.
- fr says 15 books where de and en say 12 (a number finding blaming fr);
- en says late returns do *not* cost a fee (the only "not" in the set).

The tiny Marian model translates into gibberish, so the NLI model is built to be
predictable instead of random: it answers "contradiction" for any pair that contains
the word "not" and "entailment" otherwise. Only the English sentence 4 has "not", and
English passes through the pivot verbatim, so NLI must blame en on bead 4 and nothing
else. (A random-weight classifier gives near-uniform probabilities: entailment below
`nli_entail_min` for every pair, so no version is ever the odd one out and NLI never
reaches a finding's evidence. That is why the model is wired by hand.)
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from tiny_models import build_keyword_nli, build_marian

from checker.backends.hf_nli import TransformersNli
from checker.backends.hf_seq2seq import Seq2SeqTranslator
from checker.backends.registry import build_nli, build_translator
from checker.cli import main
from checker.errors import CheckerError

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

DOCS = {
    "de": (
        "Die Bibliothek öffnet jeden Morgen um neun Uhr.\n"
        "Mitglieder dürfen bis zu 12 Bücher gleichzeitig ausleihen.\n"
        "Bücher müssen innerhalb von drei Wochen zurückgegeben werden.\n"
        "Für verspätete Rückgaben wird eine kleine Gebühr pro Tag berechnet.\n"
    ),
    "fr": (
        "La bibliothèque ouvre tous les matins à neuf heures.\n"
        "Les membres peuvent emprunter jusqu'à 15 livres à la fois.\n"
        "Les livres doivent être rendus dans un délai de trois semaines.\n"
        "Les retours en retard entraînent de petits frais par jour.\n"
    ),
    "en": (
        "The library opens at nine o'clock every morning.\n"
        "Members may borrow up to 12 books at a time.\n"
        "Books must be returned within three weeks.\n"
        "Late returns do not cost any fee.\n"
    ),
}
NLI_WORDS = ["the", "library", "books", "members", "fee", "returns", "late", "do", "cost", "any"]


@pytest.fixture(scope="module", autouse=True)
def isolated_env() -> Any:
    """One torch thread (tiny models are overhead-bound) and a private translation cache."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory(prefix="checker-cache-") as cache:
        mp.setenv("CHECKER_CACHE_DIR", cache)
        mp.delenv("CHECKER_ALLOW_DOWNLOAD", raising=False)
        yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "pivot": build_marian(root / "tiny-opus-mt"),
        "nli": build_keyword_nli(root / "tiny-nli-not", "not", NLI_WORDS),
    }


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for lang, text in DOCS.items():
        (folder / f"notice.{lang}.txt").write_text(text, encoding="utf-8")
    return folder


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def run(models: dict[str, Path], docs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("out")
    code, stdout, stderr = _cli(
        [
            "check", str(docs),
            "--pivot", "marian", "--pivot-model", str(models["pivot"]),
            "--nli", "transformers", "--nli-model", str(models["nli"]),
            "--json", str(out / "run.json"), "--html", str(out / "run.html"), "--no-color",
        ]
    )
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"code": code, "stdout": stdout, "stderr": stderr, "report": report, "html": out / "run.html"}


def _versions(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [vs] = report["version_sets"]  # exactly one set
    return {v["lang"]: v for v in vs["versions"]}


def _text(lang: str) -> str:
    return DOCS[lang]


def _line(lang: str, n: int) -> str:
    return DOCS[lang].splitlines()[n - 1]


# --------------------------------------------------------------------------- the run


def test_one_version_set_and_exit_code_for_a_major_finding(run: dict[str, Any]) -> None:
    assert run["code"] == 1, run["stderr"]
    report = run["report"]
    assert report["schema"] == "checker-report/1"
    assert set(_versions(report)) == {"de", "fr", "en"}
    assert report["unrelated"] == []
    assert run["html"].stat().st_size > 0
    assert "notice.fr.txt:2" in run["stdout"]


def test_signature_names_the_pivot_and_nli_models(run: dict[str, Any], models: dict[str, Path]) -> None:
    parts = dict(p.split(":", 1) for p in run["report"]["tool"]["signature"].split("|"))
    assert parts["pivot"] == str(models["pivot"])
    assert parts["nli"] == str(models["nli"])
    assert "nli" in parts["signals"].split("+")
    assert run["report"]["config"]["pivot"] == "marian"
    assert run["report"]["config"]["nli_model"] == str(models["nli"])


def test_pivots_come_from_the_translator_and_english_passes_through(
    run: dict[str, Any], models: dict[str, Path]
) -> None:
    [vs] = run["report"]["version_sets"]
    rows = vs["alignment"]
    assert len(rows) == 4 and all(set(r["members"]) == {"de", "fr", "en"} for r in rows)
    translator = Seq2SeqTranslator(str(models["pivot"]))
    for row in rows:
        for lang, segs in row["members"].items():
            [seg] = segs  # 1:1 everywhere
            assert _text(lang)[seg["start"] : seg["end"]] == seg["text"]
            if lang == "en":
                assert seg["pivot"] == seg["text"]
            else:
                assert seg["pivot"].strip(), f"{lang} segment {seg['text']!r} has no pivot"
                assert seg["pivot"] != seg["text"]
                # The very output of the configured model, not something else.
                assert seg["pivot"] == translator.translate([seg["text"]], lang)[0]
    for f in run["report"]["findings"]:
        for v in f["versions"]:
            assert v["pivot"].strip()
            if v["lang"] == "en":
                assert v["pivot"] == v["text"]


def test_number_finding_blames_the_french_version(run: dict[str, Any]) -> None:
    numbers = [f for f in run["report"]["findings"] if f["kind"] == "number"]
    assert len(numbers) == 1, numbers
    [f] = numbers
    assert f["severity"] == "major"
    roles = {v["lang"]: v for v in f["versions"]}
    assert roles["fr"]["role"] == "divergent"
    assert {roles["de"]["role"], roles["en"]["role"]} == {"reference"}
    assert [s["text"] for s in roles["fr"]["spans"]] == ["15"]
    assert [s["text"] for s in roles["de"]["spans"]] == ["12"]
    assert [s["text"] for s in roles["en"]["spans"]] == ["12"]
    for lang, v in roles.items():
        assert v["line"] == 2
        assert v["text"] == _line(lang, 2)
        assert _text(lang)[v["start"] : v["end"]] == v["text"]
        for s in v["spans"]:
            assert _text(lang)[s["start"] : s["end"]] == s["text"]
    assert "15" in f["message"] and "12" in f["message"]
    # The random-weight pivots mention neither number, and NLI did not blame fr here.
    assert f["evidence"]["signals"] == ["facts"]


def test_nli_evidence_reaches_the_finding_on_the_negated_sentence(run: dict[str, Any]) -> None:
    """The negation rule and NLI both fire on sentence 4: one finding for the row (issue 13,
    item 5), led by the rule, with NLI's scores kept as merged evidence."""
    findings = run["report"]["findings"]
    on_4 = [f for f in findings if any(v["lang"] == "en" and v["line"] == 4 for v in f["versions"])]
    assert len(on_4) == 1, [f["message"] for f in findings]
    [f] = on_4
    assert f["kind"] == "negation" and f["severity"] == "major"
    roles = {v["lang"]: v["role"] for v in f["versions"]}
    assert roles == {"en": "divergent", "de": "reference", "fr": "reference"}
    en = next(v for v in f["versions"] if v["lang"] == "en")
    assert "not" in en["text"]
    assert f["evidence"]["signals"] == ["facts", "nli"]
    [nli] = [m for m in f["evidence"]["merged"] if m["signal"] == "nli"]
    assert nli["kind"] == "meaning" and nli["severity"] == "major"  # contradiction > nli_contradict_max
    summary = nli["nli"]  # the contract's shape: weakest entailment, strongest contradiction
    assert summary["contradict"] > 0.99 and summary["entail"] < 0.01
    scores = nli["nli_pairs"]
    assert set(scores) == {"en->de", "de->en", "en->fr", "fr->en"}
    for pair in scores.values():
        assert set(pair) == {"entail", "contradict"}
        assert pair["contradict"] > 0.99 and pair["entail"] < 0.01
    assert f["score"] > 0.99
    # NLI blamed nothing else: the number finding on sentence 2 is the rule's alone.
    assert [g["evidence"]["signals"] for g in findings if g is not f] == [["facts"]]


def test_findings_are_well_formed(run: dict[str, Any]) -> None:
    findings = run["report"]["findings"]
    assert len({f["id"] for f in findings}) == len(findings)
    for f in findings:
        for v in f["versions"]:
            assert _text(v["lang"])[v["start"] : v["end"]] == v["text"]
            for s in v["spans"]:
                assert _text(v["lang"])[s["start"] : s["end"]] == s["text"]
    summary = run["report"]["summary"]
    assert summary["findings"] == len(findings)


def test_rerun_gives_the_same_report(run: dict[str, Any], models: dict[str, Path], docs: Path, tmp_path: Path) -> None:
    """Second run: translations come from the cache; ids and findings are stable."""
    code, _, stderr = _cli(
        [
            "check", str(docs), "--quiet",
            "--pivot", str(models["pivot"]),  # a local directory names the backend by itself
            "--nli", str(models["nli"]),
            "--json", str(tmp_path / "again.json"),
        ]
    )
    assert code == 1, stderr
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["findings"] == run["report"]["findings"]
    assert again["version_sets"] == run["report"]["version_sets"]
    assert again["tool"]["signature"] == run["report"]["tool"]["signature"]


# --------------------------------------------------------------------------- the registry


def test_registry_builds_the_backends_from_names_and_directories(models: dict[str, Path]) -> None:
    for name, model in (("marian", str(models["pivot"])), (str(models["pivot"]), "")):
        t = build_translator(name, model)
        assert isinstance(t, Seq2SeqTranslator) and t.model_id == str(models["pivot"])
    for name, model in (("transformers", str(models["nli"])), (str(models["nli"]), "")):
        n = build_nli(name, model)
        assert isinstance(n, TransformersNli) and n.model_id == str(models["nli"])
    assert build_translator("none", "") is None and build_nli("none", "") is None
    with pytest.raises(CheckerError, match="unknown pivot 'deepl'"):
        build_translator("deepl", "")


# --------------------------------------------------------------------------- missing models


def test_missing_pivot_model_directory_exits_2_naming_it(
    models: dict[str, Path], docs: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "opus-mt-de-en"
    code, stdout, stderr = _cli(
        ["check", str(docs), "--quiet", "--pivot", "marian", "--pivot-model", str(missing), "--json", str(tmp_path / "r.json")]
    )
    assert code == 2
    assert stderr.startswith("checker: error: ")
    assert f"model directory '{missing}' does not exist" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "r.json").exists()


def test_missing_nli_model_directory_exits_2_naming_it(models: dict[str, Path], docs: Path, tmp_path: Path) -> None:
    missing = tmp_path / "deberta-mnli"
    code, _, stderr = _cli(
        [
            "check", str(docs), "--quiet",
            "--pivot", "marian", "--pivot-model", str(models["pivot"]),
            "--nli", "transformers", "--nli-model", str(missing),
            "--json", str(tmp_path / "r.json"),
        ]
    )
    assert code == 2
    assert f"checker: error: model directory '{missing}' does not exist" in stderr
    assert not (tmp_path / "r.json").exists()


def test_incomplete_model_directory_exits_2(models: dict[str, Path], docs: Path, tmp_path: Path) -> None:
    empty = tmp_path / "half-downloaded"
    empty.mkdir()
    (empty / "config.json").write_text("{}")
    code, _, stderr = _cli(
        ["check", str(docs), "--quiet", "--pivot", str(empty), "--json", str(tmp_path / "r.json")]
    )
    assert code == 2
    assert f"model directory '{empty}'" in stderr and "incomplete or unreadable" in stderr


def test_missing_nli_model_is_reported_even_when_no_pivot_is_configured(docs: Path, tmp_path: Path) -> None:
    missing = tmp_path / "deberta-mnli"
    code, _, stderr = _cli(
        ["check", str(docs), "--quiet", "--nli", "transformers", "--nli-model", str(missing), "--json", str(tmp_path / "r.json")]
    )
    assert code == 2, "ran without the NLI model it was told to use"
    assert str(missing) in stderr
