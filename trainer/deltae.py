"""CIEDE2000 between two a*b* images of the same lightness, as a training loss.

The app scores colour with CIEDE2000 (src/main/evaluation/ciede2000.ts, Sharma et al., 2005). With equal L the
formula depends on a*b* alone: its L term is zero. The value here is the exact formula; for the gradient, the
weights that hang on hue angles (T, the blue-region rotation R_T) and the near-neutral a* stretch G are held
constant, because hue angles have no usable gradient near grey, where most pixels are.
"""
import math

import torch

_POW25_7 = 25.0 ** 7
_EPS = 1e-8


def _hue_degrees(b: torch.Tensor, a_prime: torch.Tensor) -> torch.Tensor:
    """0..360, and 0 for a neutral, as the formula prescribes."""
    hue = torch.rad2deg(torch.atan2(b, a_prime)) % 360
    return torch.where((a_prime == 0) & (b == 0), torch.zeros_like(hue), hue)


def _mean_hue(h1: torch.Tensor, h2: torch.Tensor, neutral: torch.Tensor) -> torch.Tensor:
    total = h1 + h2
    wrapped = torch.where(total < 360, (total + 360) / 2, (total - 360) / 2)
    mean = torch.where((h1 - h2).abs() <= 180, total / 2, wrapped)
    return torch.where(neutral, total, mean)


def _hue_weights(a1p, b1, a2p, b2, chroma_bar_p):
    """T and R_T of the formula, from the hue angles (no gradient)."""
    with torch.no_grad():
        h1, h2 = _hue_degrees(b1, a1p), _hue_degrees(b2, a2p)
        h_bar = torch.deg2rad(_mean_hue(h1, h2, (a1p.hypot(b1) * a2p.hypot(b2)) == 0))
        t = (1 - 0.17 * torch.cos(h_bar - math.radians(30)) + 0.24 * torch.cos(2 * h_bar)
             + 0.32 * torch.cos(3 * h_bar + math.radians(6)) - 0.20 * torch.cos(4 * h_bar - math.radians(63)))
        d_theta = 30 * torch.exp(-(((torch.rad2deg(h_bar) - 275) / 25) ** 2))
        c7 = chroma_bar_p ** 7
        r_t = -torch.sin(2 * torch.deg2rad(d_theta)) * 2 * torch.sqrt(c7 / (c7 + _POW25_7))
    return t, r_t


def ciede2000_ab(ab1: torch.Tensor, ab2: torch.Tensor) -> torch.Tensor:
    """[N, 2, H, W] a*b* (CIE units) twice -> [N, 1, H, W] ΔE00 at equal lightness."""
    a1, b1 = ab1[:, :1], ab1[:, 1:]
    a2, b2 = ab2[:, :1], ab2[:, 1:]
    with torch.no_grad():
        c_bar7 = ((a1.hypot(b1) + a2.hypot(b2)) / 2) ** 7
        g = 0.5 * (1 - torch.sqrt(c_bar7 / (c_bar7 + _POW25_7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p = torch.sqrt(a1p ** 2 + b1 ** 2 + _EPS)
    c2p = torch.sqrt(a2p ** 2 + b2 ** 2 + _EPS)
    chroma_bar_p = (c1p + c2p) / 2
    t, r_t = _hue_weights(a1p, b1, a2p, b2, chroma_bar_p.detach())
    # ΔH'² = 2 C'1 C'2 (1 − cos Δh') without angles; its sign is that of the turn from colour 1 to colour 2.
    dh_squared = (2 * (c1p * c2p - a1p * a2p - b1 * b2)).clamp(min=0)
    turn = torch.where(a1p * b2 - b1 * a2p >= 0, 1.0, -1.0).detach()
    c_term = (c2p - c1p) / (1 + 0.045 * chroma_bar_p)
    h_term = turn * torch.sqrt(dh_squared + _EPS) / (1 + 0.015 * chroma_bar_p * t)
    return torch.sqrt((c_term ** 2 + h_term ** 2 + r_t * c_term * h_term).clamp(min=0) + _EPS)
