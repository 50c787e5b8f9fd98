"""NanoDet-g in PyTorch matches the original TF.js graph (run by TF.js's pure-JS backend), and the loader maps
the graph's weights by structure.

Needs the graph that scripts/build-backbone unpacks; without it the tests are skipped with that instruction, and
with KOALARIZE_REQUIRE_BACKBONE=1 (CI) they fail instead.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import torch

from trainer.backbones.nanodet import MEAN_BGR, STD_BGR, graph_convolutions, load_nanodet, read_tfjs_weights
from trainer.backbones.semantic import default_tfjs_path, grey_srgb, repo_root

GRAPH = default_tfjs_path()
REFERENCE = os.path.join(os.path.dirname(__file__), "reference", "nanodet_tfjs.mjs")
# The graph's nodes for the PAN's three outputs and the backbone's last stage (NCHW, as ours).
NODES = ("PartitionedCall/onnx_tf_prefix_Add_107", "PartitionedCall/onnx_tf_prefix_Add_128",
         "PartitionedCall/onnx_tf_prefix_Add_149",
         "PartitionedCall/onnx_tf_prefix_Concat_62")


def _require_graph(test: unittest.TestCase) -> None:
    if not os.path.exists(GRAPH):
        if os.environ.get("KOALARIZE_REQUIRE_BACKBONE") == "1":
            test.fail(f"{GRAPH} is missing: run scripts/build-backbone")
        test.skipTest(f"{GRAPH} is missing: run scripts/build-backbone")


def _grey_photo(height: int, width: int) -> torch.Tensor:
    """A grey test picture with structure at every scale (rings and bars), as NanoDet's normalised BGR."""
    y, x = torch.meshgrid(torch.linspace(-1, 1, height), torch.linspace(-1, 1, width), indexing="ij")
    l = (torch.sin(12 * (x ** 2 + y ** 2)) * 0.6 + torch.sign(torch.sin(9 * x)) * 0.3).clamp(-1, 1)[None, None]
    grey = grey_srgb(l)
    return (grey - torch.tensor(MEAN_BGR).view(1, 3, 1, 1)) / torch.tensor(STD_BGR).view(1, 3, 1, 1)


def _run_tfjs(bgr: torch.Tensor) -> list:
    node = shutil.which("node")
    if node is None:
        raise unittest.SkipTest("node is not installed")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "input.f32")
        bgr.numpy().astype(np.float32).tofile(path)
        subprocess.run([node, REFERENCE, GRAPH, path, str(bgr.shape[2]), str(bgr.shape[3]), folder, *NODES],
                       check=True, cwd=repo_root(), timeout=600)
        outputs = []
        for index in range(len(NODES)):
            with open(os.path.join(folder, f"{index}.json")) as handle:
                shape = json.load(handle)
            outputs.append(np.fromfile(os.path.join(folder, f"{index}.f32"), dtype=np.float32).reshape(shape))
        return outputs


class NanoDetParityTest(unittest.TestCase):
    def setUp(self):
        _require_graph(self)

    def test_pan_and_last_stage_match_the_tfjs_graph(self):
        bgr = _grey_photo(416, 416)
        module = load_nanodet(GRAPH)
        with torch.no_grad():
            ours = [t.numpy() for t in module(bgr)]
        theirs = _run_tfjs(bgr)
        for name, mine, reference in zip(("P3", "P4", "P5", "C5"), ours, theirs):
            self.assertEqual(mine.shape, reference.shape, name)
            scale = max(1.0, float(np.abs(reference).max()))
            self.assertLessEqual(float(np.abs(mine - reference).max()) / scale, 1e-3, name)

    def test_loader_maps_every_convolution_by_structure(self):
        graph, weights = read_tfjs_weights(GRAPH)
        convs = graph_convolutions(graph)
        self.assertEqual(convs[0][0], "PartitionedCall/convolution")
        self.assertEqual(weights[convs[0][1]].shape, (3, 3, 3, 32))  # the stem: 3x3, BGR in, 32 out
        self.assertTrue(all(w.dtype == np.float32 for w in weights.values() if w.dtype.kind == "f"))
        module = load_nanodet(GRAPH)
        stem = module.backbone.stem.conv.weight
        self.assertTrue(torch.equal(stem, torch.from_numpy(weights[convs[0][1]]).permute(3, 2, 0, 1)))
        self.assertFalse(any(p.requires_grad for p in module.parameters()))  # frozen

    def test_runs_at_a_photos_own_size(self):
        module = load_nanodet(GRAPH)
        with torch.no_grad():
            p3, p4, p5, c5 = module(_grey_photo(128, 192))
        self.assertEqual(tuple(p3.shape), (1, 128, 16, 24))
        self.assertEqual(tuple(c5.shape), (1, 512, 4, 6))


class ReaderTest(unittest.TestCase):
    def test_float16_entries_are_dequantised(self):
        with tempfile.TemporaryDirectory() as folder:
            values = np.array([0.5, -2.25, 3.0], dtype=np.float16)
            with open(os.path.join(folder, "w.bin"), "wb") as handle:
                handle.write(values.tobytes() + np.array([7], dtype=np.int32).tobytes())
            manifest = [{"paths": ["w.bin"], "weights": [
                {"name": "a", "shape": [3], "dtype": "float32", "quantization": {"dtype": "float16"}},
                {"name": "b", "shape": [], "dtype": "int32"}]}]
            with open(os.path.join(folder, "g.json"), "w") as handle:
                json.dump({"modelTopology": {"node": []}, "weightsManifest": manifest}, handle)
            _, weights = read_tfjs_weights(os.path.join(folder, "g.json"))
        np.testing.assert_array_equal(weights["a"], values.astype(np.float32))
        self.assertEqual(int(weights["b"]), 7)


if __name__ == "__main__":
    unittest.main()
