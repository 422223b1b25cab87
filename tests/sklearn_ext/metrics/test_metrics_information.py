"""entropy, cross_entropy, kl_divergence, js_divergence against scipy and theory."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special, stats
from scipy.spatial import distance

from sklearn_ext.metrics import cross_entropy, entropy, js_divergence, kl_divergence

RTOL = 1e-12


def _random_dists(rng, shape, axis=-1, zeros=False):
    x = rng.random(shape)
    if zeros:
        x[rng.random(shape) < 0.2] = 0.0
        x[..., 0] += 0.1  # no all-zero distribution along the last axis
    return x / x.sum(axis=axis, keepdims=True)


# ------------------------------------------------------ published values ---
P8 = [0.35, 0.35, 0.1, 0.1, 0.04, 0.04, 0.01, 0.01]
CODE = [2.0**-k for k in (2, 2, 3, 3, 4, 4, 5, 5)]  # codeword lengths 2..5 bits


def test_reference_values_in_bits():
    assert round(entropy([0.75, 0.25], base=2), 3) == 0.811
    assert round(entropy(P8, base=2), 2) == 2.23
    assert round(cross_entropy(P8, CODE, base=2), 2) == 2.42
    assert round(cross_entropy(P8[::-1], CODE, base=2), 2) == 4.58


def test_uniform_and_point_mass():
    assert entropy(np.full(8, 1 / 8), base=2) == pytest.approx(3.0, rel=1e-15)
    assert entropy([0.0, 1.0, 0.0]) == 0.0
    assert math.copysign(1.0, entropy([0.0, 1.0])) == 1.0  # +0.0, not -0.0


# ------------------------------------------------------- scipy parity ---
@pytest.mark.parametrize("base", [None, 2, 10, 0.5, 7.3])
@pytest.mark.parametrize("zeros", [False, True])
def test_entropy_matches_scipy(base, zeros):
    rng = np.random.default_rng(0)
    p = _random_dists(rng, (300, 7), zeros=zeros)
    got = entropy(p, axis=1, base=base)
    want = stats.entropy(p, axis=1, base=base)
    np.testing.assert_allclose(got, want, rtol=RTOL)
    assert got.shape == (300,)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_entropy_any_axis_of_3d(axis):
    rng = np.random.default_rng(1)
    p = _random_dists(rng, (4, 5, 6), axis=axis)
    got = entropy(p, axis=axis)
    np.testing.assert_allclose(got, stats.entropy(p, axis=axis), rtol=RTOL)
    assert got.shape == tuple(np.delete(np.array(p.shape), axis % 3))


@pytest.mark.parametrize("base", [None, 2, 10])
@pytest.mark.parametrize("zeros", [False, True])
def test_kl_matches_scipy_and_rel_entr(base, zeros):
    rng = np.random.default_rng(2)
    p = _random_dists(rng, (300, 6), zeros=zeros)
    q = _random_dists(rng, (300, 6))
    got = kl_divergence(p, q, axis=1, base=base)
    np.testing.assert_allclose(got, stats.entropy(p, q, axis=1, base=base), rtol=RTOL)
    scale = 1.0 if base is None else math.log(base)
    rel = special.rel_entr(p, q).sum(axis=1) / scale
    np.testing.assert_allclose(got, rel, rtol=RTOL)


@pytest.mark.parametrize("base", [None, 2, 10])
def test_js_is_squared_scipy_jensenshannon(base):
    rng = np.random.default_rng(3)
    p = _random_dists(rng, (200, 5), zeros=True)
    q = _random_dists(rng, (200, 5), zeros=True)
    got = js_divergence(p, q, base=base)
    want = distance.jensenshannon(p, q, axis=1, base=base) ** 2
    np.testing.assert_allclose(got, want, rtol=1e-11)


def test_normalize_matches_scipy_on_counts():
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 50, size=(100, 8)).astype(float)
    counts[:, 0] += 1
    other = rng.random((100, 8)) * 7 + 0.01
    np.testing.assert_allclose(
        entropy(counts, normalize=True, base=2),
        stats.entropy(counts, axis=1, base=2),
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        kl_divergence(counts, other, normalize=True),
        stats.entropy(counts, other, axis=1),
        rtol=RTOL,
    )
    before = counts.copy()
    cross_entropy(counts, other, normalize=True)
    np.testing.assert_array_equal(counts, before)  # input left alone


def test_rescaling_that_underflows_to_zero_still_counts_zero():
    p = [5e-324, 1e300]  # 5e-324 / 1e300 underflows to 0.0
    assert entropy(p, normalize=True) == 0.0 == stats.entropy(p)
    assert kl_divergence(p, [0.5, 0.5], normalize=True) == pytest.approx(math.log(2))


def test_large_batch_crosses_block_boundaries():
    # More rows than one kernel block, with zeros in some blocks only.
    rng = np.random.default_rng(5)
    p = _random_dists(rng, (40_000, 10))
    p[30_000:, 3] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    q = _random_dists(rng, (40_000, 10))
    np.testing.assert_allclose(entropy(p), stats.entropy(p, axis=1), rtol=RTOL)
    np.testing.assert_allclose(
        kl_divergence(p, q), stats.entropy(p, q, axis=1), rtol=1e-11
    )


# ----------------------------------------------------------- semantics ---
def test_one_dimensional_input_gives_float():
    for value in (
        entropy([0.5, 0.5]),
        cross_entropy([0.5, 0.5], [0.5, 0.5]),
        kl_divergence([0.5, 0.5], [0.5, 0.5]),
        js_divergence([0.5, 0.5], [0.5, 0.5]),
    ):
        assert type(value) is float


def test_zero_times_log_zero_is_zero_and_missing_support_is_inf():
    assert kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    rows = kl_divergence([[0.5, 0.5], [1.0, 0.0]], [1.0, 0.0])
    np.testing.assert_array_equal(rows, [math.inf, 0.0])
    assert js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.log(2))


def test_broadcasting_against_one_distribution():
    rng = np.random.default_rng(6)
    p = _random_dists(rng, (50, 4))
    q = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(
        kl_divergence(p, q), stats.entropy(p, np.tile(q, (50, 1)), axis=1), rtol=RTOL
    )
    np.testing.assert_allclose(
        cross_entropy(q, p), [cross_entropy(q, row) for row in p], rtol=RTOL
    )
    assert kl_divergence(p[:, :, None], q[:, None], axis=1).shape == (50, 1)


@pytest.mark.parametrize("zeros", [False, True])
def test_cross_entropy_is_entropy_plus_kl(zeros):
    rng = np.random.default_rng(7)
    p = _random_dists(rng, (100, 9), zeros=zeros)
    q = _random_dists(rng, (100, 9))
    for base in (None, 2):
        np.testing.assert_allclose(
            cross_entropy(p, q, base=base),
            entropy(p, base=base) + kl_divergence(p, q, base=base),
            rtol=1e-13,
        )


# ---------------------------------------------------------- properties ---
def _dist(n):
    elements = st.floats(0.0, 1.0, allow_subnormal=False)
    return hnp.arrays(np.float64, n, elements=elements).filter(lambda a: a.sum() > 0.1)


pairs = st.integers(2, 8).flatmap(lambda n: st.tuples(_dist(n), _dist(n)))


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_gibbs_inequality_and_kl_properties(pq):
    p, q = (a / a.sum() for a in pq)
    tol = 1e-12
    assert cross_entropy(p, q) >= entropy(p) - tol
    kl = kl_divergence(p, q)
    assert kl_divergence(p, p) == 0.0
    # Pinsker: KL >= |p - q|_1^2 / 2, so KL = 0 forces p = q.
    assert kl >= 0.5 * np.abs(p - q).sum() ** 2 - tol


@settings(max_examples=100, deadline=None)
@given(pairs, st.sampled_from([2, 10, 0.5, 3.7]))
def test_base_change_is_a_scaling(pq, base):
    p, q = (a / a.sum() for a in pq)
    for f in (cross_entropy, kl_divergence, js_divergence):
        nats = f(p, q)
        if math.isfinite(nats):
            assert f(p, q, base=base) == pytest.approx(
                nats / math.log(base), rel=1e-13, abs=1e-15
            )
    assert entropy(p, base=base) == pytest.approx(
        entropy(p) / math.log(base), rel=1e-13, abs=1e-15
    )


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_js_symmetric_and_bounded(pq):
    p, q = (a / a.sum() for a in pq)
    js = js_divergence(p, q)
    assert js == pytest.approx(js_divergence(q, p), rel=1e-12, abs=1e-15)
    assert -1e-15 <= js <= math.log(2) + 1e-15
    assert js_divergence(p, q, base=2) <= 1 + 1e-15


# ------------------------------------------------------------- errors ---
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p": [0.5, np.nan]}, "'p' parameter of entropy must be finite"),
        ({"p": [0.5, np.inf]}, "'p' parameter of entropy must be finite"),
        ({"p": [1.5, -0.5]}, "'p' parameter of entropy must be non-negative"),
        ({"p": [1.5, 0.5]}, "'p' parameter of entropy must be in \\[0, 1\\]"),
        ({"p": [[0, 0], [1, 1]], "normalize": True}, "'p'.*positive, finite sum"),
        ({"p": []}, "'p' parameter .* non-empty"),
        ({"p": 0.5}, "'p' parameter .* at least 1-D"),
        ({"p": ["a", "b"]}, "'p' parameter .* real numbers"),
        ({"p": [0.5, 0.5], "base": 1}, "'base' parameter of entropy"),
        ({"p": [0.5, 0.5], "base": -2}, "'base' parameter"),
        ({"p": [0.5, 0.5], "base": "e"}, "'base' parameter"),
        ({"p": [0.5, 0.5], "axis": 1}, "'axis' parameter of entropy"),
        ({"p": [0.5, 0.5], "axis": 0.0}, "'axis' parameter"),
        ({"p": [0.5, 0.5], "normalize": 1}, "'normalize' parameter"),
    ],
)
def test_entropy_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        entropy(**kwargs)


@pytest.mark.parametrize("func", [cross_entropy, kl_divergence, js_divergence])
def test_two_argument_functions_reject_bad_input(func):
    name = func.__name__
    with pytest.raises(ValueError, match=f"'q' parameter of {name} must be finite"):
        func([0.5, 0.5], [np.nan, 0.5])
    with pytest.raises(ValueError, match=f"'q' parameter of {name} .* broadcasts"):
        func([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match=f"'p' parameter of {name} must be non-neg"):
        func([-0.5, 1.5], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"'q' parameter .* in \[0, 1\]"):
        func([0.5, 0.5], [2.0, 1.0])
    with pytest.raises(ValueError, match=r"'q' parameter .* positive, finite sum"):
        func([0.5, 0.5], [0.0, 0.0], normalize=True)
    with pytest.raises(ValueError, match=f"'base' parameter of {name}"):
        func([0.5, 0.5], [0.5, 0.5], base=0)
