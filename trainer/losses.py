"""Per-pixel losses on scaled ab, optionally rebalanced by how rare each pixel's true colour is.

Plain regression towards the mean of plausible colours gives greyish results (the paper says so). Rebalancing
(Zhang et al., 2016, sec. 2.2, applied here to regression) weights each pixel by the inverse of a smoothed prior
of its ground-truth ab, mixed with a uniform distribution by `mix`: rare, saturated colours count more.
"""
from typing import Callable, Iterable

import torch
import torch.nn.functional as F

AB_RANGE = 128.0        # scaled ab in [-1, 1] is ab / 128
BIN_SIZE = 10.0         # Zhang et al.'s grid, in ab units
BINS = int(2 * AB_RANGE / BIN_SIZE) + 1
MAX_WEIGHT = 10.0       # a handful of pixels in empty bins must not dominate a batch

ELEMENTWISE: dict = {
    "mse": lambda pred, target: (pred - target) ** 2,
    "l1": lambda pred, target: (pred - target).abs(),
    "huber": lambda pred, target: F.smooth_l1_loss(pred, target, beta=0.05, reduction="none"),
}


def ab_bin_index(ab_scaled: torch.Tensor) -> torch.Tensor:
    """[N, 2, H, W] scaled ab -> [N, H, W] flat bin index on the BINS x BINS grid."""
    cells = ((ab_scaled * AB_RANGE + AB_RANGE) / BIN_SIZE).round().long().clamp_(0, BINS - 1)
    return cells[:, 0] * BINS + cells[:, 1]


def ab_prior(ab_batches: Iterable[torch.Tensor], sigma_bins: float = 0.5) -> torch.Tensor:
    """Empirical distribution of ab over the bins, smoothed with a Gaussian (sigma 5 ab units as in the paper)."""
    counts = torch.zeros(BINS * BINS, dtype=torch.float64)
    for ab in ab_batches:
        counts += torch.bincount(ab_bin_index(ab).flatten(), minlength=BINS * BINS).double()
    radius = 2
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float64)
    kernel = torch.exp(-(offsets ** 2) / (2 * sigma_bins ** 2))
    kernel = (kernel / kernel.sum()).float()
    grid = (counts / counts.sum()).float().reshape(1, 1, BINS, BINS)
    grid = F.conv2d(grid, kernel.view(1, 1, -1, 1), padding=(radius, 0))
    grid = F.conv2d(grid, kernel.view(1, 1, 1, -1), padding=(0, radius))
    return (grid / grid.sum()).flatten()


def rebalance_weights(prior: torch.Tensor, mix: float) -> torch.Tensor:
    """w ∝ 1 / ((1 - mix) * prior + mix / Q) over the Q occupied bins, normalised so E_prior[w] = 1."""
    occupied = prior > 0
    uniform = 1.0 / occupied.sum().clamp(min=1)
    weights = torch.where(occupied, 1.0 / ((1 - mix) * prior + mix * uniform), torch.zeros_like(prior))
    weights = weights / (prior * weights).sum()
    return weights.clamp(max=MAX_WEIGHT)


def make_loss(name: str, weights: torch.Tensor = None) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if name not in ELEMENTWISE:
        raise ValueError(f"unknown loss {name!r} (expected one of {', '.join(ELEMENTWISE)})")
    elementwise = ELEMENTWISE[name]
    if weights is None:
        return lambda pred, target: elementwise(pred, target).mean()

    def rebalanced(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        pixel_weights = weights.to(target.device)[ab_bin_index(target)]
        return (elementwise(pred, target).mean(dim=1) * pixel_weights).mean()
    return rebalanced
