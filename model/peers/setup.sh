#!/usr/bin/env bash
# Creates the two Python environments of the peers (RecBole on torch, DeepMatch on TensorFlow: their numpy
# and Keras needs differ) from the pinned requirement files beside this script.
#
#   model/peers/setup.sh [VENV_ROOT]      # default: $PEERS_VENVS, else /tmp/sdm-peers
#
# Wheels: pip's configured index (torch, tensorflow-cpu, numpy, ...) plus $PEERS_WHEELS (default:
# ../shared/wheels beside the repository) for recbole, deepmatch, deepctr and tf_keras.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${1:-${PEERS_VENVS:-/tmp/sdm-peers}}"
wheels="${PEERS_WHEELS:-$here/../../../shared/wheels}"
python="${PYTHON:-python3}"

"$python" -m venv "$root/recbole"
"$root/recbole/bin/pip" install -q --find-links "$wheels" -r "$here/requirements-recbole.txt"
# recbole 1.2.1 pins colorlog 4.7.2 and colorama 0.4.4 and asks for ray and thop, none of which it needs
# for training and evaluating SASRec/GRU4Rec; the pins are not on the index, so it goes in without them.
"$root/recbole/bin/pip" install -q --no-deps --find-links "$wheels" recbole==1.2.1

"$python" -m venv "$root/deepmatch"
"$root/deepmatch/bin/pip" install -q --find-links "$wheels" -r "$here/requirements-deepmatch.txt"
echo "peers: environments ready in $root (recbole/, deepmatch/)" >&2
