"""The fast CPU backends (CTranslate2 pivot, ONNX Runtime NLI) on tiny random-weight models.

Each is checked against the transformers backend on the same weights, so a conversion
that scrambles weights, vocabulary or label order fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tiny_models import (  # one_torch_thread: a module-wide autouse fixture
    CORPUS,
    MAX_POSITIONS,
    NLI_LABELS,
    build_m2m,
    build_marian,
    build_nli,
    TEXTS,
    one_torch_thread,
)

from checker.backends.hf_nli import TransformersNli
from checker.backends.hf_seq2seq import Seq2SeqTranslator, pieces_that_fit
from checker.backends.registry import build_nli as registry_nli
from checker.backends.registry import build_translator
from checker.cli import main
from checker.errors import CheckerError, ModelUnavailableError
from checker.protocols import NliScorer, Translator

pytest.importorskip("ctranslate2")
pytest.importorskip("onnxruntime")

from checker.backends.ct2_pivot import CONVERT_INFO, Ct2Translator, convert_translator  # noqa: E402
from checker.backends.nli_fast import OnnxNli, export_nli  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

# Measured on these tiny models (see nli_fast's docstring): float32 agrees to ~1e-6.
FLOAT_TOLERANCE = 1e-4
INT8_TOLERANCE = 0.15  # measured 0.05 on the tiny random BERT (per-channel int8)


@pytest.fixture(scope="module")
def marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marian(tmp_path_factory.mktemp("marian"))


@pytest.fixture(scope="module")
def marian_ct2(marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # float32 weights: the exact-agreement tests need them; int8 is chosen at load time.
    return convert_translator(marian_dir, tmp_path_factory.mktemp("ct2") / "marian", "float32")


@pytest.fixture(scope="module")
def nli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_nli(tmp_path_factory.mktemp("nli"), NLI_LABELS)


@pytest.fixture(scope="module")
def nli_onnx_float(nli_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_nli(nli_dir, tmp_path_factory.mktemp("onnx") / "float", "float32")


# --------------------------------------------------------------------------- CTranslate2 pivot


def test_ct2_translates_like_transformers_in_input_order(marian_dir: Path, marian_ct2: Path) -> None:
    fast = Ct2Translator(str(marian_ct2), compute_type="float32", max_new_tokens=8)
    assert isinstance(fast, Translator)
    out = fast.translate(TEXTS, "de")
    assert len(out) == len(TEXTS) and all(isinstance(t, str) and t for t in out)
    assert len(set(out)) > 1, "the tiny model should answer differently to different inputs"
    assert [fast.translate([t], "de")[0] for t in TEXTS] == out
    assert fast.translate(TEXTS[::-1], "de") == out[::-1]
    # The same weights through transformers: at the token cap transformers forces </s> in the
    # last place, so its output is the CTranslate2 output one token shorter.
    slow = Seq2SeqTranslator(str(marian_dir), max_new_tokens=8).translate(TEXTS, "de")
    assert all(f.startswith(s) for f, s in zip(out, slow)), (out, slow)
    assert fast.translate(["", " "], "de") == ["", ""]
    assert fast.translate(["Hello."], "en") == ["Hello."]


def test_ct2_sorted_batches_change_nothing(marian_ct2: Path) -> None:
    texts = TEXTS + CORPUS
    one_batch = Ct2Translator(str(marian_ct2), compute_type="float32", max_new_tokens=8).translate(texts, "de")
    pairs = Ct2Translator(str(marian_ct2), compute_type="float32", max_new_tokens=8, batch_size=2).translate(texts, "de")
    singles = Ct2Translator(str(marian_ct2), compute_type="float32", max_new_tokens=8, batch_size=1).translate(texts, "de")
    assert one_batch == pairs == singles


def test_ct2_int8_default_and_model_id(marian_ct2: Path) -> None:
    fast = Ct2Translator(str(marian_ct2), max_new_tokens=6)
    assert "ct2" in fast.model_id and "int8" in fast.model_id
    assert Ct2Translator(str(marian_ct2), compute_type="float32").model_id != fast.model_id
    out = fast.translate(TEXTS, "de")
    assert len(out) == len(TEXTS) and all(out)
    info = json.loads((marian_ct2 / CONVERT_INFO).read_text())
    assert info["kind"] == "marian" and info["max_position_embeddings"] == MAX_POSITIONS


def test_ct2_loads_once_per_process(marian_ct2: Path) -> None:
    first = Ct2Translator(str(marian_ct2), compute_type="float32")
    second = Ct2Translator(str(marian_ct2), compute_type="float32")
    first.translate(["Der Hund."], "de")
    second.translate(["Der Hund."], "de")
    assert first._loaded[str(marian_ct2)].translator is second._loaded[str(marian_ct2)].translator


def test_ct2_long_input_is_split_not_truncated(marian_ct2: Path) -> None:
    fast = Ct2Translator(str(marian_ct2), compute_type="float32", max_new_tokens=4)
    long = " ".join(f"Satz {i}: {line}" for i, line in enumerate(CORPUS * 3))
    [english] = fast.translate([long], "de")
    tokenizer = fast._loaded[str(marian_ct2)].tokenizer
    assert len(tokenizer(long)["input_ids"]) > MAX_POSITIONS
    [pieces] = pieces_that_fit(tokenizer, [long], MAX_POSITIONS)
    assert len(pieces) > 1 and " ".join(pieces) == long
    assert english == " ".join(fast.translate(pieces, "de"))


def test_ct2_converts_m2m100_with_transformers_5_tokenizer(tmp_path: Path) -> None:
    """transformers 5 hides M2M100's language codes from get_vocab(); the converter must still see them."""
    source = build_m2m(tmp_path / "m2m")
    out = convert_translator(source, tmp_path / "m2m-ct2", "float32")
    vocabulary = json.loads((out / "shared_vocabulary.json").read_text())
    assert "__en__" in vocabulary and "__de__" in vocabulary
    fast = Ct2Translator(str(out), compute_type="float32", max_new_tokens=6)
    out_de = fast.translate(TEXTS, "de")
    assert len(out_de) == len(TEXTS) and not any(t.startswith("__en__") for t in out_de)
    with pytest.raises(CheckerError, match="no language code"):
        fast.translate(["x"], "xx")


def test_ct2_missing_or_unconverted_model_names_the_convert_command(tmp_path: Path, marian_dir: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="checker models convert"):
        Ct2Translator(str(tmp_path / "absent")).translate(["Hallo"], "de")
    with pytest.raises(ModelUnavailableError, match=r"no model\.bin.*checker models convert"):
        Ct2Translator(str(marian_dir)).translate(["Hallo"], "de")  # a transformers folder, not converted
    with pytest.raises(CheckerError, match="checker models convert"):
        build_translator("ct2", "")
    assert isinstance(build_translator("ct2", str(tmp_path / "x")), Ct2Translator)


def test_convert_reads_safetensors_only(marian_dir: Path, nli_dir: Path, tmp_path: Path) -> None:
    import shutil

    for source in (marian_dir, nli_dir):
        pickled = tmp_path / f"{source.name}-pickle"
        shutil.copytree(source, pickled)
        (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")  # any pickle-only folder
        with pytest.raises(ModelUnavailableError, match="pickle"):
            convert_translator(pickled, tmp_path / "ct2-out") if source == marian_dir else export_nli(
                pickled, tmp_path / "onnx-out"
            )
        assert not (tmp_path / "ct2-out" / "model.bin").exists() and not (tmp_path / "onnx-out" / "model.onnx").exists()


# --------------------------------------------------------------------------- ONNX NLI

PAIRS = [
    ("Der Hund läuft schnell über die Straße.", "Der Hund schläft."),
    ("Le chat dort sur le canapé.", "Le chat dort."),
    ("Il y a un an, le ministre a dit non.", "le ministre a dit non"),
    ("a", "b"),
    # Longer than the model's 32 tokens: the premise is chunked, as in hf_nli.
    (" ".join(CORPUS), "Minsk ist die Hauptstadt."),
]


def _max_difference(a: list[Any], b: list[Any]) -> float:
    return max(abs(getattr(x, k) - getattr(y, k)) for x, y in zip(a, b) for k in ("entail", "neutral", "contradict"))


def test_onnx_float_matches_transformers(nli_dir: Path, nli_onnx_float: Path) -> None:
    fast = OnnxNli(str(nli_onnx_float))
    assert isinstance(fast, NliScorer)
    assert fast.model_id == f"onnx:{nli_onnx_float}?float32"
    reference = TransformersNli(str(nli_dir)).score(PAIRS)
    got = fast.score(PAIRS)
    assert len(got) == len(PAIRS)
    assert _max_difference(got, reference) <= FLOAT_TOLERANCE
    # Batching and order: each pair alone scores as in the batch.
    assert _max_difference([fast.score([p])[0] for p in PAIRS], got) <= 1e-5
    assert fast.score([]) == []


def test_onnx_int8_within_tolerance_through_the_cli(nli_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "int8"
    assert main(["models", "convert", "--nli", str(nli_dir), str(out)]) == 0
    assert (out / "model.onnx").is_file() and json.loads((out / CONVERT_INFO).read_text())["quantization"] == "int8"
    fast = OnnxNli(str(out))
    assert fast.model_id.endswith("?int8")
    difference = _max_difference(fast.score(PAIRS), TransformersNli(str(nli_dir)).score(PAIRS))
    assert 0 < difference <= INT8_TOLERANCE  # 0 would mean the weights were not quantised


def test_onnx_missing_model_names_the_convert_command(tmp_path: Path, nli_dir: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"checker models convert --nli"):
        OnnxNli(str(tmp_path / "absent")).score([("a", "b")])
    with pytest.raises(ModelUnavailableError, match=r"no model\.onnx.*checker models convert --nli"):
        OnnxNli(str(nli_dir)).score([("a", "b")])  # a transformers folder, not exported
    with pytest.raises(CheckerError, match="checker models convert --nli"):
        registry_nli("onnx", "")


# --------------------------------------------------------------------------- checker models convert


def test_models_convert_cli(marian_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ct2"
    assert main(["models", "convert", str(marian_dir), str(out)]) == 0
    assert "--pivot ct2 --pivot-model" in capsys.readouterr().out
    assert (out / "model.bin").is_file() and (out / "tokenizer_config.json").is_file()
    assert json.loads((out / CONVERT_INFO).read_text())["quantization"] == "int8"
    assert Ct2Translator(str(out), max_new_tokens=4).translate(["Der Hund."], "de")[0]

    assert main(["models", "convert", str(marian_dir), str(out)]) == 2  # not empty: refused
    assert "--force" in capsys.readouterr().err
    assert main(["models", "convert", "--force", "--quantization", "float32", str(marian_dir), str(out)]) == 0
    assert main(["models", "convert", str(tmp_path / "absent"), str(tmp_path / "o2")]) == 2
    assert "no such model folder" in capsys.readouterr().err
    assert main(["models", "convert", "--quantization", "int3", str(marian_dir), str(tmp_path / "o3")]) == 2
    assert main(["models"]) == 0 and "pivot: ct2" in capsys.readouterr().out
