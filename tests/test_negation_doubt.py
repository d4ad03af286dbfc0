"""Calibrating the negation doubt with a model (checker/divergence/negation_doubt.py) and the
scorer handing its threshold to a check (compare.model.doubt_negation = "model")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.divergence.negation_doubt import Group, calibrate, group_probabilities, held_out_groups
from checker.divergence.scorer import PairDivergence, open_divergence_model
from checker.errors import ModelUnavailableError

LINES = {  # NTREX lang -> one document's lines; line 0: German moved the polarity, line 1: plain
    "eng": ["Only time will tell.", "The bridge is open again."],
    "deu": ["Niemand kann das heute sagen.", "Die Brücke ist wieder offen."],
    "fra": ["Seul le temps le dira.", "Le pont est de nouveau ouvert."],
    "ind": ["Hanya waktu yang akan menjawab.", "Jembatan itu sudah dibuka lagi."],
}


def _ntrex(folder: Path) -> Path:
    """Two documents with the same lines: with valid_every=2 the second is held out."""
    ntrex = folder / "ntrex-train"
    ntrex.mkdir(parents=True)
    for lang, lines in LINES.items():
        rows = ["doc\tidx\ttext"] + [f"{doc}\t{i}\t{t}" for doc in ("doc.a", "doc.b") for i, t in enumerate(lines)]
        (ntrex / f"{lang}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_held_out_lines_give_moved_groups_as_they_are_and_flipped_ones_by_the_edit_rules(tmp_path):
    groups = held_out_groups(_ntrex(tmp_path), seed=13, valid_every=2)
    moved = [g for g in groups if not g.flipped]
    flipped = [g for g in groups if g.flipped]
    assert [(g.blamed, g.texts["deu"]) for g in moved] == [("deu", LINES["deu"][0])]  # the held-out copy only
    assert flipped, "the plain line is flipped in at least one language"
    for g in flipped:
        assert g.texts[g.blamed] != LINES[g.blamed][1]  # only the blamed version was edited
        assert all(g.texts[l] == LINES[l][1] for l in g.texts if l != g.blamed)
    assert held_out_groups(_ntrex(tmp_path / "again"), seed=13, valid_every=2) == groups  # seeded


def _group(flipped: bool) -> Group:
    return Group({"eng": "a", "deu": "b", "fra": "c"}, "deu", flipped)


def test_the_threshold_keeps_the_share_of_flips_and_counts_what_it_doubts():
    groups = [_group(True) for _ in range(20)] + [_group(False) for _ in range(4)]
    probabilities = [[0.2, 0.05 * k] for k in range(1, 21)] + [[0.1, 0.3], [0.2, 0.2], [0.1, 0.9], [0.4, 0.5]]
    c = calibrate(groups, probabilities)  # max of each group: flips 0.2, 0.2, 0.2, 0.2, 0.25 ... 1.0
    assert c.threshold == pytest.approx(0.2)  # 5% of the 20 flips lie below it, none here as max >= 0.2
    assert c.flipped == 20 and c.moved == 4 and c.moved_doubted == 0
    looser = calibrate(groups, probabilities, keep=0.75)  # the flips' 25% quantile: between 0.25 and 0.3
    assert looser.threshold == pytest.approx(0.2875) and looser.moved_doubted == 1  # the moved group at 0.2
    assert 0.0 < c.auroc < 1.0 and c.as_dict()["keeps_flips"] == 0.95
    with pytest.raises(ValueError, match="both flipped and moved"):
        calibrate(groups[:20], probabilities[:20])


def test_group_probabilities_score_each_blamed_version_against_every_other_in_one_batch():
    batches = []

    def score_sides(pairs):
        batches.append(pairs)
        return [PairDivergence(0.1 * (k + 1), None, None) for k in range(len(pairs))]

    (first, second) = group_probabilities([_group(True), _group(False)], score_sides)
    assert first == pytest.approx([0.1, 0.2]) and second == pytest.approx([0.3, 0.4])
    assert len(batches) == 1 and [(a.text, b.text) for a, b in batches[0]][:2] == [("b", "a"), ("b", "c")]


def test_the_scorer_hands_the_threshold_in_its_config_to_the_check(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "head.safetensors").write_bytes(b"weights are read only when scoring")
    (folder / "config.json").write_text(json.dumps({"kind": "head", "name": "m", "version": "1"}), encoding="utf-8")
    assert open_divergence_model(folder).doubt_negation is None  # uncalibrated: checks doubt nothing
    calibrated = {"kind": "head", "name": "m", "version": "1", "doubt_negation": {"threshold": 0.56}}
    (folder / "config.json").write_text(json.dumps(calibrated), encoding="utf-8")
    assert open_divergence_model(folder).doubt_negation == 0.56
    (folder / "config.json").write_text(json.dumps({**calibrated, "doubt_negation": 0.4}), encoding="utf-8")
    assert open_divergence_model(folder).doubt_negation == 0.4  # a number written by hand
    for wrong in (1.5, {"threshold": "high"}, {}):
        (folder / "config.json").write_text(json.dumps({**calibrated, "doubt_negation": wrong}), encoding="utf-8")
        with pytest.raises(ModelUnavailableError, match=r"config\.json.*doubt_negation"):
            open_divergence_model(folder)


def test_the_cache_wrapper_and_the_run_signature_carry_the_models_threshold(tmp_path):
    from checker.cache import CacheStore
    from checker.cached_models import CachedDivergence
    from checker.config import load_config, with_settings
    from checker.pipeline import signature
    from checker.protocols import Backends
    from tests.fakes import ConceptEmbedder

    class Model:
        model_id = "m-1"
        doubt_negation = 0.56

    cached = CachedDivergence(Model(), CacheStore(tmp_path / "cache.sqlite3"))
    assert cached.doubt_negation == 0.56  # the builtin model always runs wrapped
    backends = Backends(embedder=ConceptEmbedder(), words=ConceptEmbedder(), translator=None, nli=None, divergence=cached)
    config = load_config()
    assert "|doubt_negation:0.56|" in signature(config, backends)
    off = with_settings(config, {"compare.model.doubt_negation": 0}, "--set")
    assert "|doubt_negation:off|" in signature(off, backends)
    assert "doubt_negation" not in signature(config, Backends(ConceptEmbedder(), ConceptEmbedder(), None, None))
