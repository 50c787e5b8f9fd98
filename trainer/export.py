"""Export a checkpoint to the app's model format: extractor.onnx, colorizer.onnx and model.json."""
import copy
import datetime
import json
import os
from typing import Dict

import torch

from . import color
from .losses import gamut_bins
from .safe_load import load_weights
from .backbones.build import NOTICE as BACKBONE_NOTICE, SOURCE as BACKBONE_SOURCE
from .backbones.semantic import BACKBONE_ID, WIDTHS as SEMANTIC_WIDTHS
from .model import Koalarization, ModelConfig, semantic_inputs, spatial_multiple

# The bins head holds 676 logits per pixel at half the working size: measured peak memory of one 3:2 photo on the
# CPU is 1.6 GB at a shorter side of 512, 4.9 GB at 1,024 and 17.6 GB at 2,048. Colour is upsampled anyway.
BINS_MAX_WORKING_SIZE = 512

OPSET = 17
FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"


def load_checkpoint_model(path: str, temperature: float = None) -> tuple:
    """A training checkpoint (best.pt / last.pt) or an exported model's weights.pt.

    A last.pt of a run with a weight average yields the averaged weights (what that run evaluates).
    `temperature` replaces a bins head's annealed-mean temperature (no retraining needed to change it).
    """
    checkpoint = load_weights(path)
    model_config = dict(checkpoint["model_config"])
    if temperature is not None:
        if model_config.get("head", "regression") != "bins":
            raise ValueError("a temperature applies to a bins head only; this model regresses ab")
        model_config["temperature"] = temperature
    model = Koalarization(ModelConfig(**model_config))
    weights = checkpoint.get("ema") or checkpoint["model"]
    model.load_state_dict({key: value.float() if value.is_floating_point() else value for key, value in weights.items()})
    return model.eval(), checkpoint


def store_weights_as_fp16(path: str) -> None:
    """Halves the file: float weights are stored as fp16 and cast back to fp32 by the graph itself.

    onnxruntime folds those casts at load time, so inference still runs in fp32 at the same speed.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    graph_model = onnx.load(path)
    graph = graph_model.graph
    initializers, casts = [], []
    for initializer in graph.initializer:
        if initializer.data_type == onnx.TensorProto.FLOAT and np.prod(initializer.dims) > 64:
            half = numpy_helper.from_array(numpy_helper.to_array(initializer).astype(np.float16), initializer.name + "_fp16")
            initializers.append(half)
            casts.append(helper.make_node("Cast", [half.name], [initializer.name], to=onnx.TensorProto.FLOAT))
        else:
            initializers.append(initializer)
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, path)


def inference_colorizer(model: Koalarization) -> torch.nn.Module:
    """The colorizer graph the app runs: a bins head scores only the in-gamut bins (weights.pt keeps them all)."""
    if model.config.head != "bins":
        return model.colorizer
    colorizer = copy.deepcopy(model.colorizer)
    colorizer.decoder.head = colorizer.decoder.head.keeping_bins(gamut_bins())
    return colorizer


def colorizer_inputs(model: Koalarization) -> tuple:
    """The colorizer graph's input names, example tensors (64 x 96 working size) and dynamic axes: l, embedding,
    then the backbone outputs its semantics mode takes (a stride-8 map on the encoder's grid, or a vector)."""
    height, width = 64, 96
    names = ["l", "embedding", *semantic_inputs(model.config.semantics)]
    examples = [torch.zeros(1, 1, height, width), torch.zeros(1, model.config.embedding_width)]
    axes = {"l": {0: "batch", 2: "height", 3: "width"}, "embedding": {0: "batch"}}
    for name in names[2:]:
        spatial = name == "pan8"
        examples.append(torch.zeros(1, SEMANTIC_WIDTHS[name], height // 8, width // 8) if spatial
                        else torch.zeros(1, SEMANTIC_WIDTHS[name]))
        axes[name] = {0: "batch", 2: "height8", 3: "width8"} if spatial else {0: "batch"}
    return names, tuple(examples), axes


def backbone_card(model: Koalarization) -> Dict:
    """What the app needs to find and feed the backbone, and what a reader needs to know about its licence."""
    if not model.config.semantics:
        return {}
    return {"backbone": {"id": BACKBONE_ID, "inputs": list(semantic_inputs(model.config.semantics)),
                         "network": BACKBONE_SOURCE["network"], "upstream": BACKBONE_SOURCE["upstream"],
                         "license": BACKBONE_SOURCE["license"],
                         "source": f"npm {BACKBONE_SOURCE['package']}@{BACKBONE_SOURCE['version']} "
                                   f"({BACKBONE_SOURCE['packageLicense']}), models/nanodet.json + .bin",
                         "build": "scripts/build-backbone (never bundled with these weights)",
                         "notice": BACKBONE_NOTICE}}


def export_onnx(model: Koalarization, out_dir: str, fp16_storage: bool = False) -> Dict[str, str]:
    os.makedirs(out_dir, exist_ok=True)
    size = model.config.extractor_input_size
    paths = {"extractor": os.path.join(out_dir, "extractor.onnx"),
             "colorizer": os.path.join(out_dir, "colorizer.onnx")}
    with torch.no_grad():
        torch.onnx.export(model.extractor, (torch.zeros(1, 1, size, size),), paths["extractor"],
                          input_names=["l"], output_names=["embedding"],
                          dynamic_axes={"l": {0: "batch"}, "embedding": {0: "batch"}}, opset_version=OPSET)
        names, examples, axes = colorizer_inputs(model)
        torch.onnx.export(inference_colorizer(model), examples, paths["colorizer"], input_names=names,
                          output_names=["ab"], dynamic_axes={**axes, "ab": {0: "batch", 2: "height", 3: "width"}},
                          opset_version=OPSET)
    if fp16_storage:
        for path in paths.values():
            store_weights_as_fp16(path)
    return paths


def model_card(model: Koalarization, checkpoint: Dict, model_id: str, name: str, extra: Dict) -> Dict:
    config = checkpoint.get("config", {})
    history = checkpoint.get("history") or checkpoint.get("state", {}).get("history", [])
    return {
        "formatVersion": FORMAT_VERSION,
        "id": model_id,
        "name": name,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "architecture": {
            "name": "deep-koalarization",
            "paper": "Baldassarre, Morin, Rodes-Guirao: Deep Koalarization (2017)",
            "width": model.config.width,
            "head": model.config.head,
            **({"semantics": model.config.semantics} if model.config.semantics else {}),
            **({"temperature": model.config.temperature, "inferenceBins": len(gamut_bins())}
               if model.config.head == "bins" else {}),
            "parameters": sum(p.numel() for p in model.parameters()),
        },
        "extractor": {"kind": model.config.extractor, "file": "extractor.onnx",
                      "inputSize": model.config.extractor_input_size,
                      "embeddingWidth": model.config.embedding_width},
        "storage": "fp16 weights, fp32 compute",
        **backbone_card(model),
        "colorizer": {"file": "colorizer.onnx", "spatialMultiple": spatial_multiple(model.config),
                      "trainedSize": config.get("data", {}).get("crop_size"),
                      **({"maxWorkingSize": BINS_MAX_WORKING_SIZE} if model.config.head == "bins" else {})},
        "weights": {"file": WEIGHTS_FILE, "format": "pytorch-state-dict-fp16"},
        "io": {"extractor": {"inputs": ["l"], "outputs": ["embedding"]},
               "colorizer": {"inputs": colorizer_inputs(model)[0], "outputs": ["ab"]}},
        "scaling": color.SCALING_CARD,
        "training": {"recipe": config.get("name"), "config": _portable(config), "history": history},
        "metrics": checkpoint.get("metrics", history[-1] if history else {}),
        **extra,
    }


def _portable(config: Dict) -> Dict:
    """The recipe without this machine's paths: dataset paths relative to the corpus root, and only the
    file name of the checkpoint a run started from."""
    from .config import datasets_root
    root = datasets_root()
    portable = json.loads(json.dumps(config).replace(root, "${DATASETS}"))
    if portable.get("init_from"):
        portable["init_from"] = os.path.basename(portable["init_from"])
    return portable


def export_weights(model: Koalarization, out_dir: str) -> str:
    """fp16 PyTorch weights beside the ONNX graphs, so the model can be fine-tuned later."""
    path = os.path.join(out_dir, WEIGHTS_FILE)
    state = {key: value.half() if value.is_floating_point() else value for key, value in model.state_dict().items()}
    torch.save({"model": state, "model_config": model.config.to_dict()}, path)
    return path


def export(checkpoint_path: str, out_dir: str, model_id: str, name: str, extra: Dict = None,
           fp16_storage: bool = True, temperature: float = None) -> Dict:
    model, checkpoint = load_checkpoint_model(checkpoint_path, temperature)
    files = export_onnx(model, out_dir, fp16_storage)
    files["weights"] = export_weights(model, out_dir)
    card = model_card(model, checkpoint, model_id, name, extra or {})
    with open(os.path.join(out_dir, "model.json"), "w") as handle:
        json.dump(card, handle, indent=2)
    return {"card": card, "files": files}
