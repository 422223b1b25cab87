"""Variance injection inside the optimizer (option ``injection``)."""

import pickle

import numpy as np
import pytest

import cemethod as ce
from cemethod import CrossEntropyOptimizer
from cemethod.problems import Rastrigin


def _rastrigin_runs(injection, seeds):
    p = Rastrigin(10)
    # The plain CE update (injection is one of its options), as documented.
    options = {**p.default_options(), "max_evaluations": 60_000, "update": "ce"}
    if injection is not None:
        options["injection"] = injection
    return [
        ce.minimize(p, p.default_family(), vectorized=True, rng=s, **options)
        for s in seeds
    ]


def test_injection_escapes_local_minima_of_rastrigin():
    # Without injection seeds 3-5 stop in a local minimum at f = 0.995 (one
    # coordinate one well away); the global minimum 0 is known by construction.
    plain = _rastrigin_runs(None, range(3, 6))
    injected = _rastrigin_runs(0.5, range(3, 6))
    assert all(r.fun > 0.9 for r in plain)
    assert all(r.fun < 1e-6 for r in injected), [r.fun for r in injected]
    assert all(len(r.injections) >= 1 for r in injected)
    assert all(r.injections == () for r in plain)


def test_injection_count_is_bounded_and_run_then_stops_as_usual():
    # A flat objective stalls at once: every stall becomes an injection until
    # max_injections, then the ordinary stall rule ends the run.
    fam = ce.families.Gaussian([0.0, 0.0], [1.0, 1.0])
    res = ce.minimize(
        lambda X: np.zeros(len(X)),
        fam,
        vectorized=True,
        rng=0,
        injection=0.5,
        max_injections=3,
        patience=2,
    )
    assert len(res.injections) == 3
    assert list(res.stop_reasons) == ["stalled"]
    gaps = np.diff((0, *res.injections))
    assert np.all(gaps >= 2)  # the stall count restarts after each injection


def test_target_reached_means_no_injection():
    fam = ce.families.Gaussian([3.0], [1.0])
    res = ce.minimize(
        lambda X: (X[:, 0] - 1.0) ** 2,
        fam,
        vectorized=True,
        rng=0,
        injection=0.5,
        target=1e-4,
    )
    assert res.status == 1 and res.injections == ()


def test_discrete_family_is_widened_after_degenerating():
    opt = CrossEntropyOptimizer(
        ce.families.Bernoulli.uniform(6), rng=1, injection=0.4, max_injections=1
    )
    while not opt.stop():
        X = opt.ask()
        opt.tell(X, X.sum(axis=1).astype(float))
    res = opt.result()
    assert res.fun == 0.0 and len(res.injections) == 1


def test_checkpoint_keeps_injection_state():
    fam = ce.families.Gaussian([0.0, 0.0], [1.0, 1.0])
    opt = CrossEntropyOptimizer(fam, rng=0, injection=0.5, max_injections=4, patience=2)
    for _ in range(6):
        X = opt.ask()
        opt.tell(X, np.zeros(len(X)))
    clone = pickle.loads(pickle.dumps(opt))
    for o in (opt, clone):
        while not o.stop():
            X = o.ask()
            o.tell(X, np.zeros(len(X)))
    assert opt.result().injections == clone.result().injections
    assert len(opt.result().injections) == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"injection": 0.0}, "'injection'.*0.0"),
        ({"injection": 1.5}, "'injection'.*1.5"),
        ({"injection": 0.3, "max_injections": 0}, "'max_injections'.*0"),
    ],
)
def test_bad_injection_settings_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CrossEntropyOptimizer(ce.families.Gaussian([0.0], [1.0]), **kwargs)
