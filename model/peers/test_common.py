"""Unit tests of the shared ranking and metrics code (run by hand: python -m unittest test_common)."""

import math
import unittest

import common


def split_of(items):
    return common.Split("mem", {}, {}, [], [], list(items), {}, {}, {})


class MetricsTest(unittest.TestCase):

    def test_one_held_out_item_gives_the_single_label_formulas(self):
        hit, recall, precision, f1, ndcg = common.metrics_at(["a", "b", "c"], {"c"}, 5)
        self.assertEqual((hit, recall), (1.0, 1.0))
        self.assertAlmostEqual(precision, 1 / 5)
        self.assertAlmostEqual(f1, 2 * (1 / 5) / (1 + 1 / 5))
        self.assertAlmostEqual(ndcg, 1 / math.log2(3 + 1))

    def test_a_label_beyond_k_is_a_miss(self):
        self.assertEqual(common.metrics_at(["a", "b", "c"], {"c"}, 2), (0.0, 0.0, 0.0, 0.0, 0.0))

    def test_precision_divides_by_k_even_for_a_short_list(self):
        self.assertAlmostEqual(common.metrics_at(["a"], {"a"}, 10)[2], 0.1)

    def test_several_relevant_items_use_the_ideal_dcg(self):
        _, recall, _, _, ndcg = common.metrics_at(["x", "a", "b"], {"a", "b"}, 3)
        self.assertAlmostEqual(recall, 1.0)
        ideal = 1 + 1 / math.log2(3)
        self.assertAlmostEqual(ndcg, (1 / math.log2(3) + 1 / math.log2(4)) / ideal)


class RankTest(unittest.TestCase):

    def test_equal_scores_rank_the_lower_candidate_first(self):
        split = split_of(["a", "b", "c"])
        cases = [common.Case("u", ["c"], [])]
        self.assertEqual(common.rank([[1.0, 2.0, 1.0]], split, cases, 3, False), [["b", "a", "c"]])

    def test_excluded_items_and_non_finite_scores_are_never_ranked(self):
        split = split_of(["a", "b", "c", "d"])
        cases = [common.Case("u", ["d"], ["b", "b", "zz"])]  # zz is no candidate
        ranked = common.rank([[3.0, 4.0, float("nan"), 1.0]], split, cases, 4, True)
        self.assertEqual(ranked, [["a", "d"]])
        self.assertEqual(common.rank([[3.0, 4.0, 0.0, 1.0]], split, cases, 2, False), [["b", "a"]])


if __name__ == "__main__":
    unittest.main()
