"""How fast is the rubric grader? Prints answers graded per second one at a time and batched
(grade_many), and raw embedding throughput in sentences per second.

    python bench/grading.py                      # CPU
    python bench/grading.py --device cuda        # on the GPU machine
    python bench/grading.py --answers 336 --repeat 3

The answers are those of data/grading_eval (84), cycled to --answers. The first pass of each
measurement is a warm-up and is not counted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ml.grading.evaluation import load_eval_set  # noqa: E402
from ml.grading.reader import get_reader  # noqa: E402
from ml.grading.rubric import _prepare, grade_many, grade_with_rubric  # noqa: E402
from ml.grading.types import QuestionSpec  # noqa: E402


class _NoReader:
    def read(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.zeros(len(pairs))


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` runs after one warm-up run."""
    action()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if available)")
    parser.add_argument("--answers", type=int, default=84, help="answers per measurement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)"
    )
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    from ml.embeddings import get_encoder

    started = time.perf_counter()
    encoder = get_encoder(device=args.device)
    load_s = time.perf_counter() - started
    questions = load_eval_set(ROOT / "data" / "grading_eval")
    pool = [(q.spec, a.text) for q in questions for a in q.answers]
    pairs: list[tuple[QuestionSpec, str]] = [pool[i % len(pool)] for i in range(args.answers)]
    sentences = [p.unit_text(u) for spec, text in pool for p in [_prepare(spec, text)] for u in p.units]

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"threads {torch.get_num_threads()}, device {encoder.device}"
        + (f" ({torch.cuda.get_device_name(0)})" if encoder.device.startswith("cuda") else "")
    )
    print(
        f"encoder: {Path(encoder.model_path).name}, loaded in {load_s:.1f} s; "
        f"load average {os.getloadavg()[0]:.1f} (other processes compete for the CPUs above {os.cpu_count()})"
    )

    embed_s = timed(lambda: encoder.encode(sentences, batch_size=args.batch_size), args.repeat)
    print(
        f"embedding: {len(sentences)} answer sentences/windows, batch {args.batch_size}: "
        f"{len(sentences) / embed_s:.0f} sentences/s"
    )

    reader = get_reader()
    one_s = timed(
        lambda: [grade_with_rubric(spec, text, encoder=encoder, reader=reader) for spec, text in pairs], args.repeat
    )
    print(
        f"rubric, one answer at a time: {len(pairs) / one_s:.1f} answers/s "
        f"({1000 * one_s / len(pairs):.0f} ms per answer)"
    )
    each = []
    for spec, text in pairs:
        started = time.perf_counter()
        grade_with_rubric(spec, text, encoder=encoder, reader=reader)
        each.append(time.perf_counter() - started)
    each.sort()
    print(f"  per answer: p50 {1000 * each[len(each) // 2]:.0f} ms, p95 {1000 * each[int(0.95 * (len(each) - 1))]:.0f} ms, "
          f"max {1000 * each[-1]:.0f} ms")
    # The baseline in the same run: everything but the reader (rubric-v3's work), the reader answering 0.
    bare_s = timed(
        lambda: [grade_with_rubric(spec, text, encoder=encoder, reader=_NoReader()) for spec, text in pairs],
        args.repeat,
    )
    print(
        f"  the same without the reader (baseline): {1000 * bare_s / len(pairs):.0f} ms per answer; "
        f"the reader adds {1000 * (one_s - bare_s) / len(pairs):.0f} ms ({one_s / bare_s:.1f}x)"
    )

    batch_s = timed(lambda: grade_many(pairs, encoder=encoder), args.repeat)
    print(
        f"rubric, batched (grade_many of {len(pairs)}): {len(pairs) / batch_s:.1f} answers/s "
        f"({1000 * batch_s / len(pairs):.0f} ms per answer)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
