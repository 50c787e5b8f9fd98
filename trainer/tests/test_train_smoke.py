"""A real (tiny) training run through the CLI: JSON events, loss goes down, resume, export."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = ["-o", "model.width=0.25", "-o", "model.extractor_input_size=32", "-o", "model.embedding_width=16",
        "-o", "data.crop_size=32", "-o", "data.val_limit=16", "-o", "train.batch_size=8", "-o", "train.log_every=5",
        "-o", "train.eval_every=1000", "-o", "train.checkpoint_every=1000", "-o", "train.threads=2"]


def make_collection(folder: str, count: int = 48) -> None:
    """Two-tone photos: bright areas are yellow, dark areas are blue, so colour is learnable from L."""
    rng = np.random.default_rng(0)
    for index in range(count):
        mask = np.zeros((40, 48), dtype=bool)
        top, left = rng.integers(0, 20), rng.integers(0, 24)
        mask[top: top + 20, left: left + 24] = True
        pixels = np.where(mask[..., None], [235, 200, 40], [30, 50, 150]).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(folder, f"photo{index:03}.jpg"), quality=95)
    with open(os.path.join(folder, "broken.jpg"), "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 not really a jpeg")


def run_trainer(*args: str) -> list:
    result = subprocess.run([sys.executable, "-m", "trainer", *args], cwd=REPO, capture_output=True, text=True)
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0:
        raise AssertionError(f"trainer failed ({result.returncode}): {result.stderr[-2000:]} {events[-1:]}")
    return events


class TrainSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.photos = os.path.join(cls.tmp.name, "photos")
        os.makedirs(cls.photos)
        make_collection(cls.photos)
        cls.run_dir = os.path.join(cls.tmp.name, "run")
        data = ["-o", f"data.train=[{json.dumps(cls.photos)}]", "-o", "data.val=[]"]
        cls.first = run_trainer("train", "--run-dir", cls.run_dir, *TINY, *data, "-o", "train.max_steps=30")
        # no recipe or data given: a resume keeps the run's own (a different network would not even load)
        cls.resumed = run_trainer("train", "--run-dir", cls.run_dir, "--resume", "-o", "train.max_steps=60")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_events_follow_the_protocol(self):
        kinds = [e["event"] for e in self.first]
        self.assertEqual(kinds[0], "start")
        self.assertEqual(kinds[-1], "done")
        for kind in ("step", "eval", "checkpoint", "warning"):
            self.assertIn(kind, kinds)
        self.assertIn("broken.jpg", next(e for e in self.first if e["event"] == "warning")["message"])

    def test_validation_loss_goes_down(self):
        evals = [e for e in self.first + self.resumed if e["event"] == "eval"]
        self.assertLess(evals[-1]["valLoss"], evals[0]["valLoss"] * 0.8)

    def test_resume_continues_from_the_checkpoint(self):
        start = self.resumed[0]
        self.assertTrue(start["resumed"])
        self.assertEqual(start["step"], 30)
        self.assertEqual(self.resumed[-1]["step"], 60)
        self.assertEqual(start["trainCount"], self.first[0]["trainCount"])
        self.assertEqual(start["config"]["data"], self.first[0]["config"]["data"])

    def test_checkpoints_and_summary_keep_their_format(self):
        """Runs started by an earlier trainer are resumed and exported by this one: the keys must not change."""
        import torch
        last = torch.load(os.path.join(self.run_dir, "last.pt"))
        self.assertEqual(set(last), {"model", "optimizer", "state", "config", "model_config", "rebalance", "ema"})
        self.assertEqual(set(last["state"]), {"step", "epoch", "position", "best_val", "history", "elapsed"})
        self.assertEqual(last["state"]["step"], 60)
        best = torch.load(os.path.join(self.run_dir, "best.pt"))
        self.assertEqual(set(best), {"model", "config", "model_config", "metrics", "history"})
        with open(os.path.join(self.run_dir, "summary.json")) as handle:
            summary = json.load(handle)
        self.assertEqual(set(summary), {"reason", "step", "bestValLoss", "history", "elapsedSeconds", "bestCheckpoint"})
        self.assertEqual({k: v for k, v in self.resumed[-1].items() if k not in ("event", "time")}, summary)

    def test_export_writes_onnx_and_card(self):
        out = os.path.join(self.tmp.name, "model")
        events = run_trainer("export", "--checkpoint", os.path.join(self.run_dir, "best.pt"), "--out", out,
                             "--id", "tiny", "--name", "Tiny test model")
        self.assertEqual(events[-1]["event"], "exported")
        with open(os.path.join(out, "model.json")) as handle:
            card = json.load(handle)
        self.assertEqual(card["extractor"]["embeddingWidth"], 16)
        self.assertEqual(card["extractor"]["inputSize"], 32)
        self.assertTrue(card["training"]["history"])
        for name in ("extractor.onnx", "colorizer.onnx"):
            self.assertGreater(os.path.getsize(os.path.join(out, name)), 1000)
        import onnx
        onnx.checker.check_model(os.path.join(out, "colorizer.onnx"))
        self.assertEqual(card["weights"]["file"], "weights.pt")

    def test_fine_tuning_starts_from_exported_weights(self):
        out = os.path.join(self.tmp.name, "base-model")
        run_trainer("export", "--checkpoint", os.path.join(self.run_dir, "best.pt"), "--out", out,
                    "--id", "base", "--name", "Base")
        data = ["-o", f"data.train=[{json.dumps(self.photos)}]", "-o", "data.val=[]"]
        events = run_trainer("train", "--run-dir", os.path.join(self.tmp.name, "finetune"),
                             "--init-from", os.path.join(out, "weights.pt"), *TINY, *data,
                             "-o", "train.max_steps=5", "-o", "train.train_parts=decoder")
        first_eval = next(e for e in events if e["event"] == "eval")
        base_eval = [e for e in self.first + self.resumed if e["event"] == "eval"][-1]
        # Starting from the trained weights, not from scratch: as good as the base model (fp16 rounding aside).
        self.assertAlmostEqual(first_eval["valLoss"], base_eval["valLoss"], delta=base_eval["valLoss"] * 0.05 + 1e-4)

    def test_a_bins_head_starts_from_a_regression_models_body(self):
        out = os.path.join(self.tmp.name, "regression-model")
        run_trainer("export", "--checkpoint", os.path.join(self.run_dir, "best.pt"), "--out", out, "--id", "r", "--name", "R")
        data = ["-o", f"data.train=[{json.dumps(self.photos)}]", "-o", "data.val=[]"]
        run_dir = os.path.join(self.tmp.name, "bins")
        events = run_trainer("train", "--run-dir", run_dir, "--init-from", os.path.join(out, "weights.pt"), *TINY, *data,
                             "-o", "model.head=bins", "-o", "train.loss=bins", "-o", "train.max_steps=10")
        fresh = [e["message"] for e in events if e["event"] == "warning" and "another head" in e["message"]]
        self.assertEqual(len(fresh), 1)
        self.assertIn("colorizer.decoder.head.logits.weight", fresh[0])
        self.assertNotIn("encoder", fresh[0])
        self.assertEqual(events[-1]["event"], "done")
        model_dir = os.path.join(self.tmp.name, "bins-model")
        run_trainer("export", "--checkpoint", os.path.join(run_dir, "last.pt"), "--out", model_dir, "--id", "b",
                    "--name", "B", "--temperature", "0.5")
        with open(os.path.join(model_dir, "model.json")) as handle:
            card = json.load(handle)
        self.assertEqual((card["architecture"]["head"], card["architecture"]["temperature"]), ("bins", 0.5))
        self.assertEqual(card["colorizer"]["maxWorkingSize"], 512)
        self.assertEqual(card["architecture"]["inferenceBins"], 302)

    def test_a_loss_that_does_not_fit_the_head_is_refused(self):
        result = subprocess.run([sys.executable, "-m", "trainer", "train", "--run-dir", os.path.join(self.tmp.name, "x"),
                                 *TINY, "-o", "model.head=bins", "-o", "train.loss=mse"],
                                cwd=REPO, capture_output=True, text=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("needs loss 'bins'", json.loads(result.stdout.splitlines()[-1])["message"])


class AveragedRebalancedRunTest(unittest.TestCase):
    """EMA + rebalanced loss: the averaged weights are what is scored, and both survive a resume."""

    def test_average_and_rebalancing_table_are_checkpointed_and_resumed(self):
        import torch
        with tempfile.TemporaryDirectory() as tmp:
            photos, run_dir = os.path.join(tmp, "photos"), os.path.join(tmp, "run")
            os.makedirs(photos)
            make_collection(photos, count=24)
            options = [*TINY, "-o", f"data.train=[{json.dumps(photos)}]", "-o", "data.val=[]", "-o", "train.ema=0.9",
                       "-o", "train.rebalance=0.5", "-o", "train.rebalance_sample=16", "-o", "train.loss=huber"]
            first = run_trainer("train", "--run-dir", run_dir, *options, "-o", "train.max_steps=10")
            saved = torch.load(os.path.join(run_dir, "last.pt"))
            resumed = run_trainer("train", "--run-dir", run_dir, "--resume", *options, "-o", "train.max_steps=20",
                                  "-o", "train.lr=0.0002")
            evals = [e for e in first + resumed if e["event"] == "eval"]
            self.assertTrue(all("rawValLoss" in e for e in evals))
            self.assertNotEqual(evals[-1]["valLoss"], evals[-1]["rawValLoss"])
            final = torch.load(os.path.join(run_dir, "last.pt"))
            self.assertGreater(saved["rebalance"].max().item(), 1.0)
            self.assertTrue(torch.equal(saved["rebalance"], final["rebalance"]))  # not recomputed on resume
            self.assertEqual(resumed[-1]["step"], 20)
            self.assertEqual({g["lr"] for g in final["optimizer"]["param_groups"]}, {0.0002})  # a lower rate on resume
            if evals[-1]["improved"]:  # best.pt holds the averaged weights, not the raw ones
                best = torch.load(os.path.join(run_dir, "best.pt"))["model"]
                self.assertTrue(all(torch.equal(best[k], final["ema"][k]) for k in best))
                self.assertFalse(all(torch.equal(best[k], final["model"][k]) for k in best))
            started = run_trainer("train", "--run-dir", os.path.join(tmp, "from-last"), "--init-from",
                                  os.path.join(run_dir, "last.pt"), *options, "-o", "train.max_steps=1")
            first_eval = next(e for e in started if e["event"] == "eval")  # starting from last.pt = from its average
            self.assertAlmostEqual(first_eval["rawValLoss"], evals[-1]["valLoss"], places=6)
            out = os.path.join(tmp, "model")  # exporting last.pt takes its averaged weights
            run_trainer("export", "--checkpoint", os.path.join(run_dir, "last.pt"), "--out", out, "--id", "a", "--name", "A")
            exported = torch.load(os.path.join(out, "weights.pt"))["model"]
            for key, value in exported.items():
                if value.is_floating_point():
                    self.assertTrue(torch.allclose(value.float(), final["ema"][key], atol=1e-2, rtol=1e-2), key)

if __name__ == "__main__":
    unittest.main()
