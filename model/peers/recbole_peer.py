"""RecBole's SASRec or GRU4Rec, trained with RecBole's own defaults for ml-100k, evaluated on `sdm evaluate`'s
split, candidates and metrics.

    python recbole_peer.py --model SASRec --split SPLIT_DIR --validation-split SPLIT_VALIDATION_DIR \
        --out OUT_DIR [--seed 42]

Configuration: RecBole 1.2.1's own files for this case, nothing tuned here: properties/overall.yaml,
properties/model/<MODEL>.yaml, properties/quick_start_config/sequential.yaml (RecBole adds it for every
sequential model; full-sort evaluation) and the field names of properties/dataset/ml-100k.yaml. So: 300
epochs at most, early stopping after 10 epochs without a better MRR@10 on the validation cases, batch 2048,
Adam at 0.001, sequences of the last 50 items, cross-entropy over all items. The one key set here,
train_neg_sample_args: None, is the value RecBole requires with its CE loss (it refuses its own uniform
default there).

Data: RecBole's protocol for ml-100k (LS valid_and_test) is the one `sdm split --validation` wrote
(--validation-split): each user's last click is the test case, the second-to-last the validation case
RecBole early-stops on, the clicks before it the training sequence. They are handed to RecBole as its
pre-split "benchmark" files (train/valid/test), with the prefixes of each training sequence written out
as RecBole's own data augmentation would, so RecBole never splits or orders anything itself (its float32
timestamps would create ties). The test cases and the candidates are those of `sdm split` without
validation (--split), the ones `sdm evaluate` ranks (the test cases of the two splits are checked to be
the same): every candidate scored by the model's full_sort_predict (exact inner product with the item
table), metrics by common.py, both protocols.
"""

import os
import sys
import tempfile
import time

import numpy as np

import common

DATASET = "sdm-split"  # not "ml-100k": RecBole would swap in its bundled copy


def write_benchmark_files(split, directory, max_len):
    """RecBole's atomic benchmark files: one row per prediction, the item list truncated as RecBole does."""
    os.makedirs(directory, exist_ok=True)
    header = "user_id:token\titem_id_list:token_seq\titem_id:token\n"

    def write(name, rows):
        with open(os.path.join(directory, f"{DATASET}.{name}.inter"), "w", encoding="utf-8") as f:
            f.write(header)
            for user, prior, label in rows:
                f.write(f"{user}\t{' '.join(prior[-max_len:])}\t{label}\n")

    def training_rows():
        # SequentialDataset.data_augmentation: every prefix of a user's sequence predicts its next item.
        for user, items in split.train.items():
            for i in range(1, len(items)):
                yield user, items[:i], items[i]

    def case_rows(cases):
        for c in cases:
            if len(c.held_out) != 1:
                raise ValueError(f"user {c.user}: RecBole's files take one held-out item per case")
            yield c.user, c.prior, c.held_out[0]

    write("train", training_rows())
    write("valid", case_rows(split.validation))
    write("test", case_rows(split.test))


def main():
    parser = common.arguments(__doc__.splitlines()[0], None)
    parser.add_argument("--model", required=True, choices=["SASRec", "GRU4Rec"])
    parser.add_argument("--validation-split", required=True,
                        help="directory written by `sdm split --validation`: RecBole's training and validation")
    args = parser.parse_args()
    ks = common.cut_offs(args.k)
    split = common.read_split(args.split)
    training = common.read_split(args.validation_split)
    if not training.validation:
        sys.exit(f"{args.validation_split} has no validation cases: write it with `sdm split --validation`")
    if not common.same_test_cases(split, training):
        sys.exit(f"{args.split} and {args.validation_split} do not hold the same test cases")
    out = os.path.abspath(args.out)

    import torch
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.data.interaction import Interaction
    from recbole.utils import get_model, get_trainer, init_logger, init_seed

    work = tempfile.mkdtemp(prefix=f"recbole-{args.model}-")
    os.chdir(work)  # RecBole writes log/, log_tensorboard/ and saved/ under the working directory
    overrides = {
        "data_path": os.path.join(work, "dataset"),
        "checkpoint_dir": os.path.join(work, "saved"),
        "benchmark_filename": ["train", "valid", "test"],
        "alias_of_item_id": ["item_id_list"],
        "load_col": {"inter": ["user_id", "item_id_list", "item_id"]},
        "train_neg_sample_args": None,  # required by the CE loss of RecBole's SASRec/GRU4Rec defaults
        "seed": args.seed,
        "use_gpu": False,
        "show_progress": False,
    }
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    # RecBole loads overall.yaml, the model's yaml and quick_start_config/sequential.yaml by itself.
    config = Config(model=args.model, dataset=DATASET, config_dict=overrides)
    max_len = config["MAX_ITEM_LIST_LENGTH"]
    write_benchmark_files(training, os.path.join(work, "dataset", DATASET), max_len)
    init_seed(config["seed"], config["reproducibility"])
    init_logger(config)

    dataset = create_dataset(config)
    train_data, valid_data, _ = data_preparation(config, dataset)
    init_seed(config["seed"], config["reproducibility"])
    model = get_model(config["model"])(config, train_data._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)
    start = time.perf_counter()
    best_score, _ = trainer.fit(train_data, valid_data, saved=True, show_progress=False)
    train_seconds = time.perf_counter() - start
    # torch >= 2.6 loads weights only by default, which RecBole's own checkpoints do not pass.
    checkpoint = torch.load(trainer.saved_model_file, map_location=config["device"], weights_only=False)
    model.load_state_dict(checkpoint["state_dict"])
    model.load_other_parameter(checkpoint.get("other_parameter"))
    model.eval()
    print(f"{args.model}: best validation {config['valid_metric']} {best_score:.4f}, "
          f"trained in {train_seconds:.1f} s", file=sys.stderr)

    item_field = config["ITEM_ID_FIELD"]
    columns = np.array([dataset.field2token_id[item_field].get(i, -1) for i in split.items])
    if (columns < 0).any():
        raise ValueError("a candidate is unknown to RecBole's item table")

    def score(cases):
        rows = []
        for begin in range(0, len(cases), 256):
            batch = cases[begin:begin + 256]
            seq = torch.zeros((len(batch), max_len), dtype=torch.long)
            length = torch.zeros(len(batch), dtype=torch.long)
            for r, c in enumerate(batch):
                ids = [dataset.field2token_id[item_field][i] for i in c.prior[-max_len:]]
                seq[r, :len(ids)] = torch.tensor(ids)
                length[r] = len(ids)
            interaction = Interaction({model.ITEM_SEQ: seq, model.ITEM_SEQ_LEN: length}).to(config["device"])
            with torch.no_grad():
                rows.append(model.full_sort_predict(interaction).cpu().numpy()[:, columns])
        return np.concatenate(rows)

    common.evaluate_and_write(args.name or args.model.lower(), split, score, train_seconds, args.seed,
                              ks, out, log=lambda line: print(line, file=sys.stderr))


if __name__ == "__main__":
    main()
