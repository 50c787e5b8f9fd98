"""CIE L*a*b* (D65) conversion and the network's [-1, 1] scaling.

The same formulas as libvips (sRGB -> XYZ with the D65 white 95.047/100/108.883), so the
app's sharp pipeline and the trainer agree on what L, a and b mean.
"""
import torch

_SRGB_TO_XYZ = torch.tensor([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_D65_WHITE = torch.tensor([0.95047, 1.0, 1.08883])
_EPSILON = (6 / 29) ** 3

# Network scaling, recorded in model.json so inference undoes exactly this.
L_SCALE, L_OFFSET = 50.0, 1.0  # l = L / 50 - 1
AB_SCALE = 128.0               # ab = (a, b) / 128


def srgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """rgb: [N, 3, H, W] in [0, 1] -> Lab [N, 3, H, W] (L in 0..100, a/b roughly -128..127)."""
    linear = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = torch.einsum("ij,njhw->nihw", _SRGB_TO_XYZ.to(rgb), linear)
    xyz = xyz / _D65_WHITE.to(rgb).view(1, 3, 1, 1)
    f = torch.where(xyz > _EPSILON, xyz.clamp(min=1e-12) ** (1 / 3), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], dim=1)


def lab_to_srgb(lab: torch.Tensor) -> torch.Tensor:
    """Inverse of srgb_to_lab, clipped to [0, 1]."""
    fy = (lab[:, 0] + 16) / 116
    fx = fy + lab[:, 1] / 500
    fz = fy - lab[:, 2] / 200
    f = torch.stack([fx, fy, fz], dim=1)
    xyz = torch.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29))
    xyz = xyz * _D65_WHITE.to(lab).view(1, 3, 1, 1)
    linear = torch.einsum("ij,njhw->nihw", torch.linalg.inv(_SRGB_TO_XYZ).to(lab), xyz).clamp(0, 1)
    return torch.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055).clamp(0, 1)


def scale_l(lightness: torch.Tensor) -> torch.Tensor:
    return lightness / L_SCALE - L_OFFSET


def scale_ab(ab: torch.Tensor) -> torch.Tensor:
    return ab / AB_SCALE


def unscale_l(l: torch.Tensor) -> torch.Tensor:
    return (l + L_OFFSET) * L_SCALE


def unscale_ab(ab: torch.Tensor) -> torch.Tensor:
    return ab * AB_SCALE


SCALING_CARD = {
    "colorSpace": "CIELAB-D65",
    "l": {"formula": "L / 50 - 1", "scale": L_SCALE, "offset": L_OFFSET},
    "ab": {"formula": "ab / 128", "scale": AB_SCALE},
}
