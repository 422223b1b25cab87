"""Fixes from the code review of the optimizer core (injection, FACE, families)."""

import numpy as np
import pytest

import cemethod as ce


def _flat(X):
    return np.zeros(len(X))


@pytest.mark.parametrize(
    "budget, rule",
    [({"maxiter": 3}, "maxiter"), ({"max_evaluations": 300}, "max_evaluations")],
)
def test_no_injection_when_a_budget_rule_fires_with_the_stall(budget, rule):
    # A flat objective stalls after patience + 1 = 3 iterations, exactly when
    # the budget runs out: the run must end as without injection (stalled,
    # success) with the family left as the CE update made it.
    fam = ce.families.Gaussian([0.0, 0.0], [1.0, 1.0])
    options = {"vectorized": True, "rng": 0, "patience": 2, "n_samples": 100}
    options["update"] = "ce"  # injection is an option of the plain update
    plain = ce.minimize(_flat, fam, **options, **budget)
    injected = ce.minimize(_flat, fam, **options, **budget, injection=0.5)
    assert list(plain.stop_reasons) == ["stalled", rule]
    assert injected.injections == ()
    assert list(injected.stop_reasons) == ["stalled", rule]
    assert (injected.status, injected.success) == (0, True)
    assert np.array_equal(injected.family.std, plain.family.std)


def test_is_degenerate_is_asked_once_per_iteration_with_injection(monkeypatch):
    # The injection hook and the driver's stop() of the same iteration share
    # one answer (the family is immutable); results are unchanged.
    Perm = ce.families.Permutation
    calls = []
    original = Perm.is_degenerate

    def counting(self, atol=1e-8):
        calls.append(self)
        return original(self, atol)

    D = np.random.default_rng(0).random((12, 12))

    def tour_length(X):
        return D[X, np.roll(X, -1, axis=1)].sum(axis=1)

    def run():
        opt = ce.CrossEntropyOptimizer(
            Perm.uniform(12), rng=0, injection=0.5, maxiter=30
        )
        while not opt.stop():
            X = opt.ask()
            opt.tell(X, tour_length(X))
        return opt

    before = run().result()
    monkeypatch.setattr(Perm, "is_degenerate", counting)
    opt = run()
    after = opt.result()
    assert len(after.injections) >= 1
    # one call per iteration, plus one per injection (the widened family)
    assert len(calls) == opt.nit + len(after.injections)
    assert after.fun == before.fun and after.nfev == before.nfev
    assert np.array_equal(after.x, before.x)


def test_face_judges_the_injected_family_afresh():
    # With FACE (sample_growth > 1) an injection must also forget the level of
    # the collapsed family: the widened family's first iteration is then
    # accepted at N_min samples, instead of growing the sample to N_max and
    # stopping "hard" (before the fix: one injection, then status 7).
    from cemethod.problems import Ackley

    fam = ce.families.Gaussian(np.full(3, 2.0), np.full(3, 3.0))
    res = ce.minimize(
        Ackley(3),
        fam,
        vectorized=True,
        rng=0,
        n_samples=100,
        sample_growth=2.0,
        injection=0.5,
        max_injections=4,
        max_evaluations=50_000,
    )
    assert len(res.injections) == 4
    sizes = [r.n_samples for r in res.history.records]
    for k in res.injections:  # iteration k + 1 is history index k
        assert sizes[k] == 100
    assert res.status == 0 and list(res.stop_reasons) == ["stalled"]


@pytest.mark.parametrize(
    "collapsed, initial",
    [
        (ce.families.Bernoulli([1.0, 0.0]), ce.families.Bernoulli.uniform(2)),
        (
            ce.families.Categorical([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
            ce.families.Categorical.uniform([3, 3]),
        ),
        (
            ce.families.Permutation.uniform(4).fit(np.array([[0, 1, 2, 3]] * 5)),
            ce.families.Permutation.uniform(4),
        ),
    ],
)
def test_full_injection_of_a_discrete_family_is_the_initial_family(collapsed, initial):
    # weight 1 = all of the initial spread; smooth(initial, 0.0) is rejected.
    from cemethod.optimize._injection import inject

    assert inject(collapsed, initial, 1.0) is initial


def test_minimize_with_full_injection_of_a_bernoulli_family():
    res = ce.minimize(
        lambda X: X.sum(axis=1).astype(float),
        ce.families.Bernoulli.uniform(6),
        vectorized=True,
        rng=1,
        injection=1.0,
        max_injections=2,
    )
    assert res.fun == 0.0 and len(res.injections) == 2


@pytest.mark.parametrize("on_error", ["raise", "worst"])
def test_non_finite_values_and_kept_values_share_one_check(on_error):
    # Both arrays: a named ValueError with on_error='raise', else the worst
    # rank and a count in n_failures (here: one nan sample, one inf kept value).
    opt = ce.CrossEntropyOptimizer(
        ce.families.Gaussian([0.0], [1.0]),
        n_samples=4,
        n_elite=1,
        smoothing=1.0,
        on_error=on_error,
        rng=0,
    )
    opt.tell(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0, 3.0]))
    X = np.array([[5.0], [6.0], [7.0], [8.0]])
    values = np.array([5.0, np.nan, 7.0, 8.0])
    if on_error == "raise":
        with pytest.raises(ValueError, match=r"'values' parameter .* finite"):
            opt.tell(X, values, kept_values=np.array([1.0]))
        with pytest.raises(ValueError, match=r"'kept_values' parameter .* finite"):
            opt.tell(X, np.ones(4), kept_values=np.array([np.inf]))
        assert opt.nit == 1
        return
    opt.tell(X, values, kept_values=np.array([np.inf]))
    res = opt.result()
    assert res.n_failures == 2
    assert opt.family.mean[0] == 5.0  # the stale kept point (0.0) lost its rank
    assert res.fun == 5.0


def test_weighted_mean_is_bit_for_bit_the_mean_of_weighted_moments():
    # Gamma.fit / Exponential.fit skip the variance; their means must not move.
    from cemethod.families._params import weighted_mean, weighted_moments

    rng = np.random.default_rng(7)
    for trial in range(200):
        n, d = int(rng.integers(1, 200)), int(rng.integers(1, 30))
        x = rng.exponential(size=(n, d)) * 10.0 ** rng.integers(-5, 6)
        if trial % 3 == 0:
            x[:, 0] = x[0, 0]  # a collapsed column stays exactly collapsed
        w = rng.random(n)
        w /= w.sum()
        mean = weighted_mean(x, w)
        assert mean.tobytes() == weighted_moments(x, w)[0].tobytes()
        if trial % 3 == 0:
            assert mean[0] == x[0, 0]
    fam = ce.families.Exponential(np.ones(4))
    x = rng.exponential(size=(50, 4))
    np.testing.assert_allclose(fam.fit(x).mean, x.mean(axis=0), rtol=1e-14)
