"""Inception-ResNet-v2 (Szegedy et al., 2016) as the global feature extractor of Deep Koalarization.

The module and parameter names match timm's ``inception_resnet_v2`` (itself a port of the
TensorFlow-Slim model), so its pretrained state dict loads directly with ``load_weights``.
As in the paper, the embedding is the classifier output before the softmax (1001-d for the
TF-Slim checkpoint, 1000-d for timm's re-packaged one).

Input: luminance [N, 1, S, S] scaled to [-1, 1]. The network expects inputs normalised with
mean 0.5 / std 0.5 (i.e. [-1, 1]), so the luminance is only repeated to three channels.
The smallest spatial size the stem and reduction blocks accept is ``MIN_INPUT_SIZE`` (75).
"""
from typing import Dict, Tuple

import torch

from ..safe_load import load_weights as load_weights_file
import torch.nn as nn

NUM_FEATURES = 1536
# Smallest S for which every un-padded stride-2 reduction still yields a >= 1x1 map.
MIN_INPUT_SIZE = 75


class BasicConv2d(nn.Module):
    """Conv (no bias) + BatchNorm (eps 1e-3, as in TF-Slim) + ReLU."""

    def __init__(self, in_planes, out_planes, kernel_size, stride, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(in_planes, out_planes, kernel_size=kernel_size, stride=stride,
                              padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(out_planes, eps=0.001)
        self.relu = nn.ReLU(inplace=False)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Mixed_5b(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch0 = BasicConv2d(192, 96, kernel_size=1, stride=1)
        self.branch1 = nn.Sequential(
            BasicConv2d(192, 48, kernel_size=1, stride=1),
            BasicConv2d(48, 64, kernel_size=5, stride=1, padding=2),
        )
        self.branch2 = nn.Sequential(
            BasicConv2d(192, 64, kernel_size=1, stride=1),
            BasicConv2d(64, 96, kernel_size=3, stride=1, padding=1),
            BasicConv2d(96, 96, kernel_size=3, stride=1, padding=1),
        )
        self.branch3 = nn.Sequential(
            nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
            BasicConv2d(192, 64, kernel_size=1, stride=1),
        )

    def forward(self, x):
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


class Block35(nn.Module):
    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale
        self.branch0 = BasicConv2d(320, 32, kernel_size=1, stride=1)
        self.branch1 = nn.Sequential(
            BasicConv2d(320, 32, kernel_size=1, stride=1),
            BasicConv2d(32, 32, kernel_size=3, stride=1, padding=1),
        )
        self.branch2 = nn.Sequential(
            BasicConv2d(320, 32, kernel_size=1, stride=1),
            BasicConv2d(32, 48, kernel_size=3, stride=1, padding=1),
            BasicConv2d(48, 64, kernel_size=3, stride=1, padding=1),
        )
        self.conv2d = nn.Conv2d(128, 320, kernel_size=1, stride=1)
        self.relu = nn.ReLU(inplace=False)

    def forward(self, x):
        out = torch.cat((self.branch0(x), self.branch1(x), self.branch2(x)), 1)
        out = self.conv2d(out)
        return self.relu(out * self.scale + x)


class Mixed_6a(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch0 = BasicConv2d(320, 384, kernel_size=3, stride=2)
        self.branch1 = nn.Sequential(
            BasicConv2d(320, 256, kernel_size=1, stride=1),
            BasicConv2d(256, 256, kernel_size=3, stride=1, padding=1),
            BasicConv2d(256, 384, kernel_size=3, stride=2),
        )
        self.branch2 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x)), 1)


class Block17(nn.Module):
    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale
        self.branch0 = BasicConv2d(1088, 192, kernel_size=1, stride=1)
        self.branch1 = nn.Sequential(
            BasicConv2d(1088, 128, kernel_size=1, stride=1),
            BasicConv2d(128, 160, kernel_size=(1, 7), stride=1, padding=(0, 3)),
            BasicConv2d(160, 192, kernel_size=(7, 1), stride=1, padding=(3, 0)),
        )
        self.conv2d = nn.Conv2d(384, 1088, kernel_size=1, stride=1)
        self.relu = nn.ReLU(inplace=False)

    def forward(self, x):
        out = torch.cat((self.branch0(x), self.branch1(x)), 1)
        out = self.conv2d(out)
        return self.relu(out * self.scale + x)


class Mixed_7a(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch0 = nn.Sequential(
            BasicConv2d(1088, 256, kernel_size=1, stride=1),
            BasicConv2d(256, 384, kernel_size=3, stride=2),
        )
        self.branch1 = nn.Sequential(
            BasicConv2d(1088, 256, kernel_size=1, stride=1),
            BasicConv2d(256, 288, kernel_size=3, stride=2),
        )
        self.branch2 = nn.Sequential(
            BasicConv2d(1088, 256, kernel_size=1, stride=1),
            BasicConv2d(256, 288, kernel_size=3, stride=1, padding=1),
            BasicConv2d(288, 320, kernel_size=3, stride=2),
        )
        self.branch3 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


class Block8(nn.Module):
    def __init__(self, scale=1.0, no_relu=False):
        super().__init__()
        self.scale = scale
        self.branch0 = BasicConv2d(2080, 192, kernel_size=1, stride=1)
        self.branch1 = nn.Sequential(
            BasicConv2d(2080, 192, kernel_size=1, stride=1),
            BasicConv2d(192, 224, kernel_size=(1, 3), stride=1, padding=(0, 1)),
            BasicConv2d(224, 256, kernel_size=(3, 1), stride=1, padding=(1, 0)),
        )
        self.conv2d = nn.Conv2d(448, 2080, kernel_size=1, stride=1)
        self.relu = None if no_relu else nn.ReLU(inplace=False)

    def forward(self, x):
        out = torch.cat((self.branch0(x), self.branch1(x)), 1)
        out = self.conv2d(out) * self.scale + x
        if self.relu is not None:
            out = self.relu(out)
        return out


def _unwrap_state_dict(obj) -> Dict[str, torch.Tensor]:
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict):
        raise ValueError(f"expected a state dict, got {type(obj).__name__}")
    out = {}
    for k, v in obj.items():
        if not torch.is_tensor(v):
            continue
        if k.startswith("module."):
            k = k[len("module."):]
        out[k] = v
    return out


class InceptionResNetV2Extractor(nn.Module):
    """Luminance [N, 1, S, S] in [-1, 1] -> pre-softmax logits [N, num_classes]."""

    def __init__(self, input_size: int = 299, num_classes: int = 1001):
        super().__init__()
        if input_size < MIN_INPUT_SIZE:
            raise ValueError(f"Inception-ResNet-v2 needs input_size >= {MIN_INPUT_SIZE}, got {input_size}")
        self.input_size = input_size
        self.num_classes = num_classes
        self.embedding_width = num_classes
        self.num_features = NUM_FEATURES

        self.conv2d_1a = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.conv2d_2a = BasicConv2d(32, 32, kernel_size=3, stride=1)
        self.conv2d_2b = BasicConv2d(32, 64, kernel_size=3, stride=1, padding=1)
        self.maxpool_3a = nn.MaxPool2d(3, stride=2)
        self.conv2d_3b = BasicConv2d(64, 80, kernel_size=1, stride=1)
        self.conv2d_4a = BasicConv2d(80, 192, kernel_size=3, stride=1)
        self.maxpool_5a = nn.MaxPool2d(3, stride=2)
        self.mixed_5b = Mixed_5b()
        self.repeat = nn.Sequential(*[Block35(scale=0.17) for _ in range(10)])
        self.mixed_6a = Mixed_6a()
        self.repeat_1 = nn.Sequential(*[Block17(scale=0.10) for _ in range(20)])
        self.mixed_7a = Mixed_7a()
        self.repeat_2 = nn.Sequential(*[Block8(scale=0.20) for _ in range(9)])
        self.block8 = Block8(no_relu=True)
        self.conv2d_7b = BasicConv2d(2080, NUM_FEATURES, kernel_size=1, stride=1)
        self.global_pool = nn.AdaptiveAvgPool2d(1)  # exports as ONNX GlobalAveragePool
        self.classif = nn.Linear(NUM_FEATURES, num_classes)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv2d_1a(x)
        x = self.conv2d_2a(x)
        x = self.conv2d_2b(x)
        x = self.maxpool_3a(x)
        x = self.conv2d_3b(x)
        x = self.conv2d_4a(x)
        x = self.maxpool_5a(x)
        x = self.mixed_5b(x)
        x = self.repeat(x)
        x = self.mixed_6a(x)
        x = self.repeat_1(x)
        x = self.mixed_7a(x)
        x = self.repeat_2(x)
        x = self.block8(x)
        return self.conv2d_7b(x)

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        # [-1, 1] luminance is already the mean-0.5/std-0.5 normalisation the net expects.
        x = l.expand(-1, 3, -1, -1)  # no data-dependent branch: traces/exports cleanly
        x = self.forward_features(x)
        x = torch.flatten(self.global_pool(x), 1)
        return self.classif(x)

    def reset_classifier(self, num_classes: int) -> None:
        ref = self.classif.weight
        self.classif = nn.Linear(NUM_FEATURES, num_classes).to(device=ref.device, dtype=ref.dtype)
        self.num_classes = num_classes
        self.embedding_width = num_classes

    def load_weights(self, path: str) -> Tuple[int, int]:
        """Load a (timm-compatible) state dict; returns (tensors loaded, embedding_width).

        A classifier of a different class count (e.g. timm's 1000 vs TF-Slim's 1001) replaces
        ``classif`` and updates ``embedding_width``: build anything sized by the embedding
        width only after calling this.
        """
        state = _unwrap_state_dict(load_weights_file(path))
        w = state.get("classif.weight")
        b = state.get("classif.bias")
        if w is not None:
            if w.dim() != 2 or w.shape[1] != NUM_FEATURES or (b is not None and b.shape != (w.shape[0],)):
                raise ValueError(
                    f"{path}: classif has shape {tuple(w.shape)}, expected [num_classes, {NUM_FEATURES}]")
            if w.shape[0] != self.classif.out_features:
                self.reset_classifier(int(w.shape[0]))

        own = self.state_dict()
        backbone = lambda keys: {k for k in keys if not k.startswith("classif.")}  # noqa: E731
        # Old checkpoints (timm's ported weights among them) lack BatchNorm's num_batches_tracked.
        missing = sorted(k for k in backbone(own) - set(state) if not k.endswith(".num_batches_tracked"))
        unexpected = sorted(backbone(state) - set(own))
        mismatched = sorted(k for k in backbone(own) & set(state) if own[k].shape != state[k].shape)
        if missing or unexpected or mismatched:
            def show(keys):
                return ", ".join(keys[:20]) + (f", ... ({len(keys)} in all)" if len(keys) > 20 else "")
            parts = []
            if missing:
                parts.append(f"missing keys: {show(missing)}")
            if unexpected:
                parts.append(f"unexpected keys: {show(unexpected)}")
            if mismatched:
                parts.append("shape mismatches: " + show(
                    [f"{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}" for k in mismatched]))
            raise ValueError(f"{path} is not an Inception-ResNet-v2 state dict ({'; '.join(parts)})")

        to_load = {k: v for k, v in state.items() if k in own}
        # A checkpoint without a classifier keeps the current (random) one.
        self.load_state_dict(to_load, strict=False)
        return len(to_load), self.embedding_width
