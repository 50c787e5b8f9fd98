import unittest

import torch

from trainer.model import Encoder, Koalarization, ModelConfig, parameter_groups


class ModelTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)

    def test_encoder_reduces_by_eight_to_256_channels(self):
        features = Encoder()(torch.zeros(1, 1, 64, 96))
        self.assertEqual(tuple(features.shape), (1, 256, 8, 12))

    def test_full_model_is_fully_convolutional(self):
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=16)).eval()
        for height, width in ((32, 32), (48, 80), (96, 40)):
            ab = model(torch.rand(2, 1, height, width) * 2 - 1)
            self.assertEqual(tuple(ab.shape), (2, 2, height, width))
            self.assertLessEqual(ab.abs().max().item(), 1.0)

    def test_paper_width_has_the_papers_layers(self):
        model = Koalarization(ModelConfig())
        convs = [m for m in model.colorizer.encoder.modules() if isinstance(m, torch.nn.Conv2d)]
        self.assertEqual([c.out_channels for c in convs], [64, 128, 128, 256, 256, 512, 512, 256])
        self.assertEqual([c.stride[0] for c in convs], [2, 1, 2, 1, 2, 1, 1, 1])
        self.assertEqual(model.colorizer.fusion.conv.in_channels, 256 + model.config.embedding_width)
        self.assertEqual(model.colorizer.fusion.conv.kernel_size, (1, 1))
        ups = [m for m in model.colorizer.decoder.modules() if isinstance(m, torch.nn.Upsample)]
        self.assertEqual([u.mode for u in ups], ["nearest"] * 3)

    def test_embedding_is_replicated_over_the_grid(self):
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8)).eval()
        l = torch.zeros(1, 1, 32, 32)
        first = model.colorizer(l, torch.zeros(1, 8))
        second = model.colorizer(l, torch.ones(1, 8) * 5)
        self.assertGreater((first - second).abs().max().item(), 0)

    def test_decoder_only_training_excludes_the_encoder(self):
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8))
        chosen = {id(p) for p in parameter_groups(model, "decoder")}
        self.assertFalse(any(id(p) in chosen for p in model.colorizer.encoder.parameters()))
        self.assertTrue(all(id(p) in chosen for p in model.colorizer.decoder.parameters()))


    def test_batch_norm_is_folded_away_on_export(self):
        """The training aid leaves the paper's conv + ReLU graph: no BatchNormalization node in the ONNX file."""
        import os
        import tempfile
        import onnx
        from trainer.export import export_onnx
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8, batch_norm=True))
        plain = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8))
        self.assertGreater(sum(1 for m in model.colorizer.modules() if isinstance(m, torch.nn.BatchNorm2d)), 10)
        with tempfile.TemporaryDirectory() as out:
            export_onnx(model.eval(), out)
            ops = [node.op_type for node in onnx.load(os.path.join(out, "colorizer.onnx")).graph.node]
            export_onnx(plain.eval(), os.path.join(out, "plain"))
            plain_ops = [node.op_type for node in onnx.load(os.path.join(out, "plain", "colorizer.onnx")).graph.node]
        self.assertNotIn("BatchNormalization", ops)
        self.assertEqual(ops.count("Conv"), plain_ops.count("Conv"))

    def test_bins_head_outputs_ab_and_trains_on_half_resolution_logits(self):
        from trainer.losses import BINS
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8, head="bins"))
        l = torch.rand(2, 1, 48, 80) * 2 - 1
        ab = model.eval()(l)
        self.assertEqual(tuple(ab.shape), (2, 2, 48, 80))
        self.assertLessEqual(ab.abs().max().item(), 1.0)
        self.assertEqual(tuple(model.training_output(l).shape), (2, BINS * BINS, 24, 40))
        regression = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8))
        shared = set(regression.state_dict()) & set(model.state_dict())
        self.assertEqual(set(model.state_dict()) - shared, {"colorizer.decoder.head.logits.weight",
                                                           "colorizer.decoder.head.logits.bias"})

    def test_bins_head_exports_to_a_graph_from_l_to_ab(self):
        import os
        import tempfile
        import onnx
        from trainer.export import export_onnx
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8, head="bins"))
        with tempfile.TemporaryDirectory() as out:
            export_onnx(model.eval(), out, fp16_storage=True)
            graph = onnx.load(os.path.join(out, "colorizer.onnx")).graph
        self.assertEqual([o.name for o in graph.output], ["ab"])
        self.assertEqual(model.colorizer.decoder.head.logits.out_channels, 676)  # weights.pt keeps the full grid
        self.assertIn("Softmax", [node.op_type for node in graph.node])

    def test_inference_head_drops_only_bins_that_training_never_targets(self):
        from trainer.losses import BINS, bin_centers, gamut_bins
        kept = gamut_bins()
        centres = bin_centers()[:, kept] * 128
        self.assertTrue(280 <= len(kept) <= 330)  # Zhang et al. count 313 on their grid
        self.assertEqual(((centres[0].abs() < 10) & (centres[1].abs() < 10)).sum().item(), 4)  # the 4 around grey
        self.assertFalse(((centres[0] < -100) & (centres[1] < -100)).any())  # no sRGB colour is there
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8, head="bins")).eval()
        head = model.colorizer.decoder.head
        dropped = torch.ones(BINS * BINS, dtype=torch.bool)
        dropped[kept] = False
        with torch.no_grad():
            head.logits.bias[dropped] = -1e4  # what training does to them, in the limit
            features = torch.randn(1, head.logits.in_channels, 6, 10)
            self.assertLess((head.keeping_bins(kept)(features) - head(features)).abs().max().item(), 1e-6)
        self.assertEqual(head.logits.out_channels, BINS * BINS)  # the original is untouched

    def test_unknown_head_is_refused(self):
        with self.assertRaises(ValueError):
            Koalarization(ModelConfig(head="classes"))

    def test_decoder_only_training_keeps_the_frozen_encoders_statistics(self):
        from trainer.model import set_training_mode
        model = Koalarization(ModelConfig(width=0.25, extractor_input_size=32, embedding_width=8, batch_norm=True))
        set_training_mode(model, "decoder")
        self.assertFalse(model.colorizer.encoder.training)
        self.assertTrue(model.colorizer.decoder.training)


if __name__ == "__main__":
    unittest.main()
