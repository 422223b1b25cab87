"""The TSP defaults of issue 5: the distance-informed initial transition matrix,
the reverse-weighted CE update of the Permutation family, pure CE reaching the
optimum (published or brute force), and the polish (memetic CE) never worse
than pure CE."""

import pickle

import numpy as np
import pytest
from tsp_helpers import brute_force

from cemethod.families import Permutation
from cemethod.problems import ATSP, TSP
from cemethod.problems.tsp._local_search import memetic_run
from cemethod.problems.tsp.tsplib import example_path


def _random_symmetric(seed, n):
    xy = np.random.default_rng(seed).uniform(0, 100, (n, 2))
    D = np.rint(np.linalg.norm(xy[:, None] - xy[None], axis=2)).astype(int)
    return D


# -- distance prior -----------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_distance_prior_is_stochastic_with_zero_diagonal(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 30))
    D = rng.integers(1, 1000, (n, n))
    np.fill_diagonal(D, 0)
    P = ATSP(D).distance_prior(temperature=float(rng.uniform(0.2, 3)))
    assert P.shape == (n, n) and np.all(np.diagonal(P) == 0)
    assert np.all(P[~np.eye(n, dtype=bool)] > 0)  # floored: every tour possible
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-12)
    # a shorter edge never gets less weight than a longer one in the same row
    for i in range(n):
        j = np.delete(np.arange(n), i)
        order = np.argsort(D[i, j], kind="stable")
        assert np.all(np.diff(P[i, j][order]) <= 1e-15)
    Permutation(P)  # accepted by the family's validation


def test_distance_prior_closed_form_and_temperature():
    # n = 3: each row has two neighbours; scale = mean of all 6 distances.
    D = np.array([[0, 1, 4], [1, 0, 2], [4, 2, 0]])
    s = (1 + 4 + 1 + 2 + 2 + 4) / 6
    P = TSP(D).distance_prior()
    w = np.exp(-3 / s)
    np.testing.assert_allclose(P[0], [0, 1 / (1 + w), w / (1 + w)], rtol=1e-12)
    hot = TSP(D).distance_prior(temperature=1e9)
    np.testing.assert_allclose(hot, (1 - np.eye(3)) / 2, atol=1e-8)
    flat = TSP(np.zeros((4, 4))).distance_prior()  # scale 0: all ties
    np.testing.assert_allclose(flat, (1 - np.eye(4)) / 3)
    for bad in (0, -1.0, np.inf, True, "1"):
        with pytest.raises(ValueError, match="'temperature' parameter"):
            TSP(D).distance_prior(temperature=bad)


def test_default_family_prior_and_reverse_weight():
    burma = TSP.from_tsplib(example_path("burma14.tsp"))
    fam = burma.default_family()
    np.testing.assert_array_equal(fam.transition, burma.distance_prior(0.7))
    assert not np.array_equal(fam.transition, burma.distance_prior(1.0))
    assert fam.reverse_weight == 0.25 and fam.start == 0
    uni = burma.default_family(prior="uniform")
    assert uni == Permutation.uniform(14, reverse_weight=0.25)
    atsp = ATSP.from_tsplib(example_path("br17.atsp"))
    assert atsp.default_family().reverse_weight == 0.0
    np.testing.assert_array_equal(
        atsp.default_family().transition, atsp.distance_prior(1.0)
    )
    # more than 70 cities: fewer than n^2 samples, no reverse counts
    xy = np.random.default_rng(0).uniform(0, 1000, (80, 2))
    big = TSP(np.rint(np.linalg.norm(xy[:, None] - xy[None], axis=2)))
    assert big.default_options()["n_samples"] < 80 * 80
    assert big.default_family().reverse_weight == 0.0
    with pytest.raises(ValueError, match="'prior' parameter"):
        burma.default_family(prior="nearest")


def test_default_options_follow_the_budget_rule():
    for n, expected in [(14, 30_000), (52, 9246), (70, 5102), (100, 2500)]:
        opts = TSP(np.ones((n, n)) - np.eye(n)).default_options()
        assert opts["n_samples"] == expected
        assert opts["n_elite"] == max(10, round(0.01 * expected))
    atsp = ATSP(np.ones((71, 71)))
    assert atsp.default_options()["n_samples"] == round(8e7 / 71**2)


# -- reverse-weighted update -------------------------------------------------


@pytest.mark.parametrize("beta", [0.0, 0.1, 0.25, 0.5])
def test_fit_with_reverse_weight_matches_edge_loop(beta):
    rng = np.random.default_rng(3)
    n = 7
    tours = np.array([rng.permutation(n) for _ in range(9)])
    w = rng.uniform(0.1, 2.0, 9)
    C = np.zeros((n, n))
    for t, wk in zip(tours, w, strict=True):
        for k in range(n):
            a, b = t[k], t[(k + 1) % n]
            C[a, b] += (1 - beta) * wk
            C[b, a] += beta * wk  # the same tour walked backwards
    fam = Permutation.uniform(n, reverse_weight=beta).fit(tours, w)
    np.testing.assert_allclose(fam.transition, C / w.sum(), atol=1e-12)
    assert fam.reverse_weight == beta
    smoothed = fam.smooth(Permutation.uniform(n, reverse_weight=beta), 0.5)
    assert smoothed.reverse_weight == beta
    assert pickle.loads(pickle.dumps(fam)) == fam


def test_reverse_weight_degenerate_and_validation():
    tour = [[0, 3, 1, 4, 2, 5]]
    fam = Permutation.uniform(6, reverse_weight=0.25).fit(tour)
    # the tour or its reverse, probabilities 3/4 and 1/4: one cycle
    assert fam.is_degenerate()
    back = [[0, 5, 2, 4, 1, 3]]
    p = np.exp(fam.log_pdf(np.array(tour + back)))
    np.testing.assert_allclose(p, [0.75, 0.25])
    assert not Permutation.uniform(6, reverse_weight=0.25).is_degenerate()
    for bad in (-0.1, 0.6, True, "0.2", np.nan):
        with pytest.raises(ValueError, match="'reverse_weight' parameter"):
            Permutation.uniform(4, reverse_weight=bad)


# -- CE quality and the polish ----------------------------------------------


def test_pure_ce_on_burma14_reaches_the_published_optimum_in_most_seeds():
    tsp = TSP.from_tsplib(example_path("burma14.tsp"))
    lengths = [tsp.solve(rng=s, polish=False).length for s in range(5)]
    assert min(lengths) >= 3323  # the published optimum is a lower bound
    assert sum(length == 3323 for length in lengths) >= 4


def test_pure_ce_on_random_instances_matches_brute_force():
    hits = 0
    for seed in range(4):
        D = _random_symmetric(seed, 9)
        best = brute_force(D)
        length = TSP(D).solve(rng=seed, polish=False).length
        assert length >= best
        hits += length == best
    assert hits >= 3


@pytest.mark.parametrize("seed", range(3))
def test_polish_never_worse_than_pure_ce(seed):
    tsp = TSP.from_tsplib(example_path("ulysses16.tsp"))
    small = {"n_samples": 1000, "n_elite": 10}  # a weak CE: room to polish
    pure = tsp.solve(rng=seed, polish=False, **small)
    polished = tsp.solve(rng=seed, polish=True, **small)
    assert polished.polished and not pure.polished
    assert tsp.optimum <= polished.length <= pure.length
    assert tsp.tour_length(polished.tour) == polished.length
    only_after = tsp.solve(rng=seed, polish=True, polish_elite=0, **small)
    assert only_after.length <= only_after.result.fun


def test_memetic_run_tells_local_optima():
    D = _random_symmetric(7, 12)
    tsp = TSP(D)
    calls = []

    def one(t):
        calls.append(1)
        out, length = tsp.polish(t)
        return out, length

    res = memetic_run(tsp, tsp.default_family(), 2, one, rng=0, maxiter=4)
    assert len(calls) == 2 * res.nit
    assert tsp.tour_length(res.x) == res.fun
    # the best tour is a 2-opt / Or-opt local optimum
    assert tsp.polish(res.x)[1] == res.fun
    with pytest.raises(ValueError, match="'polish_elite' parameter"):
        tsp.solve(polish_elite=-1)


def test_memetic_solve_takes_workers_and_gives_the_same_run():
    # The memetic loop evaluates through the library's one evaluator, so
    # workers= (used by `cemethod tsp --workers`) must not change the run.
    tsp = TSP.from_tsplib(example_path("burma14.tsp"))
    alone = tsp.solve(rng=3, maxiter=4)
    pooled = tsp.solve(rng=3, maxiter=4, workers=2)
    np.testing.assert_array_equal(alone.tour, pooled.tour)
    assert alone.result.nfev == pooled.result.nfev
    np.testing.assert_array_equal(
        alone.result.history.gamma, pooled.result.history.gamma
    )


def test_memetic_solve_takes_progress_callback_and_checkpoint(tmp_path, capsys):
    # polish=True used to run a loop of its own that refused progress= and
    # checkpoint=; it now goes through minimize's loop, with the same run.
    tsp = TSP.from_tsplib(example_path("burma14.tsp"))
    plain = tsp.solve(rng=3, maxiter=4)
    seen = []
    shown = tsp.solve(
        rng=3, maxiter=4, progress=True, callback=lambda r: seen.append(r.nit)
    )
    assert capsys.readouterr().err  # the progress bar (or its stderr lines)
    assert seen == list(range(1, shown.result.nit + 1))
    np.testing.assert_array_equal(plain.tour, shown.tour)
    np.testing.assert_array_equal(plain.result.x, shown.result.x)
    assert plain.result.nfev == shown.result.nfev
    path = tmp_path / "memetic.pkl"
    first = tsp.solve(rng=3, maxiter=4, checkpoint=path)
    assert path.exists()
    np.testing.assert_array_equal(first.result.x, plain.result.x)
    resumed = tsp.solve(rng=3, maxiter=4, checkpoint=path)  # finished: at once
    np.testing.assert_array_equal(resumed.result.x, first.result.x)
    assert resumed.result.nfev == first.result.nfev
