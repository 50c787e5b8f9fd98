"""What a run measures as it trains: validation MSE beside the grey baseline, and a preview photo."""
import os
from typing import Dict

import torch
import torch.nn.functional as F

from . import color
from .data import Photo, PhotoDataset, decode_rgb
from .model import Koalarization


def make_batch(dataset: PhotoDataset, indices, device: torch.device = torch.device("cpu")) -> tuple:
    pairs = [dataset[i] for i in indices]
    return torch.stack([p[0] for p in pairs]).to(device), torch.stack([p[1] for p in pairs]).to(device)


def device_of(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def evaluate(model: Koalarization, dataset: PhotoDataset, batch_size: int = 32) -> Dict[str, float]:
    """Mean squared ab error of the model and of the grayscale baseline (ab = 0), in the scaled space."""
    model.eval()
    total, baseline, count = 0.0, 0.0, 0
    for start in range(0, len(dataset), batch_size):
        l, ab = make_batch(dataset, range(start, min(start + batch_size, len(dataset))), device_of(model))
        pred = model(l)
        total += F.mse_loss(pred, ab, reduction="sum").item() / ab[0].numel()
        baseline += (ab ** 2).sum().item() / ab[0].numel()
        count += l.shape[0]
    return {"valLoss": total / max(count, 1), "baselineLoss": baseline / max(count, 1), "valCount": count}


@torch.no_grad()
def write_preview(model: Koalarization, photo_path: str, out_dir: str, step: int) -> str:
    """Colorizes one photo from its own L with the current weights (its size rounded to the model's multiple)."""
    from PIL import Image
    import numpy as np
    model.eval()
    with open(photo_path, "rb") as handle:
        image = decode_rgb(Photo(os.path.basename(photo_path), handle.read()))
    multiple = model.spatial_multiple
    width, height = (max(multiple, round(side / multiple) * multiple) for side in image.size)
    if (width, height) != image.size:
        image = image.resize((width, height), Image.BICUBIC)
    rgb = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)[None]
    lightness = color.srgb_to_lab(rgb)[:, :1]
    ab = color.unscale_ab(model(color.scale_l(lightness).to(device_of(model)))).cpu()
    out = color.lab_to_srgb(torch.cat([lightness, ab], dim=1))[0].permute(1, 2, 0).numpy()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"preview-{step}.png")
    Image.fromarray((out * 255).round().astype(np.uint8)).save(path + ".tmp.png")
    os.replace(path + ".tmp.png", path)
    return path
