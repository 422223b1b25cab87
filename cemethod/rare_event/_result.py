"""Results of rare-event estimation and the log-space statistics behind them.

An importance-sampling estimate is the mean of the terms
``Z_i = 1{S(X_i) >= gamma} W_i`` with likelihood ratios ``W_i = f(X_i; u) /
g(X_i)`` (de Boer, Kroese, Mannor & Rubinstein 2005, eq. (5)). The ratios are
handled as logarithms and rescaled by their maximum before exponentiation (the
log-sum-exp device), so probabilities far below the smallest float64 number
still come out as a finite ``log_estimate`` and a correct relative error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from cemethod.rare_event._pareto import k_hat_threshold, pareto_k_hat

__all__ = ["ConfidenceInterval", "RareEventResult"]

# Below these the final weights are called degenerate (see _term_summary).
_MIN_ESS = 30.0
_MAX_WEIGHT_SHARE = 0.2


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval ``[low, high]`` at confidence ``level``.

    Examples
    --------
    >>> ConfidenceInterval(0.1, 0.3, 0.95)
    ConfidenceInterval(low=0.1, high=0.3, level=0.95)

    It unpacks into its two ends:

    >>> low, high = ConfidenceInterval(0.1, 0.3, 0.95)
    >>> low, high
    (0.1, 0.3)
    """

    low: float
    high: float
    level: float

    def __post_init__(self):
        # plain floats, whatever numpy scalar the arithmetic produced
        for name in ("low", "high", "level"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def __iter__(self):
        """``low, high = interval``: the two ends (the level is an attribute)."""
        yield self.low
        yield self.high


@dataclass(frozen=True, repr=False)
class RareEventResult:
    """The estimate of a rare-event probability ``l = P(S(X) >= gamma)``.

    Attributes
    ----------
    estimate : float
        The estimate of ``l`` (0.0 when it is below the float64 range; see
        ``log_estimate``).
    std_error : float
        Estimated standard deviation of ``estimate`` (sample standard deviation
        of the terms over ``sqrt(n)``); NaN when no sample reached ``gamma``.
    relative_error : float
        ``std_error / estimate`` (NaN when no sample reached ``gamma``); for
        subset simulation the coefficient of variation of Au & Beck (2001).
    confidence_interval : ConfidenceInterval
        Normal-approximation interval ``estimate -+ z std_error`` clipped to
        ``[0, 1]`` (log-normal for subset simulation).
    n_evaluations : int
        Calls of the score, all levels and the final run included.
    levels : tuple of float
        The intermediate levels ``gamma_1, ..., gamma_T`` (empty for crude
        Monte Carlo; for the improved CE method, the widths ``sigma_1, ...,
        sigma_T`` of the smoothed indicators; for subset simulation, the
        thresholds ``b_1, ..., b_{m-1}`` and ``gamma``).
    family : SamplingFamily
        The importance-sampling family of the final run (the nominal family for
        crude Monte Carlo and subset simulation).
    effective_sample_size : float
        ``(sum Z)^2 / sum Z^2`` over the terms of the estimator; for subset
        simulation the smallest ``N / (1 + gamma_j)`` over the levels.
    method : str
        ``"cross-entropy"``, ``"improved cross-entropy"``, ``"subset
        simulation"`` or ``"crude"``.
    degenerate_weights : bool
        True when a few weights dominate the estimate (effective sample size
        below 30, one term above 20% of the sum, or a Pareto k-hat above its
        threshold), no sample reached ``gamma``, or the level samples put a
        tenth of the estimate or more where the final sampler almost never
        draws (a failure region lost during the levels; ``_collapse``):
        ``std_error`` is then itself unreliable, and the interval of an
        importance-sampling estimate is withheld (``[0, 1]``). Subset
        simulation: fewer than 10 samples of its last level reached
        ``gamma``. (A small *fraction* ``ESS / n`` is not flagged: ``n / ESS
        = 1 + CV^2`` with ``CV`` the per-sample relative error, which
        ``relative_error`` already reports.)
    message : str
        What happened, warnings included.
    elapsed : float
        Wall time in seconds.
    log_estimate : float
        Natural logarithm of the estimate, finite even when ``estimate``
        underflows to 0 (``-inf`` when no sample reached ``gamma``).
    n_failures : int
        Evaluations that failed under ``on_error="worst"`` (counted as
        outside the event).
    pareto_k : float
        Pareto k-hat of the largest terms (Vehtari et al. 2024): the tail of
        the weights has about ``1 / pareto_k`` moments; above
        ``min(1 - 1 / log10(S), 0.7)`` the estimate is flagged degenerate
        (network reliability reports it without flagging: its terms are
        bounded or capped, where the fit over-flags).
        NaN with too few terms to fit, ``-inf`` for a flat tail (crude
        Monte Carlo).
    reliable : bool
        ``not degenerate_weights``: whether the error bar may be trusted.

    Examples
    --------
    >>> import cemethod
    >>> from cemethod.families import Exponential
    >>> res = cemethod.crude_monte_carlo(
    ...     lambda x: x[:, 0], 1.0, Exponential(1.0), n_samples=1000, rng=0
    ... )
    >>> res.method, res.n_evaluations
    ('crude', 1000)
    """

    estimate: float
    std_error: float
    relative_error: float
    confidence_interval: ConfidenceInterval
    n_evaluations: int
    levels: tuple
    family: object
    effective_sample_size: float
    method: str
    degenerate_weights: bool
    message: str
    elapsed: float
    log_estimate: float = math.nan
    n_failures: int = 0
    pareto_k: float = math.nan

    @property
    def reliable(self) -> bool:
        """False when the reported error and interval are not to be trusted:
        degenerate weights (few effective samples, one dominant term, or a
        Pareto k-hat tail too heavy for the normal interval) or no sample in the
        event."""
        return not self.degenerate_weights

    def __repr__(self) -> str:
        ci = self.confidence_interval
        levels = ", ".join(f"{g:.6g}" for g in self.levels)
        return (
            f"RareEventResult(method={self.method!r},\n"
            f"  estimate={self.estimate:.6g}, std_error={self.std_error:.3g}, "
            f"relative_error={self.relative_error:.3g},\n"
            f"  confidence_interval=[{ci.low:.6g}, {ci.high:.6g}] "
            f"({100 * ci.level:g}%),\n"
            f"  n_evaluations={self.n_evaluations}, levels=({levels}),\n"
            f"  effective_sample_size={self.effective_sample_size:.1f}, "
            f"degenerate_weights={self.degenerate_weights}, "
            f"pareto_k={self.pareto_k:.2f}, "
            f"elapsed={self.elapsed:.3g} s,\n"
            f"  family={self.family!r},\n"
            f"  message={self.message!r})"
        )


@dataclass(frozen=True)
class _TermSummary:
    """Statistics of the estimator terms, computed in log space."""

    log_estimate: float
    estimate: float
    std_error: float
    relative_error: float
    effective_sample_size: float
    max_share: float
    n_hits: int
    n_terms: int
    pareto_k: float = math.nan
    flag_tail: bool = True  # whether a heavy tail counts as degenerate

    @property
    def heavy_tail(self) -> bool:
        """The largest terms follow a tail too heavy for the normal interval
        (Pareto k-hat above the threshold of Vehtari et al. 2024)."""
        return bool(self.flag_tail and self.pareto_k > k_hat_threshold(self.n_hits))

    @property
    def degenerate(self) -> bool:
        ess = self.effective_sample_size
        return bool(
            self.n_hits == 0
            or ess < _MIN_ESS
            or self.max_share > _MAX_WEIGHT_SHARE
            or self.heavy_tail
        )


def _term_summary(groups, *, flag_tail=True) -> _TermSummary:
    """Pool groups of log terms (``-inf`` for a sample outside the event).

    Each group is an independent unbiased sample of ``l``; the pooled estimate
    is the mean of all terms and its variance ``sum_g n_g s_g^2 / n^2`` uses
    each group's own sample variance ``s_g^2``. ``flag_tail=False`` reports the
    Pareto k-hat without counting a heavy tail as degenerate (for estimators
    whose terms are bounded, where the pre-asymptotic fit over-flags).
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    n = sum(g.size for g in groups)
    # Only the samples in the event carry a term; the others are zeros.
    hits = [(g.size, g[np.isfinite(g)]) for g in groups]
    n_hits = sum(h.size for _, h in hits)
    if n_hits == 0:
        return _TermSummary(-math.inf, 0.0, math.nan, math.nan, 0.0, math.nan, 0, n)
    # Rescale by the largest term before exponentiating (log-sum-exp).
    top = max(float(h.max()) for _, h in hits if h.size)
    scaled = [(size, np.exp(h - top)) for size, h in hits]
    total = sum(float(r.sum()) for _, r in scaled)
    square = sum(float(r @ r) for _, r in scaled)
    variance = 0.0
    for size, r in scaled:
        if size > 1:
            # Two-pass sum of squares, the zeros of the group included.
            mean_g = float(r.sum()) / size
            ss = float(np.sum((r - mean_g) ** 2)) + (size - r.size) * mean_g**2
            variance += size * ss / (size - 1)
    variance /= n**2
    mean = total / n
    log_estimate = top + math.log(mean)
    relative_error = math.sqrt(variance) / mean
    estimate = math.exp(log_estimate)
    return _TermSummary(
        log_estimate=log_estimate,
        estimate=estimate,
        std_error=estimate * relative_error,
        relative_error=relative_error,
        effective_sample_size=total**2 / square,
        max_share=max(float(r.max()) for _, r in scaled if r.size) / total,
        n_hits=n_hits,
        n_terms=n,
        pareto_k=pareto_k_hat(np.concatenate([h for _, h in hits])),
        flag_tail=flag_tail,
    )


def _normal_interval(summary: _TermSummary, level: float) -> ConfidenceInterval:
    z = ndtri(0.5 + level / 2)  # the normal quantile
    if summary.n_hits == 0:
        return ConfidenceInterval(0.0, math.inf, level)
    half = z * summary.std_error
    return ConfidenceInterval(
        max(0.0, summary.estimate - half), min(1.0, summary.estimate + half), level
    )


def _degeneracy_note(summary: _TermSummary) -> str:
    if summary.n_hits == 0:
        return (
            "No sample reached gamma: the estimate 0 and its error are not "
            "informative; use more samples or (for crude Monte Carlo) the "
            "cross-entropy estimator."
        )
    tail = (
        f", Pareto k-hat {summary.pareto_k:.2f} above "
        f"{k_hat_threshold(summary.n_hits):.2f}: too heavy a tail for the interval"
        if summary.heavy_tail
        else ""
    )
    return (
        f"The weights are degenerate (effective sample size "
        f"{summary.effective_sample_size:.1f} of {summary.n_terms}, largest term "
        f"{100 * summary.max_share:.0f}% of the sum{tail}): the reported error is "
        "unreliable and probably too small."
    )
