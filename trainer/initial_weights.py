"""The weights a run starts from: the recipe's model, and a checkpoint's weights fitted onto it (fine-tuning)."""
from typing import Dict, List

import torch

from .model import Koalarization, ModelConfig


def build_model(config: Dict) -> Koalarization:
    model = Koalarization(ModelConfig(**config["model"]))
    weights = config["model"].get("extractor_weights")
    if weights and hasattr(model.extractor, "load_weights"):
        model.extractor.load_weights(weights)
        model.config.embedding_width = model.extractor.embedding_width
        model.colorizer = type(model.colorizer)(model.config)
    return model


def load_initial_weights(model: Koalarization, weights: Dict[str, torch.Tensor]) -> List[str]:
    """Fine-tuning start: every layer from the checkpoint, except a head of another kind, which starts fresh
    (e.g. a bins head on a regression model's body), and a fusion layer that gained semantic inputs, which keeps
    its trained columns and starts the new ones at zero (so the model starts as the checkpoint's).
    Returns the keys that start fresh or widened."""
    weights = {k: v.float() if v.is_floating_point() else v for k, v in weights.items()}
    own = model.state_dict()
    widened = _widen_fusion(own, weights)
    head = model.colorizer.decoder.head_prefix
    fresh = [k for k in own if k not in weights or weights[k].shape != own[k].shape]
    mismatched = [k for k in fresh if not k.startswith(head)]
    if mismatched:
        raise ValueError("the start checkpoint does not fit this architecture (width, extractor?): "
                         + ", ".join(mismatched[:4]))
    model.load_state_dict({k: v for k, v in weights.items() if k in own and k not in fresh}, strict=not fresh)
    return fresh + widened


FUSION_WEIGHT = "colorizer.fusion.conv.weight"


def _widen_fusion(own: Dict[str, torch.Tensor], weights: Dict[str, torch.Tensor]) -> List[str]:
    """A fusion weight with fewer input channels than ours (a model without semantics) gets zero columns appended
    for the semantic inputs, which the fusion layer takes after the encoder output and the embedding."""
    theirs, ours = weights.get(FUSION_WEIGHT), own[FUSION_WEIGHT]
    if theirs is None or theirs.shape == ours.shape:
        return []
    if theirs.shape[0] != ours.shape[0] or theirs.shape[1] > ours.shape[1] or theirs.shape[2:] != ours.shape[2:]:
        return []  # another architecture: reported as a mismatch by the caller
    widened = torch.zeros_like(ours)
    widened[:, : theirs.shape[1]] = theirs
    weights[FUSION_WEIGHT] = widened
    return [FUSION_WEIGHT]
