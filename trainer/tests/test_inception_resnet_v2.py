"""Tests for the Inception-ResNet-v2 global feature extractor.

Run from the repository root: /usr/bin/python3 -m unittest trainer.tests.test_inception_resnet_v2
"""
import os
import tempfile
import unittest

import torch

from trainer.extractors import build_extractor
from trainer.extractors.inception_resnet_v2 import MIN_INPUT_SIZE, InceptionResNetV2Extractor

torch.set_num_threads(2)

# timm's inception_resnet_v2 (1000 classes) has 55,843,464 parameters ("55.8 M");
# the 1001-class TF-Slim head adds one 1536-wide row and one bias.
TIMM_1000_CLASS_PARAMS = 55_843_464


def _randomize_bn(model: torch.nn.Module, seed: int) -> None:
    """Non-trivial running statistics, so eval-mode outputs depend on every buffer."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


class InceptionResNetV2Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = InceptionResNetV2Extractor().eval()

    def test_output_shape_299(self):
        torch.manual_seed(1)
        l = torch.rand(1, 1, 299, 299) * 2 - 1
        with torch.no_grad():
            out = self.model(l)
        self.assertEqual(tuple(out.shape), (1, 1001))
        self.assertTrue(torch.isfinite(out).all())
        self.assertEqual(self.model.input_size, 299)
        self.assertEqual(self.model.embedding_width, 1001)

    def test_parameter_count(self):
        n = sum(p.numel() for p in self.model.parameters())
        self.assertEqual(n, TIMM_1000_CLASS_PARAMS + 1536 + 1)
        self.assertAlmostEqual(n / 55.8e6, 1.0, delta=0.01)

    def test_timm_names(self):
        keys = self.model.state_dict().keys()
        for k in ("conv2d_1a.conv.weight", "conv2d_1a.bn.running_var", "mixed_5b.branch3.1.conv.weight",
                  "repeat.9.branch2.2.bn.bias", "mixed_6a.branch1.2.conv.weight",
                  "repeat_1.19.branch1.2.conv.weight", "mixed_7a.branch2.2.conv.weight",
                  "repeat_2.8.conv2d.bias", "block8.conv2d.weight", "conv2d_7b.bn.weight",
                  "classif.weight", "classif.bias"):
            self.assertIn(k, keys)
        self.assertIsNone(self.model.block8.relu)
        self.assertEqual(self.model.repeat[0].scale, 0.17)
        self.assertEqual(self.model.repeat_1[0].scale, 0.10)
        self.assertEqual(self.model.repeat_2[0].scale, 0.20)
        self.assertEqual(self.model.conv2d_1a.bn.eps, 0.001)

    def test_minimum_input_size(self):
        self.assertEqual(MIN_INPUT_SIZE, 75)
        with torch.no_grad():
            for s in (75, 139):
                self.assertEqual(tuple(self.model(torch.zeros(1, 1, s, s)).shape), (1, 1001))
            with self.assertRaises(RuntimeError):
                self.model(torch.zeros(1, 1, 74, 74))
        with self.assertRaises(ValueError):
            InceptionResNetV2Extractor(74)

    def test_factory(self):
        ext = build_extractor("inception_resnet_v2", 139, 256)
        self.assertIsInstance(ext, InceptionResNetV2Extractor)
        self.assertEqual((ext.input_size, ext.embedding_width), (139, 1001))

    def test_load_weights_roundtrip_1000_classes(self):
        torch.manual_seed(2)
        src = InceptionResNetV2Extractor(num_classes=1000)
        _randomize_bn(src, seed=3)
        src.eval()
        dst = InceptionResNetV2Extractor(139).eval()  # 1001 classes until loaded
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "irv2.pth")
            torch.save({"state_dict": {"module." + k: v for k, v in src.state_dict().items()}}, path)
            n, width = dst.load_weights(path)
        self.assertEqual(width, 1000)
        self.assertEqual(dst.embedding_width, 1000)
        self.assertEqual(dst.classif.out_features, 1000)
        self.assertEqual(n, len(src.state_dict()))
        l = torch.rand(2, 1, 75, 75) * 2 - 1
        with torch.no_grad():
            expected = src(l)
            got = dst(l)
        self.assertEqual(tuple(got.shape), (2, 1000))
        self.assertTrue(torch.equal(expected, got))

    def test_load_weights_rejects_mismatch(self):
        sd = {k: v for k, v in self.model.state_dict().items() if k != "block8.conv2d.weight"}
        sd["extra.weight"] = torch.zeros(1)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.pth")
            torch.save({"model": sd}, path)
            ext = InceptionResNetV2Extractor(139)
            with self.assertRaises(ValueError) as cm:
                ext.load_weights(path)
        msg = str(cm.exception)
        self.assertIn("missing keys", msg)
        self.assertIn("block8.conv2d.weight", msg)
        self.assertIn("unexpected keys: extra.weight", msg)

    def test_onnx_export(self):
        try:
            import onnx
        except ImportError as e:
            self.skipTest(f"onnx is not importable ({e}); install python3-onnx to check the export")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "irv2.onnx")
            torch.onnx.export(self.model, torch.zeros(1, 1, 139, 139), path, opset_version=17,
                              input_names=["l"], output_names=["embedding"],
                              dynamic_axes={"l": {0: "n"}, "embedding": {0: "n"}})
            onnx.checker.check_model(path)
            graph = onnx.load(path, load_external_data=False).graph
            self.assertEqual(graph.output[0].type.tensor_type.shape.dim[1].dim_value, 1001)


if __name__ == "__main__":
    unittest.main()
