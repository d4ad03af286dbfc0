"""Our own divergence model: P(meaning differs) for a sentence pair in any two languages,
with per-word divergence tags on both sides.

It reads the contextual word vectors that checker already computes for word alignment
(multilingual-e5-small's final token states, averaged per word, centred by the document's
mean and normalised: `compare.wordlinks.DocumentWords`), so scoring a pair costs a small
head over two word lists, not another encoder pass. The head is trained here on CPU
(`scripts/train_divergence.py`) from synthetic divergences made from parallel text and
professional MQM annotations; its weights ship in `models/divergence/`.

Modules, in the order the training script uses them:
  examples   training pairs: NTREX lines (equivalents and synthetic divergences), MQM ratings
  synthetic  the perturbations that make a divergent version of a sentence, with word tags
  features   word vectors of every text of the examples, embedded once and kept in shards
  head       the torch module
  training   the resumable training loop and its figures
  scorer     inference: load the shipped weights (sha256 checked) and score word lists
"""
