"""Rare-event probability estimation: multilevel cross-entropy importance sampling.

``l = P(S(X) >= gamma)`` for ``X ~ f(.; u)``, by the multilevel CE algorithm of
de Boer, Kroese, Mannor & Rubinstein (2005), Algorithm 2.1 (Rubinstein &
Kroese 2004), followed by an importance-sampling run from the last family.
"""

from __future__ import annotations

import math
import numbers
import time
import warnings

import numpy as np

from ._evaluation import BatchEvaluator
from ._rare_ice import improved_levels
from ._rare_levels import multilevel
from ._rare_refine import staged_final_run
from ._rare_result import (
    ConfidenceInterval,
    RareEventResult,
    _degeneracy_note,
    _normal_interval,
    _term_summary,
)
from ._rare_screening import check_screenable, n_screened
from ._validation import check_choice, check_real, format_value, parameter_error

__all__ = ["crude_monte_carlo", "estimate_rare_event"]

_FUNC = "estimate_rare_event"


def _check_int(value, *, param, func, low):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise parameter_error(func, param, f"an integer >= {low}", value)
    return int(value)


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
    confidence_level = check_real(
        confidence_level,
        param="confidence_level",
        func=func,
        low=0.0,
        high=1.0,
        low_inclusive=False,
        high_inclusive=False,
    )
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
        values, failures = self.evaluator(X)
        self.n_evaluations += n
        self.n_failures += failures
        return X, self.sign * values


def _log_terms(X, s, target, nominal, proposal):
    """``log(1{s >= target} f(x; u) / g(x))`` in log space, ``-inf`` off the event."""
    out = np.full(s.shape, -math.inf)
    hit = s >= target
    if hit.any():
        out[hit] = nominal.log_pdf(X[hit]) - proposal.log_pdf(X[hit])
    return out


def _check_screening(screening, family):
    if isinstance(screening, (bool, np.bool_)):
        delta = 0.1 if screening else 0.0
    elif isinstance(screening, numbers.Real) and 0 < screening < 1:
        delta = float(screening)
    else:
        raise parameter_error(
            _FUNC, "screening", "a bool or a real number in (0, 1)", screening
        )
    if delta:
        check_screenable(family, _FUNC)
    return delta


def estimate_rare_event(
    score,
    gamma,
    family,
    *,
    direction="greater",
    n_samples=1000,
    elite_fraction=0.1,
    n_final=None,
    smoothing=1.0,
    max_levels=100,
    vectorized=True,
    workers=None,
    on_error="raise",
    confidence_level=0.95,
    reuse_level_samples=False,
    screening=False,
    final_refits=0,
    method="ce",
    target_cov=1.5,
    rng=None,
):
    """Estimate ``P(S(X) >= gamma)`` by multilevel cross-entropy importance sampling.

    With ``X ~ f(.; u)`` (the nominal ``family``), the multilevel CE algorithm
    (de Boer, Kroese, Mannor & Rubinstein 2005, Algorithm 2.1; Rubinstein &
    Kroese 2004) finds an importance-sampling family ``f(.; v_T)`` close to the
    zero-variance density, then a final importance-sampling run estimates
    ``l = E_v[1{S(X) >= gamma} W(X)]`` with ``W = f(X; u) / f(X; v_T)``.

    Parameters
    ----------
    score : callable
        ``score(X) -> (n,)`` on a batch of samples (``vectorized=True``) or
        ``score(x) -> float`` on one sample.
    gamma : float
        The level of the event.
    family : SamplingFamily
        The nominal density ``f(.; u)``, e.g. ``Exponential(means)``,
        ``Gaussian(mean, std)``, ``Bernoulli(p)`` or a ``Product``. Its ``fit``
        (the weighted maximum-likelihood estimate) is the CE update.
    direction : {"greater", "less"}, default="greater"
        ``"greater"``: ``P(S(X) >= gamma)``; ``"less"``: ``P(S(X) <= gamma)``.
    n_samples : int, default=1000
        Sample size ``N`` of each level.
    elite_fraction : float, default=0.1
        ``rho``: each level ``gamma_t`` is the ``(1 - rho)`` sample quantile of
        the scores, capped at ``gamma``.
    n_final : int, optional
        Size of the final importance-sampling run (default ``n_samples``).
    smoothing : float, default=1.0
        ``alpha`` in ``v_t = alpha v_t + (1 - alpha) v_{t-1}`` (de Boer et al.
        2005, eq. (12)); 1 means no smoothing.
    max_levels : int, default=100
        Most levels (sample draws) before the final run.
    vectorized, workers, on_error
        How the score is evaluated (:class:`cemethod._evaluation.BatchEvaluator`).
        Under ``on_error="worst"`` a failed evaluation counts as outside the
        event, which biases the estimate down; failures are counted in
        ``n_failures``.
    confidence_level : float, default=0.95
        Level of the normal-approximation confidence interval.
    reuse_level_samples : bool, default=False
        Pool the last level's sample (drawn from ``f(.; v_{T-1})`` and weighted
        against it) with the final run: the estimate is the mean of all
        ``N + n_final`` terms, its variance ``(N s_T^2 + n_final s^2) /
        (N + n_final)^2`` from each sample's own variance. Both parts are
        unbiased for ``l`` given the past and uncorrelated; the last level's
        sample is the one OpenTURNS' cross-entropy importance sampling uses on
        its own. Caveat: the algorithm stops at that level *because* at least
        ``rho N`` of its samples reached ``gamma``, a selection effect that
        biases that part upwards when the hit rate under ``v_{T-1}`` is close
        to ``rho``; pooling with the (unbiased) final run dilutes it. Over
        400 seeds with ``n_final = N`` (bridge network, sum of 10
        exponentials) no bias showed at the 1% level, and the relative RMSE
        fell by about a quarter.
    screening : bool or float, default=False
        Screening of the irrelevant parameters (Rubinstein & Kroese 2008,
        ch. 8): after each update, a parameter whose relative change from its
        nominal value is below ``delta`` (``0.1`` for ``True``, or the number
        given) is reset to nominal for good. Needs a family whose parameters
        are 1-D float arrays (Exponential, Gaussian, Bernoulli, Gamma,
        Product of them).
    rng : None, int or numpy.random.Generator
        The randomness; the same seed gives the same estimate whatever
        ``workers`` is.

    Returns
    -------
    RareEventResult

    Notes
    -----
    Level ``t``: draw ``N`` samples from ``f(.; v_{t-1})``; ``gamma_t = min(gamma,
    (1 - rho) sample quantile)``; ``v_t`` is the weighted MLE on the elite
    ``S >= gamma_t`` with weights ``W = f(x; u) / f(x; v_{t-1})`` (their eq.
    (10), (13)), computed as ``exp(log f(x; u) - log f(x; v_{t-1}) - max)``
    because the fit does not depend on the scale of the weights. The levels
    stop when ``gamma_t = gamma``.

    A level that does not advance (``gamma_t <= gamma_{t-1}``, e.g. scores with
    ties or a collapsed family) is handled as in the modified CE algorithm of
    Homem-de-Mello & Rubinstein (2002) and Rubinstein & Kroese (2004): first
    the elite fraction is lowered to the samples strictly above
    ``gamma_{t-1}`` when there are enough of them (at least ``max(10, rho
    N / 10)`` with the original ``N``), else the sample size is doubled (up to
    16 N) and the level is drawn again. When ``gamma`` is still not reached
    after ``max_levels`` draws, or the sample size cannot grow any more, a
    ``RuntimeWarning`` is issued and the final run uses the last family: the
    estimate stays unbiased but its variance may be large (see
    ``degenerate_weights``).

    Likelihood ratios are computed in log space and rescaled by their maximum,
    so probabilities down to 1e-300 and below do not underflow
    (``log_estimate`` is finite even beyond the float64 range).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from cemethod import estimate_rare_event
    >>> from cemethod.families import Exponential
    >>> res = estimate_rare_event(
    ...     lambda x: x.sum(axis=1), 40.0, Exponential(np.ones(10)), rng=0
    ... )
    >>> exact = stats.gamma(10).sf(40.0)
    >>> bool(abs(res.estimate - exact) < 3 * res.std_error)
    True
    >>> res.levels[-1], res.method
    (40.0, 'cross-entropy')
    """
    start = time.perf_counter()
    gamma, direction, confidence_level = _check_common(
        score, gamma, direction, confidence_level, _FUNC
    )
    _check_family(family, _FUNC, ("sample", "log_pdf", "fit"))
    n_samples = _check_int(n_samples, param="n_samples", func=_FUNC, low=2)
    rho = check_real(
        elite_fraction,
        param="elite_fraction",
        func=_FUNC,
        low=0.0,
        high=1.0,
        low_inclusive=False,
        high_inclusive=False,
    )
    n_final = n_samples if n_final is None else n_final
    n_final = _check_int(n_final, param="n_final", func=_FUNC, low=2)
    smoothing = check_real(
        smoothing,
        param="smoothing",
        func=_FUNC,
        low=0.0,
        low_inclusive=False,
        high=1.0,
    )
    max_levels = _check_int(max_levels, param="max_levels", func=_FUNC, low=1)
    reuse = _check_bool(reuse_level_samples, param="reuse_level_samples", func=_FUNC)
    delta = _check_screening(screening, family)
    method = check_choice(method, ("ce", "ice"), param="method", func=_FUNC)
    target_cov = check_real(
        target_cov, param="target_cov", func=_FUNC, low=0.0, low_inclusive=False
    )
    if not math.isfinite(target_cov):
        raise parameter_error(_FUNC, "target_cov", "a finite number > 0", target_cov)
    final_refits = _check_int(final_refits, param="final_refits", func=_FUNC, low=0)
    if final_refits > n_final // 2:
        raise parameter_error(
            _FUNC, "final_refits", f"at most n_final // 2 = {n_final // 2}", final_refits
        )
    rng = np.random.default_rng(rng)
    sign = 1.0 if direction == "greater" else -1.0
    target = sign * gamma

    with BatchEvaluator(
        score,
        vectorized=vectorized,
        workers=workers,
        on_error=on_error,
        worst=-sign * math.inf,
        func=_FUNC,
    ) as evaluator:
        scorer = _Scorer(evaluator, sign)
        if method == "ce":
            run = multilevel(
                scorer, family, target, n_samples, rho, smoothing, max_levels, delta, rng
            )
        else:
            run = improved_levels(
                scorer,
                family,
                target,
                n_samples,
                rho,
                target_cov,
                smoothing,
                max_levels,
                delta,
                rng,
            )
        if final_refits == 0:
            X, s = scorer(run.family, n_final, rng)
            groups = [_log_terms(X, s, target, family, run.family)]
        else:
            groups, run.family = staged_final_run(
                scorer,
                family,
                run.family,
                target,
                n_final,
                final_refits,
                rng,
                run.pool if run.reached else None,
            )
            run.notes.append(
                f"the final run had {final_refits} stages, the family refit on all "
                "hits so far before each"
            )
        if reuse and run.last_sample is not None:
            X_last, s_last, sampler = run.last_sample
            groups.append(_log_terms(X_last, s_last, target, family, sampler))
            run.notes.append(
                f"the last level's {s_last.size} samples are pooled with the final run"
            )
    summary = _term_summary(groups)
    if delta:
        run.notes.append(
            f"screening reset {n_screened(run.frozen)} parameters to nominal"
        )
    return _finish(
        summary,
        scorer,
        run.family,
        tuple(sign * g for g in run.levels),
        run.notes,
        confidence_level,
        "cross-entropy" if method == "ce" else "improved cross-entropy",
        start,
    )


def _finish(summary, scorer, family, levels, notes, level, method, start):
    """Assemble the result; warn when the weights are degenerate."""
    if summary.degenerate:
        note = _degeneracy_note(summary)
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
        degenerate_weights=summary.degenerate,
        message="; ".join(n.rstrip(".") for n in [head, *notes]) + ".",
        elapsed=time.perf_counter() - start,
        log_estimate=summary.log_estimate,
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
    n_samples = _check_int(n_samples, param="n_samples", func=func, low=2)
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
