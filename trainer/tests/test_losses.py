"""Rebalanced regression loss, the bins head's cross-entropy, and the weight average."""
import unittest

import torch

from trainer.losses import (BINS, MAX_WEIGHT, ab_bin_index, ab_prior, bin_centers, bins_cross_entropy, make_loss,
                            rebalance_weights, soft_encode)
from trainer.model import AnnealedMean
from trainer.averaging import WeightAverage


def ab_field(values, size: int = 8) -> torch.Tensor:
    """[N, 2, size, size] scaled ab, each photo one flat colour given in ab units."""
    return torch.stack([torch.tensor(v, dtype=torch.float32).view(2, 1, 1).expand(2, size, size) / 128 for v in values])


class BinsTest(unittest.TestCase):
    def test_soft_encoding_gives_back_the_colour(self):
        ab = ab_field([(0, 0), (63, -27), (-85, 90), (97, 94)])
        indices, weights = soft_encode(ab)
        self.assertTrue(torch.allclose(weights.sum(dim=1), torch.ones(4, 8, 8)))
        decoded = (bin_centers()[:, indices] * weights).sum(dim=2).permute(1, 0, 2, 3)
        self.assertLess((decoded - ab).abs().max().item(), 1e-5)

    def test_cross_entropy_is_lowest_for_the_true_colours_bins(self):
        target = ab_field([(40, 20)], size=4)
        indices, weights = soft_encode(target)
        right = torch.full((1, BINS * BINS, 4, 4), -10.0).scatter(1, indices, weights.log().clamp(min=-10))
        wrong = torch.full((1, BINS * BINS, 4, 4), -10.0).scatter(1, soft_encode(-target)[0], 0.0)
        self.assertLess(bins_cross_entropy(right, target).item(), bins_cross_entropy(wrong, target).item() - 5)

    def test_cross_entropy_compares_at_the_logits_resolution(self):
        target = ab_field([(40, 20)], size=8)
        self.assertEqual(make_loss("bins")(torch.zeros(1, BINS * BINS, 4, 4, requires_grad=True), target).dim(), 0)

    def test_annealed_mean_is_the_mean_at_t1_and_the_mode_as_t_falls(self):
        """Pixels that are red 3 times in 5 and blue twice: T = 1 averages them towards grey, T -> 0 picks red."""
        red, blue = ab_field([(62, 42)], size=1), ab_field([(-18, -58)], size=1)  # bin centres
        logits = torch.full((1, BINS * BINS, 1, 1), -30.0)
        logits[0, ab_bin_index(red).item()] = torch.tensor(3.0).log()
        logits[0, ab_bin_index(blue).item()] = torch.tensor(2.0).log()

        def annealed(temperature: float) -> torch.Tensor:
            head = AnnealedMean(1, temperature)
            head.logits = torch.nn.Identity()
            return head(logits)

        self.assertTrue(torch.allclose(annealed(1.0), 0.6 * red + 0.4 * blue, atol=1e-4))
        self.assertTrue(torch.allclose(annealed(0.05), red, atol=1e-3))
        chroma = lambda ab: ab.norm(dim=1).item()  # noqa: E731
        self.assertGreater(chroma(annealed(0.38)), chroma(annealed(1.0)))


class RebalancingTest(unittest.TestCase):
    def setUp(self):
        # mostly grey pixels, a few saturated red ones: the usual photo statistics
        self.common, self.rare = ab_field([(0, 0)] * 9), ab_field([(60, 40)])
        self.prior = ab_prior([self.common, self.rare])

    def test_bins_cover_the_ab_plane(self):
        corners = ab_bin_index(ab_field([(-128, -128), (127, 127), (0, 0)]))
        self.assertEqual(corners[0, 0, 0].item(), 0)
        self.assertEqual(corners[1, 0, 0].item(), BINS * BINS - 1)
        self.assertEqual(corners[2, 0, 0].item(), (BINS // 2) * BINS + BINS // 2)

    def test_prior_is_a_smoothed_distribution(self):
        self.assertAlmostEqual(self.prior.sum().item(), 1.0, places=5)
        grey, red = ab_bin_index(self.common)[0, 0, 0], ab_bin_index(self.rare)[0, 0, 0]
        self.assertGreater(self.prior[grey], 5 * self.prior[red])
        self.assertGreater(self.prior[grey + 1], 0)  # smoothing spreads into the neighbouring bins

    def test_rare_colours_weigh_more_and_the_mean_weight_is_one(self):
        weights = rebalance_weights(self.prior, 0.5)
        grey, red = ab_bin_index(self.common)[0, 0, 0], ab_bin_index(self.rare)[0, 0, 0]
        self.assertGreater(weights[red], 3 * weights[grey])
        self.assertLessEqual(weights.max().item(), MAX_WEIGHT)
        self.assertAlmostEqual((self.prior * rebalance_weights(self.prior, 1.0)).sum().item(), 1.0, places=4)

    def test_rebalanced_loss_pulls_ambiguous_pixels_towards_the_rare_colour(self):
        """One prediction for pixels that are grey 9 times out of 10: rebalancing moves the optimum towards red."""
        targets = torch.cat([self.common, self.rare])

        def optimum(loss_fn) -> float:
            guess = torch.zeros(1, 2, 8, 8, requires_grad=True)
            optimizer = torch.optim.Adam([guess], lr=0.01)
            for _ in range(400):
                optimizer.zero_grad()
                loss_fn(guess.expand_as(targets), targets).backward()
                optimizer.step()
            return guess[0, 0].mean().item() * 128

        plain = optimum(make_loss("mse"))
        rebalanced = optimum(make_loss("mse", rebalance_weights(self.prior, 0.5)))
        self.assertAlmostEqual(plain, 6.0, delta=0.5)  # the mean: 60 / 10
        self.assertGreater(rebalanced, plain + 10)

    def test_ab_loss_is_the_euclidean_ab_distance(self):
        """3-4-5: the AuC counts a pixel as right within a threshold of this distance, not of each channel's."""
        pred = torch.zeros(1, 2, 2, 2)
        target = torch.zeros(1, 2, 2, 2)
        target[0, 0], target[0, 1] = 0.3, 0.4
        self.assertAlmostEqual(make_loss("ab")(pred, target).item(), 0.5, places=4)
        self.assertAlmostEqual(make_loss("l1")(pred, target).item(), 0.35, places=4)

    def test_unknown_loss_is_refused(self):
        with self.assertRaises(ValueError):
            make_loss("perceptual")


class WeightAverageTest(unittest.TestCase):
    def test_average_follows_the_weights_slowly(self):
        model = torch.nn.Linear(1, 1)
        average = WeightAverage(model, decay=0.9)
        with torch.no_grad():
            model.weight.fill_(1.0)
        start = average.model.weight.item()
        for step in range(200, 203):
            average.update(model, step)
        expected = 1.0 + (start - 1.0) * 0.9 ** 3
        self.assertAlmostEqual(average.model.weight.item(), expected, places=5)
        self.assertFalse(average.model.weight.requires_grad)


class ChromaDeficitTest(unittest.TestCase):
    def test_penalises_only_a_duller_image_than_the_truth(self):
        from trainer.losses import with_chroma_deficit
        torch.manual_seed(0)
        truth = torch.rand(3, 2, 8, 8) * 0.6 - 0.3
        mse = make_loss("mse")
        loss = with_chroma_deficit(mse, 2.0)
        self.assertAlmostEqual(loss(truth, truth).item(), 0.0, places=6)
        self.assertGreater(loss(truth * 0.5, truth).item(), mse(truth * 0.5, truth).item() + 1e-4)
        self.assertAlmostEqual(loss(truth * 1.5, truth).item(), mse(truth * 1.5, truth).item(), places=6)
        self.assertIs(with_chroma_deficit(mse, 0.0), mse)


if __name__ == "__main__":
    unittest.main()
