"""``convention="torch"`` and the activations against PyTorch itself, ulp by ulp.

PyTorch (CPU) is run side by side on the same arrays; each case asserts the worst
difference that docs/metric_conventions.md states (``BOUNDS`` below is that
table): in units in the last place (ulp) of the dtype, or, for the rows marked
"scaled", in multiples of the dtype's machine epsilon of
``|difference| / max(1, |value|)``. The torchmetrics part
skips on its own when torchmetrics is missing. Skipped when torch is not
installed (extra ``compat``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from parity_helpers import assert_docs_state, ulp_distance  # noqa: E402

from sklearn_ext.metrics import (  # noqa: E402
    kl_divergence,
    log_loss,
    log_sigmoid,
    log_softmax,
)

DTYPES = (np.float32, np.float64)
SEEDS = range(60)
N_SAMPLES = 300

# Worst difference to PyTorch per (case, dtype): ulp of the dtype (0: bit for
# bit), or eps of the dtype for the "scaled" cases. Rows of the table in
# docs/metric_conventions.md.
BOUNDS = {
    ("NLLLoss none", "float32"): 2,
    ("NLLLoss none", "float64"): 1,
    ("NLLLoss mean", "float32"): 2,
    ("NLLLoss mean", "float64"): 2,
    ("NLLLoss sum", "float32"): 2,
    ("NLLLoss sum", "float64"): 2,
    ("NLLLoss weight mean", "float32"): 3,
    ("NLLLoss weight mean", "float64"): 3,
    ("NLLLoss weight sum", "float32"): 3,
    ("NLLLoss weight sum", "float64"): 5,
    ("BCELoss none", "float32"): 2,
    ("BCELoss none", "float64"): 1,
    ("BCELoss mean", "float32"): 2,
    ("BCELoss mean", "float64"): 2,
    ("BCELoss sum", "float32"): 2,
    ("BCELoss sum", "float64"): 2,
    ("CrossEntropyLoss label_smoothing", "float32"): 7,
    ("CrossEntropyLoss label_smoothing", "float64"): 8,
    ("BCELoss smoothed targets", "float32"): 16,
    ("BCELoss smoothed targets", "float64"): 12,
    ("logsigmoid", "float32"): 1,
    ("logsigmoid", "float64"): 2,
    ("log_softmax scaled", "float32"): 2,
    ("log_softmax scaled", "float64"): 3,
    ("torchmetrics kl_divergence scaled", "float32"): 4,
    ("torchmetrics kl_divergence scaled", "float64"): 5,
}


def eps_distance(ours, theirs, dtype):
    """Worst ``|ours - theirs| / max(1, |theirs|)`` in eps of the dtype (rounded up).

    Relative for values beyond 1, absolute below: where a value is near 0 its
    own ulp is too fine a unit for a result that cancels (``log(1 + tiny)``).
    """
    a, b = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    scaled = np.abs(a - b) / np.maximum(1.0, np.abs(b))
    return int(np.ceil(scaled.max() / np.finfo(dtype).eps))


def probabilities(rng, k, dtype):
    """Rows on the simplex with exact 0, 1, values around 1e-30 and 1e-9."""
    p = rng.dirichlet(np.full(k, rng.choice([0.1, 1.0, 5.0])), N_SAMPLES)
    u = rng.random(p.shape)
    p[u < 0.05] = 0.0
    p[u > 0.97] *= 1e-30
    p /= p.sum(axis=1, keepdims=True)
    one_hot_rows = rng.random(N_SAMPLES) < 0.05
    hot = rng.integers(0, k, N_SAMPLES)
    p[one_hot_rows] = 0.0
    p[one_hot_rows, hot[one_hot_rows]] = 1.0
    return p.astype(dtype)


def positive_probabilities(rng, dtype):
    """1-D probabilities with exact 0 and 1, 1e-9, 1 - 1e-9 and 1e-30."""
    p = rng.random(N_SAMPLES)
    u = rng.random(N_SAMPLES)
    for lo, value in ((0.0, 0.0), (0.05, 1.0), (0.1, 1e-9), (0.15, 1 - 1e-9)):
        p[(u >= lo) & (u < lo + 0.05)] = value
    p[(u >= 0.2) & (u < 0.25)] = 1e-30
    return p.astype(dtype)


def logits(rng, k, dtype):
    z = rng.standard_normal((N_SAMPLES, k)) * rng.choice([1.0, 10.0, 100.0])
    z[0, 0], z[1, -1], z[2] = 1000.0, -1000.0, 0.0
    z[3, 0], z[4, -1] = 88.0, -88.0
    return z.astype(dtype)


def t(x):
    return torch.from_numpy(np.ascontiguousarray(x))


def torch_log_loss(case, rng, dtype):
    """(ours, PyTorch's) for one random case of ``log_loss(convention="torch")``."""
    k = int(rng.integers(2, 33))
    labels = np.arange(k)
    p = probabilities(rng, k, dtype)
    y = rng.integers(0, k, N_SAMPLES)
    kw = dict(labels=labels, convention="torch")
    if case == "NLLLoss none":
        return (
            log_loss(y, p, reduction="none", **kw),
            F.nll_loss(torch.log(t(p)), t(y), reduction="none"),
        )
    if case.startswith("NLLLoss"):
        reduction = case.rsplit(" ", 1)[1]
        finite = p[np.arange(N_SAMPLES), y] > 0  # inf to inf would prove nothing
        y, p = y[finite], p[finite]
        if "weight" not in case:
            return (
                log_loss(y, p, reduction=reduction, **kw),
                F.nll_loss(torch.log(t(p)), t(y), reduction=reduction),
            )
        # NLLLoss's class weights are the sample weights w[y]: its mean divides
        # by sum(w[y]) as log_loss does
        w = (rng.random(k) + 0.1).astype(dtype)
        return (
            log_loss(y, p, reduction=reduction, sample_weight=w[y], **kw),
            F.nll_loss(torch.log(t(p)), t(y), weight=t(w), reduction=reduction),
        )
    if case == "CrossEntropyLoss label_smoothing":
        # CrossEntropyLoss takes logits: log p is its own log-softmax when the
        # rows sum to 1, up to rounding; p >= 1e-6 keeps log p finite
        p = np.clip(p, 1e-6, None)
        p = (p / p.sum(axis=1, keepdims=True)).astype(dtype)
        s = float(rng.choice([0.05, 0.1, 0.3]))
        return (
            log_loss(y, p, reduction="none", label_smoothing=s, **kw),
            F.cross_entropy(torch.log(t(p)), t(y), label_smoothing=s, reduction="none"),
        )
    p1 = positive_probabilities(rng, dtype)
    y1 = rng.integers(0, 2, N_SAMPLES)
    kw["labels"] = [0, 1]
    if case == "BCELoss smoothed targets":
        s = float(rng.choice([0.05, 0.1, 0.3]))
        target = (y1 * (1 - s) + 0.5 * s).astype(dtype)
        return (
            log_loss(y1, p1, reduction="none", label_smoothing=s, **kw),
            F.binary_cross_entropy(t(p1), t(target), reduction="none"),
        )
    reduction = case.rsplit(" ", 1)[1]
    return (
        log_loss(y1, p1, reduction=reduction, **kw),
        F.binary_cross_entropy(t(p1), t(y1.astype(dtype)), reduction=reduction),
    )


def worst(case, dtype, seeds=SEEDS):
    """Worst distance over the seeds, as ``BOUNDS`` counts it."""
    distance = eps_distance if "scaled" in case else ulp_distance
    result = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # rows of 1e-30 terms
            ours, theirs = CASES[case.split(" ")[0]](case, rng, dtype)
        theirs = theirs.numpy() if hasattr(theirs, "numpy") else theirs
        result = max(
            result, distance(np.atleast_1d(ours), np.atleast_1d(theirs), dtype)
        )
    return result


def torch_activation(case, rng, dtype):
    z = logits(rng, int(rng.integers(2, 33)), dtype)
    if case == "logsigmoid":
        return log_sigmoid(z), F.logsigmoid(t(z))
    return log_softmax(z), F.log_softmax(t(z), dim=-1)


def torchmetrics_kl(case, rng, dtype):
    tm = pytest.importorskip("torchmetrics.functional")
    k = int(rng.integers(2, 33))
    p = probabilities(rng, k, dtype)
    q = np.clip(probabilities(rng, k, dtype), 1e-6, None)
    q = (q / q.sum(axis=1, keepdims=True)).astype(dtype)
    return kl_divergence(p, q), tm.kl_divergence(
        t(p), t(q), log_prob=False, reduction="none"
    )


CASES = {
    "NLLLoss": torch_log_loss,
    "BCELoss": torch_log_loss,
    "CrossEntropyLoss": torch_log_loss,
    "logsigmoid": torch_activation,
    "log_softmax": torch_activation,
    "torchmetrics": torchmetrics_kl,
}


@pytest.mark.parametrize(("case", "dtype"), list(BOUNDS))
def test_within_the_documented_bound(case, dtype):
    bound = BOUNDS[case, dtype]
    assert worst(case, np.dtype(dtype).type) <= bound


def test_bce_keeps_tiny_losses_as_pytorch():
    """BCELoss takes log1p(-p): -log(1 - 1e-30) is 1e-30, not 0 (issue 18)."""
    p = np.array([1e-30, 1e-12, 0.0, 1.0])
    ours = log_loss(
        [0, 0, 0, 0], p, labels=[0, 1], convention="torch", reduction="none"
    )
    theirs = F.binary_cross_entropy(
        t(p), torch.zeros(4, dtype=torch.float64), reduction="none"
    )
    np.testing.assert_array_equal(ours, theirs.numpy())
    assert ours[0] == 1e-30 and ours[3] == 100.0


def test_nll_of_zero_probability_is_inf_as_pytorch():
    p = np.array([[0.0, 1.0], [0.5, 0.5]])
    ours = log_loss([0, 1], p, convention="torch", reduction="none")
    theirs = F.nll_loss(torch.log(t(p)), t(np.array([0, 1])), reduction="none")
    np.testing.assert_array_equal(ours, theirs.numpy())
    assert np.isinf(ours[0])


def test_docs_state_these_bounds():
    assert_docs_state(BOUNDS)


if __name__ == "__main__":  # measure: python test_torch_parity.py
    for key in BOUNDS:
        print(key, worst(key[0], np.dtype(key[1]).type))
