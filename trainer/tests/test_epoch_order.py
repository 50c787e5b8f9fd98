"""The order photos are seen in: a plain shuffle, or draws that balance the corpus's sources."""
import random
import unittest
from collections import Counter

from trainer.data import Photo, epoch_order, source_of


def corpus(**counts):
    return [Photo(f"{source}/{i:05}.jpg", b"") for source, count in counts.items() for i in range(count)]


class EpochOrderTest(unittest.TestCase):
    def test_without_balance_it_is_the_seeded_shuffle_runs_were_trained_with(self):
        photos = corpus(food=50, flowers=5)
        order = list(range(len(photos)))
        random.Random(7 * 100003 + 2).shuffle(order)
        self.assertEqual(epoch_order(photos, seed=7, epoch=2), order)
        self.assertNotEqual(epoch_order(photos, seed=7, epoch=3), order)

    def test_full_balance_sees_each_source_about_as_often(self):
        photos = corpus(food=900, flowers=100)
        order = epoch_order(photos, seed=1, epoch=0, balance=1.0)
        self.assertEqual(len(order), 1000)
        seen = Counter(source_of(photos[i]) for i in order)
        self.assertAlmostEqual(seen["flowers"] / 1000, 0.5, delta=0.06)
        self.assertEqual(order, epoch_order(photos, seed=1, epoch=0, balance=1.0))  # a resumed epoch: same order

    def test_half_balance_sits_between(self):
        photos = corpus(food=900, flowers=100)
        seen = Counter(source_of(photos[i]) for i in epoch_order(photos, seed=1, epoch=0, balance=0.5))
        self.assertAlmostEqual(seen["flowers"] / 1000, 0.25, delta=0.05)  # 100·100^-½ / (100·100^-½ + 900·900^-½)

    def test_photos_outside_folders_are_one_source(self):
        self.assertEqual(source_of(Photo("family-1952.jpg", b"")), "")
        self.assertEqual(source_of(Photo("flowers/a.jpg", b"")), "flowers")


if __name__ == "__main__":
    unittest.main()
