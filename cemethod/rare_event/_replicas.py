"""Two independent runs, and what their agreement says (``method="auto"``).

A level loop that drifts onto one failure region, or subset simulation whose
chains hold a region by a few seeds, returns a wrong estimate with a tight
error bar, and nothing inside the run can see a region it never sampled. On
RP110 (two regions, the levels led towards the small one) one improved-CE run
in ten returned 1% of the probability with a 3% relative error. Two runs from
independent streams rarely miss alike: when their estimates differ by more
than their stated errors allow, at least one of them is wrong.

* The test is in log space, where both the normal and the log-normal intervals
  are about symmetric: ``|log l_1 - log l_2| <= Z sqrt(s_1^2 + s_2^2)`` with
  ``s^2 = log(1 + cov^2)``. ``Z = 3.5``: the stated errors of importance
  sampling and of subset simulation are somewhat optimistic (their intervals
  cover 89-95%), and a false alarm costs a flag (subset simulation; for
  importance sampling only a note), while the misses seen are at ``z > 20``.
* Importance-sampling runs (``combine_runs``): their final samples, each
  drawn from its run's (defensive, ``_defensive``) family, are pooled, every
  hit weighed against the equal mixture of the two samplers (the balance
  heuristic, Veach & Guibas 1995; Owen & Zhou 2000): unbiased wherever either
  family reaches, so a region that one run found and the other lost counts in
  full, and no evaluation is spent on it. The agreement test is reported.
* Agreeing subset simulation runs are pooled: the mean of the two estimates,
  variance ``(v_1 + v_2) / 4`` (``pooled``).
* Disagreeing subset simulation runs: their mean, flagged, with an interval
  that spans both runs' intervals.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from scipy.special import ndtri

from cemethod.rare_event._result import ConfidenceInterval, RareEventResult

__all__ = ["agreement", "combine_runs", "combined_family", "disagreeing", "pooled"]

AGREE_Z = 3.5


def _log_sd(res) -> float:
    cov = res.relative_error
    return math.sqrt(math.log1p(cov * cov)) if math.isfinite(cov) else math.inf


def agreement(a: RareEventResult, b: RareEventResult) -> float:
    """``z = |log l_a - log l_b| / sqrt(s_a^2 + s_b^2)``; ``inf`` when either
    estimate is 0 or has no error, 0 when both are 0."""
    la, lb = a.log_estimate, b.log_estimate
    if not (math.isfinite(la) and math.isfinite(lb)):
        return 0.0 if la == lb else math.inf
    spread = math.hypot(_log_sd(a), _log_sd(b))
    if not math.isfinite(spread):
        return math.inf
    return abs(la - lb) / spread if spread > 0 else math.inf


def _log_mean(a, b) -> float:
    return float(np.logaddexp(a.log_estimate, b.log_estimate) - math.log(2.0))


def pooled(a: RareEventResult, b: RareEventResult, note: str) -> RareEventResult:
    """The mean of two agreeing runs with variance ``(v_a + v_b) / 4``; the
    interval of the runs' kind (log-normal for subset simulation)."""
    log_estimate = _log_mean(a, b)
    estimate = math.exp(log_estimate)
    std_error = 0.5 * math.hypot(a.std_error, b.std_error)
    cov = std_error / estimate if estimate > 0 else math.nan
    level = a.confidence_interval.level
    z = ndtri(0.5 + level / 2)
    if a.method == "subset simulation":
        half = z * math.sqrt(math.log1p(cov * cov))
        low, high = math.exp(log_estimate - half), math.exp(log_estimate + half)
    else:
        low, high = estimate - z * std_error, estimate + z * std_error
    return dataclasses.replace(
        a,
        estimate=estimate,
        log_estimate=log_estimate,
        std_error=std_error,
        relative_error=cov,
        confidence_interval=ConfidenceInterval(max(0.0, low), min(1.0, high), level),
        n_evaluations=a.n_evaluations + b.n_evaluations,
        effective_sample_size=a.effective_sample_size + b.effective_sample_size,
        n_failures=a.n_failures + b.n_failures,
        pareto_k=float(np.nanmax([a.pareto_k, b.pareto_k]))
        if not (math.isnan(a.pareto_k) and math.isnan(b.pareto_k))
        else math.nan,
        message=f"{note}; first run: {a.message}",
    )


def disagreeing(a: RareEventResult, b: RareEventResult, note: str) -> RareEventResult:
    """Two runs that contradict each other: their mean, flagged, the interval
    spanning both of theirs."""
    res = pooled(a, b, note)
    ia, ib = a.confidence_interval, b.confidence_interval
    hull = ConfidenceInterval(min(ia.low, ib.low), max(ia.high, ib.high), ia.level)
    return dataclasses.replace(res, confidence_interval=hull, degenerate_weights=True)


def _as_components(family):
    """``(weights, means, covariances)`` of a Gaussian, a multivariate
    Gaussian or a Gaussian mixture."""
    from cemethod.families import Gaussian, GaussianMixture

    if isinstance(family, GaussianMixture):
        return family.weights, family.means, family.covariances
    mean = np.asarray(family.mean, dtype=float)
    if isinstance(family, Gaussian):
        cov = np.diag(np.broadcast_to(np.asarray(family.std, float) ** 2, mean.shape))
    else:
        cov = np.asarray(family.cov, dtype=float)
    return np.ones(1), mean[None], cov[None]


def combined_family(fa, fb):
    """The equal mixture of two Gaussian families as one ``GaussianMixture``."""
    from cemethod.families import GaussianMixture

    parts = [_as_components(f) for f in (fa, fb)]
    weights = np.concatenate([0.5 * w / w.sum() for w, _, _ in parts])
    means = np.concatenate([m for _, m, _ in parts])
    covs = np.concatenate([c for _, _, c in parts])
    return GaussianMixture(weights, means, covs)


def combine_runs(samples, options, label, levels=(), n_failures=0):
    """The two runs' final samples pooled by the balance heuristic.

    ``samples`` are the ``_defensive.FinalSample`` of the runs, each drawn
    from its own sampler ``q_i``, fixed before the draw and independent of the
    other run's; every hit is weighed against the equal mixture ``(q_1 +
    q_2) / 2`` (Veach & Guibas 1995; Owen & Zhou 2000), which is exactly
    unbiased and keeps a region that either run reaches. The variance is that
    of a stratified sample: the sum of the two groups' own. No evaluation is
    spent; ``n_evaluations`` is 0 (the caller counts the runs).
    """
    from cemethod.rare_event._collapse import missed_note, missed_share
    from cemethod.rare_event._crude import _finish, _log_terms
    from cemethod.rare_event._result import _term_summary

    start = time.perf_counter()
    nominal = options["family"]
    mixture = combined_family(*(x.sampler for x in samples))
    groups = [_log_terms(x.X, x.s, x.target, nominal, mixture) for x in samples]
    summary = _term_summary(groups)
    n = sum(x.X.shape[0] for x in samples)
    hits = [h for x in samples for h in x.hits]
    share, n_out = missed_share(hits, nominal, mixture, summary.log_estimate, n)
    causes = [note] if (note := missed_note(share, n_out)) else []
    counts = _Counts(n_failures)
    sizes = " and ".join(str(x.X.shape[0]) for x in samples)
    notes = [
        f"the {sizes} final samples of the two runs (each from its defensive "
        "mixture) pooled by the balance heuristic"
    ]
    return _finish(
        summary,
        counts,
        mixture,
        tuple(levels),
        notes,
        options["confidence_level"],
        label,
        start,
        causes,
    )


@dataclasses.dataclass
class _Counts:
    """The evaluation counts ``_finish`` reads (no evaluation here)."""

    n_failures: int = 0
    n_evaluations: int = 0
