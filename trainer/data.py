"""Training data: colour photos from tar shards or folders, yielded as Lab tensors scaled to [-1, 1].

Only yields tensors; the training loop owns everything else.
"""
import io
import os
import random
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, List, Sequence, Tuple

import numpy as np
import torch
from PIL import Image, ImageOps

from . import color
from .events import emit

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}


@dataclass
class Photo:
    name: str
    data: bytes


def read_tar(path: str, split: str = "") -> List[Photo]:
    """All image members of a tar shard, in memory (the shards are small: ~30 MiB each)."""
    photos = []
    with tarfile.open(path) as archive:
        for member in archive:
            if member.isfile() and os.path.splitext(member.name)[1].lower() in IMAGE_EXTENSIONS:
                photos.append(Photo(member.name, archive.extractfile(member).read()))
    return photos


def read_folder(path: str) -> List[Photo]:
    photos = []
    for root, _, files in os.walk(path):
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                full = os.path.join(root, name)
                with open(full, "rb") as handle:
                    photos.append(Photo(os.path.relpath(full, path), handle.read()))
    return photos


def load_sources(sources: Sequence[str], exclude_prefixes: Sequence[str] = ()) -> List[Photo]:
    """Each source is a .tar shard, a folder, or a glob of either."""
    import glob
    photos: List[Photo] = []
    for pattern in sources:
        matches = sorted(glob.glob(os.path.expanduser(pattern))) or [pattern]
        for path in matches:
            if path.endswith(".tar"):
                photos += read_tar(path)
            elif os.path.isdir(path):
                photos += read_folder(path)
            else:
                raise FileNotFoundError(f"training source not found: {path}")
    if exclude_prefixes:
        photos = [p for p in photos if not p.name.startswith(tuple(exclude_prefixes))]
    return photos


def decode_rgb(photo: Photo) -> Image.Image:
    image = Image.open(io.BytesIO(photo.data))
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


def _fit_crop(image: Image.Image, size: int, rng: random.Random, train: bool) -> Image.Image:
    """Resize so the shorter side is at least `size`, then crop size x size (random or centre)."""
    w, h = image.size
    if min(w, h) != size and (min(w, h) < size or not train):
        scale = size / min(w, h)
        image = image.resize((max(size, round(w * scale)), max(size, round(h * scale))), Image.BICUBIC)
        w, h = image.size
    left = rng.randint(0, w - size) if train else (w - size) // 2
    top = rng.randint(0, h - size) if train else (h - size) // 2
    image = image.crop((left, top, left + size, top + size))
    if train and rng.random() < 0.5:
        image = image.transpose(Image.FLIP_LEFT_RIGHT)
    return image


def source_of(photo: Photo) -> str:
    """The source a photo came from: its name's first folder (`flowers/…` in the corpus), else ""."""
    return photo.name.split("/", 1)[0] if "/" in photo.name else ""


def epoch_order(photos: List[Photo], seed: int, epoch: int, balance: float = 0.0) -> List[int]:
    """The photos' order for one epoch (fixed by seed and epoch, so a resumed epoch goes on in the same order): a
    shuffle, or with balance > 0 as many draws with replacement, each photo weighing count(its source)^-balance,
    so that at 1 every source is seen as often and a large source no longer sets the colours of unknown things."""
    rng = random.Random(seed * 100003 + epoch)
    if balance <= 0:
        order = list(range(len(photos)))
        rng.shuffle(order)
        return order
    sources = [source_of(photo) for photo in photos]
    counts = Counter(sources)
    return rng.choices(range(len(photos)), weights=[counts[source] ** -balance for source in sources], k=len(photos))


class PhotoDataset(torch.utils.data.Dataset):
    """Yields (l, ab): [1, S, S] and [2, S, S], both scaled to [-1, 1]. Unreadable photos are skipped with a warning."""

    def __init__(self, photos: List[Photo], crop_size: int, train: bool, seed: int = 0):
        if crop_size % 8:
            raise ValueError("crop_size must be a multiple of 8")
        self.photos = photos
        self.crop_size = crop_size
        self.train = train
        self.rng = random.Random(seed)
        self.bad = set()

    def __len__(self) -> int:
        return len(self.photos)

    def __getitem__(self, index: int) -> Tuple[torch.Tensor, torch.Tensor]:
        for attempt in range(len(self.photos)):
            photo = self.photos[(index + attempt) % len(self.photos)]
            if photo.name in self.bad:
                continue
            try:
                image = _fit_crop(decode_rgb(photo), self.crop_size, self.rng, self.train)
            except Exception as error:  # corrupt or unsupported file: skip it, say so once
                self.bad.add(photo.name)
                emit("warning", message=f"skipping unreadable photo {photo.name}: {error}")
                continue
            rgb = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)[None]
            lab = color.srgb_to_lab(rgb)[0]
            return color.scale_l(lab[:1]), color.scale_ab(lab[1:])
        raise RuntimeError("no readable photos in the dataset")


def split_holdout(photos: List[Photo], fraction: float, minimum: int, seed: int = 0) -> Tuple[List[Photo], List[Photo]]:
    """A deterministic held-out split (by name hash) for collections without their own val split."""
    import hashlib
    ranked = sorted(photos, key=lambda p: hashlib.sha1(f"{seed}:{p.name}".encode()).hexdigest())
    count = max(minimum, int(round(len(photos) * fraction)))
    return ranked[count:], ranked[:count]
