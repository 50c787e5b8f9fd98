"""The Deep Koalarization network (Baldassarre et al., 2017).

Encoder (8 conv3x3, stride 2 at layers 1, 3, 5) -> fusion with a global embedding replicated over
every H/8 x W/8 position -> 1x1 conv to 256 -> decoder with nearest-neighbour upsampling and tanh.
Input: L scaled to [-1, 1], [N, 1, H, W] with H, W multiples of 8. Output: ab in [-1, 1], [N, 2, H, W].
"""
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

from .extractors import build_extractor

ENCODER_CHANNELS = (64, 128, 128, 256, 256, 512, 512, 256)
ENCODER_STRIDES = (2, 1, 2, 1, 2, 1, 1, 1)
FUSION_CHANNELS = 256
SPATIAL_MULTIPLE = 8


@dataclass
class ModelConfig:
    extractor: str = "learned"        # "learned" | "inception_resnet_v2"
    extractor_input_size: int = 128   # the paper's Inception-ResNet-v2 uses 299
    embedding_width: int = 256        # recorded from the extractor, not assumed
    width: float = 1.0                # channel multiplier (1.0 = the paper)
    extractor_weights: str = ""       # optional checkpoint for the extractor
    batch_norm: bool = False          # training aid only: export folds it into the convolutions

    def to_dict(self) -> dict:
        return asdict(self)


def _channels(base: int, width: float) -> int:
    return max(8, int(round(base * width)))


def _conv(in_ch: int, out_ch: int, stride: int = 1, kernel: int = 3) -> nn.Conv2d:
    return nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=kernel // 2)


def _conv_relu(in_ch: int, out_ch: int, stride: int = 1, batch_norm: bool = False) -> list:
    """conv3x3 + ReLU; with batch_norm a BatchNorm2d between them, which ONNX export folds into the conv,
    so the exported graph is the paper's conv + ReLU either way."""
    norm = [nn.BatchNorm2d(out_ch)] if batch_norm else []
    return [_conv(in_ch, out_ch, stride), *norm, nn.ReLU(inplace=True)]


class Encoder(nn.Module):
    def __init__(self, width: float = 1.0, batch_norm: bool = False):
        super().__init__()
        layers, in_ch = [], 1
        for base, stride in zip(ENCODER_CHANNELS, ENCODER_STRIDES):
            out_ch = _channels(base, width)
            layers += _conv_relu(in_ch, out_ch, stride, batch_norm)
            in_ch = out_ch
        self.layers = nn.Sequential(*layers)
        self.out_channels = in_ch

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.layers(l)


class Fusion(nn.Module):
    """Replicates the embedding over the encoder's grid, concatenates, 1x1 conv to 256, ReLU."""

    def __init__(self, encoder_channels: int, embedding_width: int, width: float = 1.0):
        super().__init__()
        self.out_channels = _channels(FUSION_CHANNELS, width)
        self.conv = _conv(encoder_channels + embedding_width, self.out_channels, kernel=1)

    def forward(self, features: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        grid = embedding[:, :, None, None].expand(-1, -1, features.shape[2], features.shape[3])
        return F.relu(self.conv(torch.cat([features, grid], dim=1)))


class Decoder(nn.Module):
    def __init__(self, in_channels: int, width: float = 1.0, batch_norm: bool = False):
        super().__init__()
        c128, c64, c32 = (_channels(c, width) for c in (128, 64, 32))
        up = lambda: nn.Upsample(scale_factor=2, mode="nearest")  # noqa: E731
        self.layers = nn.Sequential(
            *_conv_relu(in_channels, c128, batch_norm=batch_norm), up(),
            *_conv_relu(c128, c64, batch_norm=batch_norm),
            *_conv_relu(c64, c64, batch_norm=batch_norm), up(),
            *_conv_relu(c64, c32, batch_norm=batch_norm),
            _conv(c32, 2), nn.Tanh(), up(),
        )

    def forward(self, fused: torch.Tensor) -> torch.Tensor:
        return self.layers(fused)


class Colorizer(nn.Module):
    """Everything but the global feature extractor: (L, embedding) -> ab."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.encoder = Encoder(config.width, config.batch_norm)
        self.fusion = Fusion(self.encoder.out_channels, config.embedding_width, config.width)
        self.decoder = Decoder(self.fusion.out_channels, config.width, config.batch_norm)

    def forward(self, l: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.fusion(self.encoder(l), embedding))


class Koalarization(nn.Module):
    """The full model: extractor on the resized luminance + colorizer on the working-size luminance."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.extractor = build_extractor(config.extractor, config.extractor_input_size, config.embedding_width)
        config.embedding_width = self.extractor.embedding_width
        self.config = config
        self.colorizer = Colorizer(config)

    def embed(self, l: torch.Tensor) -> torch.Tensor:
        size = self.config.extractor_input_size
        if l.shape[-2:] != (size, size):
            l = F.interpolate(l, size=(size, size), mode="bilinear", align_corners=False)
        return self.extractor(l)

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.colorizer(l, self.embed(l))


def parameter_groups(model: Koalarization, train_parts: str):
    """Which parameters to optimise: "all", or "decoder" (fusion + decoder, for fine-tuning)."""
    if train_parts == "all":
        return [p for p in model.parameters()]
    if train_parts == "colorizer":  # the paper: a pretrained extractor stays frozen
        return list(model.colorizer.parameters())
    if train_parts == "decoder":
        return list(model.colorizer.fusion.parameters()) + list(model.colorizer.decoder.parameters())
    raise ValueError(f"unknown train_parts {train_parts!r} (expected 'all', 'colorizer' or 'decoder')")


def set_training_mode(model: Koalarization, train_parts: str) -> None:
    """Frozen parts stay in eval mode so their batch-norm statistics do not drift."""
    model.train()
    if train_parts != "all":
        model.extractor.eval()
    if train_parts == "decoder":
        model.colorizer.encoder.eval()
