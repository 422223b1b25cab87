"""SequentialAllocation: the feasible-allocation family of the buffer problem.

References come from outside the family: brute-force enumeration of every
allocation, scipy.optimize for the weighted MLE, plain frequencies where no
window truncates a row."""

import itertools

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.families import SequentialAllocation
from cemethod.testing import check_family


def _all_allocations(total, lower, upper):
    ranges = [range(lo, hi + 1) for lo, hi in zip(lower, upper, strict=True)]
    return np.array(
        [c for c in itertools.product(*ranges) if sum(c) == total], dtype=np.int64
    )


def _random_family(seed, total=6, lower=(0, 1, 0, 0), upper=(3, 4, 6, 2)):
    base = SequentialAllocation.balanced(len(lower), total, lower, upper)
    p = np.random.default_rng(seed).random(base.probs.shape)
    p = np.where(base.probs > 0, p, 0.0)
    p /= p.sum(axis=1, keepdims=True)
    return SequentialAllocation(p, total, lower, upper)


@pytest.mark.parametrize("seed", [None, 3])
def test_check_family_passes(seed):
    fam = SequentialAllocation.balanced(4, 6, [0, 1, 0, 0], [3, 4, 6, 2])
    if seed is not None:
        fam = _random_family(seed)
    report = check_family(fam, rng=0)
    assert all(v == "passed" for v in report.values()), report


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_pdf_is_a_mass_over_all_allocations(seed):
    lower, upper, total = (0, 1, 0, 0), (3, 4, 6, 2), 6
    fam = _random_family(seed, total, lower, upper)
    every = _all_allocations(total, lower, upper)
    mass = np.exp(fam.log_pdf(every))
    assert mass.sum() == pytest.approx(1.0, abs=1e-12)
    # sampling frequencies agree with the masses (chi-square style bound)
    x = fam.sample(40000, np.random.default_rng(seed))
    index = {tuple(r): k for k, r in enumerate(every.tolist())}
    counts = np.bincount([index[tuple(r)] for r in x.tolist()], minlength=len(every))
    sd = np.sqrt(mass * (1 - mass) / len(x))
    assert np.all(np.abs(counts / len(x) - mass) <= 5 * sd + 1e-12)
    # the mode is the most likely allocation of the enumeration
    assert mass[index[tuple(fam.mode().tolist())]] == pytest.approx(mass.max())


def test_log_pdf_is_minus_inf_off_the_feasible_set():
    fam = SequentialAllocation.balanced(3, 5, upper=[2, 5, 5])
    lp = fam.log_pdf([[3, 1, 1], [1, 1, 1], [1, 2, 2], [0.5, 2.5, 2]])
    assert np.isneginf(lp[[0, 1, 3]]).all() and np.isfinite(lp[2])


@given(
    d=st.integers(1, 6),
    total=st.integers(0, 25),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_samples_always_feasible(d, total, seed, data):
    rng = np.random.default_rng(seed)
    upper = rng.integers(0, total + 2, size=d)
    lower = np.minimum(rng.integers(0, 3, size=d), upper)
    if not lower.sum() <= total <= np.minimum(upper, total).sum():
        return
    fam = SequentialAllocation.balanced(d, total, lower, upper)
    if d > 1 and data.draw(st.booleans()):
        p = np.where(fam.probs > 0, rng.random(fam.probs.shape) ** 4, 0.0)
        # a row with no weight on some windows exercises the uniform fallback
        p[:, : total // 2] = 0.0
        ok = p.sum(axis=1) > 0
        p[~ok] = fam.probs[~ok]
        p /= p.sum(axis=1, keepdims=True)
        fam = SequentialAllocation(p, total, lower, upper)
    x = fam.sample(200, rng)
    assert np.all(x.sum(axis=1) == total)
    assert np.all((x >= lower) & (x <= np.minimum(upper, total)))
    assert np.all(np.isfinite(fam.log_pdf(x)))
    refit = fam.fit(x, rng.random(200) + 0.01)
    assert np.all(refit.sample(50, rng).sum(axis=1) == total)


def test_fit_without_truncation_is_the_weighted_frequency():
    # two buffers, default bounds: buffer 0's window is always [0, total]
    rng = np.random.default_rng(4)
    x0 = rng.integers(0, 9, size=300)
    x = np.column_stack([x0, 8 - x0])
    w = rng.random(300)
    fit = SequentialAllocation.balanced(2, 8).fit(x, w)
    freq = np.bincount(x0, w, minlength=9) / w.sum()
    np.testing.assert_allclose(fit.probs[0], freq, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_is_the_weighted_mle(seed):
    lower, upper, total = (0, 1, 0, 0), (3, 4, 6, 2), 6
    fam = _random_family(seed + 10, total, lower, upper)
    rng = np.random.default_rng(seed)
    x = fam.sample(60, rng)
    w = rng.random(60)
    fit = fam.fit(x, w)
    support = fam.probs > 0

    def probs_of(theta):
        z = np.full(fam.probs.shape, -np.inf)
        z[support] = theta
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def nll(theta):
        return -(w * SequentialAllocation(probs_of(theta), total, lower, upper)
                 .log_pdf(x)).sum()  # fmt: skip

    best = min(
        (scipy.optimize.minimize(nll, rng.normal(size=support.sum()),
                                 method="BFGS") for _ in range(3)),
        key=lambda r: r.fun,
    )  # fmt: skip
    ll_fit = (w * fit.log_pdf(x)).sum()
    assert ll_fit >= -best.fun - 1e-6
    assert ll_fit <= -best.fun + 1e-4  # scipy's optimum is not beaten by much
    # values the sample never shows get no weight (the MLE sends them to 0)
    seen = np.zeros_like(support)
    for i in range(fam.probs.shape[0]):
        seen[i, np.unique(x[:, i])] = True
    assert np.all(fit.probs[~seen] == 0)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="'total'"):
        SequentialAllocation.balanced(3, 10, upper=[2, 2, 2])
    with pytest.raises(ValueError, match="'probs'"):
        SequentialAllocation(np.full((2, 4), 0.3), 3)
    fam = SequentialAllocation.balanced(3, 4)
    with pytest.raises(ValueError, match="'x'"):
        fam.fit([[1, 1, 1]])
