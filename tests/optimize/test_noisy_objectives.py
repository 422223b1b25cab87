"""noisy=True: honest values, the noise-aware stop rule and KN selection.

References come from outside the code: the true value of a point of the noisy
sphere is its sphere value (the noise has mean 0), KN's probability of correct
selection is the rate Kim & Nelson (2001) guarantee, computed here by repeated
runs on normal systems with known means.
"""

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._noisy import kn_select


def sphere(X):
    return np.sum(np.asarray(X) ** 2, axis=1)


def noisy_sphere(sd=1.0, seen=None):
    own = np.random.default_rng(99)

    def fun(X, seed=None):
        if seen is not None:
            seen.append(seed)
        n = np.asarray(X).shape[0]
        if seed is None:
            return sphere(X) + own.normal(0.0, sd, size=n)
        return sphere(X) + np.random.default_rng(seed).normal(0.0, sd)

    return fun


def run(seed, crn, **kw):
    return ce.minimize(
        noisy_sphere(),
        Gaussian(np.full(3, 3.0), np.full(3, 5.0)),
        vectorized=True,
        rng=seed,
        noise_seed=crn,
        noisy=True,
        **kw,
    )


def coverage(seeds, crn):
    hits = []
    for seed in seeds:
        res = run(seed, crn)
        lo, hi = res.honest.interval
        hits.append(lo <= float(sphere(res.x[None])[0]) <= hi)
    return np.mean(hits)


@pytest.mark.parametrize("crn", [False, True])
def test_honest_interval_covers_the_true_value_fast(crn):
    # 20 seeds: at least 16 hits (P(<16 | p=0.95) < 0.3%).
    assert coverage(range(20), crn) >= 0.8


@pytest.mark.slow
@pytest.mark.parametrize("crn", [False, True])
def test_honest_interval_coverage_many_seeds(crn):
    # 200 seeds: nominal 95%; at least 90% (P(<180 | p=0.95) < 0.1%).
    assert coverage(range(200), crn) >= 0.9


def test_honest_value_is_not_the_optimistic_in_run_value():
    # Independent noise: the best of many noisy values is far below the truth;
    # the honest mean is not (mean over seeds, sd 1 noise, 30 replications).
    res = [run(seed, False) for seed in range(10)]
    true = np.array([sphere(r.x[None])[0] for r in res])
    fun = np.array([r.fun for r in res])
    honest = np.array([r.honest.value for r in res])
    assert np.mean(true - fun) > 1.0
    assert abs(np.mean(honest - true)) < 3 * 1.0 / np.sqrt(30 * 10)
    assert all(r.honest.n_replications == 30 for r in res)


def test_fresh_stream_is_independent_of_the_run():
    seen = []
    res = ce.minimize(
        noisy_sphere(seen=seen),
        Gaussian(np.full(3, 3.0), np.full(3, 5.0)),
        vectorized=True,
        rng=1,
        noise_seed=True,
        noisy=True,
        honest_replications=50,
    )
    # One seed per iteration in the run, one per KN stage, one per honest
    # replication: no seed of the final calls was used by the run.
    run_seeds, final = set(seen[: res.nit]), seen[res.nit :]
    assert len(final) == res.selection.stages + 50
    honest_seeds = final[-50:]
    assert len(set(honest_seeds)) == 50  # one fresh seed per replication
    assert not run_seeds & set(final)
    # The run itself does not depend on the final replications: same x, nfev
    # and history without selection and with another number of replications.
    other = ce.minimize(
        noisy_sphere(),
        Gaussian(np.full(3, 3.0), np.full(3, 5.0)),
        vectorized=True,
        rng=1,
        noise_seed=True,
        noisy=True,
        selection=None,
        honest_replications=7,
    )
    assert other.nfev == res.nfev
    assert np.array_equal(other.history.gamma, res.history.gamma)


def test_target_standard_error_sets_the_replications():
    res = run(2, True, honest_std_error=0.1, max_honest_replications=500)
    h = res.honest
    assert h.target_std_error == 0.1
    # sd 1 noise: about (1 / 0.1)^2 = 100 replications, SE near 0.1.
    assert 60 <= h.n_replications <= 160
    assert 0.07 < h.std_error < 0.14
    capped = run(2, True, honest_std_error=0.01, max_honest_replications=200)
    assert capped.honest.n_replications == 200


@pytest.mark.parametrize("crn", [False, True])
def test_noisy_runs_end_by_their_own_rule(crn):
    for seed in range(5):
        res = run(seed, crn)
        assert "noise_stalled" in res.stop_reasons, res.stop_reasons
        assert res.success and res.nit < 200
    # Without the rule, common random numbers run the plain update to the cap.
    capped = ce.minimize(
        noisy_sphere(),
        Gaussian(np.full(3, 3.0), np.full(3, 5.0)),
        vectorized=True,
        rng=0,
        noise_seed=True,
        maxiter=200,
        update="ce",
    )
    assert capped.stop_reasons.keys() == {"maxiter"}


def test_kn_picks_the_true_best_at_the_stated_rate():
    # Slippage configuration: the best mean is delta below the 4 others, the
    # hardest case of the indifference zone; KN guarantees >= 0.95.
    means = np.array([0.0, 0.5, 0.5, 0.5, 0.5])
    rng = np.random.default_rng(3)
    correct = 0
    n_rep = 300
    for _ in range(n_rep):
        chosen, sel = kn_select(
            lambda idx: means[idx] + rng.normal(0.0, 1.0, size=idx.size),
            5,
            indifference_zone=0.5,
            confidence=0.95,
        )
        correct += chosen == 0
    assert sel.method == "KN" and sel.indifference_zone == 0.5
    # P(correct) >= 0.95: at least 276 of 300 (P(<276 | p=0.95) < 3%).
    assert correct >= 276


def test_kn_common_noise_cancels():
    # One shared draw per stage: the differences are noise-free, so KN stops
    # after its first stage with the true best.
    means = np.array([0.3, 0.1, 0.2])
    rng = np.random.default_rng(0)
    chosen, sel = kn_select(
        lambda idx: means[idx] + rng.normal(0.0, 5.0), 3, indifference_zone=0.01
    )
    assert chosen == 1 and sel.n_evaluations == 30


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"honest_replications": 1}, "'honest_replications' parameter"),
        ({"honest_std_error": 0.0}, "'honest_std_error' parameter"),
        ({"honest_std_error": 0.1, "honest_replications": 5}, "one or the other"),
        ({"selection": "ocba"}, "'selection' parameter"),
        ({"indifference_zone": -1.0}, "'indifference_zone' parameter"),
        ({"selection_confidence": 1.0}, "'selection_confidence' parameter"),
        ({"max_honest_replications": 1}, "'max_honest_replications' parameter"),
        ({"noise_window": 1}, "'noise_window' parameter"),
    ],
)
def test_bad_parameters(kw, message):
    with pytest.raises(ValueError, match=message):
        run(0, False, **kw)


def test_noisy_settings_need_noisy_true():
    with pytest.raises(ValueError, match="unless noisy=True"):
        ce.minimize(
            sphere, Gaussian([1.0], [1.0]), vectorized=True, honest_replications=5
        )
    with pytest.raises(TypeError, match="'noisy' parameter"):
        ce.minimize(sphere, Gaussian([1.0], [1.0]), vectorized=True, noisy="yes")
