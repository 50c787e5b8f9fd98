import unittest

import torch

from trainer import color

# Reference values (sRGB D65 -> CIELAB), e.g. from Bruce Lindbloom's calculator.
REFERENCES = [
    ((255, 0, 0), (53.24, 80.09, 67.20)),
    ((0, 255, 0), (87.73, -86.18, 83.18)),
    ((0, 0, 255), (32.30, 79.19, -107.86)),
    ((255, 255, 255), (100.0, 0.0, 0.0)),
    ((128, 128, 128), (53.59, 0.0, 0.0)),
    ((0, 0, 0), (0.0, 0.0, 0.0)),
]


class ColorTest(unittest.TestCase):
    def test_srgb_to_lab_matches_reference_values(self):
        for rgb, expected in REFERENCES:
            lab = color.srgb_to_lab(torch.tensor(rgb, dtype=torch.float32).view(1, 3, 1, 1) / 255)[0, :, 0, 0]
            for got, want in zip(lab.tolist(), expected):
                self.assertAlmostEqual(got, want, delta=0.05, msg=f"{rgb}: {lab.tolist()} vs {expected}")

    def test_lab_round_trip(self):
        rgb = torch.rand(2, 3, 8, 8)
        back = color.lab_to_srgb(color.srgb_to_lab(rgb))
        self.assertLess((back - rgb).abs().max().item(), 1e-4)

    def test_scaling_maps_to_unit_range(self):
        self.assertEqual(color.scale_l(torch.tensor(0.0)).item(), -1.0)
        self.assertEqual(color.scale_l(torch.tensor(100.0)).item(), 1.0)
        self.assertAlmostEqual(color.scale_ab(torch.tensor(-128.0)).item(), -1.0)
        self.assertAlmostEqual(color.unscale_ab(color.scale_ab(torch.tensor(42.0))).item(), 42.0, places=5)


if __name__ == "__main__":
    unittest.main()
