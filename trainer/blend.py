"""Weight-space blending of two checkpoints of the same network (as in WiSE-FT, Wortsman et al., 2022): the
weights (1 − t)·A + t·B. Two runs that started from the same weights lie in one basin, so a blend trades between
them smoothly: here, a model fine-tuned for colour (B) is blended into the one that is best on accuracy (A), to
buy colourfulness at little cost in CIEDE2000. The result is a checkpoint that `export` takes like any other."""
import os
from typing import Dict

import torch

from .safe_load import load_weights


def _weights(checkpoint: Dict) -> Dict[str, torch.Tensor]:
    return checkpoint.get("ema") or checkpoint["model"]


def _recipe(checkpoint: Dict) -> Dict:
    """The training recipe a checkpoint carries (an exported weights.pt carries none; a blend, its first recipe)."""
    config = checkpoint.get("config") or {}
    return config if "name" in config else {}


def _short(path: str) -> str:
    """The checkpoint's run folder and file name (`sem-mse/best.pt`), without this machine's path."""
    return os.path.join(os.path.basename(os.path.dirname(os.path.abspath(path))), os.path.basename(path))


def blend(path_a: str, path_b: str, t: float, out: str) -> Dict:
    """Writes (1 − t)·A + t·B (the EMA weights where a checkpoint has them) with A's recipe (else B's) to `out`,
    so that export can still describe how the blended network was trained."""
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"the blend weight must be from 0 to 1, not {t}")
    a, b = load_weights(path_a), load_weights(path_b)
    if a["model_config"] != b["model_config"]:
        raise ValueError("the two checkpoints are different networks (model_config differs): they cannot be blended")
    wa, wb = _weights(a), _weights(b)
    if wa.keys() != wb.keys():
        raise ValueError("the two checkpoints hold different weights: they cannot be blended")
    mixed = {k: torch.lerp(wa[k].float(), wb[k].float(), t).to(wa[k].dtype) if wa[k].is_floating_point() else wa[k]
             for k in wa}
    config = dict(_recipe(a) or _recipe(b), blend={"a": _short(path_a), "b": _short(path_b), "t": t})
    torch.save({"model": mixed, "config": config, "model_config": a["model_config"]}, out)
    return {"out": out, "t": t, "tensors": len(mixed)}
