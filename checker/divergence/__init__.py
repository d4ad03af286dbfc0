"""Our own divergence models: P(meaning differs) for a sentence pair in any two languages,
with per-word divergence tags on both sides.

checker-divergence-4 (the default, `models/divergence-4/`) is a split cross-encoder: e5's lower
layers run once per sentence (a check's own e5 pass keeps their states), e5's top layers,
trained here, read both sentences together. checker-divergence-1 (`models/divergence/`,
`--divergence head`) is the small head over the word vectors that it replaced. Both are trained
here on CPU (`scripts/train_divergence.py`) from synthetic divergences made from parallel text
and professional MQM annotations.

Modules, in the order the training script uses them:
  examples        training pairs: NTREX lines (equivalents and synthetic divergences), MQM ratings
  synthetic       the perturbations that make a divergent version of a sentence, with word tags
  cross           the cross models' torch module (top layers, heads) and its batching
  cross_training  its lower states (shards), resumable step-based training, export
  combiner        the pair-score combiner of `checker pairs` (model P, sentence, words, length)
  features        checker-divergence-1's word vectors of every text, embedded once, in shards
  head            checker-divergence-1's torch module
  training        checker-divergence-1's training loop and figures (and `auroc`)
  scorer          inference: open a model folder (sha256 checked) and score pairs of sides
"""
