"""Train the rubric grader's reader (ml/grading/reader.py): a cross-encoder over (key point, answer).

Reads the grading corpus's train and dev splits and the older set (data/grading_eval) - never test -
and trains low-rank adapters (LoRA, rank 16, via `peft`) on the top two layers of all-MiniLM-L6-v2 run
on "key point [SEP] answer", with a logistic head on the mean token state, on the labels of which key
points each answer states. Writes:

- `data/grading_corpus/reader_oof.json`: out-of-fold readings of every training answer (the questions
  split in two halves by a seeded draw; each half read by the reader trained on the other). The rubric
  grader's own models are fitted on these (`bench/grading_eval.py --fit`): a reader trained on an answer
  reads it too well.
- `ml/grading/reader.npz`: the adapters and head of the reader trained on all of it (what grading uses).

The lower four layers are frozen, so their output for each pair is computed once and only the top two
layers train: about 40 minutes on 2 CPU cores for ~4,000 pairs (3 epochs x (2 halves + all)).

    python bench/train_reader.py            # needs the dev dependencies (peft, scikit-learn)
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from ml.grading.evaluation import corpus_version, load_bank, load_corpus, load_eval_set  # noqa: E402
from ml.grading.reader import WEIGHTS_PATH  # noqa: E402

OOF_PATH = ROOT / "data" / "grading_corpus" / "reader_oof.json"
RANK, EPOCHS, LEARNING_RATE, MAX_LENGTH, TOP_LAYERS, BATCH, SEED = 16, 3, 1e-3, 320, 2, 16, 20261207


def labelled_pairs(questions):
    """(question key, key point, answer text, stated?, answer id, key point position) of every gradable answer."""
    return [(q.key, kp.text, a.text, int(i in a.covers), a.id, i)
            for q in questions for a in q.answers if a.category != "injection"
            for i, kp in enumerate(q.spec.key_points)]


class Trainer:
    def __init__(self, model_path: str) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.path = model_path
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.base = AutoModel.from_pretrained(model_path).eval()
        self.layers = self.base.config.num_hidden_layers
        self.split = self.layers - TOP_LAYERS

    @torch.no_grad()
    def lower(self, pairs):
        """The frozen lower layers' output for each pair (computed once; fp16, unpadded)."""
        out = []
        for s in range(0, len(pairs), 32):
            batch = pairs[s:s + 32]
            tokens = self.tokenizer([p[1] for p in batch], [p[2] for p in batch], truncation="only_second",
                                    max_length=MAX_LENGTH, padding=True, return_tensors="pt")
            hidden = self.base(**tokens, output_hidden_states=True).hidden_states[self.split]
            for i in range(len(batch)):
                out.append(hidden[i, : int(tokens["attention_mask"][i].sum())].half())
        return out

    def new_top(self, seed: int):
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel

        torch.manual_seed(seed)
        config = LoraConfig(r=RANK, lora_alpha=2 * RANK, lora_dropout=0.1,
                            target_modules=["query", "key", "value", "dense"],
                            layers_to_transform=list(range(self.split, self.layers)))
        return _Top(get_peft_model(AutoModel.from_pretrained(self.path), config), self.split, self.layers)

    def train(self, hidden, labels, seed: int = 0):
        model = self.new_top(seed)
        rng = random.Random(seed)
        params = [p for p in model.parameters() if p.requires_grad]
        optimiser = torch.optim.AdamW(params, lr=LEARNING_RATE, weight_decay=0.01)
        steps = EPOCHS * ((len(hidden) + BATCH - 1) // BATCH)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LEARNING_RATE, total_steps=steps, pct_start=0.1)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        model.train()
        started = time.time()
        for epoch in range(EPOCHS):
            order = list(range(len(hidden)))
            rng.shuffle(order)
            total = 0.0
            for s in range(0, len(order), BATCH):
                chosen = order[s:s + BATCH]
                loss = loss_fn(model([hidden[i] for i in chosen]), torch.tensor([float(labels[i]) for i in chosen]))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += loss.item() * len(chosen)
            print(f"  epoch {epoch}: {time.time() - started:.0f} s, loss {total / len(order):.3f}", flush=True)
        return model

    @torch.no_grad()
    def predict(self, model, hidden):
        model.eval()
        out: list[float] = []
        for s in range(0, len(hidden), 64):
            out += torch.sigmoid(model(hidden[s:s + 64])).tolist()
        return out


class _Top(torch.nn.Module):
    """The top layers (with adapters) and the head, run on the cached lower layers' output."""

    def __init__(self, peft_model, split: int, layers: int) -> None:
        super().__init__()
        self.peft = peft_model
        self.layers = torch.nn.ModuleList([peft_model.base_model.model.encoder.layer[i] for i in range(split, layers)])
        self.head = torch.nn.Linear(peft_model.base_model.model.config.hidden_size, 1)

    def forward(self, hidden):
        length = max(h.shape[0] for h in hidden)
        x = torch.zeros(len(hidden), length, hidden[0].shape[1])
        mask = torch.zeros(len(hidden), length)
        for i, h in enumerate(hidden):
            x[i, : len(h)] = h.float()
            mask[i, : len(h)] = 1
        additive = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, attention_mask=additive)
            x = x[0] if isinstance(x, tuple) else x
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled).squeeze(-1)


def export(model: _Top, path: Path) -> None:
    """The adapters (A, B per adapted linear layer) and the head, as numpy arrays (ml.grading.reader merges them)."""
    arrays = {}
    for name, module in model.peft.base_model.model.named_modules():
        if hasattr(module, "lora_A") and "default" in module.lora_A:
            arrays[f"{name}.A"] = module.lora_A["default"].weight.detach().numpy()
            arrays[f"{name}.B"] = module.lora_B["default"].weight.detach().numpy()
    arrays["head.weight"] = model.head.weight.detach().numpy()
    arrays["head.bias"] = model.head.bias.detach().numpy()
    meta = {"r": RANK, "alpha": 2 * RANK, "maxlen": MAX_LENGTH, "top_layers": TOP_LAYERS}
    np.savez(path, **arrays, meta=np.array(json.dumps(meta)))


def main() -> int:
    from sklearn.metrics import roc_auc_score

    from ml.embeddings import default_model_path

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    bank = load_bank(ROOT / "data" / "questions")
    corpus = ROOT / "data" / "grading_corpus"
    questions = [*load_corpus(corpus, bank, splits=("train", "dev")), *load_eval_set(ROOT / "data" / "grading_eval")]
    pairs = labelled_pairs(questions)
    keys = sorted({q.key for q in questions})
    random.Random(SEED).shuffle(keys)
    half = {k: i % 2 for i, k in enumerate(keys)}
    trainer = Trainer(str(default_model_path()))
    started = time.time()
    hidden = trainer.lower(pairs)
    print(f"{len(pairs)} (key point, answer) pairs from {len(questions)} questions; lower layers in "
          f"{time.time() - started:.0f} s", flush=True)
    oof: dict[str, list[float]] = {}
    for fold in (0, 1):
        train = [i for i, p in enumerate(pairs) if half[p[0]] != fold]
        held = [i for i, p in enumerate(pairs) if half[p[0]] == fold]
        model = trainer.train([hidden[i] for i in train], [pairs[i][3] for i in train])
        read = trainer.predict(model, [hidden[i] for i in held])
        for i, value in zip(held, read, strict=True):
            oof.setdefault(pairs[i][4], [])
            oof[pairs[i][4]].append(round(value, 4))
        print(f"half {fold}: held-out ROC AUC {roc_auc_score([pairs[i][3] for i in held], read):.3f}", flush=True)
    truth = [p[3] for p in pairs]
    flat = [v for p in pairs for v in [oof[p[4]][p[5]]]]
    auc = roc_auc_score(truth, flat)
    print(f"out-of-fold ROC AUC {auc:.3f}", flush=True)
    OOF_PATH.write_text(json.dumps({"corpus_version": corpus_version(corpus), "out_of_fold_auc": round(auc, 4),
                                    "halves": half, "reads": oof}, indent=0) + "\n", encoding="utf-8")
    final = trainer.train(hidden, truth)
    export(final, WEIGHTS_PATH)
    print("saved", OOF_PATH, WEIGHTS_PATH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
