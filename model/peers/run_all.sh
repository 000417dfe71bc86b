#!/usr/bin/env bash
# Runs the whole side-by-side comparison of docs/model-quality.md: exports sdm evaluate's split once,
# checks the peers' ranking and metrics code against sdm evaluate's popularity row, then trains and
# evaluates our models and the four peers for every seed, both protocols, and prints the tables.
#
#   model/peers/run_all.sh                       # everything: hours on 2 cores (docs/model-quality.md)
#
# Environment (all optional):
#   DATA=DIR          the ml-100k directory (default: ../shared/data/ml-100k beside the repository)
#   OUT=DIR           results (default: peers-results); OUT/seed-S/MODEL/seen-{included,excluded}/
#   SEEDS="42 7"      seeds
#   PEERS="popular ours sasrec gru4rec deepmatch-sdm deepmatch-youtubednn"   what to run
#   EPOCHS=N          smoke tests only: caps every peer's epochs (never for reported numbers)
#   PEERS_VENVS=DIR   the environments of setup.sh (default: /tmp/sdm-peers); or RECBOLE_PY / DEEPMATCH_PY
#   PEERS_LOCK=FILE   run each heavy step under `flock FILE` (a shared machine's build lock)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="${DATA:-$repo/../shared/data/ml-100k}"
out="$(mkdir -p "${OUT:-peers-results}" && cd "${OUT:-peers-results}" && pwd)"
seeds="${SEEDS:-42 7}"
peers=" ${PEERS:-popular ours sasrec gru4rec deepmatch-sdm deepmatch-youtubednn} "
venvs="${PEERS_VENVS:-/tmp/sdm-peers}"
recbole_py="${RECBOLE_PY:-$venvs/recbole/bin/python}"
deepmatch_py="${DEEPMATCH_PY:-$venvs/deepmatch/bin/python}"
sdm="$repo/bin/sdm"
epochs=()
if [ -n "${EPOCHS:-}" ]; then epochs=(--epochs "$EPOCHS"); fi

wants() { [[ "$peers" == *" $1 "* ]]; }

# One step: under the lock when asked, its output kept in OUT/logs/, timed into OUT/timings.tsv
# (seconds of the step itself, without the wait for the lock, and the load average when it ended).
step() {
  local name="$1"; shift
  mkdir -p "$out/logs"
  local lock=(); if [ -n "${PEERS_LOCK:-}" ]; then lock=(flock "$PEERS_LOCK"); fi
  echo "peers: $name ..." >&2
  if ! LOG="$out/logs/$name.log" "${lock[@]}" \
      bash -c 'TIMEFORMAT=%R; { time "$@" > "$LOG" 2>&1; } 2> "$LOG.seconds"' _ "$@"; then
    echo "peers: $name failed; the end of $out/logs/$name.log:" >&2
    tail -n 20 "$out/logs/$name.log" >&2
    exit 1
  fi
  local seconds; seconds="$(cat "$out/logs/$name.log.seconds")"
  printf '%s\t%s\t%s\n' "$name" "$seconds" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/timings.tsv"
  echo "peers: $name done in ${seconds}s" >&2
}

# 1. The split, computed once by sdm evaluate's own code: without validation (as sdm evaluate and
#    DeepMatch train) and with it (RecBole's protocol). Both ask exactly the same test questions.
step split "$sdm" split --dataset-dir "$data" --out "$out/split"
step split-validation "$sdm" split --dataset-dir "$data" --validation --out "$out/split-validation"
cmp -s "$out/split/test.tsv" "$out/split-validation/test.tsv" \
  || { echo "peers: the two splits' test cases differ" >&2; exit 1; }

for seed in $seeds; do
  dir="$out/seed-$seed"
  # 2. Ours, both protocols (sdm evaluate takes one protocol per run).
  if wants ours; then
    step "ours-$seed-included" "$sdm" evaluate --dataset-dir "$data" --seed "$seed" \
      --out "$dir/ours/seen-included"
    step "ours-$seed-excluded" "$sdm" evaluate --dataset-dir "$data" --seed "$seed" --exclude-seen \
      --out "$dir/ours/seen-excluded"
  fi
  # 3. The check: the peers' code must reproduce sdm evaluate's popularity row exactly.
  if wants popular; then
    expect="$dir/ours"
    if ! wants ours; then
      expect="$out/check/sdm-popular"
      step "sdm-popular-included" "$sdm" evaluate --dataset-dir "$data" --models popular \
        --out "$expect/seen-included"
      step "sdm-popular-excluded" "$sdm" evaluate --dataset-dir "$data" --models popular --exclude-seen \
        --out "$expect/seen-excluded"
    fi
    step "popular-check-$seed" "$recbole_py" "$here/popular.py" --split "$out/split" --seed "$seed" \
      --out "$out/check/seed-$seed/popular-peers" --expect "$expect"
  fi
  # 4. The peers.
  if wants sasrec; then
    step "sasrec-$seed" "$recbole_py" "$here/recbole_peer.py" --model SASRec --name recbole-sasrec \
      --split "$out/split" --validation-split "$out/split-validation" --seed "$seed" \
      --out "$dir/recbole-sasrec" "${epochs[@]}"
  fi
  if wants gru4rec; then
    step "gru4rec-$seed" "$recbole_py" "$here/recbole_peer.py" --model GRU4Rec --name recbole-gru4rec \
      --split "$out/split" --validation-split "$out/split-validation" --seed "$seed" \
      --out "$dir/recbole-gru4rec" "${epochs[@]}"
  fi
  if wants deepmatch-sdm; then
    step "deepmatch-sdm-$seed" env TF_USE_LEGACY_KERAS=1 "$deepmatch_py" "$here/deepmatch_peer.py" \
      --model SDM --name deepmatch-sdm --split "$out/split" --seed "$seed" --out "$dir/deepmatch-sdm" "${epochs[@]}"
  fi
  if wants deepmatch-youtubednn; then
    step "deepmatch-youtubednn-$seed" env TF_USE_LEGACY_KERAS=1 "$deepmatch_py" "$here/deepmatch_peer.py" \
      --model YoutubeDNN --name deepmatch-youtubednn --split "$out/split" --seed "$seed" \
      --out "$dir/deepmatch-youtubednn" "${epochs[@]}"
  fi
done

# 5. The tables (also in OUT/tables.md).
seed_dirs=(); for seed in $seeds; do [ -d "$out/seed-$seed" ] && seed_dirs+=("$out/seed-$seed"); done
if [ ${#seed_dirs[@]} -gt 0 ]; then
  for k in 20 50 100; do python3 "$here/table.py" --k "$k" "${seed_dirs[@]}"; echo; done | tee "$out/tables.md"
fi
echo "peers: results in $out (timings.tsv: step, seconds, load average at its end)" >&2
