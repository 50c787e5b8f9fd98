"""The CIEDE2000 loss: the published values at equal lightness, and gradients that stay finite near grey."""
import unittest

import torch

from trainer.deltae import ciede2000_ab
from trainer.losses import make_loss

# Sharma, Wu & Dalal (2005), Table 1: the pairs with L1 = L2 (a1 b1 a2 b2 ΔE00).
SHARMA_EQUAL_L = """
2.6772 -79.7751 0.0000 -82.7485 2.0425
3.1571 -77.2803 0.0000 -82.7485 2.8615
2.8361 -74.0200 0.0000 -82.7485 3.4412
-1.3802 -84.2814 0.0000 -82.7485 1.0000
-1.1848 -84.8006 0.0000 -82.7485 1.0000
-0.9009 -85.5211 0.0000 -82.7485 1.0000
0.0000 0.0000 -1.0000 2.0000 2.3669
-1.0000 2.0000 0.0000 0.0000 2.3669
2.4900 -0.0010 -2.4900 0.0009 7.1792
2.4900 -0.0010 -2.4900 0.0010 7.1792
2.4900 -0.0010 -2.4900 0.0011 7.2195
2.4900 -0.0010 -2.4900 0.0012 7.2195
-0.0010 2.4900 0.0009 -2.4900 4.8045
-0.0010 2.4900 0.0010 -2.4900 4.8045
-0.0010 2.4900 0.0011 -2.4900 4.7461
2.5000 0.0000 0.0000 -2.5000 4.3065
2.5000 0.0000 3.1736 0.5854 1.0000
2.5000 0.0000 3.2972 0.0000 1.0000
2.5000 0.0000 1.8634 0.5757 1.0000
2.5000 0.0000 3.2592 0.3350 1.0000
"""


def pairs():
    rows = torch.tensor([[float(v) for v in line.split()] for line in SHARMA_EQUAL_L.strip().splitlines()])
    as_images = lambda a, b: torch.stack([a, b], 1).view(-1, 2, 1, 1)
    return as_images(rows[:, 0], rows[:, 1]), as_images(rows[:, 2], rows[:, 3]), rows[:, 4]


class Ciede2000LossTest(unittest.TestCase):
    def test_published_values_at_equal_lightness(self):
        first, second, expected = pairs()
        self.assertLess((ciede2000_ab(first, second).flatten() - expected).abs().max().item(), 1e-3)
        self.assertLess((ciede2000_ab(second, first).flatten() - expected).abs().max().item(), 1e-3)

    def test_gradients_are_finite_at_and_near_grey(self):
        target = torch.tensor([0.0, 0.0, 30.0, -20.0, 0.0, 0.0]).view(3, 2, 1, 1) / 128
        pred = torch.tensor([0.0, 0.0, 30.0, -20.0, 1e-4, -1e-4]).view(3, 2, 1, 1).div(128).requires_grad_()
        loss = make_loss("ciede2000")(pred, target)
        loss.backward()
        self.assertTrue(torch.isfinite(pred.grad).all())
        self.assertLess(loss.item() * 128, 0.01)

    def test_descent_moves_a_prediction_towards_the_truth(self):
        target = torch.tensor([40.0, 25.0]).view(1, 2, 1, 1) / 128
        pred = torch.tensor([-10.0, 5.0]).view(1, 2, 1, 1).div(128).requires_grad_()
        optimizer = torch.optim.Adam([pred], lr=0.02)
        loss_fn = make_loss("ciede2000")
        first = loss_fn(pred, target).item()
        for _ in range(200):
            optimizer.zero_grad()
            loss_fn(pred, target).backward()
            optimizer.step()
        self.assertLess(loss_fn(pred, target).item(), first / 10)


if __name__ == "__main__":
    unittest.main()
