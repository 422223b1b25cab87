"""Shared by the parity tests against Keras and PyTorch: the ulp distance, and
the check that docs/metric_conventions.md states the bounds the tests assert."""

from __future__ import annotations

import pathlib

import numpy as np

DOCS = pathlib.Path(__file__).resolve().parents[3] / "docs" / "metric_conventions.md"


def ulp_distance(ours, theirs, dtype):
    """Worst distance in ulp of ``dtype`` (+0 and -0 equal; inf to inf is 0).
    Both are rounded to ``dtype`` once (exact for values already in it)."""
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    a, b = a.astype(dtype), b.astype(dtype)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    if same.all():
        return 0
    int_type = np.int32 if np.dtype(dtype) == np.float32 else np.int64

    def ordered(x):
        i = x.view(int_type).astype(np.int64)
        return np.where(i < 0, np.iinfo(int_type).min - i, i)

    gap = np.abs(ordered(a) - ordered(b))
    return int(np.where(same, 0, gap).max())


def assert_docs_state(bounds):
    """Every ``(case, dtype) -> bound`` is a row of the docs' parity tables."""
    text = DOCS.read_text(encoding="utf-8")
    for (case, dtype), bound in bounds.items():
        row = f"| {case} | {dtype} |"
        assert row in text, row
        line = next(li for li in text.splitlines() if li.startswith(row))
        assert (f"| {bound} |" in line) or (bound == 0 and "bit for bit" in line), line
