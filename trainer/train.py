"""The training loop: train, evaluate, checkpoint, resume. Progress goes out as JSON-line events."""
import json
import math
import os
import random
import signal
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

import torch

from .averaging import WeightAverage
from .data import PhotoDataset, epoch_order, load_sources, split_holdout
from .events import emit
from .losses import ab_prior, make_loss, rebalance_weights, with_chroma_deficit
from .safe_load import load_weights
from .initial_weights import build_model, load_initial_weights
from .model import Koalarization, parameter_groups, set_training_mode
from .validation import evaluate, make_batch, write_preview


class StopFlag:
    """Set by SIGTERM/SIGINT so the loop can checkpoint and stop cleanly (pause = stop + resume)."""

    def __init__(self):
        self.requested = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._request)

    def _request(self, *_):
        self.requested = True


def loss_name(config: Dict) -> str:
    """The bins head trains with the bins cross-entropy, the regression head with a regression loss."""
    loss, head = config["train"]["loss"], config["model"]["head"]
    if (loss == "bins") != (head == "bins"):
        raise ValueError(f"train.loss {loss!r} does not fit model.head {head!r} (the bins head needs loss 'bins')")
    return loss


def load_datasets(config: Dict):
    data = config["data"]
    train_photos = load_sources(data["train"], data["exclude"])
    if data["val"]:
        val_photos = load_sources(data["val"], data["exclude"])
    else:
        train_photos, val_photos = split_holdout(train_photos, data["holdout_fraction"], data["holdout_min"])
    if not train_photos:
        raise ValueError("no training photos found in " + ", ".join(data["train"]))
    if data["val_limit"]:
        val_photos = val_photos[: data["val_limit"]]
    seed = config["train"]["seed"]
    return (PhotoDataset(train_photos, data["crop_size"], train=True, seed=seed),
            PhotoDataset(val_photos, data["crop_size"], train=False, seed=seed))


def pick_device(choice: str) -> torch.device:
    """'auto': the GPU when torch sees one, else the CPU; or 'cpu' / 'cuda' / 'cuda:N' explicitly."""
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(choice)


def rebalancing_table(train_set: PhotoDataset, mix: float, sample: int, seed: int) -> torch.Tensor:
    """Per-bin loss weights from the ab prior of `sample` random training crops."""
    indices = random.Random(seed).sample(range(len(train_set)), min(sample, len(train_set)))
    batches = (make_batch(train_set, indices[i:i + 64])[1] for i in range(0, len(indices), 64))
    return rebalance_weights(ab_prior(batches), mix)


def _save(path: str, payload: Dict) -> None:
    tmp = path + ".tmp"
    torch.save(payload, tmp)
    os.replace(tmp, path)


@dataclass
class Session:
    """One training session's working set: the model and what trains it, the data, and `state` (the counters and
    history a checkpoint keeps, so a later session resumes where this one stopped)."""
    config: Dict
    run_dir: str
    device: torch.device
    model: Koalarization
    optimizer: torch.optim.Optimizer
    state: Dict
    average: Optional[WeightAverage]
    train_set: PhotoDataset
    val_set: PhotoDataset
    table: Optional[torch.Tensor]
    loss_fn: Callable
    steps_per_epoch: int
    total_steps: int
    stop: StopFlag

    @property
    def opts(self) -> Dict:
        return self.config["train"]

    @property
    def scored(self) -> torch.nn.Module:
        """What is evaluated, kept as best.pt and exported: the average of the weights when there is one."""
        return self.average.model if self.average else self.model

    @property
    def last_path(self) -> str:
        return os.path.join(self.run_dir, "last.pt")

    @property
    def best_path(self) -> str:
        return os.path.join(self.run_dir, "best.pt")


def setup_model(config: Dict, device: torch.device):
    """The model on `device` with only the recipe's trainable parts taking gradients, and their optimizer."""
    opts = config["train"]
    model = build_model(config).to(device)
    if config["data"]["crop_size"] % model.spatial_multiple:
        raise ValueError(f"data.crop_size must be a multiple of {model.spatial_multiple} for this model "
                         f"(got {config['data']['crop_size']})")
    params = parameter_groups(model, opts["train_parts"])
    trainable = {id(p) for p in params}
    for p in model.parameters():  # frozen parts get no gradients at all: backward stops at the fusion layer
        p.requires_grad_(id(p) in trainable)
    return model, torch.optim.Adam(params, lr=opts["lr"])


def resume_or_init(config: Dict, last_path: str, resume: bool, model: Koalarization, optimizer) -> tuple:
    """Loads `last_path` when resuming (returns its state and the checkpoint), else the fine-tuning start weights
    (`init_from`), if any, into the model. Returns (state, saved checkpoint or None)."""
    opts = config["train"]
    if resume and os.path.exists(last_path):
        saved = load_weights(last_path)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        for group in optimizer.param_groups:  # the recipe's rate wins: resume with -o train.lr=… to lower it
            group["lr"] = opts["lr"]
        return saved["state"], saved
    if config.get("init_from"):  # fine-tuning: a checkpoint or an exported model's weights.pt
        start = load_weights(config["init_from"])
        fresh = load_initial_weights(model, start.get("ema") or start["model"])  # a last.pt: its averaged weights
        if fresh:
            emit("warning", message=f"the start checkpoint has another head or fewer inputs: {', '.join(fresh)} "
                                    "start fresh or widened")
    return {"step": 0, "epoch": 0, "position": 0, "best_val": math.inf, "history": [], "elapsed": 0.0}, None


def build_loss(loss: str, table: Optional[torch.Tensor], chroma_weight: float) -> Callable:
    loss_fn = make_loss(loss, table)
    if chroma_weight:
        if loss == "bins":
            raise ValueError("train.chroma_weight applies to a regression head (it compares predicted ab)")
        loss_fn = with_chroma_deficit(loss_fn, chroma_weight)
    return loss_fn


def start_session(config: Dict, run_dir: str, resume: bool) -> Session:
    """Seeds, builds or restores the model, optimizer and average, loads the data, and emits `start`."""
    opts = config["train"]
    loss = loss_name(config)
    torch.set_num_threads(opts["threads"] or os.cpu_count() or 1)
    torch.manual_seed(opts["seed"])
    os.makedirs(run_dir, exist_ok=True)
    device = pick_device(opts["device"])
    model, optimizer = setup_model(config, device)
    state, saved = resume_or_init(config, os.path.join(run_dir, "last.pt"), resume, model, optimizer)
    average = WeightAverage(model, opts["ema"]) if opts["ema"] else None
    if average and saved and saved.get("ema"):
        average.model.load_state_dict(saved["ema"])
    train_set, val_set = load_datasets(config)
    table = saved.get("rebalance") if saved else None
    if table is None and opts["rebalance"]:
        table = rebalancing_table(train_set, opts["rebalance"], opts["rebalance_sample"], opts["seed"])
    steps_per_epoch = max(1, len(train_set) // opts["batch_size"])
    total_steps = opts["max_steps"] or opts["epochs"] * steps_per_epoch
    loss_fn = build_loss(loss, table, opts["chroma_weight"])
    session = Session(config, run_dir, device, model, optimizer, state, average, train_set, val_set, table, loss_fn,
                      steps_per_epoch, total_steps, StopFlag())
    emit("start", runDir=run_dir, device=str(device), resumed=state["step"] > 0, step=state["step"], totalSteps=total_steps,
         trainCount=len(train_set), valCount=len(val_set), stepsPerEpoch=steps_per_epoch,
         parameters=sum(p.numel() for p in model.parameters()), config=config)
    return session


def save_checkpoint(s: Session, reason: str) -> None:
    """last.pt: everything a later session needs to resume (keys: model, optimizer, state, config, model_config,
    rebalance, ema)."""
    payload = {"model": s.model.state_dict(), "optimizer": s.optimizer.state_dict(), "state": s.state,
               "config": s.config, "model_config": s.model.config.to_dict(), "rebalance": s.table,
               "ema": s.average.model.state_dict() if s.average else None}
    _save(s.last_path, payload)
    emit("checkpoint", path=s.last_path, step=s.state["step"], reason=reason)


def save_best(s: Session, metrics: Dict) -> None:
    """best.pt: the scored weights of the best evaluation so far (what export takes)."""
    _save(s.best_path, {"model": s.scored.state_dict(), "config": s.config, "model_config": s.model.config.to_dict(),
                        "metrics": metrics, "history": s.state["history"]})


def write_preview_event(s: Session) -> None:
    try:
        path = write_preview(s.scored, s.opts["preview"], s.opts["preview_out"] or os.path.join(s.run_dir, "previews"),
                             s.state["step"])
        emit("preview", path=path, step=s.state["step"], epoch=s.state["epoch"])
    except Exception as error:  # a preview is a nicety: never stop training for it
        emit("warning", message=f"preview failed: {error}")


def run_evaluation(s: Session) -> Dict:
    """Held-out loss of the scored (and raw) weights, a preview, best.pt when it improved, and an `eval` event."""
    state = s.state
    metrics = evaluate(s.scored, s.val_set)
    if s.average:
        metrics["rawValLoss"] = evaluate(s.model, s.val_set)["valLoss"]
    if s.opts["preview"]:
        write_preview_event(s)
    set_training_mode(s.model, s.opts["train_parts"])
    metrics.update(step=state["step"], epoch=state["epoch"])
    state["history"].append(metrics)
    improved = metrics["valLoss"] < state["best_val"]
    if improved:
        state["best_val"] = metrics["valLoss"]
        save_best(s, metrics)
    emit("eval", improved=improved, bestValLoss=state["best_val"], **metrics)
    return metrics


def train_step(s: Session, indices: List[int]) -> float:
    """One optimizer step on one batch (and the average's update); returns the batch's loss."""
    l, ab = make_batch(s.train_set, indices, s.device)
    loss = s.loss_fn(s.model.training_output(l), ab)
    s.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    s.optimizer.step()
    if s.average:
        s.average.update(s.model, s.state["step"])
    s.state["step"] += 1
    s.state["position"] += len(indices)
    return loss.item()


class StepLog:
    """Loss and throughput over the steps since the last `step` event."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.start, self.images, self.loss = time.time(), 0, 0.0

    def add(self, images: int, loss: float) -> None:
        self.images += images
        self.loss += loss

    def emit(self, s: Session) -> None:
        batch_size, step, total = s.opts["batch_size"], s.state["step"], s.total_steps
        rate = self.images / max(time.time() - self.start, 1e-9)
        emit("step", step=step, totalSteps=total, epoch=s.state["epoch"],
             loss=self.loss / max(self.images // batch_size, 1), imagesPerSec=rate,
             etaSeconds=(total - step) * batch_size / max(rate, 1e-9))
        self.reset()


def stop_reason(s: Session, evals_since_best: int) -> str:
    """Why training stops after this step ("completed": it does not)."""
    opts = s.opts
    if s.stop.requested:
        return "stopped"
    if opts["max_minutes"] and s.state["elapsed"] >= opts["max_minutes"] * 60:
        return "time budget reached"
    if opts["patience"] and evals_since_best >= opts["patience"]:
        return "early stop: no improvement"
    return "completed"


def run_steps(s: Session) -> str:
    """The step loop, epoch by epoch (each shuffled by its number, so a resumed epoch goes on in the same order):
    logs, evaluates and checkpoints on the recipe's schedule. Returns why it ended."""
    opts, state, batch_size = s.opts, s.state, s.opts["batch_size"]
    set_training_mode(s.model, opts["train_parts"])
    started, elapsed_before, log = time.time(), state["elapsed"], StepLog()
    reason, evals_since_best = "completed", 0
    while state["step"] < s.total_steps:
        order = epoch_order(s.train_set.photos, opts["seed"], state["epoch"], s.config["data"]["balance_sources"])
        while state["position"] + batch_size <= len(order) and state["step"] < s.total_steps:
            log.add(batch_size, train_step(s, order[state["position"]: state["position"] + batch_size]))
            state["elapsed"] = elapsed_before + time.time() - started
            if state["step"] % opts["log_every"] == 0 or state["step"] == s.total_steps:
                log.emit(s)
            if state["step"] % opts["eval_every"] == 0:
                evals_since_best = 0 if run_evaluation(s)["valLoss"] <= state["best_val"] else evals_since_best + 1
            if state["step"] % opts["checkpoint_every"] == 0:
                save_checkpoint(s, "periodic")
            reason = stop_reason(s, evals_since_best)
            if reason != "completed":
                break
        if reason != "completed" or state["position"] + batch_size <= len(order):
            break  # stopped, or the step budget ended mid-epoch
        emit("epoch", epoch=state["epoch"], step=state["step"])
        state["epoch"] += 1
        state["position"] = 0
    return reason


def finish(s: Session, reason: str) -> Dict:
    """A last evaluation (unless stopped or just done), last.pt, summary.json and the `done` event."""
    state = s.state
    if reason != "stopped" and (not state["history"] or state["history"][-1]["step"] != state["step"]):
        run_evaluation(s)
    save_checkpoint(s, reason)
    summary = {"reason": reason, "step": state["step"], "bestValLoss": state["best_val"],
               "history": state["history"], "elapsedSeconds": state["elapsed"], "bestCheckpoint": s.best_path}
    with open(os.path.join(s.run_dir, "summary.json"), "w") as handle:
        json.dump(summary, handle, indent=1)
    emit("done", **summary)
    return summary


def train(config: Dict, run_dir: str, resume: bool = False) -> Dict:
    """Trains (or resumes) a run in `run_dir`: last.pt, best.pt and summary.json there, progress as JSON lines."""
    session = start_session(config, run_dir, resume)
    if not session.state["history"]:
        run_evaluation(session)
    return finish(session, run_steps(session))
