"""Shared pieces of rare-event estimation, and crude Monte Carlo.

Input checks, the evaluation of a batch with signed scores, the assembly of a
:class:`RareEventResult`, and :func:`crude_monte_carlo`, the baseline of
:func:`estimate_rare_event`.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import (
    check_choice,
    check_confidence_level,
    check_int_at_least,
    check_real,
    format_value,
    parameter_error,
)
from cemethod.optimize._evaluation import BatchEvaluator
from cemethod.rare_event._result import (
    ConfidenceInterval,
    RareEventResult,
    _degeneracy_note,
    _normal_interval,
    _term_summary,
)

__all__ = ["crude_monte_carlo"]


def _check_bool(value, *, param, func):
    if not isinstance(value, (bool, np.bool_)):
        raise parameter_error(func, param, "a bool", value)
    return bool(value)


def _check_family(family, func, methods=("sample", "log_pdf")):
    for name in methods:
        if not callable(getattr(family, name, None)):
            raise TypeError(
                f"The 'family' parameter of {func} must be a SamplingFamily (with "
                f"{', '.join(methods)} methods). Got {format_value(family)} instead."
            )


def _check_common(score, gamma, direction, confidence_level, func):
    if not callable(score):
        raise TypeError(
            f"The 'score' parameter of {func} must be callable. "
            f"Got {format_value(score)} instead."
        )
    gamma = check_real(gamma, param="gamma", func=func)
    if not math.isfinite(gamma):
        raise parameter_error(func, "gamma", "a finite real number", gamma)
    direction = check_choice(
        direction, ("greater", "less"), param="direction", func=func
    )
    confidence_level = check_confidence_level(confidence_level, func=func)
    return gamma, direction, confidence_level


class _Scorer:
    """Samples and signed scores: internally the event is always ``s >= g``."""

    def __init__(self, evaluator, sign):
        self.evaluator = evaluator
        self.sign = sign
        self.n_evaluations = 0
        self.n_failures = 0

    def __call__(self, family, n, rng):
        X = family.sample(n, rng)
        return X, self.evaluate(X)

    def evaluate(self, X):
        """The signed scores of the rows of ``X``, counted."""
        values, failures = self.evaluator(X)
        self.n_evaluations += X.shape[0]
        self.n_failures += failures
        return self.sign * values


def _log_terms(X, s, target, nominal, proposal):
    """``log(1{s >= target} f(x; u) / g(x))`` in log space, ``-inf`` off the event."""
    out = np.full(s.shape, -math.inf)
    hit = s >= target
    if hit.any():
        out[hit] = nominal.log_pdf(X[hit]) - proposal.log_pdf(X[hit])
    return out


def _finish(summary, scorer, family, levels, notes, level, method, start, causes=()):
    """Assemble the result; warn when the weights are degenerate or one of the
    ``causes`` (notes of other diagnostics) says the error bar is not to be
    trusted. Then the interval of an importance-sampling estimate is withheld:
    ``[0, 1]``, as the normal interval rests on weights that do not support it.
    """
    unreliable = summary.degenerate or bool(causes)
    if summary.degenerate:
        note = _degeneracy_note(summary)
        warnings.warn(note, RuntimeWarning, stacklevel=3)
        notes.append(note)
    for note in causes:
        warnings.warn(note, RuntimeWarning, stacklevel=3)
        notes.append(note)
    if scorer.n_failures:
        notes.append(
            f"{scorer.n_failures} evaluations failed and were counted outside the "
            "event (the estimate is biased down)"
        )
    if method == "crude" and summary.n_hits == 0:
        # Clopper-Pearson upper bound for zero successes in n trials.
        n = summary.n_terms
        interval = ConfidenceInterval(
            0.0, 1.0 - ((1.0 - level) / 2) ** (1.0 / n), level
        )
    elif unreliable and summary.n_hits and method != "crude":
        interval = ConfidenceInterval(0.0, 1.0, level)
        notes.append("the confidence interval is withheld ([0, 1])")
    else:
        interval = _normal_interval(summary, level)
    head = (
        f"{summary.n_hits} of {summary.n_terms} final samples reached gamma"
        if method != "crude"
        else f"{summary.n_hits} of {summary.n_terms} samples reached gamma"
    )
    return RareEventResult(
        estimate=summary.estimate,
        std_error=summary.std_error,
        relative_error=summary.relative_error,
        confidence_interval=interval,
        n_evaluations=scorer.n_evaluations,
        levels=levels,
        family=family,
        effective_sample_size=summary.effective_sample_size,
        method=method,
        degenerate_weights=unreliable,
        message="; ".join(n.rstrip(".") for n in [head, *notes]) + ".",
        elapsed=time.perf_counter() - start,
        log_estimate=summary.log_estimate,
        pareto_k=summary.pareto_k,
        n_failures=scorer.n_failures,
    )


def crude_monte_carlo(
    score,
    gamma,
    family,
    *,
    direction="greater",
    n_samples=10_000,
    vectorized=True,
    workers=None,
    confidence_level=0.95,
    rng=None,
):
    """Estimate ``P(S(X) >= gamma)`` by crude Monte Carlo from the nominal family.

    The fraction of ``n_samples`` draws of ``X ~ f(.; u)`` with ``S(X) >=
    gamma`` (or ``<= gamma`` for ``direction="less"``); its relative error is
    about ``1 / sqrt(n_samples l)``, which is why rare events need
    :func:`estimate_rare_event`. Parameters as there; the result has
    ``method="crude"``, no levels, and the nominal family. With no sample in
    the event the interval is ``[0, Clopper-Pearson upper bound]``.

    Examples
    --------
    >>> from cemethod import crude_monte_carlo
    >>> from cemethod.families import Gaussian
    >>> res = crude_monte_carlo(
    ...     lambda x: x[:, 0], 0.0, Gaussian([0.0], [1.0]), n_samples=10_000, rng=1
    ... )
    >>> bool(abs(res.estimate - 0.5) < 3 * res.std_error)
    True
    """
    start = time.perf_counter()
    func = "crude_monte_carlo"
    gamma, direction, confidence_level = _check_common(
        score, gamma, direction, confidence_level, func
    )
    _check_family(family, func, ("sample",))
    n_samples = check_int_at_least(n_samples, param="n_samples", func=func, low=2)
    dim = int(np.size(family.mode())) if hasattr(family, "mode") else 1
    check_memory(
        func,
        f"n_samples={n_samples} samples of {dim} values",
        3.0 * n_samples * (dim + 2) * 8,
        "the samples and their scores",
    )
    rng = np.random.default_rng(rng)
    sign = 1.0 if direction == "greater" else -1.0
    with BatchEvaluator(
        score, vectorized=vectorized, workers=workers, func=func
    ) as evaluator:
        scorer = _Scorer(evaluator, sign)
        _, s = scorer(family, n_samples, rng)
    terms = np.where(s >= sign * gamma, 0.0, -math.inf)
    return _finish(
        _term_summary([terms]),
        scorer,
        family,
        (),
        [],
        confidence_level,
        "crude",
        start,
    )
