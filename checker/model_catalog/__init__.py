"""Which weights a run uses, in one place.

- `catalog`: the registry (registry.toml, shipped as package data): entries, recorded hashes,
  the table `checker models list` prints;
- `presets`: a preset name and the run's languages -> the models (`ModelPlan`), the
  translator that routes each language to its model, what the report says ran;
- `hub`: those models in the Hugging Face cache: present, intact, fetched when allowed.

The backends themselves (how a model is run) live in checker/backends/; which backend serves
a configured name is checker/backends/registry.py, which reads this package.
"""

from .catalog import DIVERGENCE_MODEL_ID, describe_models, load_registry, recorded_sha256

__all__ = ["DIVERGENCE_MODEL_ID", "describe_models", "load_registry", "recorded_sha256"]
