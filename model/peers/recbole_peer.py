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

Long runs in pieces: with --work DIR the run keeps its files, and after every validated epoch it writes
DIR/saved/last.pth (weights, Adam state, epoch, best score, epochs without improvement, training time so far).
--stop-after-minutes M stops after the first epoch that ends past M minutes, writing no results (unless
--evaluate-if-stopped, which evaluates the best checkpoint so far as an unfinished run); --resume
DIR/saved/last.pth continues it to RecBole's own stopping rule, as RecBole's Trainer.resume_checkpoint would.
The data order of the epochs after a resume starts again from the seed, so a resumed run is a valid run
of the same settings, not a bit-identical copy of an uninterrupted one.
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


def load_checkpoint(path, model, device, torch):
    """Reads a RecBole checkpoint (torch >= 2.6 loads weights only by default, which RecBole's checkpoints do not
    pass) and puts its weights into `model`; returns the whole checkpoint."""
    state = torch.load(path, map_location=device, weights_only=False)
    model.load_state_dict(state["state_dict"])
    model.load_other_parameter(state.get("other_parameter"))
    return state


def resume_from(path, trainer, model, device, torch):
    """Restores a stopped run into `trainer` as RecBole's own Trainer.resume_checkpoint does (which cannot read
    its checkpoints under torch >= 2.6); returns the seconds trained before (0 when the checkpoint does not say)."""
    state = load_checkpoint(path, model, device, torch)
    trainer.start_epoch = state["epoch"] + 1
    trainer.cur_step = state["cur_step"]
    trainer.best_valid_score = state["best_valid_score"]
    trainer.best_valid_result = state.get("best_valid_result")
    trainer.optimizer.load_state_dict(state["optimizer"])
    # Improvements overwrite the run's best checkpoint, which the evaluation reads at the end.
    trainer.saved_model_file = state.get("best_file", path)
    if "train_seconds" not in state:
        print(f"{path}: a checkpoint of RecBole's own, which does not record the training time before it; "
              "trainSeconds counts from here", file=sys.stderr)
    print(f"resuming from {path} after epoch {state['epoch']} (best validation {state['best_valid_score']:.4f}, "
          f"{state['cur_step']} epochs without improvement)", file=sys.stderr)
    return state.get("train_seconds", 0.0)


def main():
    parser = common.arguments(__doc__.splitlines()[0], None)
    parser.add_argument("--model", required=True, choices=["SASRec", "GRU4Rec"])
    parser.add_argument("--validation-split", required=True,
                        help="directory written by `sdm split --validation`: RecBole's training and validation")
    parser.add_argument("--work", help="RecBole's working directory (its dataset files, log/, saved/); default: a new "
                        "temporary one. Keep it to resume a stopped run")
    parser.add_argument("--resume", metavar="CHECKPOINT",
                        help="continue a stopped run from CHECKPOINT (WORK/saved/last.pth, or a checkpoint RecBole "
                        "saved): its weights, Adam state, epoch, best score and epochs without improvement")
    parser.add_argument("--stop-after-minutes", type=float,
                        help="stop after the first epoch that ends past this many minutes of this run's training, "
                        "leaving WORK/saved/last.pth to --resume from; writes no results then (exit status 75)")
    parser.add_argument("--evaluate-if-stopped", action="store_true",
                        help="after --stop-after-minutes stops the run, evaluate its best checkpoint so far and "
                        "write the results anyway (an unfinished run: name it so, e.g. --name recbole-gru4rec-at-epoch-N)")
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

    if args.work:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix=f"recbole-{args.model}-")
    resume = os.path.abspath(args.resume) if args.resume else None
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
    trained_before = 0.0
    if resume:
        trained_before = resume_from(resume, trainer, model, config["device"], torch)
    last = os.path.join(work, "saved", "last.pth")

    class Stop(Exception):
        pass

    def after_epoch(epoch, valid_score):
        # Everything RecBole's own resume restores, after every validated epoch (RecBole itself saves
        # only the best epoch), so a stopped run loses nothing; the best checkpoint's file rides along.
        seconds = trained_before + time.perf_counter() - start
        torch.save({"epoch": epoch, "cur_step": trainer.cur_step, "best_valid_score": trainer.best_valid_score,
                    "best_valid_result": trainer.best_valid_result, "state_dict": model.state_dict(),
                    "other_parameter": model.other_parameter(), "optimizer": trainer.optimizer.state_dict(),
                    "best_file": trainer.saved_model_file, "train_seconds": seconds}, last + ".tmp")
        os.replace(last + ".tmp", last)
        finished = trainer.cur_step > trainer.stopping_step or epoch + 1 >= trainer.epochs
        if (args.stop_after_minutes is not None and not finished
                and time.perf_counter() - start > args.stop_after_minutes * 60):
            raise Stop(epoch)

    start = time.perf_counter()
    try:
        best_score, _ = trainer.fit(train_data, valid_data, saved=True, show_progress=False,
                                    callback_fn=after_epoch)
    except Stop as stop:
        print(f"{args.model}: stopped after epoch {stop.args[0]} by --stop-after-minutes "
              f"({(trained_before + time.perf_counter() - start) / 60:.1f} min of training in all, best validation "
              f"{config['valid_metric']} {trainer.best_valid_score:.4f}, RecBole's stopping rule not reached)"
              f"{'; evaluating its best checkpoint as an unfinished run' if args.evaluate_if_stopped else '; no results written'}."
              f" Continue with --work {work} --resume {last}", file=sys.stderr)
        if not args.evaluate_if_stopped:
            sys.exit(75)
        best_score = trainer.best_valid_score  # fit() did not return it
    train_seconds = trained_before + time.perf_counter() - start
    load_checkpoint(trainer.saved_model_file, model, config["device"], torch)
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
