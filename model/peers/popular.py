"""The check that keeps the peers honest: `sdm evaluate`'s popularity baseline, rebuilt from the exported
split with the shared ranking and metrics code (common.py). Its metrics must equal the `popular` row of
`sdm evaluate` in both protocols; run_all.sh checks that (--expect) before it trusts any peer's numbers.

    python popular.py --split SPLIT_DIR --out OUT_DIR [--expect SDM_EVALUATE_OUT_DIR]

--expect takes a directory with seen-included/results.json and seen-excluded/results.json of
`sdm evaluate` runs (with the popular model) on the same data; the exit code is 1 when anything differs.
"""

import json
import os
import sys
import time

import numpy as np

import common


def compare(out, expected_dir):
    """The differences between our popular row and sdm evaluate's, per protocol and metric."""
    problems = []
    for protocol in common.PROTOCOLS:
        with open(os.path.join(out, protocol, "results.json"), encoding="utf-8") as f:
            ours = json.load(f)
        with open(os.path.join(expected_dir, protocol, "results.json"), encoding="utf-8") as f:
            expected = json.load(f)
        for key in ("split", "clicks", "trainingClicks", "evaluatedUsers", "skippedUsers", "excludeSeen", "ks"):
            if ours["protocol"][key] != expected["protocol"][key]:
                problems.append(f"{protocol}: protocol {key} {ours['protocol'][key]} != {expected['protocol'][key]}")
        rows = [m for m in expected["models"] if m["name"] == "popular"]
        if not rows:
            problems.append(f"{protocol}: sdm evaluate's results have no popular row")
            continue
        for k, at in ours["models"][0]["metrics"].items():
            for metric, value in at.items():
                want = rows[0]["metrics"][k][metric]
                if abs(value - want) > 1e-12:
                    problems.append(f"{protocol}: {metric}@{k} {value} != sdm evaluate's {want}")
    return problems


def main():
    parser = common.arguments(__doc__.splitlines()[0], "popular-peers")
    parser.add_argument("--expect", help="sdm evaluate's output directory to compare with")
    args = parser.parse_args()
    split = common.read_split(args.split)
    start = time.perf_counter()
    # PopularityRecommender: most training clicks first, equal counts in first-appearance order,
    # which is items.tsv's order and the order `rank` breaks ties in.
    counts = np.array([split.item_clicks[i] for i in split.items], dtype=np.float64)
    train_seconds = time.perf_counter() - start
    common.evaluate_and_write(
        args.name, split, lambda cases: np.tile(counts, (len(cases), 1)),
        train_seconds, args.seed, common.cut_offs(args.k), args.out)
    if args.expect:
        problems = compare(args.out, args.expect)
        for p in problems:
            print(f"popular check: {p}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print("popular check: identical to sdm evaluate's popular row in both protocols", file=sys.stderr)


if __name__ == "__main__":
    main()
