"""The fully adaptive CE (FACE, Rubinstein & Kroese 2004, ch. 5): ``sample_growth > 1``.

The expected sample sizes, evaluation counts and elites below are worked out
by hand from the rules: start every iteration from ``N_min = n_samples``; an
iteration that improves neither gamma nor the best value keeps its sample,
leaves the family alone and grows the sample by the factor; no improvement
with ``N_max`` samples stops the run as "hard" (status 7).
"""

import itertools
import pickle

import numpy as np
import pytest
from recording_family import RecordingFamily

import cemethod as ce
from cemethod.families import Bernoulli, Gaussian


class Recorder(RecordingFamily):
    """A minimal user family that records the rows it is fitted to."""

    def sample(self, n, rng):
        return rng.standard_normal((n, 1))


def test_no_improvement_grows_the_sample_then_declares_the_problem_hard():
    # A constant objective: iteration 1 improves (gamma from inf to 0), then
    # nothing can: the sample grows 20 -> 40 -> 80 = N_max, then "hard".
    opt = ce.CrossEntropyOptimizer(
        Gaussian([0.0, 0.0], [1.0, 1.0]),
        n_samples=20,
        sample_growth=2.0,
        max_n_samples=80,
        rng=0,
    )
    asked, families = [], []
    while not opt.stop():
        X = opt.ask()
        asked.append(len(X))
        opt.tell(X, np.zeros(len(X)))
        families.append(opt.family)
    res = opt.result()
    assert asked == [20, 20, 20, 40]  # new draws per iteration
    assert res.history.n_samples.tolist() == [20, 20, 40, 80]  # grown sample
    assert res.nfev == 100 and res.nit == 4
    assert list(res.stop_reasons) == ["hard"]
    assert res.status == 7 and not res.success and "hard" in res.message
    # Without an improvement the family is left alone.
    assert families[1] is families[0] and families[3] is families[0]


def test_an_improvement_resets_the_sample_size_and_pools_the_draws():
    log = []
    opt = ce.CrossEntropyOptimizer(
        Recorder(log),
        n_samples=4,
        n_elite=2,
        elitism=False,
        sample_growth=2.0,
        max_n_samples=16,
        rng=1,
    )
    X1 = opt.ask()
    opt.tell(X1, np.array([3.0, 0.0, 2.0, 1.0]))  # accepted: elite rows 1, 3
    np.testing.assert_array_equal(log[-1], X1[[1, 3]])
    X2 = opt.ask()
    opt.tell(X2, np.array([5.0, 4.0, 5.0, 6.0]))  # no improvement: keep, grow
    assert len(log) == 1 and opt.n_samples == 4  # 4 kept + 4 new = 8
    X3 = opt.ask()
    opt.tell(X3, np.array([7.0, 7.0, 0.5, 7.0]))  # gamma 4 > 1, best 0.5 > 0
    assert len(log) == 1 and opt.n_samples == 8  # 8 kept + 8 new = 16
    X4 = opt.ask()
    values = np.full(8, 9.0)
    values[5] = -1.0  # the best improves: accepted on the pooled 16
    opt.tell(X4, values)
    pooled = np.concatenate([X2, X3, X4])
    # Elite of the pool: -1.0 (X4 row 5), then 0.5 (X3 row 2).
    np.testing.assert_array_equal(log[-1], pooled[[13, 6]])
    assert opt.n_samples == 4  # back to N_min
    res = opt.result()
    assert res.history.n_samples.tolist() == [4, 4, 8, 16]
    assert res.fun == -1.0 and res.nfev == 4 + 4 + 4 + 8
    np.testing.assert_array_equal(res.x, X4[5])


def test_stall_rule_is_the_best_value_over_accepted_iterations():
    # OneMax: the best reaches the optimum quickly; gamma keeps improving for
    # a while (accepted iterations with an unchanged best), so FACE's stall
    # rule (c = patience = 3) fires or, once gamma is optimal too, "hard".
    opt = ce.CrossEntropyOptimizer(
        Bernoulli(np.full(8, 0.5)),
        n_samples=40,
        sample_growth=1.5,
        max_n_samples=200,
        patience=3,
        rng=2,
    )
    while not opt.stop():
        X = opt.ask()
        opt.tell(X, -X.sum(axis=1).astype(float))
    res = opt.result()
    assert res.fun == -8.0
    assert set(res.stop_reasons) & {"stalled", "hard"}
    sizes = res.history.n_samples.tolist()
    assert sizes[0] == 40 and max(sizes) <= 200
    # Every size is N_min or one growth step of the previous iteration's.
    for prev, size in itertools.pairwise(sizes):
        assert size in (40, min(200, int(np.ceil(prev * 1.5))))


def test_fixed_size_by_default_and_pickle_mid_growth_continues_bit_for_bit():
    opt = ce.CrossEntropyOptimizer(
        Gaussian([0.0], [1.0]), n_samples=10, sample_growth=2.0, rng=3
    )
    X = opt.ask()
    opt.tell(X, np.zeros(10))
    X = opt.ask()
    opt.tell(X, np.zeros(10))  # pending sample of 10, next ask draws 10
    clone = pickle.loads(pickle.dumps(opt))
    for o in (opt, clone):
        X = o.ask()
        o.tell(X, np.abs(X[:, 0]) - 1.0)
    assert opt.result().fun == clone.result().fun
    assert opt.family == clone.family
    plain = ce.CrossEntropyOptimizer(Gaussian([0.0], [1.0]), n_samples=10, rng=3)
    for _ in range(3):
        X = plain.ask()
        assert len(X) == 10
        plain.tell(X, np.zeros(10))


@pytest.mark.parametrize("growth", [0.5, float("inf")])
def test_sample_growth_is_validated(growth):
    with pytest.raises(ValueError, match="sample_growth"):
        ce.CrossEntropyOptimizer(Gaussian([0.0], [1.0]), sample_growth=growth)
