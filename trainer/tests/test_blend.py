import os
import tempfile
import unittest

import torch

from trainer.blend import blend


def checkpoint(path, value, config=None, ema=False, recipe="x"):
    weights = {"conv.weight": torch.full((2, 3), float(value)), "steps": torch.tensor(7)}
    saved = {"model": {k: v * 0 for k, v in weights.items()}, "ema": weights} if ema else {"model": weights}
    if recipe:  # an exported weights.pt has no recipe
        saved["config"] = {"name": recipe}
    torch.save({**saved, "model_config": config or {"width": 0.5}}, path)


class BlendTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = lambda name: os.path.join(self.dir.name, name)

    def tearDown(self):
        self.dir.cleanup()

    def test_blends_the_ema_weights_linearly(self):
        checkpoint(self.path("a.pt"), 1.0)
        checkpoint(self.path("b.pt"), 3.0, ema=True)
        blend(self.path("a.pt"), self.path("b.pt"), 0.25, self.path("c.pt"))
        out = torch.load(self.path("c.pt"))
        self.assertTrue(torch.allclose(out["model"]["conv.weight"], torch.full((2, 3), 1.5)))
        self.assertEqual(int(out["model"]["steps"]), 7)
        self.assertEqual(out["config"]["blend"]["t"], 0.25)
        self.assertEqual(out["config"]["blend"]["b"], os.path.join(os.path.basename(self.dir.name), "b.pt"))
        self.assertEqual(out["model_config"], {"width": 0.5})

    def test_keeps_a_recipe_when_the_first_checkpoint_has_none(self):
        """Blending an exported weights.pt (no recipe) with a run's checkpoint keeps the run's recipe, and a blend
        of blends keeps it too: export describes the training from it."""
        checkpoint(self.path("exported.pt"), 1.0, recipe="")
        checkpoint(self.path("run.pt"), 3.0, recipe="half-mse-semantic")
        blend(self.path("exported.pt"), self.path("run.pt"), 0.5, self.path("ab.pt"))
        blend(self.path("ab.pt"), self.path("exported.pt"), 0.5, self.path("abc.pt"))
        for name in ("ab.pt", "abc.pt"):
            self.assertEqual(torch.load(self.path(name))["config"]["name"], "half-mse-semantic")

    def test_refuses_different_networks_and_weights_out_of_range(self):
        checkpoint(self.path("a.pt"), 1.0)
        checkpoint(self.path("b.pt"), 3.0, config={"width": 1.0})
        with self.assertRaisesRegex(ValueError, "different networks"):
            blend(self.path("a.pt"), self.path("b.pt"), 0.5, self.path("c.pt"))
        with self.assertRaisesRegex(ValueError, "from 0 to 1"):
            blend(self.path("a.pt"), self.path("a.pt"), 1.5, self.path("c.pt"))


if __name__ == "__main__":
    unittest.main()
