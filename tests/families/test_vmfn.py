"""The von Mises-Fisher-Nakagami mixture family (Papaioannou, Geyer & Straub 2019).

References from outside the code under test: mpmath's Bessel function at 30
digits, the closed form of the vMF constant on S^2, scipy quadrature, scipy's
multivariate normal and normal tail, and sample moments.
"""

import math

import mpmath
import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import gammaln

from cemethod import estimate_rare_event
from cemethod.families import VonMisesFisherNakagami as VMFN
from cemethod.families._vmf_math import (
    banerjee_kappa,
    log_iv,
    log_sphere_area,
    mean_resultant,
    vmf_log_norm,
)
from cemethod.testing import check_family


def _mp_log_iv(nu, k):
    with mpmath.workdps(30):
        return float(mpmath.log(mpmath.besseli(nu, k, maxterms=10**6)))


def _unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


# --- the Bessel function and the vMF constant ------------------------------------

NUS = [0.0, 0.5, 1.0, 4.5, 24.0, 49.0, 49.5, 99.0, 499.0, 4999.0]
KAPPAS = [1e-20, 1e-8, 1e-3, 0.1, 1.0, 7.0, 30.0, 100.0, 600.0, 3000.0, 2e4, 1e5]


@pytest.mark.parametrize("nu", NUS)
def test_log_iv_matches_mpmath(nu):
    # Covers ive itself, the power series (ive underflows: nu = 499, kappa = 1;
    # nu = 4999, kappa = 100) and the Debye expansion (nu = 499, kappa = 50;
    # nu = 4999, kappa = 3000).
    kappas = KAPPAS[:-1] if nu > 1000 else KAPPAS  # mpmath needs 12 s there
    got = log_iv(nu, np.array(kappas))
    ref = np.array([_mp_log_iv(nu, k) for k in kappas])
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_log_iv_is_finite_where_ive_underflows():
    from scipy.special import ive

    assert ive(499.0, 50.0) == 0.0 and ive(2499.0, 10.0) == 0.0
    for nu, k in [(499.0, 50.0), (2499.0, 10.0), (2499.0, 500.0)]:
        assert log_iv(nu, np.array([k]))[0] == pytest.approx(
            _mp_log_iv(nu, k), rel=1e-12
        )


@pytest.mark.parametrize("kappa", [1e-6, 0.5, 3.0, 40.0, 700.0, 1e5])
def test_vmf_constant_on_the_two_sphere_is_the_closed_form(kappa):
    # d = 3: C_3(kappa) = kappa / (4 pi sinh kappa), in logs without overflow.
    log_sinh = kappa + math.log(-math.expm1(-2 * kappa) / 2)
    ref = math.log(kappa) - math.log(4 * math.pi) - log_sinh
    assert vmf_log_norm(3, kappa)[0] == pytest.approx(ref, rel=1e-13, abs=1e-13)


@pytest.mark.parametrize(
    ("d", "kappa"),
    [(3, 5.0), (3, 60.0), (10, 3.0), (100, 50.0), (1000, 200.0), (1000, 5000.0)],
)
def test_vmf_density_integrates_to_one_by_quadrature(d, kappa):
    # The density of t = mu.a is C_d(kappa) |S^{d-2}| (1 - t^2)^{(d-3)/2} e^{kappa t}.
    log_c = vmf_log_norm(d, kappa)[0] + log_sphere_area(d - 1)

    def integrand(t):
        return math.exp(log_c + 0.5 * (d - 3) * math.log1p(-t * t) + kappa * t)

    peak = float(mean_resultant(d, kappa)[0])
    total = integrate.quad(integrand, -1.0, 1.0, points=[peak], limit=400)[0]
    assert total == pytest.approx(1.0, rel=1e-8)


def test_vmf_constant_at_zero_is_the_inverse_sphere_area_and_continuous():
    for d in (2, 3, 10, 1000):
        exact = -(math.log(2) + 0.5 * d * math.log(math.pi) - math.lgamma(d / 2))
        assert vmf_log_norm(d, 0.0)[0] == exact
        assert vmf_log_norm(d, 1e-10)[0] == pytest.approx(exact, rel=1e-12)


def test_mean_resultant_and_banerjee():
    assert mean_resultant(3, [0.0, np.inf]).tolist() == [0.0, 1.0]
    k = 4.0  # A_3 = coth(k) - 1/k
    assert mean_resultant(3, k)[0] == pytest.approx(1 / math.tanh(k) - 1 / k)
    # The approximation is within a few percent of the MLE A_d^{-1}(rbar).
    for d, kappa in [(5, 10.0), (100, 80.0), (1000, 2000.0)]:
        rbar = mean_resultant(d, kappa)
        assert banerjee_kappa(rbar, d)[0] == pytest.approx(kappa, rel=0.05)
    assert banerjee_kappa(np.array([1.0]), 4)[0] == np.inf


# --- density ------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3, 10, 100, 1000])
def test_standard_normal_log_pdf_is_the_normal_density(d):
    f = VMFN.standard_normal(d)
    x = np.random.default_rng(d).standard_normal((50, d)) * 1.5
    x = np.vstack([x, np.zeros(d)])
    ref = stats.norm.logpdf(x).sum(axis=1)
    if d <= 100:
        ref2 = stats.multivariate_normal(np.zeros(d)).logpdf(x)
        np.testing.assert_allclose(ref, ref2, rtol=1e-13)
    np.testing.assert_allclose(f.log_pdf(x), ref, rtol=1e-12, atol=1e-12)
    assert f.kappa.tolist() == [0.0] and f.m.tolist() == [d / 2]
    np.testing.assert_array_equal(f.mode(), np.zeros(d))
    assert f.dispersion() == pytest.approx(1.0, rel=1e-12)


def test_log_pdf_is_the_polar_formula():
    d = 6
    mu = _unit([1, 2, 0, 0, -1, 3])
    f = VMFN(mu, 7.0, 2.5, 4.0)
    x = np.random.default_rng(1).standard_normal((20, d)) * 2
    r = np.linalg.norm(x, axis=1)
    a = x / r[:, None]
    log_nak = stats.nakagami(2.5, scale=2.0).logpdf(r)  # scale = sqrt(Omega)
    log_vmf = vmf_log_norm(d, 7.0)[0] + 7.0 * (a @ mu)
    np.testing.assert_allclose(f.log_pdf(x), log_nak + log_vmf - (d - 1) * np.log(r))


def _mixture_2d():
    return VMFN(
        [[1.0, 0.0], [0.0, -1.0]], [3.0, 0.0], [2.0, 0.7], [4.0, 1.0], [0.4, 0.6]
    )


@pytest.mark.parametrize(
    "family", [VMFN([0.6, 0.8], 3.0, 2.0, 4.0), _mixture_2d(), VMFN.standard_normal(2)]
)
def test_log_pdf_integrates_to_one_in_the_plane(family):
    def integrand(theta, r):
        x = np.array([[r * math.cos(theta), r * math.sin(theta)]])
        return math.exp(family.log_pdf(x)[0]) * r

    total = integrate.dblquad(integrand, 0.0, 12.0, 0.0, 2 * math.pi, epsabs=1e-9)[0]
    assert total == pytest.approx(1.0, abs=1e-6)


# --- sampling -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "kappa"), [(2, 1.0), (3, 2.0), (50, 30.0), (500, 1000.0), (20, 1e7)]
)
def test_vmf_samples_have_mean_resultant_a_d(d, kappa):
    mu = _unit(np.arange(1.0, d + 1))
    f = VMFN(mu, kappa, 50.0, 1.0)
    x = f.sample(20000, np.random.default_rng(3))
    a = x / np.linalg.norm(x, axis=1, keepdims=True)
    t = a @ mu
    expected = mean_resultant(d, kappa)[0]
    assert abs(t.mean() - expected) <= 5 * t.std() / math.sqrt(t.size)
    # The part orthogonal to mu has no preferred direction.
    perp = a - np.outer(t, mu)
    assert (
        np.linalg.norm(perp.mean(axis=0))
        <= 5 * math.sqrt((1 - np.mean(t * t)) / t.size) + 1e-12
    )


def test_uniform_directions_at_kappa_zero():
    f = VMFN([0.0, 0.0, 1.0], 0.0, 1.5, 3.0)
    x = f.sample(40000, np.random.default_rng(0))
    a = x / np.linalg.norm(x, axis=1, keepdims=True)
    # Archimedes: each coordinate of a uniform point on S^2 is uniform on [-1, 1].
    assert stats.kstest(a[:, 0], "uniform", args=(-1, 2)).pvalue > 1e-3
    np.testing.assert_allclose(a.T @ a / len(a), np.eye(3) / 3, atol=0.01)


@pytest.mark.parametrize(("m", "omega"), [(0.5, 1.0), (2.0, 4.0), (150.0, 300.0)])
def test_nakagami_radius_moments(m, omega):
    f = VMFN([1.0, 0.0, 0.0, 0.0], 5.0, m, omega)
    r2 = np.square(np.linalg.norm(f.sample(50000, np.random.default_rng(1)), axis=1))
    sd = math.sqrt(omega * omega / m)
    assert abs(r2.mean() - omega) <= 5 * sd / math.sqrt(r2.size)
    assert r2.var() == pytest.approx(omega * omega / m, rel=0.05)
    r = np.sqrt(r2)
    mean_r = math.exp(gammaln(m + 0.5) - gammaln(m)) * math.sqrt(omega / m)
    assert abs(r.mean() - mean_r) <= 5 * r.std() / math.sqrt(r.size)


def test_mixture_samples_the_weights():
    f = _mixture_2d()
    x = f.sample(20000, np.random.default_rng(5))
    # Component 0 points along +e1 with kappa = 3; component 1 is isotropic.
    share = np.mean(x[:, 0] > 0)
    a0 = mean_resultant(2, 3.0)[0]
    # P(x1 > 0) = 0.4 P_vMF(t > 0) + 0.6 / 2, P_vMF(t > 0) by quadrature.
    c = math.exp(vmf_log_norm(2, 3.0)[0])
    p_pos = integrate.quad(lambda th: c * math.exp(3 * math.cos(th)), -1.5708, 1.5708)
    expected = 0.4 * p_pos[0] + 0.3
    assert abs(share - expected) <= 5 * math.sqrt(expected * (1 - expected) / 20000)
    assert 0 < a0 < 1


def test_dispersion_is_the_largest_standard_deviation():
    f = VMFN(
        [[1.0, 0.0, 0.0], [0.0, 0.6, 0.8]],
        [8.0, 2.0],
        [3.0, 1.0],
        [9.0, 1.0],
        [0.3, 0.7],
    )
    x = f.sample(400000, np.random.default_rng(2))
    top = math.sqrt(np.linalg.eigvalsh(np.cov(x, rowvar=False)).max())
    assert f.dispersion() == pytest.approx(top, rel=0.01)
    one = VMFN([0.0, 1.0, 0.0], 8.0, 3.0, 9.0)
    y = one.sample(400000, np.random.default_rng(3))
    assert one.dispersion() == pytest.approx(
        math.sqrt(np.linalg.eigvalsh(np.cov(y, rowvar=False)).max()), rel=0.01
    )


# --- fit --------------------------------------------------------------------------


def test_fit_recovers_the_parameters_of_a_large_sample():
    d, mu = 20, _unit(np.linspace(-1, 2, 20))
    f = VMFN(mu, 40.0, 15.0, 25.0)
    g = f.fit(f.sample(200000, np.random.default_rng(0)))
    assert g.mu[0] @ mu > 0.999
    # The Banerjee formula's population value is the target of the estimate.
    target = banerjee_kappa(mean_resultant(d, 40.0), d)[0]
    assert g.kappa[0] == pytest.approx(target, rel=0.01)
    assert g.kappa[0] == pytest.approx(40.0, rel=0.03)
    assert g.m[0] == pytest.approx(15.0, rel=0.02)
    assert g.omega[0] == pytest.approx(25.0, rel=0.005)


def test_weighted_fit_recovers_the_target_of_importance_weights():
    # Samples of g weighted by f / g estimate f's parameters.
    d = 10
    mu = _unit(np.ones(d))
    f = VMFN(mu, 30.0, 8.0, 12.0)
    g = VMFN(_unit(np.arange(d) + 3.0), 15.0, 5.0, 14.0)
    x = g.sample(300000, np.random.default_rng(4))
    w = np.exp(f.log_pdf(x) - g.log_pdf(x))
    h = g.fit(x, 1e-3 * w)
    assert h.mu[0] @ mu > 0.995
    target = banerjee_kappa(mean_resultant(d, 30.0), d)[0]
    assert h.kappa[0] == pytest.approx(target, rel=0.05)
    assert h.m[0] == pytest.approx(8.0, rel=0.05)
    assert h.omega[0] == pytest.approx(12.0, rel=0.01)


def test_fit_floors_m_at_one_half():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2000, 3))
    x = a * rng.exponential(size=(2000, 1)) ** 3  # very spread radii
    assert VMFN.standard_normal(3).fit(x).m[0] == 0.5


@pytest.mark.parametrize("k", [1, 2, 3])
def test_integer_weights_act_as_repetition(k):
    f = VMFN.standard_normal(4, n_components=k)
    rng = np.random.default_rng(k)
    x = rng.standard_normal((150, 4)) + np.array([2.0, 0, 0, 0]) * (
        rng.random((150, 1)) < 0.5
    )
    w = rng.integers(1, 4, size=150)
    a = f.fit(x, w.astype(float))
    b = f.fit(np.repeat(x, w, axis=0))
    pts = rng.standard_normal((30, 4))
    np.testing.assert_allclose(a.log_pdf(pts), b.log_pdf(pts), rtol=1e-9, atol=1e-9)
    assert a.n_components == k


def test_em_separates_two_directions():
    mu = np.array([[1.0, 0, 0, 0, 0], [0, 0, 0, -1.0, 0]])
    f = VMFN(mu, [60.0, 25.0], [6.0, 20.0], [16.0, 30.0], [0.35, 0.65])
    g = f.fit(f.sample(40000, np.random.default_rng(8)))
    order = np.argsort(g.mu @ mu[0])[::-1]
    assert g.mu[order[0]] @ mu[0] > 0.999 and g.mu[order[1]] @ mu[1] > 0.999
    np.testing.assert_allclose(g.weights[order], [0.35, 0.65], atol=0.01)
    np.testing.assert_allclose(g.m[order], [6.0, 20.0], rtol=0.05)
    np.testing.assert_allclose(g.omega[order], [16.0, 30.0], rtol=0.01)


def test_fit_of_one_point_collapses_onto_it():
    row = np.array([[0.3, -1.2, 2.0]])
    g = VMFN.standard_normal(3).fit(np.repeat(row, 10, axis=0))
    assert g.kappa[0] == np.inf and g.m[0] == np.inf and g.is_degenerate()
    np.testing.assert_allclose(g.sample(4, 0), np.repeat(row, 4, axis=0), rtol=1e-14)
    assert g.log_pdf(row)[0] == pytest.approx(0.0, abs=1e-9)
    assert g.log_pdf(row + 1e-3)[0] == -np.inf
    np.testing.assert_allclose(g.mode(), row[0], rtol=1e-14)


# --- smooth, mode, conformance ------------------------------------------------


def test_smooth_mixes_natural_parameters():
    a = VMFN([1.0, 0.0, 0.0], 4.0, 2.0, 4.0)
    b = VMFN([0.0, 1.0, 0.0], 2.0, 6.0, 3.0)
    s = a.smooth(b, 0.25)
    theta = 0.25 * 4.0 * np.array([1, 0, 0]) + 0.75 * 2.0 * np.array([0, 1, 0])
    np.testing.assert_allclose(s.kappa[0] * s.mu[0], theta)
    assert s.m[0] == pytest.approx(0.25 * 2 + 0.75 * 6)
    assert s.m[0] / s.omega[0] == pytest.approx(0.25 * 2 / 4 + 0.75 * 6 / 3)
    assert a.smooth(b, 1.0) is a


def test_mode_is_the_maximum_of_the_density():
    f = VMFN(_unit([1.0, 2.0, 2.0]), 5.0, 4.0, 6.0)
    mode = f.mode()
    np.testing.assert_allclose(mode, math.sqrt((8 - 3) * 6 / 8) * f.mu[0])
    near = mode + 0.05 * np.random.default_rng(0).standard_normal((200, 3))
    assert f.log_pdf(mode[None])[0] >= f.log_pdf(near).max()


@pytest.mark.parametrize(
    ("family", "n"),
    [
        (VMFN.standard_normal(4), 20000),
        (VMFN(_unit([0.6, 0.8, 0.0, 0.0, 1.0]), 5.0, 3.0, 4.0), 20000),
        (VMFN(_unit(np.ones(30)), 60.0, 20.0, 35.0), 20000),
        (_mixture_2d(), 5000),
    ],
    ids=["nominal", "d5", "d30", "mixture"],
)
def test_check_family_passes(family, n):
    # fit is the paper's approximate MLE (Banerjee kappa, moment m): it still
    # recovers the family within the battery's default fit tolerance.
    report = check_family(family, n_samples=n)
    assert all(v == "passed" for v in report.values()), report


def test_repr_and_pickle_round_trip():
    import pickle

    f = _mixture_2d()
    assert pickle.loads(pickle.dumps(f)) == f
    assert repr(f).startswith("VonMisesFisherNakagami(mu=array([[")
    assert "..." in repr(VMFN.standard_normal(100))


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: VMFN([1.0], 0.0, 1.0, 1.0), "mu"),
        (lambda: VMFN([1.0, 1.0], 0.0, 1.0, 1.0), "mu"),
        (lambda: VMFN([[np.nan, 1.0]], 0.0, 1.0, 1.0), "mu"),
        (lambda: VMFN("ab", 0.0, 1.0, 1.0), "mu"),
        (lambda: VMFN([1.0, 0.0], -1.0, 1.0, 1.0), "kappa"),
        (lambda: VMFN([1.0, 0.0], np.nan, 1.0, 1.0), "kappa"),
        (lambda: VMFN([1.0, 0.0], [1.0, 2.0], 1.0, 1.0), "kappa"),
        (lambda: VMFN([1.0, 0.0], 1.0, 0.4, 1.0), "m"),
        (lambda: VMFN([1.0, 0.0], 1.0, 1.0, 0.0), "omega"),
        (lambda: VMFN([1.0, 0.0], 1.0, 1.0, np.inf), "omega"),
        (lambda: VMFN([1.0, 0.0], 1.0, 1.0, 1.0, [-1.0]), "weights"),
        (lambda: VMFN([[1.0, 0.0]] * 2, 1.0, 1.0, 1.0, [0.0, 0.0]), "weights"),
        (lambda: VMFN.standard_normal(1), "d"),
        (lambda: VMFN.standard_normal(3, 0), "n_components"),
        (lambda: VMFN.standard_normal(3).log_pdf(np.zeros((2, 4))), "x"),
        (lambda: VMFN.standard_normal(3).fit(np.zeros((2, 3)), [1.0, -1.0]), "weights"),
        (lambda: VMFN.standard_normal(3).fit(np.full((2, 3), np.inf)), "x"),
        (lambda: VMFN.standard_normal(3).sample(-1, 0), "n"),
        (
            lambda: VMFN.standard_normal(3).smooth(VMFN.standard_normal(4), 0.5),
            "previous",
        ),
        (
            lambda: VMFN.standard_normal(3).smooth(VMFN.standard_normal(3, 2), 0.5),
            "previous",
        ),
        (lambda: VMFN.standard_normal(3).smooth(VMFN.standard_normal(3), 0.0), "alpha"),
    ],
)
def test_bad_input_names_the_parameter(make, param):
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        make()


# --- end to end: the improved CE method in high dimension ---------------------


def _linear(beta, d, n, seed, smoothing=1.0):
    def score(x):
        return x.sum(axis=1) / math.sqrt(x.shape[1])

    return estimate_rare_event(
        score,
        beta,
        VMFN.standard_normal(d),
        method="ice",
        n_samples=n,
        smoothing=smoothing,
        rng=seed,
    )


def test_ice_linear_limit_state_d100():
    beta = 4.5  # Pf = 3.4e-6
    res = _linear(beta, 100, 1000, 0)
    exact = stats.norm.sf(beta)
    assert abs(res.estimate - exact) <= 4 * res.std_error
    assert isinstance(res.family, VMFN) and res.family.kappa[0] > 10


@pytest.mark.slow
@pytest.mark.parametrize(("d", "n"), [(100, 1000), (300, 2000)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ice_linear_limit_state_high_dimension(d, n, seed):
    beta = 4.5
    res = _linear(beta, d, n, seed)
    exact = stats.norm.sf(beta)
    assert abs(res.estimate - exact) <= 4 * res.std_error
    assert res.relative_error < 0.5


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_ice_linear_limit_state_d1000_with_smoothing(seed):
    # Without smoothing, n_samples = 2000 is not enough in d = 1000 (the
    # first levels fit noise, see the class notes); smoothing = 0.5 averages
    # the natural parameters kappa mu over the levels.
    beta = 4.5
    res = _linear(beta, 1000, 2000, seed, smoothing=0.5)
    exact = stats.norm.sf(beta)
    assert abs(res.estimate - exact) <= 4 * res.std_error
    assert res.relative_error < 0.5


def _two_sided(beta, d, n, k, seed):
    def score(x):
        return np.abs(x.sum(axis=1)) / math.sqrt(x.shape[1])

    fam = VMFN.standard_normal(d, n_components=k)
    return estimate_rare_event(score, beta, fam, method="ice", n_samples=n, rng=seed)


def test_ice_mixture_of_two_finds_both_failure_modes():
    # P(|x.e| >= beta) = 2 Phi(-beta): two opposite design points, which one
    # component cannot cover (it finds one and misses half the probability).
    beta, d = 4.5, 50
    exact = 2 * stats.norm.sf(beta)
    res = _two_sided(beta, d, 1000, 2, 0)
    assert abs(res.estimate - exact) <= 4 * res.std_error
    cos = np.sort(res.family.mu @ (np.ones(d) / math.sqrt(d)))
    assert cos[0] < -0.9 and cos[1] > 0.9
    np.testing.assert_allclose(res.family.weights, 0.5, atol=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_ice_mixture_of_two_in_dimension_100(seed):
    beta = 4.5
    exact = 2 * stats.norm.sf(beta)
    res = _two_sided(beta, 100, 2000, 2, seed)
    assert abs(res.estimate - exact) <= 4 * res.std_error
