"""The fast paths of fit / smooth (trusted constructors) and of the ranking.

Not timed: these check that the results of ``fit`` and ``smooth``, now built
without re-validation, equal the families built through the public
constructor, hold read-only arrays, and still re-validate when unpickled.
"""

import pickle

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import (
    Bernoulli,
    Categorical,
    Gaussian,
    MultivariateGaussian,
    Permutation,
    TruncatedGaussian,
)
from cemethod.optimize._ranking import rank as _rank


def _cases():
    rng = np.random.default_rng(0)
    d = 4
    g = Gaussian(rng.normal(size=d), rng.uniform(0.5, 2.0, d))
    t = TruncatedGaussian(0.0, 1.5, lower=[-1.0, -np.inf, 0.0, -3.0], upper=2.0)
    a = rng.normal(size=(d, d))
    m = MultivariateGaussian(rng.normal(size=d), a @ a.T + np.eye(d), 1e-3)
    b = Bernoulli(rng.uniform(0.1, 0.9, d))
    c = Categorical([[0.2, 0.8], [0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    p = Permutation.uniform(6)
    # The public constructor rebuilt from the fields: the validated reference.
    return [
        (g, lambda f: Gaussian(f.mean, f.std)),
        (t, lambda f: TruncatedGaussian(f.mean, f.std, f.lower, f.upper)),
        (m, lambda f: MultivariateGaussian(f.mean, f.cov, f.min_variance)),
        (b, lambda f: Bernoulli(f.p)),
        (c, lambda f: Categorical(f.probs, n_values=f.n_values)),
        (p, lambda f: Permutation(f.transition, start=f.start)),
    ]


def _arrays(family):
    return {
        name: value
        for name, value in vars(family).items()
        if isinstance(value, np.ndarray)
    }


def _assert_same(fast, validated):
    assert type(fast) is type(validated)
    if isinstance(fast, MultivariateGaussian):
        assert "_factor" not in vars(fast) or fast is validated
        fast._factor  # factorized on first use  # noqa: B018
    assert fast == validated
    assert hash(fast) == hash(validated)
    a, b = _arrays(fast), _arrays(validated)
    assert a.keys() == b.keys()
    for name in a:
        # bit for bit, dtype and shape included (also MultivariateGaussian's factor)
        assert a[name].dtype == b[name].dtype, name
        assert a[name].tobytes() == b[name].tobytes(), name
        assert not a[name].flags.writeable, name
    for name, value in vars(validated).items():
        if not isinstance(value, np.ndarray):
            assert vars(fast)[name] == value, name


@pytest.mark.parametrize("case", range(6))
def test_fit_and_smooth_equal_the_validated_families(case):
    family, rebuild = _cases()[case]
    rng = np.random.default_rng(case)
    x = family.sample(30, rng)
    fitted = family.fit(x)
    _assert_same(fitted, rebuild(fitted))
    weighted = family.fit(x, weights=rng.uniform(0.0, 1.0, 30))
    _assert_same(weighted, rebuild(weighted))
    smoothed = fitted.smooth(family, 0.7)
    _assert_same(smoothed, rebuild(smoothed))


@pytest.mark.parametrize("case", range(6))
def test_fit_results_are_read_only_and_independent_of_the_input(case):
    family, _ = _cases()[case]
    x = family.sample(20, np.random.default_rng(1))
    fitted = family.fit(x)
    before = {k: v.copy() for k, v in _arrays(fitted).items()}
    x[...] = x[::-1]  # the caller's batch changes afterwards
    for name, value in _arrays(fitted).items():
        with pytest.raises(ValueError, match="read-only"):
            value[...] = 0
        np.testing.assert_array_equal(value, before[name])
    # the fields of the parent family stay read-only too
    for value in _arrays(family).values():
        assert not value.flags.writeable


@pytest.mark.parametrize("case", range(6))
def test_pickled_fit_results_revalidate_and_stay_read_only(case):
    family, _ = _cases()[case]
    fitted = family.fit(family.sample(25, np.random.default_rng(2)))
    restored = pickle.loads(pickle.dumps(fitted))
    _assert_same(fitted, restored)


def test_gaussian_std_alpha_smoothing_equals_validated():
    g = Gaussian([0.0, 1.0], [1.0, 2.0])
    f = g.fit(g.sample(10, np.random.default_rng(3)))
    s = f.smooth(g, 0.6, std_alpha=0.3)
    _assert_same(s, Gaussian(s.mean, s.std))
    t = TruncatedGaussian([0.0, 1.0], [1.0, 2.0], -5.0, 5.0)
    ft = t.fit(t.sample(10, np.random.default_rng(3)))
    st = ft.smooth(t, 0.6, std_alpha=0.3)
    _assert_same(st, TruncatedGaussian(st.mean, st.std, st.lower, st.upper))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_lazy_factor_samples_and_scores_like_the_validated_family():
    m = _cases()[2][0]
    fitted = m.fit(m.sample(30, np.random.default_rng(6)))
    ref = MultivariateGaussian(fitted.mean, fitted.cov, fitted.min_variance)
    x = ref.sample(5, np.random.default_rng(7))
    np.testing.assert_array_equal(fitted.log_pdf(x), ref.log_pdf(x))
    np.testing.assert_array_equal(fitted.sample(5, np.random.default_rng(7)), x)
    with pytest.raises(AttributeError, match="no_such"):
        fitted.no_such  # noqa: B018


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_fit_still_raises_through_the_checks():
    # Finite samples whose mean overflows: the trusted path must defer to the
    # validating constructor, which reports the non-finite parameter.
    g = Gaussian([0.0, 0.0], [1.0, 1.0])
    x = np.array([[1.7e308, 0.0], [-1.7e308, 1.0]])
    with pytest.raises(ValueError, match="Gaussian"):
        g.fit(x)


def test_smooth_rejects_a_family_of_another_dimension():
    g = Gaussian([0.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="previous"):
        g.smooth(Gaussian([0.0, 0.0, 0.0], [1.0, 1.0, 1.0]), 0.5)
    t = TruncatedGaussian(0.0, 1.0, [-1.0, -1.0], 1.0)
    with pytest.raises(ValueError, match="previous"):
        t.smooth(TruncatedGaussian(0.0, 1.0, [-1.0, -2.0], 1.0), 0.5)


def test_rank_without_violation_equals_the_lexsort():
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 5, 200).astype(float)  # many ties: stability matters
    scores[::17] = np.inf
    v = np.zeros(200)
    np.testing.assert_array_equal(_rank(scores, v), np.lexsort((scores, v, v > 0)))
    v = np.where(rng.random(200) < 0.3, rng.integers(0, 3, 200), 0.0)
    np.testing.assert_array_equal(_rank(scores, v), np.lexsort((scores, v, v > 0)))


@pytest.mark.parametrize("case", range(6))
def test_optimizer_runs_are_reproducible(case):
    family, _ = _cases()[case]

    def fun(X):
        return np.asarray(X, dtype=float).sum(axis=1)

    r1 = ce.minimize(fun, family, vectorized=True, rng=5, maxiter=8, n_samples=40)
    r2 = ce.minimize(fun, family, vectorized=True, rng=5, maxiter=8, n_samples=40)
    assert r1.family == r2.family
    np.testing.assert_array_equal(r1.x, r2.x)
    assert [h.gamma for h in r1.history] == [h.gamma for h in r2.history]


@pytest.mark.parametrize("start", [0, 3, "random"])
def test_permutation_is_degenerate_quick_exit_keeps_the_answer(start):
    from cemethod.families._tour_kernels import greedy_tours, tour_log_probs

    def reference(fam, atol):  # the definition: probability of the greedy tour
        starts = np.arange(fam.n_nodes) if start == "random" else np.array([start])
        tours = greedy_tours(fam.transition, starts)
        return bool(np.all(np.exp(tour_log_probs(fam.transition, tours)) >= 1 - atol))

    rng = np.random.default_rng(8)
    fam = Permutation.uniform(6, start=start)
    seen = set()
    for _ in range(40):  # from uniform to (nearly) degenerate
        for atol in (0.0, 1e-8, 1e-3, 0.5, 1.0, 2.0):
            got = fam.is_degenerate(atol)
            assert got == reference(fam, atol)
            seen.add(got)
        elite = fam.sample(20, rng)[:3]
        fam = fam.fit(elite).smooth(fam, 0.5)
    assert seen == {True, False}


def test_bernoulli_dispersion_equals_the_entropy_of_the_stacked_rows():
    from cemethod.families._discrete_common import entropy_rows

    rng = np.random.default_rng(9)
    for _ in range(200):
        p = rng.random(rng.integers(1, 12))
        p[rng.random(p.size) < 0.2] = 0.0
        p[rng.random(p.size) < 0.2] = 1.0
        ref = float(entropy_rows(np.stack([p, 1.0 - p], axis=1)).max())
        assert Bernoulli(p).dispersion() == ref
