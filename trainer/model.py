"""The Deep Koalarization network (Baldassarre et al., 2017).

Encoder (8 conv3x3, stride 2 at layers 1, 3, 5) -> fusion with a global embedding replicated over
every H/8 x W/8 position -> 1x1 conv to 256 -> decoder with nearest-neighbour upsampling and tanh.
Input: L scaled to [-1, 1], [N, 1, H, W] with H, W multiples of 8. Output: ab in [-1, 1], [N, 2, H, W].

Head "regression" is the paper's (conv to 2 channels + tanh). Head "bins" (Zhang et al., 2016) predicts a
distribution over a grid of ab bins and outputs its annealed mean, softmax(logits / T) . centres: the
plain mean at T = 1, nearer the most likely bin for T < 1 (vivid only where that bin is; see EXPERIMENTS.md);
the exported graph still maps L to ab.
"""
import copy
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

from .backbones.semantic import SPATIAL_MULTIPLE as SEMANTIC_MULTIPLE, WIDTHS as SEMANTIC_WIDTHS, load_semantics
from .extractors import build_extractor
from .losses import bin_centers

ENCODER_CHANNELS = (64, 128, 128, 256, 256, 512, 512, 256)
ENCODER_STRIDES = (2, 1, 2, 1, 2, 1, 1, 1)
FUSION_CHANNELS = 256
SPATIAL_MULTIPLE = 8
# The frozen backbone's outputs each semantics mode feeds into the fusion layer, in this order.
SEMANTIC_INPUTS = {"": (), "global": ("pooled",), "spatial": ("pan8", "pooled")}


def semantic_inputs(mode: str) -> tuple:
    if mode not in SEMANTIC_INPUTS:
        raise ValueError(f"unknown semantics {mode!r} (expected '', 'global' or 'spatial')")
    return SEMANTIC_INPUTS[mode]


def spatial_multiple(config: "ModelConfig") -> int:
    """Working sizes must be multiples of this: 8 for the encoder, 32 when NanoDet's stride-32 stage is used."""
    return SEMANTIC_MULTIPLE if config.semantics else SPATIAL_MULTIPLE


@dataclass
class ModelConfig:
    extractor: str = "learned"        # "learned" | "inception_resnet_v2"
    extractor_input_size: int = 128   # the paper's Inception-ResNet-v2 uses 299
    embedding_width: int = 256        # recorded from the extractor, not assumed
    width: float = 1.0                # channel multiplier (1.0 = the paper)
    extractor_weights: str = ""       # optional checkpoint for the extractor
    batch_norm: bool = False          # training aid only: export folds it into the convolutions
    head: str = "regression"          # "regression" (the paper) | "bins" (annealed mean of ab bins)
    temperature: float = 0.38         # annealed-mean temperature of the bins head (Zhang et al.'s value)
    semantics: str = ""               # "" | "global" (NanoDet's pooled vector) | "spatial" (+ its stride-8 PAN map)
    semantics_weights: str = ""       # NanoDet's TF.js graph (default: where scripts/build-backbone puts it)

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
    """Replicates the embedding (and any global semantic vector) over the encoder's grid, concatenates them with
    the encoder's output (and any semantic map on the same grid), 1x1 conv to 256, ReLU."""

    def __init__(self, encoder_channels: int, embedding_width: int, width: float = 1.0, semantic_width: int = 0):
        super().__init__()
        self.out_channels = _channels(FUSION_CHANNELS, width)
        self.conv = _conv(encoder_channels + embedding_width + semantic_width, self.out_channels, kernel=1)

    def forward(self, features: torch.Tensor, embedding: torch.Tensor, *semantic: torch.Tensor) -> torch.Tensor:
        size = features.shape[2:]
        parts = [features] + [_on_grid(x, size) for x in (embedding, *semantic)]
        return F.relu(self.conv(torch.cat(parts, dim=1)))


def _on_grid(x: torch.Tensor, size) -> torch.Tensor:
    """A vector [N, C] replicated over the grid; a map [N, C, h, w] already on it."""
    return x[:, :, None, None].expand(-1, -1, size[0], size[1]) if x.dim() == 2 else x


class AnnealedMean(nn.Module):
    """Logits over the ab bins -> softmax(logits / T) -> the expected bin centre (a 1x1 conv with fixed weights)."""

    def __init__(self, in_channels: int, temperature: float):
        super().__init__()
        centers = bin_centers()
        self.logits = nn.Conv2d(in_channels, centers.shape[1], 1)
        self.register_buffer("centers", centers[:, :, None, None], persistent=False)
        self.temperature = temperature

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return F.conv2d(torch.softmax(self.logits(features) / self.temperature, dim=1), self.centers)

    def keeping_bins(self, bins: torch.Tensor) -> "AnnealedMean":
        """A copy that scores only `bins` (flat indices): what inference needs once out-of-gamut bins, which
        training never targets, are dropped (less than half the cost of the full grid)."""
        kept = copy.deepcopy(self)
        kept.logits = nn.Conv2d(self.logits.in_channels, len(bins), 1)
        kept.logits.weight.data = self.logits.weight.data[bins].clone()
        kept.logits.bias.data = self.logits.bias.data[bins].clone()
        kept.centers = self.centers[:, bins].clone()
        return kept


class Decoder(nn.Module):
    """conv128, up, conv64, conv64, up, conv32, head, up. The regression head's layers keep the paper's
    indices in `layers` (checkpoints depend on them); the bins head sits in `head`."""

    def __init__(self, in_channels: int, width: float = 1.0, batch_norm: bool = False,
                 head: str = "regression", temperature: float = 0.38):
        super().__init__()
        if head not in ("regression", "bins"):
            raise ValueError(f"unknown head {head!r} (expected 'regression' or 'bins')")
        c128, c64, c32 = (_channels(c, width) for c in (128, 64, 32))
        up = lambda: nn.Upsample(scale_factor=2, mode="nearest")  # noqa: E731
        body = [*_conv_relu(in_channels, c128, batch_norm=batch_norm), up(),
                *_conv_relu(c128, c64, batch_norm=batch_norm),
                *_conv_relu(c64, c64, batch_norm=batch_norm), up(),
                *_conv_relu(c64, c32, batch_norm=batch_norm)]
        if head == "regression":
            self.layers = nn.Sequential(*body, _conv(c32, 2), nn.Tanh(), up())
            self.head = None
        else:
            self.layers = nn.Sequential(*body)
            self.head = AnnealedMean(c32, temperature)
            self.up = up()
        self.head_prefix = "colorizer.decoder." + (f"layers.{len(body)}." if head == "regression" else "head.")

    def forward(self, fused: torch.Tensor) -> torch.Tensor:
        features = self.layers(fused)
        return features if self.head is None else self.up(self.head(features))

    def training_output(self, fused: torch.Tensor) -> torch.Tensor:
        """What the loss takes: ab for the regression head, bin logits at H/2 x W/2 for the bins head."""
        return self.forward(fused) if self.head is None else self.head.logits(self.layers(fused))


class Colorizer(nn.Module):
    """Everything but the global feature extractor: (L, embedding) -> ab."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.encoder = Encoder(config.width, config.batch_norm)
        semantic_width = sum(SEMANTIC_WIDTHS[name] for name in semantic_inputs(config.semantics))
        self.fusion = Fusion(self.encoder.out_channels, config.embedding_width, config.width, semantic_width)
        self.decoder = Decoder(self.fusion.out_channels, config.width, config.batch_norm, config.head,
                               config.temperature)

    def forward(self, l: torch.Tensor, embedding: torch.Tensor, *semantic: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.fusion(self.encoder(l), embedding, *semantic))

    def training_output(self, l: torch.Tensor, embedding: torch.Tensor, *semantic: torch.Tensor) -> torch.Tensor:
        return self.decoder.training_output(self.fusion(self.encoder(l), embedding, *semantic))


class Koalarization(nn.Module):
    """The full model: extractor on the resized luminance + colorizer on the working-size luminance, and with
    `semantics` the frozen NanoDet branch on the working-size luminance. That branch is third-party and frozen:
    it is kept out of the module tree, so it never enters a state dict, a checkpoint or an exported weights file."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.extractor = build_extractor(config.extractor, config.extractor_input_size, config.embedding_width)
        config.embedding_width = self.extractor.embedding_width
        self.config = config
        self.colorizer = Colorizer(config)
        self.__dict__["semantics"] = load_semantics(config.semantics_weights) if semantic_inputs(config.semantics) else None

    def _apply(self, fn):  # .to(device) / .float() reach the unregistered semantic branch too
        super()._apply(fn)
        if self.semantics is not None:
            self.semantics._apply(fn)
        return self

    @property
    def spatial_multiple(self) -> int:
        return spatial_multiple(self.config)

    @torch.no_grad()
    def semantic_features(self, l: torch.Tensor) -> tuple:
        if self.semantics is None:
            return ()
        outputs = dict(zip(("pan8", "pooled"), self.semantics(l)))
        return tuple(outputs[name] for name in semantic_inputs(self.config.semantics))

    def embed(self, l: torch.Tensor) -> torch.Tensor:
        size = self.config.extractor_input_size
        if l.shape[-2:] != (size, size):
            l = F.interpolate(l, size=(size, size), mode="bilinear", align_corners=False)
        return self.extractor(l)

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.colorizer(l, self.embed(l), *self.semantic_features(l))

    def training_output(self, l: torch.Tensor) -> torch.Tensor:
        """The loss's input (see Decoder.training_output)."""
        return self.colorizer.training_output(l, self.embed(l), *self.semantic_features(l))


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
