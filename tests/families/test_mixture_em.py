"""The compiled weighted EM of GaussianMixture (``_em_kernels``): one EM step
against scipy's densities and the weighted M-step formulas, and whole fits
against the numpy implementation it replaced (kept here as the reference)."""

import math

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp

from cemethod.families import _em_kernels as K
from cemethod.families import _mixture_em as E

# ---------------------------------------------------------------------------
# The numpy EM as it was before the kernels (cemethod 30097fb^), verbatim
# apart from names: the reference the compiled fit must equal to roundoff.
# ---------------------------------------------------------------------------
_LOG_2PI = math.log(2.0 * math.pi)


def np_component_logpdf(z, means, chols):
    out = np.empty((z.shape[0], means.shape[0]))
    d = z.shape[1]
    invs = np.linalg.inv(np.asarray(chols))
    for j, (mean, chol, inv) in enumerate(zip(means, chols, invs, strict=True)):
        y = (z - mean) @ inv.T
        log_det = 2.0 * np.log(np.diag(chol)).sum()
        out[:, j] = -0.5 * (np.einsum("ij,ij->i", y, y) + d * _LOG_2PI + log_det)
    return out


def np_lse(a):
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


def np_log_lik(z, w, pi, means, covs):
    log_p = np.log(pi) + np_component_logpdf(z, means, np.linalg.cholesky(covs))
    return float(w @ np_lse(log_p))


def np_seed_centers(z, w, k, gen):
    cum = np.cumsum(w)
    picks = [min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)]
    d2 = np.square(z - z[picks[0]]).sum(axis=1)
    for _ in range(1, k):
        cum = np.cumsum(w * d2)
        if not cum[-1] > 0:
            break
        i = min(np.searchsorted(cum, gen.random() * cum[-1], "right"), len(w) - 1)
        picks.append(i)
        d2 = np.minimum(d2, np.square(z - z[i]).sum(axis=1))
    centers = z[picks].copy()
    for _ in range(E._LLOYD_STEPS):
        dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
        label = np.argmin(dist, axis=1)
        mass = np.bincount(label, weights=w, minlength=len(centers))
        keep = mass > 0
        sums = np.stack(
            [np.bincount(label, weights=w * c, minlength=len(centers)) for c in z.T],
            axis=1,
        )
        new = centers.copy()
        new[keep] = sums[keep] / mass[keep, None]
        if np.array_equal(new, centers):
            break
        centers = new
    dist = np.square(z[:, None, :] - centers[None]).sum(axis=2)
    label = np.argmin(dist, axis=1)
    mass = np.bincount(label, weights=w, minlength=len(centers))
    dz = z - centers[label]
    pooled = (dz * w[:, None]).T @ dz
    return mass[mass > 0], centers[mass > 0], pooled


def np_m_step(z, wr, floor, diag):
    mass = wr.sum(axis=0)
    means = (wr.T @ z) / mass[:, None]
    covs = np.empty((len(mass), z.shape[1], z.shape[1]))
    for j in range(len(mass)):
        dz = z - means[j]
        covs[j] = (dz * wr[:, j : j + 1]).T @ dz / mass[j]
    if diag:
        covs *= np.eye(z.shape[1])
    covs += floor * np.eye(z.shape[1])
    return mass / mass.sum(), means, covs


def np_em(z, w, k, floor, diag, gen):
    d = z.shape[1]
    mass, centers, pooled = np_seed_centers(z, w, k, gen)
    pooled = np.diag(np.diag(pooled)) if diag else pooled
    pi = mass / mass.sum()
    means = centers
    covs = np.repeat((pooled + floor * np.eye(d))[None], len(pi), axis=0)
    previous = -math.inf
    for _ in range(E._MAX_ITER):
        log_p = np.log(pi) + np_component_logpdf(z, means, np.linalg.cholesky(covs))
        top = np_lse(log_p)
        log_lik = float(w @ top)
        if log_lik - previous < E._TOL:
            break
        previous = log_lik
        wr = w[:, None] * np.exp(log_p - top[:, None])
        mass = wr.sum(axis=0)
        ess = np.square(mass) / np.maximum(np.square(wr).sum(axis=0), 1e-300)
        keep = (mass >= E._MIN_WEIGHT) & (ess >= d + 1)
        keep[np.argmax(mass)] = True
        if not keep.all():
            wr, previous = wr[:, keep], -math.inf
        pi, means, covs = np_m_step(z, wr, floor, diag)
    return log_lik, pi, means, covs


def np_fit_mixture(z, w, ks, floor, diag):
    d = z.shape[1]
    ess = 1.0 / np.square(w).sum()
    gen = np.random.default_rng(E._SEED)
    best = None
    for k in ks:
        if best is not None and k * (E._n_params(1, d, diag) + 1) > ess:
            break
        if k == 1:
            pi, means, covs = np_m_step(z, w[:, None], floor, diag)
            fit = (np_log_lik(z, w, pi, means, covs), pi, means, covs)
        else:
            runs = (np_em(z, w, k, floor, diag, gen) for _ in range(E._N_INIT))
            fit = max(runs, key=lambda f: f[0])
        bic = -2 * ess * fit[0] + E._n_params(fit[1].size, d, diag) * math.log(ess)
        if best is not None and bic >= best[0]:
            break
        best = (bic, *fit[1:])
    return best[1:]


# ---------------------------------------------------------------------------
# One EM step from scipy's densities and the weighted M-step formulas
# ---------------------------------------------------------------------------


def scipy_em_step(z, w, pi, means, covs, floor, diag, min_weight):
    """Log-likelihood of ``(pi, means, covs)`` and the next EM iterate."""
    log_p = np.column_stack(
        [
            math.log(p) + stats.multivariate_normal(m, c).logpdf(z).reshape(-1)
            for p, m, c in zip(pi, means, covs, strict=True)
        ]
    )
    lse = logsumexp(log_p, axis=1)
    resp = w[:, None] * np.exp(log_p - lse[:, None])  # w_i * P(j | z_i)
    mass = resp.sum(axis=0)
    kish = mass**2 / np.maximum((resp**2).sum(axis=0), 1e-300)
    keep = (mass >= min_weight) & (kish >= z.shape[1] + 1)
    keep[np.argmax(mass)] = True
    resp, mass = resp[:, keep], mass[keep]
    new_means = np.array([np.average(z, axis=0, weights=r) for r in resp.T])
    new_covs = []
    for r in resp.T:
        c = np.atleast_2d(np.cov(z.T, aweights=r, bias=True))
        new_covs.append(
            (np.diag(np.diag(c)) if diag else c) + floor * np.eye(z.shape[1])
        )
    return float(w @ lse), mass / mass.sum(), new_means, np.array(new_covs)


def random_problem(rng, n, d, k):
    means = rng.normal(0, 2, (k, d))
    covs = []
    for _ in range(k):
        a = rng.normal(size=(d, d))
        covs.append(a @ a.T / d + 0.3 * np.eye(d))
    z = rng.normal(0, 2, (n, d))
    w = rng.exponential(size=n)
    return z, w / w.sum(), rng.dirichlet(np.ones(k)), means, np.array(covs)


@pytest.mark.parametrize("diag", [False, True])
@pytest.mark.parametrize(("d", "k"), [(1, 2), (2, 3), (6, 2), (20, 3)])
def test_one_em_step_is_scipys_e_step_and_the_weighted_m_step(d, k, diag):
    rng = np.random.default_rng(100 * d + k)
    z, w, pi, means, covs = random_problem(rng, 700, d, k)
    ref = scipy_em_step(z, w, pi, means, covs, 1e-6, diag, 0.0)
    for max_iter in (1, 2):
        p, m, c = pi.copy(), means.copy(), covs.copy()
        log_lik, kk, ok = K.em_run(
            np.ascontiguousarray(z.T), w, p, m, c, 1e-6, diag, -np.inf, max_iter, 0.0
        )
        if max_iter == 2:  # two steps: the second from scipy's first iterate
            ref2 = scipy_em_step(z, w, *ref[1:], 1e-6, diag, 0.0)
            ref, ref2 = ref2, ref
        assert ok and kk == k
        np.testing.assert_allclose(log_lik, ref[0], rtol=1e-12)
        np.testing.assert_allclose(p, ref[1], rtol=1e-11)
        np.testing.assert_allclose(m, ref[2], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(c, ref[3], rtol=1e-10, atol=1e-12)
        if max_iter == 2:
            ref = ref2
        if diag:
            assert np.all(c[:, ~np.eye(d, dtype=bool)] == 0)


def isolated_cluster(weights):
    """400 points around 0 and a component on four isolated points far out
    with the given weights (its mass and Kish size, the rest renormalized)."""
    rng = np.random.default_rng(7)
    z, w, pi, means, covs = random_problem(rng, 400, 2, 3)
    z[:4] = [[30.0, 30.0], [30.1, 30.0], [30.0, 30.1], [30.1, 30.1]]
    w[4:] *= (1 - sum(weights)) / w[4:].sum()
    w[:4] = weights
    means[2], covs[2] = [30.03, 30.03], 0.1 * np.eye(2)
    return z, w, pi, means, covs


@pytest.mark.parametrize(
    ("weights", "kept"),
    [
        ([0.01, 0.01, 0.01, 0.01], 3),  # mass 0.04, Kish size 4 >= d + 1: kept
        ([0.01, 0.01, 0.004, 1e-9], 2),  # Kish size 2.67 < d + 1: dropped
        ([4e-4, 3e-4, 2e-4, 1e-5], 2),  # mass 9.1e-4 < _MIN_WEIGHT: dropped
    ],
)
def test_a_step_drops_a_component_without_weight_or_points(weights, kept):
    z, w, pi, means, covs = isolated_cluster(weights)
    ref = scipy_em_step(z, w, pi, means, covs, 1e-6, False, E._MIN_WEIGHT)
    assert ref[1].size == kept
    p, m, c = pi.copy(), means.copy(), covs.copy()
    log_lik, kk, ok = K.em_run(
        np.ascontiguousarray(z.T), w, p, m, c, 1e-6, False, -np.inf, 1, E._MIN_WEIGHT
    )
    assert ok and kk == kept
    np.testing.assert_allclose(log_lik, ref[0], rtol=1e-12)
    np.testing.assert_allclose(p[:kept], ref[1], rtol=1e-11)
    np.testing.assert_allclose(m[:kept], ref[2], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c[:kept], ref[3], rtol=1e-10, atol=1e-12)


def test_a_covariance_that_is_not_positive_definite_is_reported():
    z, w, pi, means, covs = random_problem(np.random.default_rng(8), 50, 3, 2)
    covs[1] = -np.eye(3)
    _, _, ok = K.em_run(
        np.ascontiguousarray(z.T), w, pi, means, covs, 1e-6, False, 1e-5, 10, 1e-3
    )
    assert not ok
    # numpy's Cholesky agrees that there is no factor
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(covs)


@pytest.mark.parametrize("diag", [False, True])
def test_the_one_component_fit_is_the_weighted_moments(diag):
    rng = np.random.default_rng(9)
    z = rng.normal(size=(300, 4)) @ rng.normal(size=(4, 4))
    w = rng.exponential(size=300)
    w /= w.sum()
    log_lik, pi, means, covs = E._fit_one(np.ascontiguousarray(z.T), w, 1e-6, diag)
    cov = np.cov(z.T, aweights=w, bias=True)
    cov = (np.diag(np.diag(cov)) if diag else cov) + 1e-6 * np.eye(4)
    np.testing.assert_allclose(pi, [1.0])
    np.testing.assert_allclose(means[0], np.average(z, axis=0, weights=w), atol=1e-12)
    np.testing.assert_allclose(covs[0], cov, rtol=1e-12, atol=1e-14)
    exact = w @ stats.multivariate_normal(means[0], cov).logpdf(z)
    np.testing.assert_allclose(log_lik, exact, rtol=1e-12, atol=1e-11)


@pytest.mark.parametrize("d", [1, 3, 12])
def test_the_seeding_equals_the_numpy_seeding(d):
    rng = np.random.default_rng(d)
    z = np.concatenate([rng.normal(-2, 1, (150, d)), rng.normal(2, 0.5, (100, d))])
    w = rng.exponential(size=250)
    w /= w.sum()
    for k in (1, 2, 4):
        a = np_seed_centers(z, w, k, np.random.default_rng(k))
        b = E._seed_centers(z, w, k, np.random.default_rng(k))
        for x, y in zip(a, b, strict=True):
            np.testing.assert_allclose(y, x, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------
# Whole fits: the compiled EM equals the numpy EM
# ---------------------------------------------------------------------------


def weighted_standardized_data(rng, n, d, k, integer_weights):
    centers = rng.normal(0, 4, (k, d))
    x = centers[rng.integers(0, k, n)] + rng.normal(0, 1, (n, d)) * rng.uniform(
        0.2, 1.5, d
    )
    w = (
        rng.integers(1, 4, n).astype(float)
        if integer_weights
        else rng.exponential(size=n)
    )
    w /= w.sum()
    mean = w @ x
    return (x - mean) / np.sqrt(w @ np.square(x - mean)), w


def assert_same_mixture(a, b):
    """Equal to roundoff, components in any order (two seedings that reach
    the same optimum tie to roundoff, and either may be kept)."""
    assert a[0].size == b[0].size
    _, perm = linear_sum_assignment(np.square(a[1][:, None] - b[1][None]).sum(axis=2))
    np.testing.assert_allclose(b[0][perm], a[0], rtol=1e-9)
    np.testing.assert_allclose(b[1][perm], a[1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b[2][perm], a[2], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("diag", [False, True])
@pytest.mark.parametrize("case", range(12))
def test_the_compiled_fit_equals_the_numpy_fit(case, diag):
    rng = np.random.default_rng([case, diag])
    for d in (1 + case % 5, 6 + case % 7, 14 + case % 7):  # d = 1..20
        k = 1 + (case + d) % 4
        n = int(rng.integers(40, 400))
        z, w = weighted_standardized_data(rng, n, d, k, integer_weights=case % 2 == 0)
        ks = range(1, 5) if case % 3 else [k]  # auto over k = 1..4, or a fixed k
        assert_same_mixture(
            np_fit_mixture(z, w, ks, 1e-6, diag), E.fit_mixture(z, w, ks, 1e-6, diag)
        )


@pytest.mark.slow  # the numpy reference takes ~30 s at d = 20
@pytest.mark.parametrize("d", [2, 6, 20])
def test_the_compiled_fit_equals_the_numpy_fit_on_level_sized_data(d):
    # rare-event levels: 1,000-2,500 weighted rows
    rng = np.random.default_rng(d)
    for k in (1, 2, 3):
        z, w = weighted_standardized_data(rng, 2000, d, k, integer_weights=False)
        for diag in (False, True):
            ks = range(1, 5)
            assert_same_mixture(
                np_fit_mixture(z, w, ks, 1e-6, diag),
                E.fit_mixture(z, w, ks, 1e-6, diag),
            )
