"""Continuous sampling families and the check_family battery.

References come from outside the code under test: scipy.stats densities,
numpy's weighted averages, and the closed-form CE-optimal exponential mean.
"""

import dataclasses
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cemethod.families import (
    Exponential,
    Gamma,
    Gaussian,
    MultivariateGaussian,
    SamplingFamily,
    TruncatedGaussian,
)
from cemethod.testing import FAMILY_CHECKS, check_family

INF = np.inf
CORR5 = 0.5 * np.eye(5) + 0.5 * np.ones((5, 5))
SINGULAR = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 2.0]])

# (family, keyword arguments for check_family)
BATTERY = [
    (Gaussian(0.0, 1.0), {}),
    (Gaussian(np.arange(5.0), [0.1, 1, 2, 3, 40]), {}),
    (Gaussian([1.0, 2.5], [0.0, 1.0]), {}),  # one coordinate collapsed
    (Gaussian(np.zeros(30), 1.0), {}),
    (MultivariateGaussian([3.0], [[4.0]]), {}),
    (MultivariateGaussian([0.0, 1.0], [[1, 0.95], [0.95, 1]]), {}),
    (MultivariateGaussian(np.arange(5.0), CORR5), {}),
    (MultivariateGaussian(np.zeros(3), SINGULAR), {}),
    (MultivariateGaussian(np.zeros(2), np.eye(2), min_variance=1e-16), {}),
    (TruncatedGaussian(0.0, 1.0, 0.0, INF), {"exact_fit": False}),
    (
        TruncatedGaussian(
            [0, 0, 5, 0, 1],
            [1, 2, 1, 0.5, 3],
            [0, -1, -1, -INF, 2],
            [INF, 1, 1, INF, 3],
        ),
        {"exact_fit": False},
    ),
    (TruncatedGaussian(0.0, 1.0, 8.0, 9.0), {"exact_fit": False}),  # far tail
    (Exponential(2.0), {"skip": ("collapse",)}),
    (Exponential([0.5, 1, 2, 4, 8]), {"skip": ("collapse",)}),
    (Gamma(3.0, 2.0), {"skip": ("collapse",)}),
    (Gamma([0.7, 1.0, 2.0, 5.0, 20.0], 1.5), {"skip": ("collapse",)}),
]


@pytest.mark.parametrize(("family", "kwargs"), BATTERY, ids=lambda v: repr(v)[:40])
def test_battery_passes(family, kwargs):
    assert isinstance(family, SamplingFamily)
    report = check_family(family, **kwargs)
    assert set(report) == set(FAMILY_CHECKS)
    ran = {k for k, v in report.items() if v == "passed"}
    assert {"shapes", "weights", "smooth", "mode", "pickle"} <= ran


def test_battery_reports_skips():
    report = check_family(
        MultivariateGaussian(np.zeros(3), SINGULAR), skip=("pickle",), n_samples=500
    )
    assert report["pickle"] == "skipped: asked"
    assert report["normalization"].startswith("skipped: the samples have a singular")


# --- closed forms against scipy -------------------------------------------------


def test_gaussian_log_pdf_matches_scipy():
    g = Gaussian([0.0, -1.0, 3.0], [1.0, 0.5, 7.0])
    x = g.sample(200, np.random.default_rng(1))
    ref = stats.norm.logpdf(x, g.mean, g.std).sum(axis=1)
    np.testing.assert_allclose(g.log_pdf(x), ref, rtol=1e-12)


def test_gaussian_zero_std_is_point_mass():
    g = Gaussian([1.0, 2.0], [0.0, 1.0])
    x = g.sample(50, np.random.default_rng(2))
    assert np.all(x[:, 0] == 1.0)
    np.testing.assert_allclose(
        g.log_pdf(x), stats.norm.logpdf(x[:, 1], 2.0, 1.0), rtol=1e-12
    )
    assert g.log_pdf(np.array([[1.5, 2.0]]))[0] == -INF
    assert g.is_degenerate() is False
    assert Gaussian([1.0, 2.0], 0.0).is_degenerate()


@pytest.mark.parametrize("cov", [CORR5, np.diag([1.0, 2, 3, 4, 1e-3])])
def test_multivariate_log_pdf_matches_scipy(cov):
    mean = np.linspace(-1, 1, 5)
    g = MultivariateGaussian(mean, cov)
    x = g.sample(300, np.random.default_rng(3))
    ref = stats.multivariate_normal(mean, cov).logpdf(x)
    np.testing.assert_allclose(g.log_pdf(x), ref, rtol=1e-12)


def test_multivariate_singular_matches_scipy_allow_singular():
    g = MultivariateGaussian([1.0, 2.0, 3.0], SINGULAR)
    x = g.sample(100, np.random.default_rng(4))
    np.testing.assert_allclose(x[:, 0] - 1.0, x[:, 1] - 2.0, atol=1e-12)
    ref = stats.multivariate_normal([1.0, 2.0, 3.0], SINGULAR, allow_singular=True)
    np.testing.assert_allclose(g.log_pdf(x), ref.logpdf(x), rtol=1e-10)
    assert g.log_pdf(np.array([[1.0, 2.5, 3.0]]))[0] == -INF


def test_multivariate_sample_moments():
    g = MultivariateGaussian([1.0, -2.0], [[2.0, 0.8], [0.8, 1.0]])
    x = g.sample(200_000, np.random.default_rng(5))
    np.testing.assert_allclose(x.mean(axis=0), g.mean, atol=0.02)
    np.testing.assert_allclose(np.cov(x.T), g.cov, atol=0.03)


BOXES = [
    (0.0, 1.0, -INF, INF),
    (0.0, 1.0, 0.0, INF),
    (1.0, 2.0, -1.0, 0.5),
    (0.0, 1.0, 8.0, 9.0),
    (0.0, 1.0, -40.0, -39.0),  # far left tail: Phi underflows without log-space
    (3.0, 0.5, -INF, -2.0),
]


@pytest.mark.parametrize(("mean", "std", "lower", "upper"), BOXES)
def test_truncated_log_pdf_and_sampling_match_truncnorm(mean, std, lower, upper):
    t = TruncatedGaussian(mean, std, lower, upper)
    ref = stats.truncnorm((lower - mean) / std, (upper - mean) / std, mean, std)
    x = t.sample(4000, np.random.default_rng(6))
    assert np.all((x >= lower) & (x <= upper))
    np.testing.assert_allclose(
        t.log_pdf(x), ref.logpdf(x[:, 0]), rtol=1e-12, atol=1e-12
    )
    assert stats.kstest(x[:, 0], ref.cdf).pvalue > 1e-3


def test_truncated_outside_box_and_zero_std():
    t = TruncatedGaussian([0.0, 5.0], [1.0, 0.0], [-1.0, 0.0], [1.0, 2.0])
    x = t.sample(20, np.random.default_rng(7))
    assert np.all(x[:, 1] == 2.0)  # point mass at the clipped mean
    np.testing.assert_allclose(
        t.log_pdf(x), stats.truncnorm(-1, 1).logpdf(x[:, 0]), rtol=1e-12
    )
    assert t.log_pdf(np.array([[1.5, 2.0], [0.0, 1.0]])).tolist() == [-INF, -INF]
    np.testing.assert_array_equal(t.mode(), [0.0, 2.0])


def test_exponential_and_gamma_log_pdf_match_scipy():
    e = Exponential([0.5, 2.0, 10.0])
    x = e.sample(200, np.random.default_rng(8))
    ref = stats.expon.logpdf(x, scale=e.mean).sum(axis=1)
    np.testing.assert_allclose(e.log_pdf(x), ref, rtol=1e-12)
    g = Gamma([0.5, 1.0, 4.0], [1.0, 2.0, 3.0])
    x = g.sample(200, np.random.default_rng(9))
    ref = stats.gamma.logpdf(x, a=g.shape, scale=g.mean / g.shape).sum(axis=1)
    np.testing.assert_allclose(g.log_pdf(x), ref, rtol=1e-12)
    assert e.log_pdf(np.array([[-1.0, 1.0, 1.0]]))[0] == -INF
    np.testing.assert_allclose(g.mode(), [0.0, 0.0, 2.25])


# --- the CE update ---------------------------------------------------------------


def _weighted_data(seed, d=3, n=40):
    rng = np.random.default_rng(seed)
    return rng.gamma(2.0, size=(n, d)), rng.random(n) * 5


def test_fits_match_numpy_weighted_formulas():
    x, w = _weighted_data(10)
    m = np.average(x, weights=w, axis=0)
    s = np.sqrt(np.average((x - m) ** 2, weights=w, axis=0))
    g = Gaussian(np.zeros(3), 1.0).fit(x, w)
    np.testing.assert_allclose(g.mean, m, rtol=1e-12)
    np.testing.assert_allclose(g.std, s, rtol=1e-12)
    t = TruncatedGaussian(0.0, 1.0, [0, 0, 0], INF).fit(x, w)
    np.testing.assert_allclose(t.mean, m, rtol=1e-12)
    np.testing.assert_allclose(t.std, s, rtol=1e-12)
    np.testing.assert_array_equal(t.lower, 0.0)
    mv = MultivariateGaussian(np.zeros(3), np.eye(3), min_variance=0.01).fit(x, w)
    ref = np.cov(x.T, aweights=w, bias=True) + 0.01 * np.eye(3)
    np.testing.assert_allclose(mv.cov, ref, rtol=1e-12)
    assert mv.min_variance == 0.01
    np.testing.assert_allclose(Exponential([1.0] * 3).fit(x, w).mean, m, rtol=1e-12)
    gam = Gamma(2.5, [1.0] * 3).fit(x, w)
    np.testing.assert_allclose(gam.mean, m, rtol=1e-12)
    np.testing.assert_array_equal(gam.shape, 2.5)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e3, 1e3), st.floats(1e-3, 10.0)),
        min_size=1,
        max_size=30,
    )
)
def test_gaussian_fit_property(rows):
    x = np.array([[r[0]] for r in rows])
    w = np.array([r[1] for r in rows])
    g = Gaussian(0.0, 1.0).fit(x, w)
    m = np.average(x[:, 0], weights=w)
    np.testing.assert_allclose(g.mean, [m], rtol=1e-9, atol=1e-9)
    var = np.average((x[:, 0] - m) ** 2, weights=w)
    np.testing.assert_allclose(g.std**2, [var], rtol=1e-7, atol=1e-9)


def test_collapsed_fit_is_exact_and_min_variance_keeps_it_definite():
    x = np.repeat([[0.1, 0.7, 1e5]], 37, axis=0)
    g = Gaussian(np.zeros(3), 1.0).fit(x)
    np.testing.assert_array_equal(g.mean, x[0])
    np.testing.assert_array_equal(g.std, 0.0)
    mv = MultivariateGaussian(np.zeros(3), np.eye(3), min_variance=1e-6).fit(x)
    np.testing.assert_allclose(mv.cov, 1e-6 * np.eye(3), rtol=1e-12)
    assert np.isfinite(mv.log_pdf(x)).all()
    assert mv.is_degenerate()
    assert not MultivariateGaussian(np.zeros(3), 2e-6 * np.eye(3), 1e-6).is_degenerate()
    plain = MultivariateGaussian(np.zeros(3), np.eye(3)).fit(x)
    assert plain.is_degenerate()
    np.testing.assert_array_equal(plain.sample(3, 0), x[:3])


def test_ce_optimal_exponential_mean_is_gamma_plus_u():
    # For X ~ Exp(mean u) and the event X >= gamma, the CE-optimal mean is
    # E[X | X >= gamma] = gamma + u (memorylessness). Estimate it by the CE
    # update from samples of Exp(v) with likelihood-ratio weights.
    u, v, gamma = 1.0, 4.0, 5.0
    nominal, proposal = Exponential(u), Exponential(v)
    x = proposal.sample(200_000, np.random.default_rng(11))
    w = (x[:, 0] >= gamma) * np.exp(nominal.log_pdf(x) - proposal.log_pdf(x))
    fitted = nominal.fit(x, w)
    np.testing.assert_allclose(fitted.mean, [gamma + u], rtol=0.01)


# --- smoothing -------------------------------------------------------------------


def test_smoothing_formulas():
    a, b = Gaussian([0.0, 1.0], [1.0, 2.0]), Gaussian([2.0, 3.0], [3.0, 4.0])
    s = a.smooth(b, 0.3)
    np.testing.assert_allclose(s.mean, [1.4, 2.4])
    np.testing.assert_allclose(s.std, [2.4, 3.4])
    s = a.smooth(b, 0.3, std_alpha=0.9)
    np.testing.assert_allclose(s.mean, [1.4, 2.4])
    np.testing.assert_allclose(s.std, [1.2, 2.2])
    ta = TruncatedGaussian([0.0], [1.0], -1.0, 1.0)
    tb = TruncatedGaussian([1.0], [3.0], -1.0, 1.0)
    ts = ta.smooth(tb, 0.5, std_alpha=0.25)
    np.testing.assert_allclose([ts.mean[0], ts.std[0]], [0.5, 2.5])
    ma = MultivariateGaussian([0.0, 0.0], np.eye(2))
    mb = MultivariateGaussian([1.0, 1.0], [[2.0, 1.0], [1.0, 2.0]])
    ms = ma.smooth(mb, 0.25)
    np.testing.assert_allclose(ms.cov, [[1.75, 0.75], [0.75, 1.75]])
    np.testing.assert_allclose(ms.mean, [0.75, 0.75])
    np.testing.assert_allclose(Exponential(1.0).smooth(Exponential(3.0), 0.5).mean, 2)
    gs = Gamma(2.0, 1.0).smooth(Gamma(2.0, 5.0), 0.75)
    np.testing.assert_allclose(gs.mean, [2.0])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Gaussian(0.0, 1.0).smooth(Gaussian([0.0, 1.0], 1.0), 0.5), "previous"),
        (lambda: Gaussian(0.0, 1.0).smooth(Exponential(1.0), 0.5), "previous"),
        (lambda: Gaussian(0.0, 1.0).smooth(Gaussian(0.0, 1.0), 0.0), "alpha"),
        (lambda: Gaussian(0.0, 1.0).smooth(Gaussian(0.0, 1.0), 1.5), "alpha"),
        (
            lambda: Gaussian(0.0, 1.0).smooth(Gaussian(0.0, 1.0), 0.5, std_alpha=2),
            "std_alpha",
        ),
        (lambda: Gamma(2.0, 1.0).smooth(Gamma(3.0, 1.0), 0.5), "previous"),
        (
            lambda: TruncatedGaussian(0, 1, 0, 1).smooth(
                TruncatedGaussian(0, 1, 0, 2), 0.5
            ),
            "previous",
        ),
    ],
)
def test_smooth_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- validation, immutability --------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Gaussian([0.0, 1.0], -1.0), "'std' parameter of Gaussian"),
        (lambda: Gaussian([0.0, np.nan], 1.0), "'mean' parameter of Gaussian"),
        (lambda: Gaussian([0.0, 1.0], [1.0, 1.0, 1.0]), "'std'"),
        (lambda: Gaussian([], 1.0), "'mean'"),
        (lambda: Gaussian("a", 1.0), "'mean'"),
        (lambda: MultivariateGaussian([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]]), "'cov'"),
        (lambda: MultivariateGaussian([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]), "'cov'"),
        (lambda: MultivariateGaussian([0.0, 0.0], np.eye(3)), "'cov'"),
        (lambda: MultivariateGaussian([0.0], [[1.0]], min_variance=-1), "min_var"),
        (lambda: TruncatedGaussian(0.0, 1.0, 1.0, 1.0), "'upper'"),
        (lambda: TruncatedGaussian(0.0, 1.0, [0.0, 0.0], [1.0]), "'upper'"),
        (lambda: TruncatedGaussian(0.0, -1.0, 0.0, 1.0), "'std'"),
        (lambda: Exponential([1.0, -1.0]), "'mean' parameter of Exponential"),
        (lambda: Gamma(0.0, 1.0), "'shape' parameter of Gamma"),
        (lambda: Gamma(1.0, -1.0), "'mean' parameter of Gamma"),
        (lambda: Gaussian(0.0, 1.0).sample(-1, 0), "'n'"),
        (lambda: Gaussian(0.0, 1.0).sample(2.0, 0), "'n'"),
        (lambda: Gaussian([0.0, 1.0], 1.0).log_pdf(np.zeros(2)), "'x' parameter"),
        (lambda: Gaussian(0.0, 1.0).fit(np.zeros((0, 1))), "'x'"),
        (lambda: Gaussian(0.0, 1.0).fit(np.zeros((2, 1)), [1.0, -1.0]), "'weights'"),
        (lambda: Gaussian(0.0, 1.0).fit(np.zeros((2, 1)), [0.0, 0.0]), "'weights'"),
        (lambda: Gaussian(0.0, 1.0).fit(np.zeros((2, 1)), [1.0]), "'weights'"),
        (lambda: Exponential(1.0).fit(np.array([[-1.0]])), "non-negative"),
        (lambda: check_family(Gaussian(0.0, 1.0), skip=("nope",)), "'skip'"),
        (lambda: check_family(Gaussian(0.0, 1.0), n_samples=10), "'n_samples'"),
    ],
)
def test_validation_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_families_are_immutable_hashable_and_pickle():
    g = Gaussian([0.0, 1.0], 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.mean = np.zeros(2)
    with pytest.raises(ValueError, match="read-only"):
        g.mean[0] = 5.0
    assert g == Gaussian([0.0, 1.0], [2.0, 2.0])
    assert hash(g) == hash(Gaussian([0.0, 1.0], [2.0, 2.0]))
    assert g != Gaussian([0.0, 1.0], 3.0)
    restored = pickle.loads(
        pickle.dumps(MultivariateGaussian([0.0, 1.0], CORR5[:2, :2]))
    )
    assert restored == MultivariateGaussian([0.0, 1.0], CORR5[:2, :2])
    assert not restored.cov.flags.writeable
    assert restored.log_pdf(np.zeros((1, 2))).shape == (1,)


def test_sample_speed_is_vectorized():
    g = Gaussian(np.zeros(30), 1.0)
    x = g.sample(100_000, np.random.default_rng(0))
    assert x.shape == (100_000, 30)
    assert g.log_pdf(x).shape == (100_000,)


# --- the battery must catch broken families ---------------------------------------


class _FitIgnoresWeights(Gaussian):
    def fit(self, x, weights=None):
        return super().fit(x)


class _FitUnnormalisedWeights(Exponential):
    def fit(self, x, weights=None):
        w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
        return Exponential(w @ np.asarray(x) / len(x))


class _LogPdfOffset(Gaussian):
    def log_pdf(self, x):
        return super().log_pdf(x) + 0.05


class _ExponentialLogPdfOffset(Exponential):
    def log_pdf(self, x):
        return super().log_pdf(x) - 0.2


class _TruncatedNotRenormalised(TruncatedGaussian):
    def log_pdf(self, x):  # forgets the normalising mass of the box
        return Gaussian(self.mean, self.std).log_pdf(x) + np.where(
            np.all((x >= self.lower) & (x <= self.upper), axis=1), 0.0, -np.inf
        )


class _FitBiased(Gaussian):
    def fit(self, x, weights=None):
        g = super().fit(x, weights)
        return Gaussian(g.mean, 1.2 * g.std)


class _SmoothIgnoresAlpha(Gaussian):
    def smooth(self, previous, alpha, *, std_alpha=None):
        return self


class _WrongMode(Gaussian):
    def mode(self):
        return self.mean + self.std


class _Unseeded(Gaussian):
    def sample(self, n, rng=None):
        return super().sample(n, np.random.default_rng())


class _NeverDegenerate(Gaussian):
    def fit(self, x, weights=None):
        g = super().fit(x, weights)
        return _NeverDegenerate(g.mean, g.std)

    def is_degenerate(self, atol=1e-8):
        return False


class _ColumnLogPdf(Gaussian):
    def log_pdf(self, x):
        return super().log_pdf(x)[:, None]


class _Unpicklable(Gaussian):
    def __reduce__(self):
        return (Gaussian, (self.mean + 1.0, self.std))


BROKEN = [
    (_FitIgnoresWeights([0.0, 1.0], 1.0), {}, "weights"),
    (_FitUnnormalisedWeights([1.0, 2.0]), {"skip": ("collapse",)}, "weights"),
    (_LogPdfOffset([0.0, 1.0, 2.0], 1.0), {}, "normalization"),
    (_ExponentialLogPdfOffset([1.0] * 5), {"skip": ("collapse",)}, "normalization"),
    (
        _TruncatedNotRenormalised(0.0, 1.0, -1.0, 2.0),
        {"exact_fit": False},
        "normalization",
    ),
    (_FitBiased(np.zeros(5), 1.0), {}, "fit_recovery"),
    (_SmoothIgnoresAlpha([0.0, 1.0], 1.0), {}, "smooth"),
    (_WrongMode([0.0, 1.0], 1.0), {}, "mode"),
    (_Unseeded([0.0, 1.0], 1.0), {}, "reproducible"),
    (_NeverDegenerate([0.0, 1.0], 1.0), {}, "collapse"),
    (_ColumnLogPdf([0.0, 1.0], 1.0), {}, "shapes"),
    (_Unpicklable([0.0, 1.0], 1.0), {}, "pickle"),
]


@pytest.mark.parametrize(
    ("family", "kwargs", "check"), BROKEN, ids=[type(b[0]).__name__ for b in BROKEN]
)
def test_battery_catches_broken_families(family, kwargs, check):
    with pytest.raises(AssertionError, match=rf"check_family\[{check}\]"):
        check_family(family, n_samples=5000, **kwargs)


# --- protocol-only: the battery also runs on discrete and mixed families ------------


@dataclasses.dataclass(frozen=True)
class _Coins:
    """Independent Bernoulli coordinates: a minimal discrete family."""

    p: tuple

    def sample(self, n, rng):
        rng = np.random.default_rng(rng)
        return (rng.random((n, len(self.p))) < np.array(self.p)).astype(np.int8)

    def log_pdf(self, x):
        p = np.array(self.p)
        with np.errstate(divide="ignore"):
            return np.where(x == 1, np.log(p), np.log1p(-p)).sum(axis=1)

    def fit(self, x, weights=None):
        w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
        return _Coins(tuple((w @ x) / w.sum()))

    def smooth(self, previous, alpha):
        return _Coins(
            tuple(alpha * np.array(self.p) + (1 - alpha) * np.array(previous.p))
        )

    def mode(self):
        return (np.array(self.p) > 0.5).astype(np.int8)

    def is_degenerate(self, atol=1e-8):
        p = np.array(self.p)
        return bool(np.all(np.minimum(p, 1 - p) <= atol))

    def dispersion(self):
        p = np.array(self.p)
        return float(np.sqrt(p * (1 - p)).max())


@dataclasses.dataclass(frozen=True)
class _CoinAndGaussian:
    """A mixed family: one coin and one normal coordinate, float samples."""

    coin: _Coins
    normal: Gaussian

    def sample(self, n, rng):
        rng = np.random.default_rng(rng)
        return np.column_stack([self.coin.sample(n, rng), self.normal.sample(n, rng)])

    def log_pdf(self, x):
        return self.coin.log_pdf(x[:, :1].astype(np.int8)) + self.normal.log_pdf(
            x[:, 1:]
        )

    def fit(self, x, weights=None):
        return _CoinAndGaussian(
            self.coin.fit(x[:, :1], weights), self.normal.fit(x[:, 1:], weights)
        )

    def smooth(self, previous, alpha):
        return _CoinAndGaussian(
            self.coin.smooth(previous.coin, alpha),
            self.normal.smooth(previous.normal, alpha),
        )

    def mode(self):
        return np.concatenate([self.coin.mode(), self.normal.mode()])

    def is_degenerate(self, atol=1e-8):
        return self.coin.is_degenerate(atol) and self.normal.is_degenerate(atol)

    def dispersion(self):
        return max(self.coin.dispersion(), self.normal.dispersion())


class _CoinsOffset(_Coins):
    def log_pdf(self, x):
        return super().log_pdf(x) + 0.05


def test_battery_runs_on_discrete_and_mixed_families():
    coins = _Coins((0.1, 0.5, 0.8, 0.3))
    assert isinstance(coins, SamplingFamily)
    assert check_family(coins)["normalization"] == "passed"
    mixed = _CoinAndGaussian(_Coins((0.3,)), Gaussian(1.0, 2.0))
    assert check_family(mixed)["normalization"] == "passed"
    with pytest.raises(AssertionError, match=r"check_family\[normalization\]"):
        check_family(_CoinsOffset((0.1, 0.5, 0.8, 0.3)))
    broken_mixed = _CoinAndGaussian(_CoinsOffset((0.3,)), Gaussian(1.0, 2.0))
    with pytest.raises(AssertionError, match=r"check_family\[normalization\]"):
        check_family(broken_mixed)


@dataclasses.dataclass(frozen=True)
class _UniformPermutations:
    """Uniform random permutations of n items: a discrete family, huge support."""

    n: int
    offset: float = 0.0

    def sample(self, n, rng):
        rng = np.random.default_rng(rng)
        return rng.permuted(np.tile(np.arange(self.n), (n, 1)), axis=1)

    def log_pdf(self, x):
        return np.full(len(x), -math.lgamma(self.n + 1) + self.offset)

    def fit(self, x, weights=None):
        return self

    def smooth(self, previous, alpha):
        return self

    def mode(self):
        return np.arange(self.n)

    def is_degenerate(self, atol=1e-8):
        return False

    def dispersion(self):
        return 1.0


def test_battery_discrete_check_on_a_huge_support():
    # 8! = 40320 permutations, most unseen in 20000 draws: the Good-Turing
    # estimate of the unseen mass makes the check work anyway.
    report = check_family(_UniformPermutations(8), skip=("collapse",))
    assert report["normalization"] == "passed"
    with pytest.raises(AssertionError, match=r"check_family\[normalization\]"):
        check_family(_UniformPermutations(8, offset=0.2), skip=("collapse",))


def test_truncated_sampling_mixes_direct_and_log_space_columns():
    t = TruncatedGaussian(0.0, 1.0, [-1.0, 8.0, -INF], [1.0, 9.0, -30.0])
    x = t.sample(3000, np.random.default_rng(12))
    for j, (lo, hi) in enumerate([(-1, 1), (8, 9), (-INF, -30)]):
        assert stats.kstest(x[:, j], stats.truncnorm(lo, hi).cdf).pvalue > 1e-3
    ref = sum(
        stats.truncnorm(lo, hi).logpdf(x[:, j])
        for j, (lo, hi) in enumerate([(-1, 1), (8, 9), (-INF, -30)])
    )
    np.testing.assert_allclose(t.log_pdf(x), ref, rtol=1e-12, atol=1e-12)
