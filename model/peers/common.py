"""What every peer shares: the split `sdm split` wrote, exact ranking of the candidates, the metrics of
`RankingMetrics` and the `results.json` / `results.md` of `sdm evaluate`.

The split is read, never recomputed: train.tsv, validation.tsv and test.tsv come from the same
`LeaveLastOutSplit` call as `sdm evaluate`'s (docs/evaluation.md). Standard library and numpy only, so
both peer environments (RecBole / torch and DeepMatch / TensorFlow) import it.
"""

import argparse
import csv
import json
import math
import os
import time
from dataclasses import dataclass, field

import numpy as np

PROTOCOLS = {"seen-included": False, "seen-excluded": True}
DEFAULT_KS = (20, 50, 100)


@dataclass
class Case:
    """One user's question: the held-out items and every click before them, oldest first."""

    user: str
    held_out: list
    prior: list


@dataclass
class Split:
    """The files of one `sdm split --out DIR`."""

    directory: str
    protocol: dict
    train: dict  # user -> items of the user's training clicks, in the shared order
    validation: list
    test: list
    items: list  # the candidates, in the order of items.tsv
    item_features: dict  # item -> {"category_id": ..., "brand_id": ..., "shop_id": ...}
    item_clicks: dict  # item -> training clicks
    users: dict = field(default_factory=dict)  # user -> {profile key: value}

    def item_index(self):
        return {item: i for i, item in enumerate(self.items)}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def _cases(path):
    return [
        Case(r["user_id"], r["held_out_items"].split(), r["prior_items"].split())
        for r in _rows(path)
    ]


def read_split(directory):
    with open(os.path.join(directory, "split.json"), encoding="utf-8") as f:
        protocol = json.load(f)
    train = {}
    for r in _rows(os.path.join(directory, "train.tsv")):
        train.setdefault(r["user_id"], []).append(r["item_id"])
    items, features, clicks = [], {}, {}
    for r in _rows(os.path.join(directory, "items.tsv")):
        items.append(r["item_id"])
        features[r["item_id"]] = {k: r[k] for k in ("category_id", "brand_id", "shop_id")}
        clicks[r["item_id"]] = int(r["training_clicks"])
    users = {}
    for r in _rows(os.path.join(directory, "users.tsv")):
        users[r["user_id"]] = {k: v for k, v in r.items() if k != "user_id"}
    split = Split(
        directory,
        protocol,
        train,
        _cases(os.path.join(directory, "validation.tsv")),
        _cases(os.path.join(directory, "test.tsv")),
        items,
        features,
        clicks,
        users,
    )
    if len(split.test) != protocol["evaluatedUsers"] or len(items) != protocol["candidateItems"]:
        raise ValueError(f"{directory}: the files do not match split.json")
    return split


def same_test_cases(a, b):
    """Whether two splits ask the same questions (a split with and one without validation must)."""
    return [(c.user, c.held_out, c.prior) for c in a.test] == [(c.user, c.held_out, c.prior) for c in b.test]


# --- metrics: RankingMetrics, line for line --------------------------------------------------------


def discount(position):
    """1 / log2(position + 1) for a 1-based position."""
    return math.log(2) / math.log(position + 1.0)


def metrics_at(ranked, relevant, k):
    """HR, recall, precision, F1 and NDCG of one ranked list at cut-off k (binary relevance)."""
    hits, dcg = 0, 0.0
    for i, item in enumerate(ranked[:k]):
        if item in relevant:
            hits += 1
            dcg += discount(i + 1)
    idcg = sum(discount(i) for i in range(1, min(len(relevant), k) + 1))
    recall = hits / len(relevant)
    precision = hits / k
    f1 = 0.0 if hits == 0 else 2 * precision * recall / (precision + recall)
    return (1.0 if hits > 0 else 0.0, recall, precision, f1, dcg / idcg)


def mean_metrics(rankings, cases, ks):
    """`Evaluator.score`: per-user metrics averaged over the cases, one dict per K (ascending)."""
    out = []
    for k in sorted(ks):
        sums = np.zeros(5)
        for ranked, case in zip(rankings, cases):
            sums += metrics_at(ranked, set(case.held_out), k)
        n = max(len(cases), 1)
        hit, recall, precision, f1, ndcg = sums / n
        out.append(
            {"k": k, "users": len(cases), "hitRate": hit, "recall": recall,
             "precision": precision, "f1": f1, "ndcg": ndcg}
        )
    return out


# --- exact ranking ---------------------------------------------------------------------------------


def rank(scores, split, cases, max_k, exclude_seen):
    """The top max_k candidates of each case by score, best first.

    `scores` is [len(cases), len(split.items)], columns in items.tsv order: every candidate scored,
    as `sdm evaluate` ranks its whole catalogue. Like `InnerProductSearch`, equal scores rank the
    lower candidate index first, and excluded or non-finite scores are never ranked (a list may then
    be shorter than max_k).
    """
    scores = np.array(scores, dtype=np.float64, copy=True)
    if scores.shape != (len(cases), len(split.items)):
        raise ValueError(f"scores have shape {scores.shape}, expected {(len(cases), len(split.items))}")
    if exclude_seen:
        index = split.item_index()
        for row, case in enumerate(cases):
            seen = [index[i] for i in set(case.prior) if i in index]
            scores[row, seen] = -np.inf
    scores[~np.isfinite(scores)] = -np.inf
    order = np.argsort(-scores, axis=1, kind="stable")[:, :max_k]
    rankings = []
    for row in range(len(cases)):
        top = [j for j in order[row] if np.isfinite(scores[row, j])]
        rankings.append([split.items[j] for j in top])
    return rankings


# --- results.json / results.md of `sdm evaluate` ----------------------------------------------------


def run_json(split, ks, exclude_seen, seed, models):
    """`EvaluationReport.json()`: the same keys, in the same order."""
    p = split.protocol
    protocol = {
        "split": p["split"],
        "dataset": p["dataset"],
        "clicks": p["clicks"],
        "trainingClicks": p["trainingClicks"],
        "evaluatedUsers": p["evaluatedUsers"],
        "skippedUsers": p["skippedUsers"],
        "excludeSeen": exclude_seen,
        "seed": seed,
        "ks": sorted(ks),
    }
    out = []
    for m in models:
        metrics = {
            str(x["k"]): {key: x[key] for key in ("users", "hitRate", "recall", "precision", "f1", "ndcg")}
            for x in m["metrics"]
        }
        out.append({"name": m["name"], "trainSeconds": m["trainSeconds"],
                    "evaluateSeconds": m["evaluateSeconds"], "metrics": metrics})
    return {"protocol": protocol, "models": out}


def run_markdown(run):
    """`EvaluationReport.markdown()`."""
    p = run["protocol"]
    lines = [
        "# Evaluation: leave-last-out",
        "",
        f"Data: {p['dataset']}; {p['clicks']} clicks, {p['trainingClicks']} for training; "
        f"{p['evaluatedUsers']} users evaluated, {p['skippedUsers']} skipped (fewer than 2 clicks); "
        f"seed {p['seed']}; seen items {'excluded' if p['excludeSeen'] else 'not excluded'}.",
        "",
        "| Model | K | HitRate@K | Recall@K | Precision@K | F1@K | NDCG@K | train s | eval s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in run["models"]:
        for k, x in m["metrics"].items():
            lines.append(
                f"| {m['name'].replace('|', chr(92) + '|')} | {k} | {x['hitRate']:.4f} | {x['recall']:.4f} | "
                f"{x['precision']:.5f} | {x['f1']:.5f} | {x['ndcg']:.4f} | {m['trainSeconds']:.1f} | "
                f"{m['evaluateSeconds']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def write_results(directory, run):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "results.json"), "w", encoding="utf-8") as f:
        json.dump(run, f, indent=2)
        f.write("\n")
    with open(os.path.join(directory, "results.md"), "w", encoding="utf-8") as f:
        f.write(run_markdown(run))


def evaluate_and_write(name, split, score_cases, train_seconds, seed, ks, out, log=print):
    """Scores the test cases once and writes both protocols: OUT/seen-included and OUT/seen-excluded.

    `score_cases(cases)` returns the [len(cases), len(split.items)] score matrix.
    """
    start = time.perf_counter()
    scores = score_cases(split.test)
    score_seconds = time.perf_counter() - start
    for protocol, exclude in PROTOCOLS.items():
        start = time.perf_counter()
        rankings = rank(scores, split, split.test, max(ks), exclude)
        metrics = mean_metrics(rankings, split.test, ks)
        seconds = score_seconds + time.perf_counter() - start
        run = run_json(split, ks, exclude, seed, [
            {"name": name, "trainSeconds": train_seconds, "evaluateSeconds": seconds, "metrics": metrics}
        ])
        write_results(os.path.join(out, protocol), run)
        summary = ", ".join(f"HR@{x['k']} {x['hitRate']:.4f} NDCG@{x['k']} {x['ndcg']:.4f}" for x in metrics)
        log(f"{name} ({protocol}): {summary}")


def arguments(description, default_name):
    """The flags every peer takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--split", required=True, help="directory written by `sdm split`")
    parser.add_argument("--out", required=True, help="writes OUT/seen-included/ and OUT/seen-excluded/")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--k", default=",".join(map(str, DEFAULT_KS)), help="cut-offs, comma-separated")
    parser.add_argument("--name", default=default_name, help="model name in results.json")
    parser.add_argument("--epochs", type=int, default=None,
                        help="smoke tests only: fewer epochs than the library's published setting")
    return parser


def cut_offs(text):
    ks = sorted({int(k) for k in text.split(",")})
    if not ks or ks[0] < 1:
        raise SystemExit(f"cut-offs must be >= 1, got {text}")
    return ks
