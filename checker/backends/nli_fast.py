"""NLI with ONNX Runtime: the same scores as `hf_nli`, several times faster on CPU.

`checker models convert --nli SRC_DIR OUT_DIR` exports an MNLI-style transformers
sequence classifier to `OUT_DIR/model.onnx` (torch's `torch.export`-based ONNX exporter,
then dynamic int8 quantisation of the weights by `onnxruntime.quantization`, unless
`--quantization float32`) and saves the tokenizer and config.json beside it.
`OnnxNli` then scores exactly like `TransformersNli` (same premise chunking, label order,
length-sorted batches); only the forward pass runs in ONNX Runtime.

Agreement with `hf_nli` (max |Δp| over the three probabilities, measured on the tests'
random-weight BERT and on the benchmark's d_model-256 BERT, `benchmarks/speed.py`):
float32 ≤ 1e-4 (measured 4e-7); int8 (per-channel weight scales) measured 0.05 on both;
the tests allow 0.15. Random weights exaggerate int8 error (one scale per tensor measured up
to 0.9 on a wider-initialised model); check int8 on your own model before trusting small
differences, or export float32.

onnxruntime (and, for exporting, onnx and onnxscript) are optional dependencies
(`pip install 'checker[fast]'`), imported inside functions.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from checker.backends.ct2_pivot import CONVERT_INFO, INSTALL_HINT, check_source_model, convert_command, prepare_output
from checker.backends.hf_nli import LoadedClassifier, TransformersNli, label_order
from checker.backends.hf_seq2seq import from_pretrained_offline, load_weights_offline, model_input_limit
from checker.errors import CheckerError, ModelUnavailableError

ONNX_FILE = "model.onnx"
NLI_QUANTIZATIONS = ("int8", "float32")


def _import(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModelUnavailableError(f"{what} needs the {module.split('.')[0]} package: {INSTALL_HINT}") from exc


# --------------------------------------------------------------------------- export


def export_nli(
    source: str | Path, out_dir: str | Path, quantization: str = "int8", *, force: bool = False, allow_pickle: bool = False
) -> Path:
    """Exports an MNLI-style classifier folder to ONNX (`quantization` int8 or float32).
    Reads safetensors weights only unless `allow_pickle`."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    source, out = Path(source).expanduser(), Path(out_dir).expanduser()
    if quantization not in NLI_QUANTIZATIONS:
        raise CheckerError(f"unknown NLI quantization {quantization!r} (known: {', '.join(NLI_QUANTIZATIONS)})")
    check_source_model(source)
    _import("onnx", "exporting an NLI model")
    _import("onnxscript", "exporting an NLI model")
    tokenizer = from_pretrained_offline(AutoTokenizer, str(source))
    model = load_weights_offline(AutoModelForSequenceClassification, str(source), allow_pickle).eval()
    label_order(model.config.id2label, str(source))  # not an NLI model: fail before exporting
    prepare_output(out, force)
    # Two pairs of different lengths, so neither batch nor sequence length is fixed by the trace.
    sample = tokenizer(["A short premise.", "A longer premise, with a clause."], ["A hypothesis.", "Another."],
                       return_tensors="pt", padding=True)
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    with tempfile.TemporaryDirectory(dir=out) as tmp, _quiet_exporter():
        float_path = Path(tmp) / ONNX_FILE
        torch.onnx.export(
            model, (), str(float_path), kwargs={n: sample[n] for n in names},
            input_names=names, output_names=["logits"], dynamo=True,
            dynamic_shapes={n: {0: batch, 1: sequence} for n in names}, verbose=False,
        )
        for stale in out.glob(f"{ONNX_FILE}*"):
            stale.unlink()
        if quantization == "int8":
            quantize = _import("onnxruntime.quantization", "int8 quantisation of an NLI model")
            # Per-channel scales: measured both closer to float32 and faster than one scale per tensor.
            quantize.quantize_dynamic(
                str(float_path), str(out / ONNX_FILE), weight_type=quantize.QuantType.QInt8, per_channel=True
            )
        else:
            for file in Path(tmp).iterdir():  # model.onnx and, for big models, its external weights
                shutil.move(str(file), out / file.name)
    tokenizer.save_pretrained(out)
    model.config.save_pretrained(out)
    info = {"format": "onnx", "source": str(source), "quantization": quantization}
    (out / CONVERT_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out


class _quiet_exporter:
    """The exporter warns about torchvision ops and dimension names, and onnxruntime's
    quantiser (on the root logger) about optional pre-processing: none concerns NLI models."""

    @staticmethod
    def _not_preprocessing_advice(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")

    def __enter__(self) -> None:
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        self._logger = logging.getLogger("torch.onnx")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)
        logging.getLogger().addFilter(self._not_preprocessing_advice)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeFilter(self._not_preprocessing_advice)
        self._logger.setLevel(self._level)
        self._warnings.__exit__(*exc)


# --------------------------------------------------------------------------- scoring

# One InferenceSession per (file, threads) in a process.
_SESSIONS: dict[tuple[str, int], Any] = {}
_SESSION_LOCK = threading.Lock()


def _session(path: Path, threads: int) -> Any:
    ort = _import("onnxruntime", "the onnx NLI backend")
    key = (str(path.resolve()), threads)
    with _SESSION_LOCK:
        if key not in _SESSIONS:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            _SESSIONS[key] = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return _SESSIONS[key]


class _OnnxClassifier:
    """Called like a transformers classifier (`model(**encoded).logits`), runs ONNX Runtime."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.input_names = [i.name for i in session.get_inputs()]

    def __call__(self, **encoded: Any) -> SimpleNamespace:
        import torch

        feed = {name: encoded[name].cpu().numpy() for name in self.input_names}
        (logits,) = self.session.run(["logits"], feed)
        return SimpleNamespace(logits=torch.from_numpy(logits))


class OnnxNli(TransformersNli):
    """NliScorer over a folder made by `checker models convert --nli`.

    Scores as `TransformersNli` does (the tolerance is in the module docstring), in
    length-sorted batches of `batch_size`, on `threads` cores (default: all).
    """

    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 32,
        max_input_tokens: int | None = None,
        threads: int | None = None,
    ) -> None:
        super().__init__(model, batch_size=batch_size, device="cpu", max_input_tokens=max_input_tokens)
        self.threads = threads or os.cpu_count() or 1
        info_path = Path(model).expanduser() / CONVERT_INFO
        # Reading the small JSON note is not loading the model; the id keys caches and reports.
        quantization = json.loads(info_path.read_text(encoding="utf-8")).get("quantization") if info_path.is_file() else None
        self.model_id = f"onnx:{model}" + (f"?{quantization}" if quantization else "")

    def _load(self) -> LoadedClassifier:
        if self._state is None:
            from transformers import AutoConfig, AutoTokenizer

            path = Path(self.model).expanduser()
            if not (path / ONNX_FILE).is_file():
                problem = "does not exist" if not path.is_dir() else f"has no {ONNX_FILE}"
                raise ModelUnavailableError(
                    f"ONNX NLI model directory '{self.model}' {problem}; export a transformers MNLI model "
                    f"with `{convert_command(self.model, nli=True)}`"
                )
            config = from_pretrained_offline(AutoConfig, str(path))
            tokenizer = from_pretrained_offline(AutoTokenizer, str(path))
            self._state = LoadedClassifier(
                tokenizer=tokenizer,
                model=_OnnxClassifier(_session(path / ONNX_FILE, self.threads)),  # type: ignore[arg-type]
                limit=model_input_limit(tokenizer, config, self.max_input_tokens),
                labels=label_order(config.id2label, self.model),
            )
        return self._state
