"""The model card carries the recipe without this machine's paths."""
import os
import unittest

from trainer.config import datasets_root
from trainer.export import _portable


class PortableRecipeTest(unittest.TestCase):
    def test_dataset_and_start_checkpoint_paths_are_made_portable(self):
        config = {"data": {"train": [os.path.join(datasets_root(), "photos", "train-*.tar")]},
                  "init_from": "/home/someone/runs/base/last.pt"}
        portable = _portable(config)
        self.assertEqual(portable["data"]["train"], ["${DATASETS}/photos/train-*.tar"])
        self.assertEqual(portable["init_from"], "last.pt")
        self.assertEqual(config["init_from"], "/home/someone/runs/base/last.pt")  # the input is left alone


if __name__ == "__main__":
    unittest.main()
