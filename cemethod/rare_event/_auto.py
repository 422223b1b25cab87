"""``estimate_rare_event(method="auto")``: the method chosen by the input, the
dimension and what the levels show; the result says which ran and why.

* A nominal family that is not Gaussian (exponentials, Bernoulli links, a
  product of them): the multilevel CE method with that family, as before.
* Gaussian inputs (``Gaussian`` or ``MultivariateGaussian``) in more than
  ``HIGH_DIMENSION`` dimensions: subset simulation, with ``SUBSET_SCALE``
  times ``n_samples`` per level (about 17,500 evaluations at the default
  1,000 for a probability of 1e-6: measured at d = 1000 over 20 seeds, rRMSE
  0.25 and coverage 0.90, against 0.57 and 0.80 at 1,000 per level).
  Importance sampling with a parametric family degrades there (the likelihood
  ratios of a Gaussian fitted in d = 300 or 1000 dimensions are degenerate:
  estimates orders of magnitude too small), while subset simulation's Markov
  chains do not need one (docs/rare_event_methods.md).
* Gaussian inputs in fewer dimensions: the improved CE method (which fits on
  every sample of a level; with the plain CE levels a mixture loses its minor
  components) with a Gaussian mixture (``GaussianMixture``, its number of
  components chosen by BIC at each level), which holds several failure regions
  at once, while two components fit: a mixture fit needs as many effective
  points per component as it has parameters, and a level's likelihood ratios
  leave about a third of its ``n_samples`` effective. Full covariances while
  ``2 (d (d + 3) / 2 + 1) <= n_samples / 3`` (d <= 16 at 1000 samples),
  else diagonal ones while ``2 (2 d + 1) <= n_samples / 3`` (d <= 82), else
  the improved CE method with the nominal family.

Each choice on Gaussian input runs twice, on independent streams spawned from
the caller's ``rng``, because one run that has missed a failure region looks
as sure of itself as one that has not; two runs that miss different regions
disagree (``_replicas.agreement``, a z in log space, ``AGREE_Z``, reported in
the message):

* Each run's final importance-sampling run draws from a defensive mixture of
  its fitted family (``_defensive``: a fifth of the draws from the fitted
  components widened to at least the nominal covariance, in equal shares),
  and its final sample is kept.
* The two final samples are pooled by the balance heuristic, every hit
  weighed against the equal mixture of the two samplers
  (``_replicas.combine_runs``): exactly unbiased, no further evaluation, and a
  region that either run reaches counts in full. Issue 13: the mean of the two
  runs' own estimates covered the four-branch probability 60% of the time
  (each run's mixture underweights the two far branches, 21% of it, and the
  heavy-tailed ratios there made each estimate usually too small with an
  interval that did not say so); see docs/rare_event_methods.md.
* When the pooled estimate is not reliable (degenerate weights, a heavy
  Pareto tail, a failure region seen in the levels and out of reach of both
  samplers, ``_collapse``), two subset simulation runs; when they are not
  reliable or disagree, the flagged importance-sampling result is returned
  (subset simulation fails outright on plateaus and ties).

Subset simulation in high dimension runs twice at ``SUBSET_SCALE / 2`` times
``n_samples`` per level each (the same total budget as one run at
``SUBSET_SCALE``); two runs that disagree give their mean with an interval
spanning both, and a ``RuntimeWarning``. ``n_evaluations`` counts every run;
the message says which ran and why.
"""

from __future__ import annotations

import dataclasses
import time
import warnings

import numpy as np

from cemethod._validation import check_int_at_least
from cemethod.rare_event._defensive import capture
from cemethod.rare_event._levels import NoWeightError
from cemethod.rare_event._replicas import (
    AGREE_Z,
    agreement,
    combine_runs,
    disagreeing,
    pooled,
)
from cemethod.rare_event._subset import UNUSED_BY_SUBSET, is_default

__all__ = ["estimate_auto"]

HIGH_DIMENSION = 100
SUBSET_SCALE = 3
_EFFECTIVE_SHARE = 1 / 3  # effective points of a level, per sample (see above)
# The options that only the importance-sampling methods take, and their defaults.
_CE_ONLY = UNUSED_BY_SUBSET


def _gaussian_input(family):
    from cemethod.families import Gaussian, MultivariateGaussian

    return isinstance(family, (Gaussian, MultivariateGaussian))


def _mixture_covariance(d, n_samples):
    """``"full"``, ``"diag"`` or None: the richest mixture whose two components
    each have as many effective points as parameters."""
    points = _EFFECTIVE_SHARE * n_samples / 2
    if d * (d + 3) / 2 + 1 <= points:
        return "full"
    if 2 * d + 1 <= points:
        return "diag"
    return None


def _as_mixture(family, covariance):
    """The same density as a one-component ``GaussianMixture`` (its ``fit``
    then refits mixtures)."""
    from cemethod.families import Gaussian, GaussianMixture

    mean = np.asarray(family.mean, dtype=float)
    if isinstance(family, Gaussian):
        cov = np.diag(np.asarray(family.std, dtype=float) ** 2)
    else:
        cov = np.asarray(family.cov, dtype=float)
    return GaussianMixture(np.ones(1), mean[None], cov[None], covariance=covariance)


def choose(family, options):
    """``(method, family, reason)`` for the first run; ``reason`` is None for
    the choices that subset simulation may not replace."""
    if not _gaussian_input(family):
        return "ce", family, None
    d = int(np.asarray(family.mean).size)
    if not all(is_default(options[k], v) for k, v in _CE_ONLY.items()):
        return "ce", family, None
    if d > HIGH_DIMENSION:
        return (
            "subset",
            family,
            f"Gaussian input of dimension {d} > {HIGH_DIMENSION}: subset "
            "simulation (no importance-sampling family to degenerate), "
            f"{SUBSET_SCALE} x n_samples per level",
        )
    covariance = _mixture_covariance(d, options["n_samples"])
    if covariance is not None:
        return (
            "ice",
            _as_mixture(family, covariance),
            f"Gaussian input of dimension {d}: improved CE with a Gaussian "
            f"mixture ({covariance} covariances; several failure regions at once)",
        )
    return (
        "ice",
        family,
        f"Gaussian input of dimension {d}: improved CE with the nominal family "
        f"(too many parameters for a mixture at {options['n_samples']} samples)",
    )


def estimate_auto(estimate, options, union=combine_runs):
    """Run ``estimate`` (``estimate_rare_event``) as ``method="auto"`` says.

    ``options`` are the caller's arguments (``score``, ``gamma``, ``family``
    and the keywords); ``union`` pools the two runs' final samples
    (``_replicas.combine_runs``). Warnings of runs that are replaced are
    dropped; those of the returned runs reach the caller.
    """
    start = time.perf_counter()
    family = options["family"]
    options = dict(options)
    options["n_samples"] = check_int_at_least(
        options["n_samples"], param="n_samples", func="estimate_rare_event", low=2
    )
    method, first_family, reason = choose(family, options)
    keywords = {k: v for k, v in options.items() if k not in ("score", "gamma")}
    keywords.update(method=method, family=first_family)
    if reason is None:
        reason = (
            "the nominal family is not Gaussian"
            if not _gaussian_input(family)
            else "importance-sampling options were given"
        )
        res, caught = _run(estimate, options, keywords)
        _replay(caught)
        notes = [f"method='auto' ran {res.method}: {reason}"]
        return _with_notes(res, notes, res.n_evaluations, start)
    streams = _Streams(options.get("rng"))
    notes = [f"method='auto': {reason}, two independent runs"]
    if method == "subset":
        keywords["n_samples"] = max(2, SUBSET_SCALE * options["n_samples"] // 2)
        return _subset_pair(estimate, options, keywords, streams, notes, 0, start)
    runs = [_first_run(estimate, options, keywords, streams(), notes) for _ in "ab"]
    (a, caught_a, sample_a), (b, caught_b, sample_b) = runs
    spent = a.n_evaluations + b.n_evaluations
    z = agreement(a, b)
    agree = a.reliable and b.reliable and z <= AGREE_Z
    if agree:
        notes.append(
            f"{a.method} twice, the runs agree (estimates {a.estimate:.4g} and "
            f"{b.estimate:.4g}, z = {z:.2f} <= {AGREE_Z})"
        )
    else:
        notes.append(_why_not_pooled(a, b, caught_a, caught_b, z))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        both = union(
            (sample_a, sample_b),
            options,
            a.method,
            a.levels,
            a.n_failures + b.n_failures,
        )
    if both.reliable:
        # The runs' own warnings are kept when both were sound (they may say
        # more, e.g. failed evaluations), dropped when the pooling replaced one.
        _replay((caught_a + caught_b if agree else []) + caught)
        return _with_notes(both, notes, spent, start)
    notes.append(
        f"the two runs' final samples pooled were not reliable (estimate "
        f"{both.estimate:.3g}), so subset simulation ran"
    )
    keywords.update(method="subset", family=family, **_CE_ONLY)
    with warnings.catch_warnings(record=True) as subset_caught:
        warnings.simplefilter("always")
        last = _subset_pair(estimate, options, keywords, streams, [], spent, start)
    if last.reliable:
        _replay(subset_caught)
        return _with_notes(last, notes, last.n_evaluations, start)
    # Neither is to be trusted; the importance-sampling estimate is the less
    # broken one (subset simulation fails outright on plateaus and ties).
    _replay(caught)
    notes.append(
        f"subset simulation was not reliable either (estimate {last.estimate:.3g}): "
        "the flagged importance-sampling result is returned"
    )
    return _with_notes(both, notes, last.n_evaluations, start)


class _Streams:
    """Independent generators for the successive runs, spawned from the
    caller's ``rng`` (the same seed gives the same runs)."""

    def __init__(self, rng):
        self._root = np.random.default_rng(rng)

    def __call__(self):
        return self._root.spawn(1)[0]


def _run(estimate, options, keywords):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = estimate(options["score"], options["gamma"], **keywords)
    return res, list(caught)


def _first_run(estimate, options, keywords, rng, notes):
    """One improved-CE run, its final sample drawn from the defensive mixture
    and kept (``_defensive.capture``): ``(result, warnings, final sample)``;
    multilevel CE with the nominal family where the smoothed indicator
    underflows (a score constant on most of the space: the multilevel CE
    levels handle such plateaus)."""
    try:
        with capture() as sample:
            return (*_run(estimate, options, {**keywords, "rng": rng}), sample)
    except NoWeightError as error:
        note = f"improved CE failed ({error}), so multilevel CE ran"
        if note not in notes:
            notes.append(note)
        again = {**keywords, "rng": rng, "method": "ce", "family": options["family"]}
        with capture() as sample:
            return (*_run(estimate, options, again), sample)


def _why_not_pooled(a, b, caught_a, caught_b, z):
    for res, caught, name in ((a, caught_a, "first"), (b, caught_b, "second")):
        if not res.reliable:
            causes = [
                str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)
            ]
            why = causes[0].split(":")[0] if causes else "reliable=False"
            return (
                f"the {name} run was not reliable ({why}; estimate "
                f"{res.estimate:.3g} after {res.n_evaluations} evaluations)"
            )
    return (
        f"the two runs disagree (estimates {a.estimate:.4g} and {b.estimate:.4g}, "
        f"z = {z:.1f} > {AGREE_Z}: one has missed part of the failure domain)"
    )


def _subset_pair(estimate, options, keywords, streams, notes, spent, start):
    """Two subset simulation runs: pooled when they agree and are reliable,
    else their mean, flagged, with an interval spanning both."""
    runs = [_run(estimate, options, {**keywords, "rng": streams()}) for _ in "ab"]
    (a, caught_a), (b, caught_b) = runs
    spent += a.n_evaluations + b.n_evaluations
    z = agreement(a, b)
    n = keywords["n_samples"]
    if a.reliable and b.reliable and z <= AGREE_Z:
        _replay(caught_a + caught_b, stacklevel=5)
        note = (
            f"subset simulation twice with {n} samples per level, pooled "
            f"(estimates {a.estimate:.4g} and {b.estimate:.4g}, z = {z:.2f})"
        )
        return _with_notes(pooled(a, b, note), notes, spent, start)
    _replay(caught_a + caught_b, stacklevel=5)
    note = _why_not_pooled(a, b, caught_a, caught_b, z)
    warning = (
        f"subset simulation, {n} samples per level: {note}; the estimate is "
        "their mean and the interval spans both runs' intervals: not to be "
        "trusted at this budget (more samples per level may help)"
    )
    # user -> estimate_rare_event -> estimate_auto -> here
    warnings.warn(warning, RuntimeWarning, stacklevel=4)
    return _with_notes(disagreeing(a, b, warning), notes, spent, start)


def _replay(caught, stacklevel=4):
    """Re-issue the kept warnings at the caller of ``estimate_rare_event``
    (user -> estimate_rare_event -> estimate_auto -> here: 4)."""
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=stacklevel)


def _with_notes(res, notes, n_evaluations, start):
    message = "; ".join([*notes, res.message])
    return dataclasses.replace(
        res,
        message=message,
        n_evaluations=n_evaluations,
        elapsed=time.perf_counter() - start,
    )
