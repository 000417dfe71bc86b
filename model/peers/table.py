"""Merges results.json files (of `sdm evaluate` and of the peers) into the side-by-side Markdown table of
docs/model-quality.md: one row per model, HR@K / NDCG@K per protocol and seed, and the mean over seeds.

    python table.py --k 50 RESULTS_ROOT            # every results.json below RESULTS_ROOT
    python table.py --k 50 a/results.json b/...    # or the files themselves

A file is placed by its own protocol block (excludeSeen, seed), never by its path. Runs on the standard
library only.
"""

import argparse
import json
import os
import sys
from collections import OrderedDict


def results_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, files in sorted(os.walk(path)):
                if "results.json" in files:
                    yield os.path.join(root, "results.json")
        else:
            yield path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    cells = OrderedDict()  # model -> {(protocol, seed): (hr, ndcg)}
    seeds, datasets, users = set(), set(), set()
    for path in results_files(args.paths):
        with open(path, encoding="utf-8") as f:
            run = json.load(f)
        p = run["protocol"]
        protocol = "excluded" if p["excludeSeen"] else "included"
        seeds.add(p["seed"])
        datasets.add(p["dataset"])
        users.add(p["evaluatedUsers"])
        for m in run["models"]:
            at = m["metrics"].get(str(args.k))
            if at is None:
                sys.exit(f"{path}: {m['name']} has no K={args.k}")
            key = (protocol, p["seed"])
            if key in cells.setdefault(m["name"], {}):
                sys.exit(f"{path}: {m['name']} appears twice for seen items {protocol}, seed {p['seed']}")
            cells[m["name"]][key] = (at["hitRate"], at["ndcg"])
    if len(datasets) > 1 or len(users) > 1:
        sys.exit(f"the files are not of one split: data sets {sorted(datasets)}, evaluated users {sorted(users)}")

    seeds = sorted(seeds)
    head = ["Model"]
    for protocol in ("included", "excluded"):
        head += [f"seen {protocol}, seed {s}" for s in seeds] + [f"seen {protocol}, mean"]
    print(f"HR@{args.k} / NDCG@{args.k}; {datasets.pop() if datasets else '?'}, "
          f"{users.pop() if users else '?'} users")
    print()
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for model, by in cells.items():
        row = [model]
        for protocol in ("included", "excluded"):
            values = [by.get((protocol, s)) for s in seeds]
            row += [f"{v[0]:.4f} / {v[1]:.4f}" if v else "–" for v in values]
            present = [v for v in values if v]
            row.append(
                f"{sum(v[0] for v in present) / len(present):.4f} / {sum(v[1] for v in present) / len(present):.4f}"
                if present and len(present) == len(values) else "–")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
