"""Record scikit-learn's own log_loss / d2_log_loss_score, for one installed version.

Run it with the python of a virtualenv holding the scikit-learn version to record,
from the repository root (it imports nothing of sklearn_ext)::

    VENV/bin/python tests/sklearn_ext/data/make_sklearn_versions_reference.py

It writes ``sklearn_versions/sklearn-<version>.json`` beside this file: for every
case of :func:`cases` the exact float64 result (``float.hex``), or the exception,
and the warnings raised. The inputs are not stored: :func:`cases` rebuilds them
from fixed seeds with numpy's legacy ``RandomState``, whose streams numpy keeps
unchanged across versions (NEP 19); a digest of the input bytes is stored so the
tests can check they rebuilt the same inputs. The stored results are the outside
reference of ``tests/sklearn_ext/metrics/test_sklearn_versions.py``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import platform
import sys
import warnings
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parent / "sklearn_versions"
DTYPES = ("float64", "float32", "float16")


def _with_edges(p, rng):
    """Put exact 0 and 1, and values beyond float32's clip (1e-9, 1 - 1e-9), in p."""
    flat = p.reshape(-1)
    n = flat.shape[0]
    picks = rng.choice(n, size=max(4, n // 6), replace=False)
    edges = np.array([0.0, 1.0, 1e-9, 1 - 1e-9])
    flat[picks] = edges[np.arange(picks.shape[0]) % 4]
    return p


def _random_rows(rng, n, k, edges):
    p = rng.random_sample((n, k))
    if edges:  # a few one-hot rows (exact 0 and 1) and near-zero entries
        rows = rng.choice(n, size=n // 5, replace=False)
        p[rows] = 0.0
        p[rows, rng.randint(0, k, size=rows.shape[0])] = 1.0
        tiny = rng.choice(n, size=n // 5, replace=False)
        p[tiny, rng.randint(0, k, size=tiny.shape[0])] = 1e-12
    return p / p.sum(axis=1, keepdims=True)


def _spec_cases():
    """(name, seed, builder) of every case; builder(rng) -> (y, y_proba, kwargs)."""

    def binary(edges, n=40):
        def build(rng):
            y = rng.randint(0, 2, size=n)
            y[:2] = [0, 1]
            p = rng.random_sample(n)
            return y, (_with_edges(p, rng) if edges else p), {}

        return build

    def multi(k, edges, n=40, **kwargs):
        def build(rng):
            y = rng.randint(0, k, size=n)
            y[:k] = np.arange(k)
            return y, _random_rows(rng, n, k, edges), dict(kwargs)

        return build

    def exact_binary(y, p):
        return lambda rng: (np.array(y), np.array(p, dtype=float), {})

    def unnormalized(rng):
        y = rng.randint(0, 3, size=30)
        y[:3] = [0, 1, 2]
        p = _random_rows(rng, 30, 3, False)
        return y, p * rng.uniform(0.8, 1.2, size=(30, 1)), {}

    def weighted(normalize):
        def build(rng):
            y = rng.randint(0, 3, size=40)
            y[:3] = [0, 1, 2]
            w = rng.random_sample(40) * 3
            w[rng.choice(40, size=6, replace=False)] = 0.0
            p = _random_rows(rng, 40, 3, True)
            return y, p, {"sample_weight": w, "normalize": normalize}

        return build

    def weighted_binary(rng):
        y = rng.randint(0, 2, size=40)
        y[:2] = [0, 1]
        w = rng.random_sample(40)
        return y, _with_edges(rng.random_sample(40), rng), {"sample_weight": w}

    def with_labels(labels, k_present):
        def build(rng):
            y = rng.randint(0, k_present, size=40)
            y[:k_present] = np.arange(k_present)
            p = _random_rows(rng, 40, len(labels), True)
            return y, p, {"labels": list(labels)}

        return build

    def string_labels(rng):
        names = np.array(["ham", "eggs", "spam"])
        y = names[rng.randint(0, 3, size=30)]
        y[:3] = names
        return y, _random_rows(rng, 30, 3, True), {}

    def large(rng):  # long enough for numpy's pairwise summation to matter
        y = rng.randint(0, 4, size=3000)
        y[:4] = np.arange(4)
        return y, _random_rows(rng, 3000, 4, True), {}

    return [
        ("binary_random", 1, binary(False)),
        ("binary_edges", 2, binary(True)),
        ("binary_p0_p1", 0, exact_binary([0, 1, 0, 1], [0.0, 1.0, 1.0, 0.0])),
        ("binary_p1_true1", 0, exact_binary([0, 1, 1], [0.5, 1.0, 1.0])),
        ("binary_p0_true0", 0, exact_binary([0, 1, 0], [0.0, 0.5, 0.0])),
        ("binary_p1_true0", 0, exact_binary([0, 1], [1.0, 0.5])),
        ("binary_p0_true1", 0, exact_binary([0, 1], [0.5, 0.0])),
        ("binary_tiny", 0, exact_binary([0, 1, 0, 1], [1e-9, 1 - 1e-9, 1e-30, 0.3])),
        ("multi3_random", 3, multi(3, False)),
        ("multi3_edges", 4, multi(3, True)),
        ("multi7_edges", 5, multi(7, True)),
        ("multi3_sum", 6, multi(3, True, normalize=False)),
        ("multi3_unnormalized", 7, unnormalized),
        ("multi3_weights", 8, weighted(True)),
        ("multi3_weights_sum", 9, weighted(False)),
        ("binary_weights", 10, weighted_binary),
        ("labels_extra_class", 11, with_labels([0, 1, 2, 3], 3)),
        ("labels_unsorted", 12, with_labels([3, 1, 0, 2], 4)),
        ("string_labels", 13, string_labels),
        ("multi4_large", 14, large),
    ]


def cases():
    """Every recorded case: dicts of name, dtype, y_true, y_proba and kwargs."""
    out = []
    for name, seed, build in _spec_cases():
        y, p, kwargs = build(np.random.RandomState(seed))
        for dtype in DTYPES:
            out.append(
                {
                    "name": name,
                    "dtype": dtype,
                    "y_true": y,
                    "y_proba": p.astype(dtype),
                    "kwargs": kwargs,
                }
            )
    return out


def input_digest(case):
    """sha256 of the inputs' bytes (y_true as text, so string labels count)."""
    h = hashlib.sha256()
    h.update(repr(case["y_true"].tolist()).encode())
    h.update(case["y_proba"].tobytes())
    for key in sorted(case["kwargs"]):
        h.update(repr((key, np.asarray(case["kwargs"][key]).tolist())).encode())
    return h.hexdigest()


def _call(func, case, kwargs):
    """Result (hex float or None), exception text, and warnings of one call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = float(func(case["y_true"], case["y_proba"], **kwargs))
            error = None
        except Exception as exc:  # recorded: part of the behaviour
            value, error = None, f"{type(exc).__name__}: {exc}"
    return {
        "value": None if value is None else value.hex(),
        "repr": repr(value),
        "error": error,
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
    }


def record():
    import scipy
    import sklearn
    from sklearn import metrics

    results = []
    for case in cases():
        row = {
            "name": case["name"],
            "dtype": case["dtype"],
            "digest": input_digest(case),
            "log_loss": _call(metrics.log_loss, case, case["kwargs"]),
        }
        if hasattr(metrics, "d2_log_loss_score"):
            kwargs = {k: v for k, v in case["kwargs"].items() if k != "normalize"}
            row["d2_log_loss_score"] = _call(metrics.d2_log_loss_score, case, kwargs)
        results.append(row)
    source = inspect.getsource(metrics.log_loss)
    return {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "log_loss_source_sha256": hashlib.sha256(source.encode()).hexdigest(),
        "cases": results,
    }


def main():
    data = record()
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"sklearn-{data['sklearn']}.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"{path}: {len(data['cases'])} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
