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
    plain = ce.minimize(_flat, fam, **options, **budget)
    injected = ce.minimize(_flat, fam, **options, **budget, injection=0.5)
    assert list(plain.stop_reasons) == ["stalled", rule]
    assert injected.injections == ()
    assert list(injected.stop_reasons) == ["stalled", rule]
    assert (injected.status, injected.success) == (0, True)
    assert np.array_equal(injected.family.std, plain.family.std)
