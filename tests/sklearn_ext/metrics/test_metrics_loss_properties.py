"""Hypothesis properties of log_loss and its relatives."""

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_ext.metrics import d2_log_loss_score, log_loss, log_loss_per_class

CONVENTIONS = [
    "sklearn", "sklearn<1.9", "sklearn<1.7", "sklearn<1.5", "sklearn<1.3",
    "sklearn<1.2", "keras", "torch",
]  # fmt: skip


@st.composite
def problems(draw, min_classes=2, max_classes=5):
    """Targets (every class present), row-stochastic probabilities, labels."""
    k = draw(st.integers(min_classes, max_classes))
    n = draw(st.integers(k, 25))
    raw = draw(
        arrays(np.float64, (n, k), elements=st.floats(0, 1, allow_subnormal=False))
    )
    raw[:, 0] += 1e-6
    proba = raw / raw.sum(axis=1, keepdims=True)
    y = np.array(draw(st.permutations(list(range(k)) + draw(
        st.lists(st.integers(0, k - 1), min_size=n - k, max_size=n - k)
    ))))  # fmt: skip
    return y, proba, np.arange(k)


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False), st.sampled_from(CONVENTIONS))
def test_invariant_to_class_order_when_labels_given(problem, random, convention):
    y, proba, labels = problem
    perm = list(range(len(labels)))
    random.shuffle(perm)
    names = np.array([f"c{j}" for j in labels])
    y_names = names[y]
    if convention.startswith("sklearn"):
        # scikit-learn reads the columns as the sorted labels whatever the order
        # labels are given in (and warns when it is not sorted)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            permuted = log_loss(y_names, proba, labels=names[perm],
                                convention=convention)  # fmt: skip
        base = log_loss(y_names, proba, labels=np.sort(names), convention=convention)
        assert permuted == base
        return
    base = log_loss(y_names, proba, labels=names, convention=convention)
    permuted = log_loss(
        y_names, proba[:, perm], labels=names[perm], convention=convention
    )
    if convention == "sklearn":  # the true-class column is gathered: exact
        assert permuted == base
    else:  # row sums may add in another order
        assert math.isclose(permuted, base, rel_tol=1e-12) or permuted == base


@settings(max_examples=60, deadline=None)
@given(problems(), st.data())
def test_integer_weights_equal_repeated_samples(problem, data):
    y, proba, labels = problem
    w = np.array(
        data.draw(st.lists(st.integers(0, 4), min_size=len(y), max_size=len(y)))
    )
    if not w.any():
        w[0] = 1
    rep_y, rep_p = np.repeat(y, w), np.repeat(proba, w, axis=0)
    for normalize in (True, False):
        weighted = log_loss(
            y, proba, labels=labels, sample_weight=w, normalize=normalize
        )
        repeated = log_loss(rep_y, rep_p, labels=labels, normalize=normalize)
        assert math.isclose(weighted, repeated, rel_tol=1e-12, abs_tol=1e-14)


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(1.01, 100), st.sampled_from(CONVENTIONS))
def test_base_change_is_a_scaling(problem, base, convention):
    y, proba, labels = problem
    nats = log_loss(y, proba, labels=labels, convention=convention)
    in_base = log_loss(y, proba, labels=labels, base=base, convention=convention)
    if math.isinf(nats):
        assert math.isinf(in_base)
    else:
        assert math.isclose(in_base * math.log(base), nats, rel_tol=1e-12)
    bits = log_loss(y, proba, labels=labels, base=2, reduction="none")
    np.testing.assert_allclose(
        bits * math.log(2), log_loss(y, proba, labels=labels, reduction="none"),
        rtol=1e-14,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    problems(),
    st.sampled_from(CONVENTIONS),
    st.sampled_from([0.0, 0.05, 0.5]),
    st.booleans(),
)
def test_losses_are_non_negative(problem, convention, smoothing, binary):
    y, proba, labels = problem
    if binary:
        y, proba, labels = y % 2, proba[:, 0], labels[:2]
    losses = log_loss(
        y, proba, labels=labels, convention=convention, label_smoothing=smoothing,
        reduction="none",
    )  # fmt: skip
    assert (losses >= 0).all()
    per_class = log_loss_per_class(y, proba, labels=labels, convention=convention)
    assert (per_class.loss[per_class.support > 0] >= 0).all()


@settings(max_examples=40, deadline=None)
@given(problems())
def test_d2_at_most_one_and_zero_for_the_prior(problem):
    y, proba, labels = problem
    assert d2_log_loss_score(y, proba, labels=labels) <= 1
    prior = np.bincount(y, minlength=len(labels)) / len(y)
    prior_rows = np.tile(prior, (len(y), 1))
    assert abs(d2_log_loss_score(y, prior_rows, labels=labels)) < 1e-12
