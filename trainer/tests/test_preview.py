"""The per-eval preview: one photo colorized by the current weights, written as PNG, announced as an event."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from trainer import color
from trainer.model import Koalarization, ModelConfig
from trainer.validation import write_preview
from trainer.tests.test_train_smoke import TINY, make_collection, run_trainer


class PreviewTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.photo = os.path.join(self.tmp.name, "photo.jpg")
        pixels = np.zeros((30, 45, 3), dtype=np.uint8)
        pixels[:, :20] = (220, 180, 40)
        pixels[:, 20:] = (30, 60, 140)
        Image.fromarray(pixels).save(self.photo, quality=95)

    def tearDown(self):
        self.tmp.cleanup()

    def test_writes_png_at_a_multiple_of_8_keeping_lightness(self):
        torch.manual_seed(0)
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=16))
        out_dir = os.path.join(self.tmp.name, "previews")
        path = write_preview(model, self.photo, out_dir, step=7)
        self.assertEqual(path, os.path.join(out_dir, "preview-7.png"))
        self.assertEqual(os.listdir(out_dir), ["preview-7.png"])
        preview = Image.open(path)
        self.assertEqual(preview.size, (48, 32))  # 45x30 rounded to multiples of 8
        self.assertEqual(preview.mode, "RGB")

        def lightness(image):
            rgb = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32) / 255).permute(2, 0, 1)[None]
            return color.srgb_to_lab(rgb)[0, 0]
        source = Image.open(self.photo).convert("RGB").resize((48, 32), Image.BICUBIC)
        # The preview keeps the photo's own L (up to the gamut clipping of the predicted colour).
        self.assertLess((lightness(preview) - lightness(source)).abs().mean().item(), 6.0)

    def test_training_emits_a_preview_after_each_eval(self):
        photos = os.path.join(self.tmp.name, "photos")
        os.makedirs(photos)
        make_collection(photos, count=16)
        out_dir = os.path.join(self.tmp.name, "previews")
        events = run_trainer("train", "--run-dir", os.path.join(self.tmp.name, "run"), *TINY,
                             "-o", f"data.train=[{json.dumps(photos)}]", "-o", "data.val=[]",
                             "-o", "train.max_steps=2", "-o", f"train.preview={json.dumps(self.photo)}",
                             "-o", f"train.preview_out={json.dumps(out_dir)}")
        previews = [e for e in events if e["event"] == "preview"]
        evals = [e for e in events if e["event"] == "eval"]
        self.assertEqual([p["step"] for p in previews], [e["step"] for e in evals])
        for preview in previews:
            self.assertTrue(os.path.exists(preview["path"]))
        self.assertEqual(sorted(os.listdir(out_dir)), ["preview-0.png", "preview-2.png"])


if __name__ == "__main__":
    unittest.main()
