"""The frozen semantic branch: NanoDet-g (COCO-pretrained) run on the grey photo at its own scale.

Input: the colorizer's L in [-1, 1] at the working size (sides multiples of 32). The grey photo NanoDet sees is
L turned back into grey sRGB (a* = b* = 0), normalised as NanoDet was trained (BGR mean/std). Outputs:
- `pan8`:   the PAN's stride-8 map, [N, 128, H/8, W/8] (the top-down pass has already added strides 16 and 32),
            on the same grid as the colorizer's encoder output;
- `pooled`: the backbone's last stage averaged over the photo, [N, 512] (a global "what is this" vector).
Its weights never enter our checkpoints: they are built from the installed npm package (scripts/build-backbone).
"""
import os

import torch
import torch.nn as nn

from .nanodet import MEAN_BGR, STD_BGR, STRIDE, NanoDetFeatures, PAN_CHANNELS, load_nanodet

OUTPUTS = ("pan8", "pooled")
WIDTHS = {"pan8": PAN_CHANNELS, "pooled": 512}
BACKBONE_ID = "nanodet-g"
SPATIAL_MULTIPLE = STRIDE


def grey_srgb(l: torch.Tensor) -> torch.Tensor:
    """Scaled L ([-1, 1]) -> grey sRGB in 0..255 (the inverse of sRGB -> L* for a neutral colour, D65)."""
    fy = ((l + 1) * 50 + 16) / 116
    y = torch.where(fy > 6 / 29, fy ** 3, 3 * (6 / 29) ** 2 * (fy - 4 / 29)).clamp(0, 1)
    srgb = torch.where(y <= 0.0031308, y * 12.92, 1.055 * y.clamp(min=1e-12) ** (1 / 2.4) - 0.055)
    return srgb * 255


class GreySemantics(nn.Module):
    """L -> (pan8, pooled). Frozen: always in eval mode, never trained."""

    def __init__(self, features: NanoDetFeatures):
        super().__init__()
        self.features = features.eval()
        self.register_buffer("mean", torch.tensor(MEAN_BGR).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(STD_BGR).view(1, 3, 1, 1), persistent=False)

    def forward(self, l: torch.Tensor):
        grey = grey_srgb(l)
        pan8, _, _, c5 = self.features((grey - self.mean) / self.std)
        return pan8, c5.mean(dim=(2, 3))

    def train(self, mode: bool = True):  # noqa: D102 — frozen weights keep eval behaviour
        return super().train(False)


def repo_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_tfjs_path() -> str:
    """Where scripts/build-backbone unpacks NanoDet's TF.js graph ($KOALARIZE_BACKBONE_TFJS overrides)."""
    return os.environ.get("KOALARIZE_BACKBONE_TFJS",
                          os.path.join(repo_root(), ".cache", "human-models", "nanodet.json"))


def load_semantics(tfjs_path: str = "") -> GreySemantics:
    path = tfjs_path or default_tfjs_path()
    if not os.path.exists(path):
        raise FileNotFoundError(f"NanoDet's TF.js graph is missing ({path}): run scripts/build-backbone")
    return GreySemantics(load_nanodet(path))
