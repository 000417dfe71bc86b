#!/usr/bin/env bash
# SDM tuning on the validation carve-out only (docs/model-quality.md): one `sdm evaluate --validation`
# per variant, the base config plus the keys in variants/NAME.json; both protocols' validation HR@50 /
# NDCG@50 (one training run answers for both) are appended to OUT/results.tsv. The test metrics those
# runs also print are never read for a decision.
#
#   model/tuning/run.sh                          # every variant, seed 42
#   VARIANTS="base logit-5" SEEDS="42 7" model/tuning/run.sh
#
# Environment: DATA (default ../shared/data/ml-100k), OUT (default tuning-results), VARIANTS, SEEDS,
# MODELS (default sdm), LOCK (run each variant under `flock LOCK`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="${DATA:-$repo/../shared/data/ml-100k}"
out="$(mkdir -p "${OUT:-tuning-results}" && cd "${OUT:-tuning-results}" && pwd)"
variants="${VARIANTS:-$(cd "$here/variants" && ls *.json | sed 's/\.json$//' | tr '\n' ' ')}"
seeds="${SEEDS:-42}"
models="${MODELS:-sdm}"
lock=(); if [ -n "${LOCK:-}" ]; then lock=(flock "$LOCK"); fi
[ -d "$data" ] || { echo "tuning: no data set at $data (set DATA)" >&2; exit 1; }
[ -f "$out/results.tsv" ] || printf 'variant\tseed\tmodel\tprotocol\tHR@50\tNDCG@50\tseconds\tload\n' > "$out/results.tsv"
for seed in $seeds; do
  for v in $variants; do
    log="$out/$v-$seed.log"
    echo "tuning: $v seed $seed ..." >&2
    start=$(date +%s)
    "${lock[@]}" "$repo/bin/sdm" evaluate --dataset-dir "$data" --preset movielens --validation \
      --models "$models" --k 50 --seed "$seed" --config "$here/variants/$v.json" \
      --out "$out/$v-$seed" > "$log" 2>&1 || { echo "tuning: $v failed, see $log" >&2; tail -5 "$log" >&2; continue; }
    secs=$(( $(date +%s) - start ))
    load="$(cut -d' ' -f1 /proc/loadavg)"
    perl -ne 'print "$1 $4 $2 $3\n" if /([a-z-]+): validation HR\@50 ([0-9.]+) NDCG\@50 ([0-9.]+) .*seen items ([a-z]+)\)/' "$log" |
      while read -r model protocol hr ndcg; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$seed" "$model" "$protocol" "$hr" "$ndcg" "$secs" "$load" >> "$out/results.tsv"
      done
    grep 'validation HR@50' "$log" | sed "s/^/tuning: $v seed $seed: /" >&2 || true
  done
done
