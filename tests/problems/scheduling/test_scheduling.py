"""Weighted tardiness objective, the position-assignment family, local search."""

import itertools
import math
import pickle

import numpy as np
import pytest

from cemethod.problems import PositionAssignment, WeightedTardiness


def _plain(order, p, w, d):
    """Total weighted tardiness by its definition, one job at a time."""
    t, total = 0.0, 0.0
    for j in order:
        t += p[j]
        total += w[j] * max(0.0, t - d[j])
    return total


def _instance(rng, n):
    p = rng.integers(1, 20, n)
    w = rng.integers(1, 10, n)
    d = rng.integers(0, int(p.sum() * 0.8) + 1, n)
    return p, w, d


def test_objective_matches_definition():
    rng = np.random.default_rng(0)
    p, w, d = _instance(rng, 12)
    wt = WeightedTardiness(p, w, d)
    X = PositionAssignment.uniform(12).sample(50, rng)
    expected = [_plain(x, p, w, d) for x in X]
    assert wt(X).tolist() == expected
    assert wt(X[0]).tolist() == expected[:1]  # one order as a 1-D array


@pytest.mark.parametrize("seed", range(3))
def test_ce_finds_brute_force_optimum_n7(seed):
    rng = np.random.default_rng(10 + seed)
    p, w, d = _instance(rng, 7)
    perms = np.array(list(itertools.permutations(range(7))))
    best = min(_plain(x, p, w, d) for x in perms)
    wt = WeightedTardiness(p, w, d, optimum=best)
    assert wt(perms).min() == best
    res = wt.solve(rng=seed)
    assert res.fun == best and _plain(res.x, p, w, d) == best


def test_local_search_ends_in_a_local_optimum():
    rng = np.random.default_rng(4)
    p, w, d = _instance(rng, 9)
    wt = WeightedTardiness(p, w, d)
    start = rng.permutation(9)
    order, value, nfev = wt.local_search(start)
    assert value <= wt(start)[0] and value == _plain(order, p, w, d) and nfev > 1
    # No interchange and no insertion improves on it (checked independently).
    for a, b in itertools.permutations(range(9), 2):
        swapped = order.copy()
        swapped[[a, b]] = swapped[[b, a]]
        moved = list(order)
        moved.insert(b, moved.pop(a))
        assert _plain(swapped, p, w, d) >= value
        assert _plain(moved, p, w, d) >= value


def test_polish_never_hurts():
    rng = np.random.default_rng(5)
    p, w, d = _instance(rng, 15)
    wt = WeightedTardiness(p, w, d)
    raw = wt.solve(rng=1, maxiter=3)
    pol = wt.solve(rng=1, maxiter=3, polish=True)
    assert pol.fun <= raw.fun and pol.nfev > raw.nfev
    assert pol.fun == _plain(pol.x, p, w, d)


def test_family_pdf_sums_to_one_and_matches_frequencies():
    rng = np.random.default_rng(6)
    P = rng.random((4, 4))
    P[0, 2] = 0.0  # a zero entry exercises the renormalisation
    fam = PositionAssignment(P / P.sum(axis=1, keepdims=True))
    perms = np.array(list(itertools.permutations(range(4))))
    prob = np.exp(fam.log_pdf(perms))
    assert prob.sum() == pytest.approx(1.0)
    X = fam.sample(30000, rng)
    counts = np.array([np.all(q == X, axis=1).sum() for q in perms])
    keep = prob > 0
    assert counts[~keep].sum() == 0
    chi2 = np.sum((counts[keep] - 30000 * prob[keep]) ** 2 / (30000 * prob[keep]))
    assert chi2 < 49.7  # 99.9 % quantile of chi2(23)


def test_family_fit_smooth_mode():
    fam = PositionAssignment.uniform(3)
    assert float(np.exp(fam.log_pdf([[2, 0, 1]]))[0]) == pytest.approx(1 / 6)
    X = np.array([[0, 1, 2], [0, 2, 1], [1, 0, 2]])
    fit = fam.fit(X)
    assert fit.probs[0].tolist() == pytest.approx([2 / 3, 1 / 3, 0])
    assert fit.mode().tolist() == [0, 1, 2]
    wfit = fam.fit(X, weights=[0, 0, 1])
    assert wfit.is_degenerate() and wfit.mode().tolist() == [1, 0, 2]
    assert wfit.dispersion() == 0.0
    # Position 1 holds items 1, 2, 0: uniform, the largest entropy log 3.
    assert fit.dispersion() == pytest.approx(math.log(3))
    mix = wfit.smooth(fam, 0.25)
    assert mix.probs[0].tolist() == pytest.approx([0.25, 0.5, 0.25])
    assert pickle.loads(pickle.dumps(fit)) == fit
    assert fam.log_pdf([[0, 0, 1]])[0] == -np.inf
    with pytest.raises(ValueError, match="permutations"):
        fam.fit([[0, 0, 1]])


def test_bad_input():
    with pytest.raises(ValueError, match="processing"):
        WeightedTardiness([1, 0], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="length 2"):
        WeightedTardiness([1, 2], [1, 1, 1], [1, 1])
    with pytest.raises(ValueError, match="permutation"):
        WeightedTardiness([1, 2], [1, 1], [1, 1]).local_search([0, 0])
    with pytest.raises(ValueError, match="permutations"):
        WeightedTardiness([1, 2], [1, 1], [1, 1])([[1, 1]])
    with pytest.raises(ValueError, match="row-stochastic"):
        PositionAssignment(np.ones((2, 2)))


def test_family_obeys_the_protocol():
    from cemethod.families import SamplingFamily

    assert isinstance(PositionAssignment.uniform(5), SamplingFamily)
    one = PositionAssignment.uniform(1)
    assert one.sample(3, np.random.default_rng(0)).tolist() == [[0]] * 3


def _plain_sweeps(order, p, w, d, max_passes=5):
    """Adjacent pairwise interchange sweeps, one row, by full re-evaluation."""
    order = list(order)
    for _ in range(max_passes):
        changed = False
        for k in range(len(order) - 1):
            swapped = order.copy()
            swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
            if _plain(swapped, p, w, d) < _plain(order, p, w, d):
                order, changed = swapped, True
        if not changed:
            break
    return order


def test_interchange_pass_matches_plain_sweeps():
    rng = np.random.default_rng(8)
    p, w, d = _instance(rng, 10)
    wt = WeightedTardiness(p, w, d)
    X = PositionAssignment.uniform(10).sample(30, rng)
    Y = wt.interchange_pass(X)
    assert np.all(wt(Y) <= wt(X))
    for x, y in zip(X, Y, strict=True):
        assert y.tolist() == _plain_sweeps(x, p, w, d)


def test_polish_modes():
    rng = np.random.default_rng(9)
    p, w, d = _instance(rng, 12)
    wt = WeightedTardiness(p, w, d)
    values = {m: wt.solve(rng=0, polish=m, maxiter=4).fun for m in (False, "final")}
    assert values["final"] <= values[False]
    res = wt.solve(rng=0, polish="samples", maxiter=4)
    assert res.fun == _plain(res.x, p, w, d)
    res = wt.solve(rng=0, polish=True, maxiter=4)
    assert res.fun == _plain(res.x, p, w, d)
    with pytest.raises(ValueError, match="polish"):
        wt.solve(polish="always")
