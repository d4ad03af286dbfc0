"""Model backends on tiny random-weight models the tests build themselves (no hub, no network)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from tiny_models import (  # one_torch_thread: a module-wide autouse fixture
    CORPUS,
    MAX_POSITIONS,
    NLI_LABELS,
    NLI_MAX,
    build_m2m,
    build_marian,
    build_nli,
    TEXTS,
    one_torch_thread,
)

from checker.backends import hf_seq2seq
from checker.backends.hf_nli import TransformersNli, label_order
from checker.backends.hf_seq2seq import Seq2SeqTranslator, halve_by_tokens, nllb_code, split_to_fit
from checker.backends.llama_pivot import (
    LlamaCppTranslator,
    assemble_gguf,
    build_messages,
    clean_output,
)
from checker.errors import CheckerError, ModelUnavailableError
from checker.protocols import NliScorer, Translator

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")



@pytest.fixture(scope="module")
def marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marian(tmp_path_factory.mktemp("marian"))


@pytest.fixture(scope="module")
def m2m_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_m2m(tmp_path_factory.mktemp("m2m"))


@pytest.fixture(scope="module")
def nli_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same classifier twice: labels in MNLI order, and with outputs and id2label shuffled."""
    plain = build_nli(tmp_path_factory.mktemp("nli"), NLI_LABELS)
    perm = [2, 0, 1]  # new output i is old output perm[i]
    shuffled = {i: NLI_LABELS[old].upper() for i, old in enumerate(perm)}
    return plain, build_nli(tmp_path_factory.mktemp("nli_shuffled"), shuffled, perm)


# --------------------------------------------------------------------------- seq2seq


def test_translate_keeps_input_order_and_batching_changes_nothing(marian_dir: Path) -> None:
    translator = Seq2SeqTranslator(str(marian_dir), max_new_tokens=8)
    assert isinstance(translator, Translator)
    out = translator.translate(TEXTS, "de")
    assert len(out) == len(TEXTS) and all(isinstance(t, str) for t in out)
    assert len(set(out)) > 1, "the tiny model should answer differently to different inputs"
    one_by_one = [translator.translate([t], "de")[0] for t in TEXTS]
    assert out == one_by_one
    assert translator.translate(TEXTS[::-1], "de") == out[::-1]
    small_batches = Seq2SeqTranslator(str(marian_dir), max_new_tokens=8, batch_size=2)
    assert small_batches.translate(TEXTS, "de") == out
    assert translator.translate(["", "  "], "de") == ["", ""]


def test_english_passes_through_without_loading() -> None:
    translator = Seq2SeqTranslator("checker-test/never-loaded")
    assert translator.translate(["Hello there."], "en-GB") == ["Hello there."]


def test_long_sentence_is_split_not_truncated(marian_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    translator = Seq2SeqTranslator(str(marian_dir), max_new_tokens=4)
    long = " ".join(f"Satz {i}: {line}" for i, line in enumerate(CORPUS * 3))
    calls: list[list[str]] = []
    real = translator._generate

    def spy(loaded: Any, pieces: list[str], forced_bos: int | None) -> list[str]:
        calls.append(list(pieces))
        return real(loaded, pieces, forced_bos)

    monkeypatch.setattr(translator, "_generate", spy)
    [english] = translator.translate([long], "de")
    [pieces] = calls
    tokenizer = translator._loaded[str(marian_dir)].tokenizer
    assert len(tokenizer(long)["input_ids"]) > MAX_POSITIONS
    assert len(pieces) > 1
    assert all(len(tokenizer(p)["input_ids"]) <= MAX_POSITIONS for p in pieces)
    assert " ".join(pieces) == long  # every word is translated, none dropped
    assert english == " ".join(real(translator._loaded[str(marian_dir)], [p], None)[0] for p in pieces)


def test_split_to_fit_prefers_punctuation_then_words_then_tokens() -> None:
    def fits(text: str) -> bool:
        return len(text) <= 24

    def halve(text: str) -> list[str]:
        return [text[: len(text) // 2], text[len(text) // 2 :]]

    text = "Eins zwei, drei vier. Fünf sechs sieben acht neun zehn; Donaudampfschifffahrtsgesellschaft"
    pieces = split_to_fit(text, fits, halve)
    assert all(fits(p) for p in pieces)
    assert pieces[0] == "Eins zwei, drei vier."  # cut at the full stop, not inside
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert split_to_fit("short", fits, halve) == ["short"]
    assert split_to_fit("   ", fits, halve) == []


def test_template_loads_one_model_per_language_once(
    marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for lang in ("de", "fr"):
        (tmp_path / f"opus-mt-{lang}-en").symlink_to(marian_dir, target_is_directory=True)
    loads: list[str] = []
    real = hf_seq2seq.from_pretrained_offline

    def counting(loader: Any, name: str, **kw: Any) -> Any:
        loads.append(name)
        return real(loader, name, **kw)

    monkeypatch.setattr(hf_seq2seq, "from_pretrained_offline", counting)
    translator = Seq2SeqTranslator(str(tmp_path / "opus-mt-{src}-en"), max_new_tokens=4)
    assert translator.model_id.endswith("opus-mt-{src}-en")
    for _ in range(2):
        translator.translate(["Der Hund läuft."], "de")
        translator.translate(["Le chat dort."], "fr-CA")
    assert sorted(set(loads)) == [str(tmp_path / "opus-mt-de-en"), str(tmp_path / "opus-mt-fr-en")]
    assert len(loads) == 4  # tokenizer + model, per language, once


def test_m2m100_sets_source_language_and_forces_english(m2m_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    translator = Seq2SeqTranslator(str(m2m_dir), max_new_tokens=4)
    translator.translate(["Der Hund läuft."], "de")  # loads
    loaded = translator._loaded[str(m2m_dir)]
    seen: dict[str, Any] = {}
    real = loaded.model.generate

    def spy(**kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(loaded.model, "generate", spy)
    out = translator.translate(["Le chat dort.", "Il y a un an."], "fr")
    assert len(out) == 2
    tok: Any = loaded.tokenizer
    assert seen["forced_bos_token_id"] == tok.get_lang_id("en")
    assert seen["input_ids"][0, 0].item() == tok.get_lang_id("fr")  # M2M100: __fr__ X </s>
    with pytest.raises(CheckerError, match="no language code"):
        translator.translate(["x"], "xx")


def test_nllb_codes() -> None:
    assert nllb_code("de") == "deu_Latn"
    assert nllb_code("ID") == "ind_Latn"
    assert nllb_code("pt-BR") == "por_Latn"
    assert nllb_code("zh-TW") == "zho_Hant"
    assert nllb_code("fra_Latn") == "fra_Latn"
    assert nllb_code("xx") is None


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHECKER_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(ModelUnavailableError) as err:
        Seq2SeqTranslator("checker-test/no-such-model-xyz").translate(["Hallo"], "de")
    message = str(err.value)
    assert "checker-test/no-such-model-xyz" in message
    assert "offline" in message and "directory" in message and "CHECKER_ALLOW_DOWNLOAD" in message

    with pytest.raises(ModelUnavailableError, match="does not exist"):
        Seq2SeqTranslator(str(tmp_path / "absent")).translate(["Hallo"], "de")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailableError, match="incomplete"):
        TransformersNli(str(tmp_path / "empty")).score([("a", "b")])
    with pytest.raises(ModelUnavailableError, match="offline"):
        TransformersNli("checker-test/no-such-nli-xyz").score([("a", "b")])


# --------------------------------------------------------------------------- NLI

PAIRS = [
    ("Der Hund läuft schnell über die Straße.", "Der Hund schläft."),
    ("Le chat dort sur le canapé.", "Le chat dort."),
    ("Il y a un an, le ministre a dit non.", "le ministre a dit non"),
]


def test_nli_probabilities_follow_config_label_order(nli_dirs: tuple[Path, Path]) -> None:
    plain_dir, shuffled_dir = nli_dirs
    plain = TransformersNli(str(plain_dir))
    assert isinstance(plain, NliScorer)
    scores = plain.score(PAIRS)
    assert len(scores) == len(PAIRS)
    for s in scores:
        assert s.entail + s.neutral + s.contradict == pytest.approx(1.0, abs=1e-5)
    assert len({round(s.entail, 6) for s in scores}) > 1
    # Same weights with outputs and id2label permuted: the same scores per label.
    shuffled = TransformersNli(str(shuffled_dir), batch_size=1).score(PAIRS)
    for a, b in zip(scores, shuffled):
        assert (a.entail, a.neutral, a.contradict) == pytest.approx((b.entail, b.neutral, b.contradict), abs=1e-5)
    # Batching and order do not change a pair's scores.
    assert plain.score(PAIRS[::-1]) == pytest.approx(scores[::-1])


def test_nli_long_premise_is_chunked(nli_dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    nli = TransformersNli(str(nli_dirs[0]))
    premise = " ".join(CORPUS)
    hypothesis = "der hund schläft."
    units: list[tuple[str, str]] = []
    real = nli._classify

    def spy(state: Any, batch: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
        units.extend(batch)
        return real(state, batch)

    monkeypatch.setattr(nli, "_classify", spy)
    [score] = nli.score([(premise, hypothesis)])
    tok = nli._state.tokenizer  # type: ignore[union-attr]
    assert len(tok(premise, hypothesis)["input_ids"]) > NLI_MAX
    assert len(units) > 1
    assert all(len(tok(p, h)["input_ids"]) <= NLI_MAX and h == hypothesis for p, h in units)
    assert " ".join(p for p, _ in units) == premise
    chunk_scores = real(nli._state, units)  # type: ignore[arg-type]
    assert score.entail == pytest.approx(max(e for e, _, _ in chunk_scores))
    assert score.contradict == pytest.approx(min(c for _, _, c in chunk_scores))
    assert score.entail + score.neutral + score.contradict == pytest.approx(1.0)


def test_nli_long_hypothesis_is_split_too(nli_dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    nli = TransformersNli(str(nli_dirs[0]))
    premise, hypothesis = CORPUS[3], f"{CORPUS[0]} {CORPUS[2]}"
    units: list[tuple[str, str]] = []
    real = nli._classify

    def spy(state: Any, batch: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
        units.extend(batch)
        return real(state, batch)

    monkeypatch.setattr(nli, "_classify", spy)
    [score] = nli.score([(premise, hypothesis)])
    tok = nli._state.tokenizer  # type: ignore[union-attr]
    assert all(len(tok(p, h)["input_ids"]) <= NLI_MAX for p, h in units)
    parts = list(dict.fromkeys(h for _, h in units))
    assert len(parts) > 1 and " ".join(parts) == hypothesis
    probs = dict(zip(units, real(nli._state, units)))  # type: ignore[arg-type]
    # The premise must support every part of the hypothesis.
    best = {h: max(probs[u][0] for u in units if u[1] == h) for h in parts}
    assert score.entail == pytest.approx(min(best.values()))
    assert score.entail + score.neutral + score.contradict == pytest.approx(1.0)


def test_halve_by_tokens_cuts_at_a_token_start(nli_dirs: tuple[Path, Path], marian_dir: Path) -> None:
    from transformers import AutoTokenizer

    fast = AutoTokenizer.from_pretrained(nli_dirs[0], local_files_only=True)
    assert fast.is_fast
    assert halve_by_tokens(fast)("hunde") == ["hund", "e"]  # hund ##e
    slow = AutoTokenizer.from_pretrained(marian_dir, local_files_only=True)
    halves = halve_by_tokens(slow)("Unteilbarkeit")
    assert len(halves) == 2 and "".join(halves) == "Unteilbarkeit"


def test_label_order() -> None:
    assert label_order({0: "CONTRADICTION", 1: "Neutral", 2: "ENTAILMENT"}) == (2, 1, 0)
    assert label_order({"0": "entail", "1": "contradict", "2": "neutral"}) == (0, 2, 1)
    with pytest.raises(CheckerError, match="id2label"):
        label_order({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(CheckerError, match="neutral"):
        label_order({0: "entailment", 1: "not_entailment"})


# --------------------------------------------------------------------------- llama.cpp


class FakeLlama:
    """Stands in for llama_cpp.Llama: words as tokens, canned chat answers."""

    instances: list[FakeLlama] = []

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        self.model_path = model_path
        self.kwargs = kwargs
        self.requests: list[dict[str, Any]] = []
        FakeLlama.instances.append(self)

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(text.split())))

    def create_chat_completion(self, messages: list[dict[str, str]], **kwargs: Any) -> dict[str, Any]:
        self.requests.append({"messages": messages, **kwargs})
        sentence = messages[-1]["content"].rsplit("\n\n", 1)[-1]
        content = f'Translation: "EN<{sentence}>"\n\nNote: the source is formal.'
        return {"choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}


@pytest.fixture
def fake_llama(monkeypatch: pytest.MonkeyPatch) -> type[FakeLlama]:
    FakeLlama.instances = []
    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=FakeLlama))
    return FakeLlama


def test_llama_translator_prompts_and_cleans(fake_llama: type[FakeLlama], tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    translator = LlamaCppTranslator(str(gguf), n_threads=2)
    assert isinstance(translator, Translator)
    out = translator.translate(["Der Hund läuft.", "Die Katze schläft."], "de")
    assert out == ["EN<Der Hund läuft.>", "EN<Die Katze schläft.>"]
    [llm] = fake_llama.instances
    assert llm.kwargs["n_threads"] == 2 and llm.kwargs["n_ctx"] == 2048
    request = llm.requests[0]
    assert request["temperature"] == 0.0
    assert "German" in request["messages"][-1]["content"] and "English" in request["messages"][-1]["content"]
    assert translator.translate(["Hello."], "en") == ["Hello."]


def test_llama_translator_splits_what_the_context_cannot_hold(fake_llama: type[FakeLlama], tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    translator = LlamaCppTranslator(str(gguf), n_ctx=150)
    long = " ".join(CORPUS * 3)
    [english] = translator.translate([long], "fr")
    sent = [r["messages"][-1]["content"].rsplit("\n\n", 1)[-1] for r in fake_llama.instances[0].requests]
    assert len(sent) > 1 and " ".join(sent) == long
    assert english == " ".join(f"EN<{s}>" for s in sent)


def test_llama_missing_dependency_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails as if not installed
    with pytest.raises(ModelUnavailableError, match=r"pip install 'checker\[llm\]'"):
        LlamaCppTranslator(str(tmp_path / "x.gguf")).translate(["Hallo"], "de")
    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=FakeLlama))
    with pytest.raises(ModelUnavailableError, match="assemble_qwen_gguf"):
        LlamaCppTranslator(str(tmp_path / "x.gguf")).translate(["Hallo"], "de")


def test_clean_output() -> None:
    assert clean_output("**Translation:** The dog runs.", "Der Hund läuft.") == "The dog runs."
    assert clean_output("English translation: The dog runs.\n\n(Note: literal)", "Der Hund läuft.") == "The dog runs."
    assert clean_output("“The dog runs.”", "Der Hund läuft.") == "The dog runs."
    assert clean_output("Translation (English): The dog runs.", "Der Hund läuft.") == "The dog runs."
    assert clean_output("The English version: fine.", "x") == "The English version: fine."
    assert clean_output('"Stop," he said.', '„Halt", sagte er.') == '"Stop," he said.'
    assert clean_output("```\nThe dog runs.\n```", "Der Hund läuft.") == "The dog runs."
    prompt = build_messages("Halo.", "id")[-1]["content"]
    assert "Indonesian sentence into English" in prompt and prompt.endswith("\n\nHalo.")


def test_assemble_gguf_joins_parts_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    site = tmp_path / "site"
    chunks = {1: b"GGUF-one-", 2: b"two-", 10: b"ten"}
    for n, data in chunks.items():
        pkg = site / f"fakeggufpart{n}" / "data"
        pkg.mkdir(parents=True)
        (pkg.parent / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
        (pkg / f"part{n:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    names = [f"fakeggufpart{n}" for n in (1, 2, 10)]
    target = assemble_gguf(names, tmp_path / "cache" / "m.gguf")
    assert target.read_bytes() == b"GGUF-one-two-ten"
    assert assemble_gguf(names, target) == target  # reused, not rewritten
    with pytest.raises(ModelUnavailableError, match="pip install fakeggufpart-missing"):
        assemble_gguf([*names, "fakeggufpart-missing"], tmp_path / "other.gguf")
    with pytest.raises(ModelUnavailableError, match="GGUF"):
        assemble_gguf(names[1:], tmp_path / "bad.gguf")
    assert not (tmp_path / "bad.gguf").exists() and not (tmp_path / "bad.gguf.partial").exists()
