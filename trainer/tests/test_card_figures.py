import unittest

from trainer.card_figures import evaluation_block, group_table, markdown, targets


def scores(de, auc=0.9, psnr=24.0, cf=20.0):
    return {"psnr": psnr, "deltaE2000": de, "abAuc": auc, "colourfulness": cf, "deltaColourfulness": 1.0}


def group(ours, grey, n=10):
    return {"photos": n, "truthColourfulness": 40.0, "model": scores(ours), "baseline": scores(grey, cf=0.1)}


REPORT = {
    "settings": {"evalSize": 256, "workingSize": 256},
    "overall": {"photos": 20, "truthColourfulness": 40.0, "model": scores(8.0, auc=0.91, psnr=24.5, cf=30.0),
                "baseline": scores(10.0, auc=0.87, psnr=22.0, cf=0.1)},
    "byCategory": {"face": group(6.0, 12.0), "vehicle": group(9.5, 9.0)},
    "bySource": {"utkface": group(6.0, 12.0)},
}


class CardFiguresTest(unittest.TestCase):
    def test_marks_groups_worse_than_grey(self):
        rows = group_table("category", REPORT["byCategory"])
        self.assertNotIn("✗", next(r for r in rows if r.startswith("| face")))
        self.assertIn("9.50 / 9.00 ✗", next(r for r in rows if r.startswith("| vehicle")))

    def test_targets_say_which_are_met(self):
        said = targets(REPORT)
        self.assertIn("(0.800: met)", said[0])
        self.assertIn("+0.0400: met", said[1])
        self.assertIn("+2.50: met", said[2])
        self.assertIn("75 %: met", said[3])
        self.assertIn("NOT met: vehicle", said[4])

    def test_evaluation_block_keeps_grey_beside_ours(self):
        block = evaluation_block(REPORT)
        self.assertEqual(block["greyBaseline"]["deltaE2000"], 10.0)
        self.assertEqual(block["workingSize"], 256)
        self.assertEqual(set(block["byCategory"]), {"face", "vehicle"})
        self.assertIn("| **this model** | 24.50 | 8.00 | 0.9100 | 30.0 |", markdown(REPORT))


if __name__ == "__main__":
    unittest.main()
