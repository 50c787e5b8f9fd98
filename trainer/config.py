"""Training recipes: a YAML file per recipe, with defaults for every field and CLI overrides."""
import copy
import os
import re
from typing import Any, Dict

DEFAULTS: Dict[str, Any] = {
    "name": "run",
    "model": {"extractor": "learned", "extractor_input_size": 128, "embedding_width": 256,
              "width": 1.0, "extractor_weights": "", "batch_norm": False, "head": "regression",
              "temperature": 0.38, "semantics": "", "semantics_weights": ""},
    "data": {"train": ["${DATASETS}/photos/train-*.tar"], "val": ["${DATASETS}/photos/val-000.tar"],
             "exclude": [], "crop_size": 128, "val_limit": 512, "holdout_fraction": 0.1, "holdout_min": 4,
             "balance_sources": 0.0},
    "train": {"loss": "mse", "lr": 1e-3, "batch_size": 16, "epochs": 1, "max_steps": 0, "max_minutes": 0,
              "eval_every": 500, "checkpoint_every": 500, "log_every": 20, "train_parts": "all",
              "seed": 0, "threads": 0, "patience": 0, "preview": "", "preview_out": "", "device": "auto",
              "ema": 0.0, "rebalance": 0.0, "rebalance_sample": 2000, "chroma_weight": 0.0},
}


def datasets_root() -> str:
    """The shared corpus: $KOALARIZE_DATASETS, else ../shared/datasets beside the checkout."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.environ.get("KOALARIZE_DATASETS", os.path.join(os.path.dirname(here), "shared", "datasets"))


def _expand(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{DATASETS\}", lambda _: datasets_root(), value)
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    return value


def _merge(base: Dict[str, Any], override: Dict[str, Any]) -> Dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_config(path: str = "", overrides: Dict[str, Any] = None) -> Dict[str, Any]:
    config = copy.deepcopy(DEFAULTS)
    if path:
        import yaml
        with open(path) as handle:
            config = _merge(config, yaml.safe_load(handle) or {})
    config = _merge(config, overrides or {})
    unknown = [f"{section}.{key}" for section in ("model", "data", "train")
               for key in config[section] if key not in DEFAULTS[section]]
    if unknown:
        raise ValueError(f"unknown config fields: {', '.join(unknown)}")
    return _expand(config)


def parse_override(text: str) -> Dict[str, Any]:
    """'train.lr=0.0005' -> {'train': {'lr': 0.0005}} (values parsed as YAML scalars)."""
    import yaml
    key, _, raw = text.partition("=")
    if not _:
        raise ValueError(f"override must look like section.key=value, got {text!r}")
    value = yaml.safe_load(raw)
    for part in reversed(key.split(".")):
        value = {part: value}
    return value
