"""DeepMatch's SDM or YouTubeDNN with the settings of DeepMatch's own MovieLens-1M notebooks, evaluated on
`sdm evaluate`'s split, candidates and metrics.

    TF_USE_LEGACY_KERAS=1 python deepmatch_peer.py --model SDM --split SPLIT_DIR --out OUT_DIR [--seed 42]

Settings (DeepMatch at the wheel's commit; examples/colab_MovieLen1M_SDM.ipynb and
colab_MovieLen1M_YoutubeDNN.ipynb, with the v0.3 sampler API of the SDM notebook for both):
  * item embedding 32; user id and each profile attribute (ml-100k: age, gender, occupation, zip code)
    a sparse feature of dimension 16
  * SDM: short-term sequence of the last 5 clicks, long-term ("prefer") sequence of the 50 before them,
    items and their category (the notebook's first genre; here the category `sdm evaluate` reads from the
    item file), SDM(history_feature_list=[item, category], units=32) with the library's other defaults
  * YouTubeDNN: the 50 most recent clicks mean-pooled, user DNN (128, 64, 32)
  * sampled softmax over 255 frequency-sampled negatives (NegativeSampler('frequency', 255)), Adam with
    Keras' defaults, batch 512, 20 epochs, no validation (the notebooks train a fixed number of epochs)

Data: `sdm split` without --validation, as `sdm evaluate` trains: the examples are every prefix of each
user's training clicks predicting the next one (the notebooks' gen_data_set / gen_data_set_sdm applied to
the training sequences), the test cases come from test.tsv. Every candidate of items.tsv is ranked by exact
inner product of the user and item towers (the notebooks use faiss IndexFlatIP, which is the same), both
protocols.
"""

import os
import random
import sys
import time

import numpy as np

import common

EMBEDDING_DIM = 32
USER_FEATURE_DIM = 16
SHORT_LEN = 5
PREFER_LEN = 50
HIST_LEN = 50
NEGATIVES = 255
BATCH_SIZE = 512
EPOCHS = 20


class Encoder:
    """LabelEncoder(...) + 1 of the notebooks: 0 is padding and anything unseen."""

    def __init__(self, values):
        self.index = {v: i + 1 for i, v in enumerate(sorted(set(values)))}

    def __call__(self, value):
        return self.index.get(value, 0)

    def size(self):
        return len(self.index) + 1


class UserFeatures:
    """The user id and each profile attribute as encoded sparse features (the notebooks' user_profile)."""

    def __init__(self, split, profile_keys):
        self.split = split
        self.encoders = {"user_id": Encoder(set(split.train) | {c.user for c in split.test})}
        for key in profile_keys:
            self.encoders[key] = Encoder(p.get(key, "") for p in split.users.values())

    def __call__(self, key, user):
        if key == "user_id":
            return self.encoders[key](user)
        return self.encoders[key](self.split.users.get(user, {}).get(key, ""))

    def size(self, key):
        return self.encoders[key].size()


def padded(lists, length):
    """pad_sequences(padding='post', truncating='post'): keeps the first `length` (the most recent here)."""
    out = np.zeros((len(lists), length), dtype=np.int32)
    for r, values in enumerate(lists):
        values = values[:length]
        out[r, :len(values)] = values
    return out


def examples(split, cases=None):
    """(user, items before, next item) in the notebooks' order: training prefixes, or the given cases."""
    if cases is not None:
        return [(c.user, c.prior, c.held_out[0]) for c in cases]
    rows = []
    for user, items in split.train.items():
        for i in range(1, len(items)):
            rows.append((user, items[:i], items[i]))
    return rows


def model_input(rows, model_name, items, categories, users, profile_keys):
    """gen_model_input / gen_model_input_sdm: histories newest first, padded at the end."""
    x = {"user_id": np.array([users("user_id", u) for u, _, _ in rows], dtype=np.int32),
         "movie_id": np.array([items(t) for _, _, t in rows], dtype=np.int32)}
    for key in profile_keys:
        x[key] = np.array([users(key, u) for u, _, _ in rows], dtype=np.int32)
    newest_first = [list(reversed(h)) for _, h, _ in rows]
    if model_name == "YoutubeDNN":
        x["hist_movie_id"] = padded([[items(i) for i in h] for h in newest_first], HIST_LEN)
        x["hist_len"] = np.array([len(h) for h in newest_first], dtype=np.int32)
        return x
    short = [h[:SHORT_LEN] for h in newest_first]
    prefer = [h[SHORT_LEN:] for h in newest_first]
    x["short_movie_id"] = padded([[items(i) for i in h] for h in short], SHORT_LEN)
    x["prefer_movie_id"] = padded([[items(i) for i in h] for h in prefer], PREFER_LEN)
    x["short_genres"] = padded([[categories(i) for i in h] for h in short], SHORT_LEN)
    x["prefer_genres"] = padded([[categories(i) for i in h] for h in prefer], PREFER_LEN)
    x["short_sess_length"] = np.array([len(h) for h in short], dtype=np.int32)
    x["prefer_sess_length"] = np.array([len(h) for h in prefer], dtype=np.int32)
    return x


def main():
    parser = common.arguments(__doc__.splitlines()[0], None)
    parser.add_argument("--model", required=True, choices=["SDM", "YoutubeDNN"])
    args = parser.parse_args()
    if os.environ.get("TF_USE_LEGACY_KERAS") != "1":
        sys.exit("DeepMatch needs Keras 2: run with TF_USE_LEGACY_KERAS=1 (and tf_keras installed)")
    ks = common.cut_offs(args.k)
    split = common.read_split(args.split)
    out = os.path.abspath(args.out)
    random.seed(args.seed)
    np.random.seed(args.seed)

    import tensorflow as tf
    from deepctr.feature_column import SparseFeat, VarLenSparseFeat
    from deepmatch.models import SDM, YoutubeDNN
    from deepmatch.utils import NegativeSampler, sampledsoftmaxloss
    from tensorflow.keras.models import Model

    tf.compat.v1.disable_eager_execution()  # as the notebooks do on TensorFlow 2
    # After the switch to graph mode: the seed belongs to the graph the model is built in. Deterministic
    # ops, so that a seed gives one model (the same seed gave losses 7.93 and 7.48 after one epoch without).
    tf.random.set_seed(args.seed)
    tf.config.experimental.enable_op_determinism()

    items = Encoder(split.items)
    categories = Encoder(f["category_id"] for f in split.item_features.values() if f["category_id"])

    def category_of(item):
        return categories(split.item_features.get(item, {}).get("category_id", ""))

    profile_keys = sorted({k for p in split.users.values() for k in p})
    users = UserFeatures(split, profile_keys)

    train_rows = examples(split)
    random.shuffle(train_rows)  # gen_data_set shuffles its examples
    x_train = model_input(train_rows, args.model, items, category_of, users, profile_keys)
    x_test = model_input(examples(split, split.test), args.model, items, category_of, users, profile_keys)

    user_columns = [SparseFeat("user_id", users.size("user_id"), USER_FEATURE_DIM)]
    user_columns += [SparseFeat(k, users.size(k), USER_FEATURE_DIM) for k in profile_keys]
    if args.model == "YoutubeDNN":
        user_columns.append(VarLenSparseFeat(
            SparseFeat("hist_movie_id", items.size(), EMBEDDING_DIM, embedding_name="movie_id"),
            HIST_LEN, "mean", "hist_len"))
    else:
        for name, vocabulary in (("movie_id", items.size()), ("genres", categories.size())):
            for part, length in (("short", SHORT_LEN), ("prefer", PREFER_LEN)):
                user_columns.append(VarLenSparseFeat(
                    SparseFeat(f"{part}_{name}", vocabulary, EMBEDDING_DIM, embedding_name=name),
                    length, "mean", f"{part}_sess_length"))
    item_columns = [SparseFeat("movie_id", items.size(), EMBEDDING_DIM)]
    counts = np.bincount(x_train["movie_id"], minlength=items.size())
    sampler = NegativeSampler("frequency", num_sampled=NEGATIVES, item_name="movie_id",
                              item_count=[int(c) for c in counts])
    if args.model == "YoutubeDNN":
        model = YoutubeDNN(user_columns, item_columns, user_dnn_hidden_units=(128, 64, EMBEDDING_DIM),
                           sampler_config=sampler, seed=args.seed)
    else:
        model = SDM(user_columns, item_columns, history_feature_list=["movie_id", "genres"],
                    units=EMBEDDING_DIM, sampler_config=sampler, seed=args.seed)
    model.compile(optimizer="adam", loss=sampledsoftmaxloss)

    start = time.perf_counter()
    model.fit(x_train, np.ones(len(train_rows), dtype=np.float32), batch_size=BATCH_SIZE,
              epochs=args.epochs or EPOCHS, verbose=2, validation_split=0.0)
    train_seconds = time.perf_counter() - start

    user_tower = Model(inputs=model.user_input, outputs=model.user_embedding)
    item_tower = Model(inputs=model.item_input, outputs=model.item_embedding)
    candidates = np.array([items(i) for i in split.items], dtype=np.int32)
    item_vectors = item_tower.predict({"movie_id": candidates}, batch_size=2 ** 12)

    def score(cases):
        if cases is not split.test:
            raise ValueError("scores only the test cases")
        user_vectors = user_tower.predict(x_test, batch_size=2 ** 12)
        return user_vectors @ item_vectors.T  # exact inner product, as faiss IndexFlatIP

    common.evaluate_and_write(args.name or args.model.lower(), split, score, train_seconds, args.seed,
                              ks, out, log=lambda line: print(line, file=sys.stderr))


if __name__ == "__main__":
    main()
