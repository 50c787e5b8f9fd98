"""Per-pixel losses on scaled ab, optionally rebalanced by how rare each pixel's true colour is.

Plain regression towards the mean of plausible colours gives greyish results (the paper says so). Rebalancing
(Zhang et al., 2016, sec. 2.2, applied here to regression) weights each pixel by the inverse of a smoothed prior
of its ground-truth ab, mixed with a uniform distribution by `mix`: rare, saturated colours count more.

The "bins" head (Zhang et al., sec. 2.1) predicts a distribution over the ab grid instead; its loss is the
cross-entropy against the true ab soft-encoded onto the grid (bilinearly: the 4 surrounding bins).
"""
from typing import Callable, Iterable

import torch
import torch.nn.functional as F

from .deltae import ciede2000_ab

AB_RANGE = 128.0        # scaled ab in [-1, 1] is ab / 128
BIN_SIZE = 10.0         # Zhang et al.'s grid, in ab units
BINS = int(2 * AB_RANGE / BIN_SIZE) + 1
MAX_WEIGHT = 10.0       # a handful of pixels in empty bins must not dominate a batch

ELEMENTWISE: dict = {
    "mse": lambda pred, target: (pred - target) ** 2,
    "l1": lambda pred, target: (pred - target).abs(),
    "huber": lambda pred, target: F.smooth_l1_loss(pred, target, beta=0.05, reduction="none"),
    # the distance the ab AuC thresholds (Zhang et al.'s raw accuracy), [N, 1, H, W]
    "ab": lambda pred, target: torch.sqrt(((pred - target) ** 2).sum(dim=1, keepdim=True) + 1e-8),
    # the app's headline score, per pixel, in scaled units like the others
    "ciede2000": lambda pred, target: ciede2000_ab(pred * AB_RANGE, target * AB_RANGE) / AB_RANGE,
}


def ab_bin_index(ab_scaled: torch.Tensor) -> torch.Tensor:
    """[N, 2, H, W] scaled ab -> [N, H, W] flat bin index on the BINS x BINS grid."""
    cells = ((ab_scaled * AB_RANGE + AB_RANGE) / BIN_SIZE).round().long().clamp_(0, BINS - 1)
    return cells[:, 0] * BINS + cells[:, 1]


def bin_centers() -> torch.Tensor:
    """[2, BINS * BINS] scaled ab of every bin centre, in the order of ab_bin_index."""
    axis = (torch.arange(BINS, dtype=torch.float32) * BIN_SIZE - AB_RANGE) / AB_RANGE
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([a.flatten(), b.flatten()])


def gamut_bins(levels: int = 64) -> torch.Tensor:
    """Flat indices of the bins that the soft encoding of some sRGB colour touches (Zhang et al.'s "in-gamut"
    bins): the others never get a training target, so a trained head gives them no probability to speak of."""
    from .color import scale_ab, srgb_to_lab
    steps = torch.linspace(0, 1, levels)
    rgb = torch.stack(torch.meshgrid(steps, steps, steps, indexing="ij")).reshape(1, 3, -1, 1)
    indices, weights = soft_encode(scale_ab(srgb_to_lab(rgb)[:, 1:]))
    return torch.unique(indices[weights > 0])


def soft_encode(ab_scaled: torch.Tensor) -> tuple:
    """[N, 2, H, W] scaled ab -> the 4 surrounding bins ([N, 4, H, W] flat indices) and their bilinear weights
    ([N, 4, H, W], summing to 1), so the weighted mean of the bin centres gives back the ab (inside the grid)."""
    cells = ((ab_scaled * AB_RANGE + AB_RANGE) / BIN_SIZE).clamp(0, BINS - 1)
    low = cells.floor().clamp(max=BINS - 2)
    frac = cells - low
    low = low.long()
    (a0, b0), (fa, fb) = low.unbind(1), frac.unbind(1)
    indices = torch.stack([a0 * BINS + b0, a0 * BINS + b0 + 1, (a0 + 1) * BINS + b0, (a0 + 1) * BINS + b0 + 1], 1)
    weights = torch.stack([(1 - fa) * (1 - fb), (1 - fa) * fb, fa * (1 - fb), fa * fb], 1)
    return indices, weights


def bins_cross_entropy(logits: torch.Tensor, ab_scaled: torch.Tensor, weights: torch.Tensor = None) -> torch.Tensor:
    """Cross-entropy of [N, Q, h, w] logits against the soft-encoded true ab, which is area-averaged down to the
    logits' resolution first; with `weights`, each pixel counts by the rarity of its true colour."""
    if ab_scaled.shape[-2:] != logits.shape[-2:]:
        ab_scaled = F.adaptive_avg_pool2d(ab_scaled, logits.shape[-2:])
    indices, encoded = soft_encode(ab_scaled)
    per_pixel = -(F.log_softmax(logits, dim=1).gather(1, indices) * encoded).sum(dim=1)
    if weights is not None:
        per_pixel = per_pixel * weights.to(ab_scaled.device)[ab_bin_index(ab_scaled)]
    return per_pixel.mean()


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
    """(model output, true scaled ab) -> loss; "bins" takes the bins head's logits, the others predicted ab."""
    if name == "bins":
        return lambda logits, target: bins_cross_entropy(logits, target, weights)
    if name not in ELEMENTWISE:
        raise ValueError(f"unknown loss {name!r} (expected one of {', '.join(ELEMENTWISE)})")
    elementwise = ELEMENTWISE[name]
    if weights is None:
        return lambda pred, target: elementwise(pred, target).mean()

    def rebalanced(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        pixel_weights = weights.to(target.device)[ab_bin_index(target)]
        return (elementwise(pred, target).mean(dim=1) * pixel_weights).mean()
    return rebalanced


def image_chroma(ab: torch.Tensor) -> torch.Tensor:
    """Mean chroma sqrt(a² + b²) of each image, [N] (scaled units)."""
    return torch.sqrt((ab ** 2).sum(dim=1) + 1e-8).mean(dim=(1, 2))


def with_chroma_deficit(loss: Callable, weight: float) -> Callable:
    """Adds weight x the squared shortfall of each image's mean chroma below the truth's (one-sided: never pulls a
    colourful prediction down). It asks for as much colour as the photo had, without saying where or which hue:
    where the per-pixel loss alone settles for grey averages, a model that knows what it sees can pick a colour."""
    if weight <= 0:
        return loss

    def combined(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        shortfall = torch.relu(image_chroma(target) - image_chroma(pred))
        return loss(pred, target) + weight * (shortfall ** 2).mean()
    return combined
