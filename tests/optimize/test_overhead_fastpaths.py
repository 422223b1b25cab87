"""The shortcuts of the per-iteration path agree with the plain definitions.

- the elite of the pool (sample + kept points) is taken from the ``m`` best of
  the sample and the kept points only: checked against the full-pool stable
  lexsort (the definition, and the code before the shortcut), ties and
  violations included;
- the finiteness checks of tell and of the evaluator's fast path: finite
  values whose sum overflows are accepted without a warning, non-finite ones
  are caught, and the objective's own array is not modified;
- checkpoints written before the history rows existed still load.
"""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recording_family import RecordingFamily

import cemethod as ce
from cemethod.families import Exponential, Gamma, Gaussian
from cemethod.optimize._evaluation import evaluate_batch
from cemethod.optimize._result import IterationRecord


class Recorder(RecordingFamily):
    """A minimal user family (integer-valued 2-D samples) that records the
    rows it is fitted to."""

    dim = 2

    def sample(self, n, rng):
        return rng.integers(0, 4, size=(n, 2)).astype(float)


def _reference_step(X, scores, v, keep, n_elite, n_keep):
    """Elite rows and kept points by the definition: stable lexsort of the
    whole pool (feasible first, then violation, then score)."""
    if keep is not None:
        X = np.concatenate([X, keep[0]])
        scores = np.concatenate([scores, keep[1]])
        v = np.concatenate([v, keep[2]])
    order = np.lexsort((scores, v, v > 0))
    kept = order[:n_keep]
    return X[order[:n_elite]], (X[kept], scores[kept], v[kept])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
    n_elite=st.integers(1, 6),
    elitism=st.integers(0, 3),
    constrained=st.booleans(),
)
def test_candidate_pool_gives_the_full_pool_elite(
    seed, n, n_elite, elitism, constrained
):
    rng = np.random.default_rng(seed)
    log = []
    elitism = min(elitism, n_elite)
    opt = ce.CrossEntropyOptimizer(
        Recorder(log),
        n_samples=max(n, n_elite, 2),
        n_elite=n_elite,
        elitism=elitism,
        rng=seed,
        maxiter=None,
    )
    keep = None
    for _ in range(4):
        X = opt.ask()[:n]  # the user may tell fewer rows than asked
        values = rng.integers(0, 3, size=n).astype(float)  # many ties
        v = None
        if constrained:
            v = np.where(rng.random(n) < 0.4, rng.integers(0, 2, n) * 0.5, 0.0)
        opt.tell(X, values, violation=v)
        v_ref = np.zeros(n) if v is None else v
        elite, ref_keep = _reference_step(X, values, v_ref, keep, n_elite, elitism)
        np.testing.assert_array_equal(log[-1], elite)
        if elitism:
            keep = ref_keep
            np.testing.assert_array_equal(opt.kept_points, keep[0])


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no spurious overflow warning
def test_finite_values_with_an_overflowing_sum_are_accepted():
    opt = ce.CrossEntropyOptimizer(Gaussian([0.0], [1.0]), n_samples=4, rng=0)
    X = opt.ask()
    values = np.array([1.7e308, 1.7e308, -1.0, 2.0])  # finite, sum = inf
    opt.tell(X, values)
    res = opt.result()
    assert res.fun == -1.0 and res.n_failures == 0
    out, n_failures = evaluate_batch(lambda X: values, X, vectorized=True)
    assert n_failures == 0 and out.tolist() == values.tolist()


def test_non_finite_values_are_still_caught():
    opt = ce.CrossEntropyOptimizer(
        Gaussian([0.0], [1.0]), n_samples=4, rng=0, on_error="worst"
    )
    X = opt.ask()
    opt.tell(X, np.array([math.nan, 1.0, math.inf, 0.5]))
    assert opt.result().n_failures == 2 and opt.result().fun == 0.5
    values = np.array([math.nan, 1.0, 2.0, 3.0])
    out, n_failures = evaluate_batch(
        lambda X: values, X, vectorized=True, on_error="worst"
    )
    assert n_failures == 1 and out[0] == math.inf
    assert math.isnan(values[0])  # the objective's own array is left alone


def test_checkpoint_without_history_rows_still_loads():
    opt = ce.CrossEntropyOptimizer(Gaussian([1.0, 2.0], [1.0, 1.0]), rng=3)
    for _ in range(3):
        X = opt.ask()
        opt.tell(X, np.sum(X**2, axis=1))
    expected = opt.result().history
    # The state as the code before the history rows pickled it.
    state = opt.__getstate__()
    state["_records"] = [IterationRecord(*row) for row in state.pop("_rows")]
    old = object.__new__(ce.CrossEntropyOptimizer)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    assert restored.result().history == expected
    X = restored.ask()
    restored.tell(X, np.sum(X**2, axis=1))
    assert len(restored.result().history) == 4


@pytest.mark.parametrize(
    ("family", "rebuild"),
    [
        (Exponential([1.0, 2.5, 0.5]), lambda f: Exponential(f.mean)),
        (Gamma([0.5, 2.0, 3.0], [1.0, 2.5, 0.5]), lambda f: Gamma(f.shape, f.mean)),
    ],
)
def test_scale_families_fit_and_smooth_equal_the_validated_families(family, rebuild):
    rng = np.random.default_rng(11)
    x = family.sample(30, rng)
    for fast in (
        family.fit(x),
        family.fit(x, weights=rng.uniform(0.0, 1.0, 30)),
        family.fit(x).smooth(family, 0.7),
    ):
        ref = rebuild(fast)
        assert type(fast) is type(ref) and fast == ref and hash(fast) == hash(ref)
        for name in ("mean", "shape"):
            if hasattr(ref, name):
                a, b = getattr(fast, name), getattr(ref, name)
                assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
                assert not a.flags.writeable
        restored = pickle.loads(pickle.dumps(fast))
        assert restored == fast and not restored.mean.flags.writeable


def test_scale_families_fresh_means_that_are_invalid_go_through_the_checks():
    # Rounding could leave a fitted mean a hair below 0, or a smoothed one
    # could overflow: the trusted constructors then defer to the checks.
    for bad in ([1.0, -1e-300], [1.0, np.inf], [np.nan, 1.0]):
        with pytest.raises(ValueError, match="Exponential"):
            Exponential._from_trusted(np.array(bad))
        with pytest.raises(ValueError, match="Gamma"):
            Gamma._from_trusted(np.array([1.0, 2.0]), np.array(bad))
