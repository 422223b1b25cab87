"""Mergeable accumulators against one in-memory call."""

import functools
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as sp_entropy
from sklearn.metrics import log_loss as sk_log_loss

from sklearn_ext.metrics import (
    CrossEntropyAccumulator,
    EntropyAccumulator,
    LogLossAccumulator,
)


def _data(n, k=3, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(k), size=n)
    y = rng.integers(0, k, size=n)
    w = rng.uniform(0.0, 3.0, size=n)
    soft = rng.dirichlet(np.ones(k), size=n)
    return y, p, w, soft


def _rel(a, b):
    return abs(a - b) / abs(b)


@given(st.lists(st.integers(1, 40), min_size=1, max_size=8), st.integers(0, 99))
@settings(max_examples=30, deadline=None)
def test_batches_merge_to_one_call(sizes, seed):
    y, p, w, _ = _data(sum(sizes), seed=seed)
    cuts = np.cumsum(sizes)[:-1]
    accs = []
    for yy, pp, ww in zip(
        np.split(y, cuts), np.split(p, cuts), np.split(w, cuts), strict=True
    ):
        accs.append(LogLossAccumulator([0, 1, 2]).update(yy, pp, sample_weight=ww))
    merged = functools.reduce(lambda a, b: a.merge(b), accs[::-1])
    want = sk_log_loss(y, p, sample_weight=w, labels=[0, 1, 2])
    assert _rel(merged.result(), want) < 1e-12
    assert merged.n_samples_ == len(y)


def test_cross_entropy_and_entropy():
    y, p, w, soft = _data(200)
    ce = CrossEntropyAccumulator(base=2)
    ent = EntropyAccumulator()
    for s in np.array_split(np.arange(200), 7):
        ce.update(soft[s], p[s], sample_weight=w[s])
        ent.update(p[s], sample_weight=w[s])
    want_ce = np.average(-(soft * np.log2(p)).sum(axis=1), weights=w)
    assert _rel(ce.result(), want_ce) < 1e-12
    assert _rel(ent.result(), np.average(sp_entropy(p, axis=1), weights=w)) < 1e-12
    hard = CrossEntropyAccumulator(labels=[0, 1, 2]).update(y, p)
    assert _rel(hard.result(), sk_log_loss(y, p)) < 1e-12


def test_merge_checks_and_add():
    a = LogLossAccumulator([0, 1]).update([0], [[0.8, 0.2]])
    b = LogLossAccumulator([0, 1]).update([1], [[0.8, 0.2]])
    c = a + b
    assert a.n_samples_ == 1 and c.n_samples_ == 2
    assert _rel(c.result(), sk_log_loss([0, 1], [[0.8, 0.2]] * 2)) < 1e-15
    with pytest.raises(ValueError, match="same labels and base"):
        a.merge(LogLossAccumulator([0, 2]))
    with pytest.raises(ValueError, match="same labels and base"):
        a.merge(LogLossAccumulator([0, 1], base=2))
    with pytest.raises(ValueError, match="same labels and base"):
        a.merge(EntropyAccumulator())
    with pytest.raises(ValueError, match="no samples with positive weight"):
        LogLossAccumulator([0, 1]).result()
    with pytest.raises(ValueError, match="sample_weight"):
        LogLossAccumulator([0, 1]).update([0], [[0.5, 0.5]], sample_weight=[-1.0])
    with pytest.raises(ValueError, match="labels"):
        LogLossAccumulator([0])
    # a batch of zero weight is fine; pickling keeps the totals
    a.update([1], [[0.3, 0.7]], sample_weight=[0.0])
    assert pickle.loads(pickle.dumps(a)).result() == a.result()


def test_compensation_large_offsets():
    # many batches of very different magnitude: naive summation would drift
    acc = EntropyAccumulator()
    acc.update([[0.5, 0.5]], sample_weight=[1e16])
    for _ in range(1000):
        acc.update([[1.0, 0.0]], sample_weight=[1.0])
    # exact: (1e16 * ln 2 + 0) / (1e16 + 1000)
    want = 1e16 * np.log(2) / (1e16 + 1000)
    assert _rel(acc.result(), want) < 1e-15


def test_dask_partitions():
    da = pytest.importorskip("dask.array")
    dask = pytest.importorskip("dask")
    y, p, w, _ = _data(1000, k=4, seed=5)
    labels = np.arange(4)
    dy = da.from_array(y, chunks=137)
    dp = da.from_array(p, chunks=(137, 4))
    dw = da.from_array(w, chunks=137)

    @dask.delayed
    def part(yy, pp, ww):
        return LogLossAccumulator(labels, base=2).update(yy, pp, sample_weight=ww)

    @dask.delayed
    def merge(accs):
        return functools.reduce(lambda a, b: a.merge(b), accs)

    parts = [
        part(a, b, c)
        for a, b, c in zip(
            dy.to_delayed().ravel(),
            dp.to_delayed().ravel(),
            dw.to_delayed().ravel(),
            strict=True,
        )
    ]
    assert len(parts) == 8
    got = merge(parts).compute(scheduler="threads")
    want = sk_log_loss(y, p, sample_weight=w) / np.log(2)
    assert _rel(got.result(), want) < 1e-12
    assert got.n_samples_ == 1000


def test_import_order():
    # _proba_targets imports sklearn_ext.metrics, whose __init__ imports the
    # accumulators: importing it first must work in a fresh interpreter
    code = "import sklearn_ext._proba_targets, sklearn_ext.metrics as m; print(m)"
    root = str(Path(__file__).resolve().parents[3])
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
