"""Speed and memory of sklearn_ext.metrics against scikit-learn and scipy, one process.

Usage: python benchmarks/bench_metrics.py [--quick] [--layouts]

Prints a Markdown table of median times, the speed-up ratio (peer / ours), whether
the values agree, and the target each row is held to (issue #2). ``--quick`` runs
small sizes only (the test suite uses it so the script cannot rot); ``--layouts``
only the log_loss rows of the label and memory layouts (issue 18 item 4).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.stats
import sklearn.metrics

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import machine_line, median_seconds, peak_bytes, print_table

from sklearn_ext import metrics


def _probabilities(rng, n, k):
    logits = rng.normal(size=(n, k))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def _row(name, peer, ours, *, target, repeat, number=1, check="equal"):
    t_peer = median_seconds(peer, repeat=repeat, number=number)
    t_ours = median_seconds(ours, repeat=repeat, number=number)
    a, b = peer(), ours()
    if check == "equal":
        agree = "bit for bit" if np.array_equal(a, b) else "DIFFERENT"
    else:
        rel = np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
        agree = f"max rel {rel:.1e}"
    ratio = t_peer / t_ours
    return [
        name,
        f"{t_peer * 1e3:.3g} ms",
        f"{t_ours * 1e3:.3g} ms",
        f"{ratio:.1f}x",
        agree,
        target,
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument(
        "--layouts", action="store_true", help="only the log_loss layout rows"
    )
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    n_big, n_bin, repeat = (10**4, 10**5, 2) if args.quick else (10**6, 10**7, 5)

    P = _probabilities(rng, n_big, 10)
    Q = _probabilities(rng, n_big, 10)
    y = rng.integers(0, 10, size=n_big)
    p_bin = rng.uniform(0.001, 0.999, size=n_bin)
    y_bin = rng.integers(0, 2, size=n_bin)
    P_small, y_small = P[:1000], rng.integers(0, 10, size=1000)
    classes = np.arange(10)
    y_str = np.array([f"class{j}" for j in classes])[y]
    P_fortran = np.asfortranarray(P)

    # The log_loss layouts on 1e6 x 10 (issue 18 item 4: each >= 15x): the same
    # call for both libraries, only y_true, y_proba and labels change. The last
    # entry is the peer's y_true: the same object, except for object-dtype ints,
    # which scikit-learn refuses ("Unknown label type"), timed as int64.
    layouts = [
        ("int labels", y, P, None, y),
        ("string labels", y_str, P, None, y_str),
        ("Fortran order", y, P_fortran, None, y),
        ("labels= given", y, P, classes, y),
        ("object str labels", y_str.astype(object), P, None, y_str.astype(object)),
        ("object int labels*", y.astype(object), P, None, y),
    ]
    try:
        import pandas as pd
    except ImportError:  # the category row needs pandas (extra `test`)
        pd = None
    if pd is not None:
        y_cat = pd.Series(y_str, dtype="category")
        layouts.append(("pandas category", y_cat, P, None, y_cat))
    rows = [
        _row(
            f"log_loss {n_big:.0e} x 10, {name}",
            lambda yt=peer_y, yp=yp, lab=lab: sklearn.metrics.log_loss(
                yt, yp, labels=lab
            ),
            lambda yt=yt, yp=yp, lab=lab: metrics.log_loss(yt, yp, labels=lab),
            target=">= 15x",
            repeat=repeat,
        )
        for name, yt, yp, lab, peer_y in layouts
    ]
    if args.layouts:
        print(machine_line())
        print()
        print_table(
            ("case", "peer", "sklearn_ext", "speed-up", "values", "target"), rows
        )
        print(
            "\n* scikit-learn refuses object-dtype ints; its peer is the int64 labels."
        )
        return 0
    rows += [
        _row(
            f"log_loss binary 1-D, {n_bin:.0e}",
            lambda: sklearn.metrics.log_loss(y_bin, p_bin),
            lambda: metrics.log_loss(y_bin, p_bin),
            target=">= 15x",
            repeat=repeat,
        ),
        _row(
            "log_loss per call, 1000 x 10",
            lambda: sklearn.metrics.log_loss(y_small, P_small),
            lambda: metrics.log_loss(y_small, P_small),
            target=">= 10x",
            repeat=repeat,
            number=200,
        ),
        _row(
            f"entropy {n_big:.0e} x 10, axis=1",
            lambda: scipy.stats.entropy(P, axis=1),
            lambda: metrics.entropy(P, axis=1),
            target="> 1x",
            repeat=repeat,
            check="close",
        ),
        _row(
            f"kl_divergence {n_big:.0e} x 10, axis=1",
            lambda: scipy.stats.entropy(P, Q, axis=1),
            lambda: metrics.kl_divergence(P, Q, axis=1),
            target="> 1x",
            repeat=repeat,
            check="close",
        ),
    ]
    print(machine_line())
    print()
    print_table(("case", "peer", "sklearn_ext", "speed-up", "values", "target"), rows)
    print("\n* scikit-learn refuses object-dtype ints; its peer is the int64 labels.")

    peak_peer = peak_bytes(lambda: sklearn.metrics.log_loss(y, P))
    peak_ours = peak_bytes(lambda: metrics.log_loss(y, P))
    print()
    print(
        f"Peak extra memory, log_loss {n_big:.0e} x 10: sklearn "
        f"{peak_peer / 2**20:.1f} MiB, sklearn_ext {peak_ours / 2**20:.1f} MiB, "
        f"ratio {peak_ours / peak_peer:.3f} (target <= 0.25)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
