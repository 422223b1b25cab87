"""Bernoulli, Categorical and Product families: exact normalisation by
enumeration, sampling frequencies against the model, the weighted MLE against
brute-force counts, the protocol's weight semantics, and input validation."""

import dataclasses
import itertools
import math
import pickle
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.families import Bernoulli, Categorical, Product, SamplingFamily
from cemethod.families import categorical as categorical_module

# ---------------------------------------------------------------- helpers


def brute_bernoulli_pmf(p, x):
    """prod p_i^x_i (1 - p_i)^(1 - x_i), written out independently."""
    out = 1.0
    for pi, xi in zip(p, x, strict=True):
        out *= pi if xi == 1 else 1.0 - pi
    return out


def brute_weighted_mean(x, w):
    x = np.asarray(x, dtype=float)
    return sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w)


def se_tolerance(p, n, z=5.0):
    """z standard errors of a frequency estimated from n draws (plus a floor)."""
    return z * np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / n) + 1e-12


@dataclass(frozen=True)
class _TinyGaussian:
    """Test-only diagonal Gaussian following the protocol (float64 events)."""

    mean: tuple
    std: tuple

    def sample(self, n, rng):
        return rng.normal(self.mean, self.std, size=(n, len(self.mean)))

    def log_pdf(self, x):
        m, s = np.array(self.mean), np.array(self.std)
        z = (np.asarray(x, dtype=float) - m) / s
        return (-0.5 * z**2 - np.log(s) - 0.5 * math.log(2 * math.pi)).sum(axis=1)

    def fit(self, x, weights=None):
        w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
        m = w @ x / w.sum()
        s = np.sqrt(w @ (x - m) ** 2 / w.sum())
        return _TinyGaussian(tuple(m), tuple(s))

    def smooth(self, previous, alpha):
        m = alpha * np.array(self.mean) + (1 - alpha) * np.array(previous.mean)
        s = alpha * np.array(self.std) + (1 - alpha) * np.array(previous.std)
        return _TinyGaussian(tuple(m), tuple(s))

    def mode(self):
        return np.array(self.mean, dtype=float)

    def is_degenerate(self, atol=1e-8):
        return max(self.std) <= atol

    def dispersion(self):
        return float(max(self.std))


# ---------------------------------------------------------------- Bernoulli

P_BERN = [0.0, 0.3, 0.5, 0.9, 1.0]


def test_bernoulli_is_protocol_and_immutable():
    fam = Bernoulli(P_BERN)
    assert isinstance(fam, SamplingFamily)
    assert fam.p.dtype == np.float64 and not fam.p.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        fam.p = np.zeros(5)
    with pytest.raises(ValueError):
        fam.p[0] = 0.2
    # the caller's array is copied, not shared
    src = np.array([0.2, 0.4])
    fam2 = Bernoulli(src)
    src[0] = 0.9
    assert fam2.p[0] == 0.2


def test_bernoulli_log_pdf_normalised_and_exact():
    fam = Bernoulli(P_BERN)
    xs = np.array(list(itertools.product([0, 1], repeat=5)))
    lp = fam.log_pdf(xs)
    assert math.isclose(np.exp(lp).sum(), 1.0, abs_tol=1e-12)
    expected = np.array([brute_bernoulli_pmf(P_BERN, x) for x in xs])
    np.testing.assert_allclose(np.exp(lp), expected, rtol=1e-12, atol=0)
    # p in {0, 1}: 0 log 0 = 0, and impossible vectors get -inf
    assert fam.log_pdf([[0, 0, 0, 0, 1]])[0] > -np.inf
    assert fam.log_pdf([[1, 0, 0, 0, 1]])[0] == -np.inf


def test_bernoulli_log_pdf_outside_support():
    fam = Bernoulli([0.5, 0.5])
    lp = fam.log_pdf(np.array([[0, 2], [0.5, 1], [-1, 0], [1, 1]]))
    assert np.array_equal(lp[:3], [-np.inf] * 3)
    assert math.isclose(lp[3], math.log(0.25))
    assert np.isfinite(fam.log_pdf(np.array([[True, False]])))[0]


def test_bernoulli_sample_frequencies():
    fam = Bernoulli(P_BERN)
    n = 20000
    x = fam.sample(n, np.random.default_rng(1))
    assert x.shape == (n, 5) and x.dtype == np.int8
    assert set(np.unique(x)) <= {0, 1}
    freq = x.mean(axis=0)
    assert np.all(np.abs(freq - P_BERN) <= se_tolerance(P_BERN, n))
    assert freq[0] == 0 and freq[-1] == 1
    # two coordinates are independent: joint frequency of (1, 1) for p = .3, .5
    joint = np.mean((x[:, 1] == 1) & (x[:, 2] == 1))
    assert abs(joint - 0.15) <= se_tolerance(0.15, n)


def test_bernoulli_same_seed_same_sample():
    fam = Bernoulli([0.3, 0.6, 0.5])
    a = fam.sample(50, np.random.default_rng(7))
    b = fam.sample(50, np.random.default_rng(7))
    c = fam.sample(50, np.random.default_rng(8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(fam.sample(50, 7), a)  # an int seed works too
    assert fam.sample(0, 0).shape == (0, 3)


def test_bernoulli_fit_matches_brute_force_and_weight_rules():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2, size=(12, 4))
    w = rng.integers(0, 4, size=12).astype(float)
    w[0] = 1.0
    fam = Bernoulli.uniform(4)
    np.testing.assert_allclose(fam.fit(x, w).p, brute_weighted_mean(x, w), rtol=1e-12)
    np.testing.assert_allclose(fam.fit(x).p, x.mean(axis=0), rtol=1e-12)
    # integer weights == repetition, zero weights == removal, scaling invariance
    rep = np.repeat(x, w.astype(int), axis=0)
    np.testing.assert_allclose(fam.fit(x, w).p, fam.fit(rep).p, rtol=1e-12)
    keep = w > 0
    np.testing.assert_allclose(fam.fit(x, w).p, fam.fit(x[keep], w[keep]).p, rtol=1e-12)
    np.testing.assert_allclose(fam.fit(x, w).p, fam.fit(x, 1e6 * w).p, rtol=1e-12)
    # bool input is accepted
    np.testing.assert_allclose(fam.fit(x.astype(bool)).p, x.mean(axis=0))


def test_bernoulli_smooth_mode_degenerate_dispersion():
    new, old = Bernoulli([1.0, 0.2, 0.5]), Bernoulli([0.0, 0.6, 0.5])
    np.testing.assert_allclose(new.smooth(old, 0.7).p, [0.7, 0.32, 0.5])
    assert new.smooth(old, 1.0) == new
    assert np.array_equal(Bernoulli([0.2, 0.5, 0.51]).mode(), [0, 0, 1])
    assert Bernoulli([0.2, 0.51]).mode().dtype == np.int8
    assert Bernoulli([0.0, 1.0, 1e-9]).is_degenerate()
    assert not Bernoulli([0.0, 1.0, 1e-9]).is_degenerate(atol=1e-10)
    assert math.isclose(Bernoulli([0.5, 0.9]).dispersion(), math.log(2))
    assert Bernoulli([0.0, 1.0]).dispersion() == 0.0


def test_bernoulli_pickle_and_equality():
    fam = Bernoulli([0.1, 0.7])
    back = pickle.loads(pickle.dumps(fam))
    assert back == fam and hash(back) == hash(fam)
    assert not back.p.flags.writeable
    assert fam != Bernoulli([0.1, 0.8])
    assert fam != Categorical([[0.5, 0.5]])


@pytest.mark.parametrize(
    ("p", "match"),
    [
        ([0.5, 1.2], "'p' parameter of Bernoulli"),
        ([-0.1], "'p' parameter of Bernoulli"),
        ([np.nan], "'p' parameter of Bernoulli"),
        ([[0.5]], "'p' parameter of Bernoulli"),
        ([], "'p' parameter of Bernoulli"),
    ],
)
def test_bernoulli_validation(p, match):
    with pytest.raises(ValueError, match=match):
        Bernoulli(p)


def test_bernoulli_method_validation():
    fam = Bernoulli([0.5, 0.5])
    with pytest.raises(ValueError, match=r"'x' parameter of Bernoulli\.fit"):
        fam.fit([[0, 2]])
    with pytest.raises(ValueError, match=r"'x' parameter of Bernoulli\.log_pdf"):
        fam.log_pdf([[0, 1, 1]])
    with pytest.raises(ValueError, match="'weights' parameter"):
        fam.fit([[0, 1]], [-1.0])
    with pytest.raises(ValueError, match="'weights' parameter"):
        fam.fit([[0, 1], [1, 1]], [1.0])
    with pytest.raises(ValueError, match="'weights' parameter"):
        fam.fit([[0, 1]], [0.0])
    with pytest.raises(ValueError, match=r"'alpha' parameter of Bernoulli\.smooth"):
        fam.smooth(fam, 0.0)
    with pytest.raises(ValueError, match="'previous' parameter"):
        fam.smooth(Bernoulli([0.5]), 0.5)
    with pytest.raises(TypeError, match="'previous' parameter"):
        fam.smooth(Categorical([[0.5, 0.5], [0.5, 0.5]]), 0.5)
    with pytest.raises(ValueError, match=r"'n' parameter of Bernoulli\.sample"):
        fam.sample(-1, 0)
    with pytest.raises(ValueError, match="'n_dims' parameter"):
        Bernoulli.uniform(0)


# ---------------------------------------------------------------- Categorical

RAGGED = [[0.2, 0.8], [0.1, 0.0, 0.9], [0.25, 0.25, 0.25, 0.25]]


def test_categorical_storage_and_constructors():
    fam = Categorical(RAGGED)
    assert isinstance(fam, SamplingFamily)
    assert fam.probs.shape == (3, 4) and not fam.probs.flags.writeable
    assert np.array_equal(fam.n_values, [2, 3, 4])
    assert np.array_equal(fam.probs[0], [0.2, 0.8, 0, 0])
    padded = Categorical(fam.probs, n_values=[2, 3, 4])
    assert padded == fam
    assert np.array_equal(Categorical([[0.5, 0.5], [0.3, 0.7]]).n_values, [2, 2])
    uni = Categorical.uniform([2, 3])
    np.testing.assert_allclose(uni.probs, [[0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    assert np.array_equal(uni.n_values, [2, 3])
    back = pickle.loads(pickle.dumps(fam))
    assert back == fam and hash(back) == hash(fam)
    assert not back.probs.flags.writeable and not back.n_values.flags.writeable


def test_categorical_log_pdf_normalised_and_exact():
    fam = Categorical(RAGGED)
    xs = np.array(list(itertools.product(range(2), range(3), range(4))))
    lp = fam.log_pdf(xs)
    assert math.isclose(np.exp(lp).sum(), 1.0, abs_tol=1e-12)
    expected = [RAGGED[0][a] * RAGGED[1][b] * RAGGED[2][c] for a, b, c in xs]
    np.testing.assert_allclose(np.exp(lp), expected, rtol=1e-12, atol=0)
    # outside the support: past k_i (padding), negative, non-integer
    bad = np.array([[2, 0, 0], [0, 3, 0], [-1, 0, 0], [0.5, 0, 0]])
    assert np.array_equal(fam.log_pdf(bad), [-np.inf] * 4)
    assert fam.log_pdf([[0, 1, 0]])[0] == -np.inf  # zero probability
    assert math.isclose(fam.log_pdf([[1.0, 2.0, 3.0]])[0], math.log(0.8 * 0.9 / 4))


def test_categorical_sample_frequencies():
    fam = Categorical(RAGGED)
    n = 30000
    x = fam.sample(n, np.random.default_rng(2))
    assert x.shape == (n, 3) and x.dtype == np.intp
    for i, row in enumerate(RAGGED):
        freq = np.bincount(x[:, i], minlength=len(row)) / n
        assert freq.size == len(row)  # never a value past k_i
        assert np.all(np.abs(freq - row) <= se_tolerance(row, n))
    assert not np.any(x[:, 1] == 1)  # zero probability is never drawn


def test_categorical_chunked_sampling_is_identical(monkeypatch):
    fam = Categorical.uniform([3, 5, 2, 7])
    ref = fam.sample(500, np.random.default_rng(4))
    monkeypatch.setattr(categorical_module, "_CHUNK", 50)
    assert np.array_equal(fam.sample(500, np.random.default_rng(4)), ref)


def test_categorical_fit_matches_brute_force_and_weight_rules():
    rng = np.random.default_rng(5)
    fam = Categorical.uniform([2, 3, 4])
    x = np.column_stack([rng.integers(0, k, 15) for k in (2, 3, 4)])
    w = rng.integers(0, 3, 15).astype(float)
    w[0] = 2.0
    fitted = fam.fit(x, w)
    for i, k in enumerate((2, 3, 4)):
        brute = [
            sum(wj for wj, xj in zip(w, x[:, i], strict=True) if xj == v)
            for v in range(k)
        ]
        np.testing.assert_allclose(fitted.probs[i, :k], np.array(brute) / w.sum())
        assert np.all(fitted.probs[i, k:] == 0)
    assert np.array_equal(fitted.n_values, [2, 3, 4])
    rep = np.repeat(x, w.astype(int), axis=0)
    np.testing.assert_allclose(fitted.probs, fam.fit(rep).probs, rtol=1e-12)
    keep = w > 0
    np.testing.assert_allclose(fitted.probs, fam.fit(x[keep], w[keep]).probs)
    np.testing.assert_allclose(fitted.probs, fam.fit(x, 3.5e-4 * w).probs)
    np.testing.assert_allclose(fitted.probs, fam.fit(x.astype(float), w).probs)


def test_categorical_smooth_mode_degenerate_dispersion():
    a = Categorical([[1.0, 0.0], [0.2, 0.3, 0.5]])
    b = Categorical([[0.0, 1.0], [0.6, 0.3, 0.1]])
    s = a.smooth(b, 0.25)
    np.testing.assert_allclose(s.probs, [[0.25, 0.75, 0], [0.5, 0.3, 0.2]])
    assert np.array_equal(a.mode(), [0, 2]) and np.array_equal(s.mode(), [1, 0])
    assert np.array_equal(Categorical([[0.5, 0.5]]).mode(), [0])  # first on ties
    assert Categorical([[1.0, 0.0], [0.0, 0.0, 1.0]]).is_degenerate()
    assert not a.is_degenerate()
    assert math.isclose(Categorical.uniform([2, 5, 3]).dispersion(), math.log(5))
    assert Categorical([[1.0, 0.0]]).dispersion() == 0.0
    with pytest.raises(ValueError, match="'previous' parameter"):
        a.smooth(Categorical.uniform([2, 4]), 0.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"probs": [[0.5, 0.6]]}, "'probs' parameter of Categorical"),
        ({"probs": [[1.5, -0.5]]}, "'probs' parameter of Categorical"),
        ({"probs": [[0.5, 0.5], [0.2, 0.2, 0.2]]}, "'probs' parameter"),
        ({"probs": [0.5, 0.5]}, "'probs' parameter of Categorical"),
        ({"probs": np.zeros((0, 2))}, "'probs' parameter of Categorical"),
        ({"probs": [[0.5, 0.5], []]}, "'probs' parameter of Categorical"),
        ({"probs": [[0.5, 0.3, 0.2]], "n_values": [2]}, "'probs' parameter"),
        ({"probs": [[0.5, 0.5, 0.0]], "n_values": [4]}, "'n_values' parameter"),
        ({"probs": [[0.5, 0.5, 0.0]], "n_values": [1.5]}, "'n_values' parameter"),
        ({"probs": [[0.5, 0.5], [1.0]], "n_values": [2, 2]}, "'n_values' parameter"),
    ],
)
def test_categorical_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Categorical(**kwargs)


def test_categorical_method_validation():
    fam = Categorical.uniform([2, 3])
    with pytest.raises(ValueError, match=r"'x' parameter of Categorical\.fit"):
        fam.fit([[0, 3]])
    with pytest.raises(ValueError, match=r"'x' parameter of Categorical\.fit"):
        fam.fit([[0.5, 1]])
    with pytest.raises(ValueError, match=r"'x' parameter of Categorical\.log_pdf"):
        fam.log_pdf([0, 1])
    with pytest.raises(ValueError, match=r"'n_values' parameter of Categorical\.un"):
        Categorical.uniform([2, 0])


@settings(max_examples=40, deadline=None)
@given(
    n_values=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 30),
)
def test_categorical_fit_is_a_distribution_property(n_values, seed, n):
    rng = np.random.default_rng(seed)
    fam = Categorical.uniform(n_values)
    x = fam.sample(n, rng)
    w = rng.random(n) + 0.01
    fitted = fam.fit(x, w)
    np.testing.assert_allclose(fitted.probs.sum(axis=1), 1.0, rtol=1e-12)
    # the fitted model puts its mass on the observed values only
    assert np.all(np.isfinite(fitted.log_pdf(x)))
    # the weighted MLE beats any other member of the family on the weighted
    # log-likelihood; compare with the uniform one
    assert w @ fitted.log_pdf(x) >= w @ fam.log_pdf(x) - 1e-9


# ---------------------------------------------------------------- Product


def test_product_discrete_normalised_and_sum_of_parts():
    b, c = Bernoulli([0.3, 0.8]), Categorical([[0.1, 0.9], [0.2, 0.3, 0.5]])
    fam = Product([b, c])
    assert isinstance(fam, SamplingFamily)
    assert fam.widths == (2, 2) and fam.n_dims == 4 and isinstance(fam.parts, tuple)
    xs = np.array(list(itertools.product(range(2), range(2), range(2), range(3))))
    lp = fam.log_pdf(xs.astype(float))
    assert math.isclose(np.exp(lp).sum(), 1.0, abs_tol=1e-12)
    np.testing.assert_allclose(lp, b.log_pdf(xs[:, :2]) + c.log_pdf(xs[:, 2:]))
    np.testing.assert_allclose(fam.log_pdf(xs), lp)  # integer input too
    # non-integer or out-of-range values in a discrete block: -inf, not truncation
    bad = np.array([[0.5, 0, 0, 0], [0, 0, 0, 2.2], [300, 0, 0, 0], [np.nan, 0, 0, 0]])
    assert np.array_equal(fam.log_pdf(bad), [-np.inf] * 4)


def test_product_sample_is_parts_in_order():
    b, c = Bernoulli([0.3, 0.8]), Categorical([[0.1, 0.9], [0.2, 0.3, 0.5]])
    fam = Product([b, c])
    x = fam.sample(40, np.random.default_rng(9))
    assert x.shape == (40, 4) and x.dtype == np.float64
    rng = np.random.default_rng(9)
    expected = np.hstack([b.sample(40, rng), c.sample(40, rng)])
    assert np.array_equal(x, expected)
    assert np.array_equal(fam.sample(40, np.random.default_rng(9)), x)


def test_product_with_a_continuous_part():
    g = _TinyGaussian((0.0, 1.0), (1.0, 2.0))
    c = Categorical.uniform([3])
    fam = Product((g, c))
    assert fam.widths == (2, 1)
    x = fam.sample(500, np.random.default_rng(0))
    assert np.all(np.isin(x[:, 2], [0.0, 1.0, 2.0]))
    np.testing.assert_allclose(fam.log_pdf(x), g.log_pdf(x[:, :2]) + math.log(1 / 3))
    w = np.random.default_rng(1).random(500)
    fitted = fam.fit(x, w)
    ref_g, ref_c = g.fit(x[:, :2], w), c.fit(x[:, 2:].astype(int), w)
    np.testing.assert_allclose(fitted.parts[0].mean, ref_g.mean)
    np.testing.assert_allclose(fitted.parts[1].probs, ref_c.probs)
    assert np.array_equal(fam.mode(), [0.0, 1.0, 0.0])
    assert fam.dispersion() == 2.0  # max(Gaussian std 2, log 3)


def test_product_fit_smooth_mode_degenerate():
    b, c = Bernoulli([0.5, 0.5]), Categorical.uniform([2, 3])
    fam = Product([b, c])
    x = np.array([[1, 0, 1, 2], [1, 1, 0, 2], [0, 1, 1, 2]], dtype=float)
    w = np.array([2.0, 1.0, 0.0])
    fitted = fam.fit(x, w)
    assert fitted.parts[0] == b.fit(x[:, :2].astype(int), w)
    assert fitted.parts[1] == c.fit(x[:, 2:].astype(int), w)
    sm = fitted.smooth(fam, 0.4)
    assert sm.parts[0] == fitted.parts[0].smooth(b, 0.4)
    assert sm.parts[1] == fitted.parts[1].smooth(c, 0.4)
    assert np.array_equal(fitted.mode(), [1.0, 0.0, 1.0, 2.0])
    assert fitted.mode().dtype == np.float64
    assert not fitted.is_degenerate()
    single = fam.fit(x[:1])
    assert single.is_degenerate() and single.dispersion() == 0.0
    assert math.isclose(fam.dispersion(), math.log(3))
    back = pickle.loads(pickle.dumps(fitted))
    assert back == fitted and back.widths == fitted.widths
    with pytest.raises(ValueError, match=r"'x' parameter of Product\.fit"):
        fam.fit(x + 0.5)


def test_product_validation():
    b = Bernoulli([0.5, 0.5])
    with pytest.raises(ValueError, match="'parts' parameter of Product"):
        Product([])
    with pytest.raises(TypeError, match="'parts' parameter of Product"):
        Product([b, "not a family"])
    with pytest.raises(ValueError, match="'widths' parameter of Product"):
        Product([b], widths=[3])
    with pytest.raises(ValueError, match="'widths' parameter of Product"):
        Product([b], widths=[2, 1])
    assert Product([b], widths=[2]).widths == (2,)
    fam = Product([b])
    with pytest.raises(ValueError, match=r"'x' parameter of Product\.log_pdf"):
        fam.log_pdf([[0, 1, 1]])
    with pytest.raises(ValueError, match=r"'alpha' parameter of Product\.smooth"):
        fam.smooth(fam, 2.0)
    with pytest.raises(TypeError, match=r"'previous' parameter of Product\.smooth"):
        fam.smooth(b, 0.5)
    with pytest.raises(ValueError, match=r"'previous' parameter of Product\.smooth"):
        fam.smooth(Product([Bernoulli([0.5])]), 0.5)


def test_fit_of_a_certain_value_stays_a_probability():
    # Regression (found by hypothesis): with these weights the bincount total
    # and w.sum() round differently, and counts / w.sum() was 1 + 2e-16.
    w = np.random.default_rng(6).random(30) + 0.01
    assert np.bincount(np.zeros(30, int), w)[0] / w.sum() > 1  # the trap is set
    fitted = Categorical([[1.0]]).fit(np.zeros((30, 1), int), w)
    assert fitted.probs[0, 0] == 1.0
    assert Bernoulli([1.0]).fit(np.ones((30, 1), int), w).p[0] == 1.0
    a = Categorical([[1.0, 0.0]])
    assert a.smooth(a, 0.7).probs.max() <= 1.0


def test_negative_zero_is_zero_for_equality_and_hash():
    a, b = Bernoulli([0.0, 0.5]), Bernoulli([-0.0, 0.5])
    assert a == b and hash(a) == hash(b)
