"""CE sequence alignment (Keith & Kroese 2002) against the exact DP optimum.

Usage: python benchmarks/bench_alignment.py [--quick] [--seeds S]

Random DNA pairs (uniform ACGT, match 1, mismatch -1) for each setting: the
fraction of seeds in which CE (default options of SequenceAlignment) reaches
the DP optimum, the mean score gap, and the median times of one CE run and of
the DP (Needleman-Wunsch / Smith-Waterman with Gotoh gaps). ``--quick``: short
sequences and 3 seeds (the test suite runs it).

Measured (pairs 1000-1019, 2-core machine; affine global gaps use
N = 40 (m + n), linear global N = 20 (m + n), local N = 60 (m + n) with
LocalEditPaths, the sampled start of the aligned part):

| length | mode   | gaps (open, extend) | CE reached DP | mean gap | CE s / run |
|--------|--------|---------------------|---------------|----------|------------|
| 50     | global | linear (2, 2)       | 100 %         | 0.00     | 0.55       |
| 50     | global | affine (3, 1)       | 100 %         | 0.00     | 1.04       |
| 50     | local  | linear (2, 2)       | 100 %         | 0.00     | 0.90       |
| 50     | local  | affine (3, 1)       | 95 %          | 0.05     | 0.89       |
| 100    | global | linear (2, 2)       | 90 %          | 0.15     | 2.40       |
| 100    | local  | linear (2, 2)       | 85 %          | 0.15     | 2.95       |

``--first-pair 5000`` runs fresh pairs (see the README for both sets). Whole
paths from (0, 0) (EditGraphPaths) reached the local optimum in 45-50 % of the
length-50 pairs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import machine_line, median_seconds, print_table

from cemethod.problems import SequenceAlignment, align_dp


def _row(length, mode, gap_open, gap_extend, seeds, first_pair=1000):
    hits, gaps, t_ce = [], [], []
    prob = None
    for seed in range(seeds):
        rng = np.random.default_rng(first_pair + seed)
        a = "".join(rng.choice(list("ACGT"), length))
        b = "".join(rng.choice(list("ACGT"), length))
        prob = SequenceAlignment(
            a, b, gap_open=gap_open, gap_extend=gap_extend, mode=mode
        )
        t0 = time.perf_counter()
        res = prob.solve(rng=seed)
        t_ce.append(time.perf_counter() - t0)
        c = prob.compare(res)
        hits.append(c["reached"])
        gaps.append(c["gap"])
    t_dp = median_seconds(
        lambda: align_dp(
            prob.a, prob.b, gap_open=gap_open, gap_extend=gap_extend, mode=mode
        ),
        repeat=5,
    )
    gap_text = "linear" if gap_open == gap_extend else "affine"
    return (
        length,
        mode,
        f"{gap_text} ({gap_open:g}, {gap_extend:g})",
        seeds,
        f"{100 * np.mean(hits):.0f} %",
        f"{np.mean(gaps):.2f}",
        f"{statistics.median(t_ce):.2f}",
        f"{1000 * t_dp:.2f}",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument(
        "--first-pair",
        type=int,
        default=1000,
        help="seed of the first random sequence pair (fresh pairs: e.g. 5000)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        settings = [(15, "global", 2.0, 2.0), (15, "local", 3.0, 1.0)]
        seeds = 3
    else:
        settings = [
            (50, "global", 2.0, 2.0),
            (50, "global", 3.0, 1.0),
            (50, "local", 2.0, 2.0),
            (50, "local", 3.0, 1.0),
            (100, "global", 2.0, 2.0),
            (100, "local", 2.0, 2.0),
        ]
        seeds = args.seeds
    rows = [_row(n, mode, o, e, seeds, args.first_pair) for n, mode, o, e in settings]
    print("Random DNA pairs, match 1 / mismatch -1, default options")
    print(machine_line())
    print()
    print_table(
        (
            "length",
            "mode",
            "gaps (open, extend)",
            "seeds",
            "CE reached DP",
            "mean gap",
            "CE s / run",
            "DP ms",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
