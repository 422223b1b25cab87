"""Permutation family: tours are permutations, log_pdf is the exact sampling
probability (checked by enumeration, by an independent loop and by sampling
frequencies), the CE update against brute-force edge counts, the numpy and
numba kernels agree, and the speed requirement for n = 70."""

import dataclasses
import itertools
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.families import Permutation, SamplingFamily
from cemethod.families import _tour_kernels as kernels

HAVE_NUMBA = kernels.compiled_kernels() is not None


@pytest.fixture(params=["numpy", "compiled"])
def backend(request, monkeypatch):
    """Run a test with the numpy kernels, then with the numba ones."""
    if request.param == "numpy":
        monkeypatch.setattr(kernels, "_compiled_kernels", ())
    elif not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    return request.param


def random_transition(n, seed, zero_fraction=0.0):
    rng = np.random.default_rng(seed)
    P = rng.random((n, n))
    P[rng.random((n, n)) < zero_fraction] = 0.0
    np.fill_diagonal(P, 0.0)
    P[P.sum(axis=1) == 0, (np.arange(n) + 1)[P.sum(axis=1) == 0] % n] = 1.0
    return P / P.sum(axis=1, keepdims=True)


def dead_end_transition():
    """0 <-> 1 and 2 <-> 3 only: from 0 -> 1 every unvisited node has P = 0."""
    P = np.zeros((5, 5))
    P[0, 1] = P[1, 0] = P[2, 3] = P[3, 2] = 1.0
    P[4, :4] = 0.25
    return P


def brute_tour_prob(P, tour):
    """The sampling rule written as a plain loop (renormalise over unvisited
    nodes; uniform over them when they all have probability 0)."""
    prob, visited = 1.0, {tour[0]}
    for a, b in itertools.pairwise(tour):
        unvisited = [j for j in range(len(P)) if j not in visited]
        total = sum(P[a][j] for j in unvisited)
        prob *= P[a][b] / total if total > 0 else 1.0 / len(unvisited)
        visited.add(b)
    return prob


def tours_from(start, n):
    return np.array(
        [
            (start, *rest)
            for rest in itertools.permutations([j for j in range(n) if j != start])
        ]
    )


MATRICES = {
    "dense": random_transition(5, 0),
    "sparse": random_transition(5, 1, zero_fraction=0.4),
    "dead_end": dead_end_transition(),
}


# ---------------------------------------------------------------- exactness


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_log_pdf_normalised_and_matches_loop(name, backend):
    P = MATRICES[name]
    fam = Permutation(P)
    tours = tours_from(0, 5)
    lp = fam.log_pdf(tours)
    assert math.isclose(np.exp(lp).sum(), 1.0, abs_tol=1e-12)
    expected = [brute_tour_prob(P, t) for t in tours]
    np.testing.assert_allclose(np.exp(lp), expected, rtol=1e-12, atol=1e-300)
    # random start: all 120 permutations, with the factor 1/5 for the start
    rand = Permutation(P, start="random")
    everything = np.array(list(itertools.permutations(range(5))))
    assert math.isclose(np.exp(rand.log_pdf(everything)).sum(), 1.0, abs_tol=1e-12)
    # a fixed start other than 0
    fam3 = Permutation(P, start=3)
    assert math.isclose(np.exp(fam3.log_pdf(tours_from(3, 5))).sum(), 1.0)


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_sampling_frequencies_match_log_pdf(name, backend):
    fam = Permutation(MATRICES[name])
    n_draws = 60000
    x = fam.sample(n_draws, np.random.default_rng(11))
    assert x.shape == (n_draws, 5) and x.dtype == np.intp
    assert np.all(np.sort(x, axis=1) == np.arange(5)) and np.all(x[:, 0] == 0)
    tours = tours_from(0, 5)
    p = np.exp(fam.log_pdf(tours))
    codes = x @ (5 ** np.arange(5))
    freq = np.array([np.mean(codes == t @ (5 ** np.arange(5))) for t in tours])
    tol = 5 * np.sqrt(p * (1 - p) / n_draws) + 1e-12
    assert np.all(np.abs(freq - p) <= tol)
    assert np.all(freq[p == 0] == 0)  # impossible tours are never drawn


def test_random_start_frequencies(backend):
    fam = Permutation(random_transition(4, 2), start="random")
    n_draws = 40000
    x = fam.sample(n_draws, np.random.default_rng(3))
    assert np.all(np.sort(x, axis=1) == np.arange(4))
    everything = np.array(list(itertools.permutations(range(4))))
    p = np.exp(fam.log_pdf(everything))
    codes = x @ (4 ** np.arange(4))
    freq = np.array([np.mean(codes == t @ (4 ** np.arange(4))) for t in everything])
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n_draws))


def test_log_pdf_outside_support():
    fam = Permutation.uniform(4)
    x = np.array(
        [[0, 1, 2, 3], [0, 1, 1, 3], [0, 1, 2, 4], [1, 0, 2, 3], [0, 1, 2.5, 3]]
    )
    lp = fam.log_pdf(x)
    assert math.isclose(lp[0], -math.log(6))
    assert np.array_equal(lp[1:], [-np.inf] * 4)  # repeat, range, start, float
    assert math.isclose(fam.log_pdf(x[:1].astype(float))[0], -math.log(6))
    assert np.isfinite(Permutation.uniform(4, start="random").log_pdf(x[3:4]))[0]


# ---------------------------------------------------------------- kernels


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")
@pytest.mark.parametrize("start", [0, "random"])
def test_numpy_and_compiled_kernels_agree(start):
    P = random_transition(9, 4, zero_fraction=0.6)
    fam = Permutation(P, start=start)
    rng = np.random.default_rng(5)
    starts = np.zeros(3000, np.intp) if start == 0 else rng.integers(0, 9, 3000)
    u = rng.random((3000, 8))
    a = kernels.sample_tours(fam.transition, starts, u, compiled=False)
    b = kernels.sample_tours(fam.transition, starts, u, compiled=True)
    assert np.array_equal(a, b)
    np.testing.assert_allclose(
        kernels.tour_log_probs(fam.transition, a, compiled=False),
        kernels.tour_log_probs(fam.transition, a, compiled=True),
        rtol=1e-12,
    )
    # some dead ends were met, so the fallback paths agree too
    totals = [
        sum(fam.transition[i, j] for j in range(9) if j not in set(t[: k + 1]))
        for t in a[:300]
        for k, i in enumerate(t[:-1])
    ]
    assert min(totals) == 0.0


def test_chunked_numpy_kernels_identical(monkeypatch):
    fam = Permutation(random_transition(7, 6, zero_fraction=0.3))
    monkeypatch.setattr(kernels, "_compiled_kernels", ())
    x = fam.sample(500, np.random.default_rng(0))
    lp = fam.log_pdf(x)
    monkeypatch.setattr(kernels, "_CHUNK_CELLS", 7 * 13)
    assert np.array_equal(fam.sample(500, np.random.default_rng(0)), x)
    np.testing.assert_array_equal(fam.log_pdf(x), lp)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 7),
    seed=st.integers(0, 2**32 - 1),
    zero_fraction=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_sampled_tours_are_permutations_of_positive_probability(n, seed, zero_fraction):
    fam = Permutation(random_transition(n, seed, zero_fraction), start="random")
    x = fam.sample(200, np.random.default_rng(seed))
    assert np.all(np.sort(x, axis=1) == np.arange(n))
    assert np.all(np.isfinite(fam.log_pdf(x)))
    fitted = fam.fit(x)
    np.testing.assert_allclose(fitted.transition.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(np.diagonal(fitted.transition) == 0)


# ---------------------------------------------------------------- CE update


def brute_edge_counts(tours, weights, n):
    counts = np.zeros((n, n))
    for tour, w in zip(tours, weights, strict=True):
        for k in range(n):
            counts[tour[k], tour[(k + 1) % n]] += w  # closing edge included
    return counts


def test_fit_matches_brute_force_and_weight_rules():
    rng = np.random.default_rng(8)
    fam = Permutation.uniform(6)
    x = fam.sample(20, rng)
    w = rng.integers(0, 4, 20).astype(float)
    w[0] = 1.0
    fitted = fam.fit(x, w)
    expected = brute_edge_counts(x, w, 6) / w.sum()
    np.testing.assert_allclose(fitted.transition, expected, rtol=1e-12)
    rep = np.repeat(x, w.astype(int), axis=0)
    np.testing.assert_allclose(fitted.transition, fam.fit(rep).transition)
    keep = w > 0
    np.testing.assert_allclose(fitted.transition, fam.fit(x[keep], w[keep]).transition)
    np.testing.assert_allclose(fitted.transition, fam.fit(x, 7e3 * w).transition)
    np.testing.assert_allclose(
        fam.fit(x).transition, brute_edge_counts(x, [1] * 20, 6) / 20
    )
    assert fam.fit(x.astype(float), w) == fitted


@pytest.mark.parametrize("start", [0, "random"])
def test_fit_single_tour_is_degenerate_and_reproduces_it(start):
    tour = np.array([0, 3, 1, 4, 2])
    fam = Permutation.uniform(5, start=start)
    fitted = fam.fit(np.tile(tour, (4, 1)), [1.0, 2.0, 0.5, 3.0])
    assert fitted.is_degenerate() and fitted.dispersion() == 0.0
    assert np.array_equal(fitted.mode(), tour)
    x = fitted.sample(50, np.random.default_rng(0))
    if start == 0:
        assert np.all(x == tour)
        assert fitted.log_pdf(tour[None])[0] == 0.0
    else:  # rotations of the same cycle
        rotations = {tuple(np.roll(tour, -k)) for k in range(5)}
        assert {tuple(t) for t in x} <= rotations
    assert not fam.is_degenerate()


def test_mode_is_greedy_and_most_likely_when_dominant():
    P = random_transition(6, 9)
    fam = Permutation(P)
    # greedy walk written out
    tour, visited = [0], {0}
    for _ in range(5):
        nxt = max(
            (j for j in range(6) if j not in visited), key=lambda j: P[tour[-1], j]
        )
        tour.append(nxt)
        visited.add(nxt)
    assert np.array_equal(fam.mode(), tour) and fam.mode().dtype == np.intp
    # smoothed towards a cycle, one tour has probability > 1/2: mode = argmax
    cyc = fam.fit([[0, 2, 4, 1, 5, 3]])
    sharp = cyc.smooth(fam, 0.9)
    tours = tours_from(0, 6)
    lp = sharp.log_pdf(tours)
    assert np.exp(lp.max()) > 0.5
    assert np.array_equal(sharp.mode(), tours[np.argmax(lp)])
    assert not sharp.is_degenerate() and sharp.is_degenerate(atol=0.5)
    # a random start: the mode starts at node 0
    assert Permutation(P, start="random").mode()[0] == 0


def test_smooth_dispersion_uniform():
    a = Permutation(random_transition(5, 1))
    b = Permutation.uniform(5)
    s = a.smooth(b, 0.3)
    np.testing.assert_allclose(s.transition, 0.3 * a.transition + 0.7 * b.transition)
    assert a.smooth(b, 1.0) == a
    np.testing.assert_allclose(b.transition.sum(axis=1), 1.0)
    assert math.isclose(b.dispersion(), math.log(4))
    assert 0 < a.dispersion() < math.log(4)


def test_protocol_immutability_pickle_seed():
    fam = Permutation(random_transition(6, 3), start="random")
    assert isinstance(fam, SamplingFamily)
    assert not fam.transition.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        fam.start = 1
    back = pickle.loads(pickle.dumps(fam))
    assert back == fam and hash(back) == hash(fam) and back.start == "random"
    assert not back.transition.flags.writeable
    a = fam.sample(30, np.random.default_rng(1))
    assert np.array_equal(a, fam.sample(30, np.random.default_rng(1)))
    assert not np.array_equal(a, fam.sample(30, np.random.default_rng(2)))
    assert fam.sample(0, 0).shape == (0, 6)
    assert fam != Permutation(fam.transition)  # start differs
    assert (
        Permutation(np.array([[0.0, 1.0], [1.0, 0.0]])).sample(3, 0).tolist()
        == [[0, 1]] * 3
    )


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"transition": [[0.5, 0.5], [1.0, 0.0]]}, "zero diagonal"),
        ({"transition": [[0.0, 0.9], [1.0, 0.0]]}, "row-stochastic"),
        ({"transition": [[0.0, 1.5, -0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]}, r"\[0, 1\]"),
        ({"transition": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]}, "square"),
        ({"transition": [[0.0]]}, "square"),
        ({"transition": [0.0, 1.0]}, "square"),
        ({"transition": [[0.0, np.nan], [1.0, 0.0]]}, r"\[0, 1\]"),
    ],
)
def test_transition_validation(kwargs, match):
    with pytest.raises(ValueError, match=r"'transition' parameter of Permutation"):
        Permutation(**kwargs)
    with pytest.raises(ValueError, match=match):
        Permutation(**kwargs)


@pytest.mark.parametrize("start", [3, -1, "first", True, 1.0, None])
def test_start_validation(start):
    with pytest.raises(ValueError, match=r"'start' parameter of Permutation"):
        Permutation.uniform(3, start=start)


def test_method_validation():
    fam = Permutation.uniform(4)
    with pytest.raises(ValueError, match=r"'x' parameter of Permutation\.fit"):
        fam.fit([[0, 1, 1, 3]])
    with pytest.raises(ValueError, match=r"'x' parameter of Permutation\.fit"):
        fam.fit([[0, 1, 2]])
    with pytest.raises(ValueError, match=r"'x' parameter of Permutation\.log_pdf"):
        fam.log_pdf([0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"'weights' parameter of Permutation\.fit"):
        fam.fit([[0, 1, 2, 3]], [0.0])
    with pytest.raises(ValueError, match=r"'alpha' parameter of Permutation\.smooth"):
        fam.smooth(fam, 1.5)
    with pytest.raises(ValueError, match=r"'previous' parameter"):
        fam.smooth(Permutation.uniform(5), 0.5)
    with pytest.raises(ValueError, match=r"'n' parameter of Permutation\.uniform"):
        Permutation.uniform(1)
    with pytest.raises(ValueError, match=r"'n' parameter of Permutation\.sample"):
        fam.sample(2.5, 0)


def test_fit_of_a_certain_transition_stays_a_probability():
    # counts / w.sum() rounds to 1 + 2e-16 with these weights (see the
    # Categorical regression test); n = 2 makes every transition certain.
    w = np.random.default_rng(6).random(30) + 0.01
    fitted = Permutation.uniform(2).fit(np.tile([0, 1], (30, 1)), w)
    assert np.array_equal(fitted.transition, [[0.0, 1.0], [1.0, 0.0]])
