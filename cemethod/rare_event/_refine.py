"""Staged final run: refit the importance-sampling family on all past hits.

Once the levels reach ``gamma``, the CE program for the optimal parameter
``v* = argmax_v E_u[1{S >= gamma} log f(X; v)]`` (de Boer, Kroese, Mannor &
Rubinstein 2005, eq. (8)) can be estimated from *every* recent sample that
reached ``gamma``, each weighted by ``f(x; u) / q(x)`` with ``q`` the mixture of
the densities the samples were drawn from (:class:`SamplePool`): the pooled
weighted MLE is a consistent estimate of ``v*`` whatever the mix of samplers.
The final run is split into stages; before each stage the family is refit on
the growing pool of hits, so the later (larger) stages sample from a family
fitted on many more hits than the ``rho N`` elite of one level. This is the
sample reuse of adaptive importance sampling (Oh & Berger 1992; Cornuet,
Marin, Mira & Robert 2012) applied to the CE program, and the "fit with all
samples" idea of the improved CE method of Papaioannou, Geyer & Straub (2019)
at the final level, where their smoothed indicator is the exact indicator.

The estimate is the plain mean of the terms of all stages. Each stage is drawn
from a family that depends only on earlier stages, so its mean is unbiased
*given the past* and the stage means are martingale differences: the pooled
mean is exactly unbiased, and its variance is the sum of the stages'
conditional variances (each estimated from that stage's own terms), which
``_term_summary`` computes group by group. (Re-weighting all samples by the
mixture of the samplers, as in adaptive multiple importance sampling, would
lower the variance a little further but is only asymptotically unbiased; it is
not used.)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = []

# Smallest effective sample size of the pooled hits worth a refit.
_MIN_POOL_ESS = 30.0
# The pool keeps the last _DEPTH chunks (levels or stages): older samplers are
# far from the current one and add little but cost a density evaluation each.
_DEPTH = 3


def stage_sizes(n_final: int, n_stages: int) -> list[int]:
    """Split ``n_final >= 2 n_stages`` into ``n_stages`` stages, the first smaller.

    Every stage gets 2 samples (so that it has a sample variance); the rest is
    shared in the proportions ``1 : 2 : ... : n_stages``, rounded down, the
    remainder going one by one to the last stages. A family fitted on the
    hits of a small first stage is already much better than the last
    level's, so most of the budget goes to the later, better stages.

    >>> stage_sizes(1000, 4)
    [101, 200, 300, 399]
    >>> stage_sizes(14, 7)
    [2, 2, 2, 2, 2, 2, 2]
    """
    spare = n_final - 2 * n_stages
    total = n_stages * (n_stages + 1) // 2
    sizes = [2 + spare * (j + 1) // total for j in range(n_stages)]
    left = n_final - sum(sizes)  # fewer than n_stages
    return [size + (j >= n_stages - left) for j, size in enumerate(sizes)]


class SamplePool:
    """Every sample drawn so far, with the density it was drawn from.

    ``log_weights()`` gives ``log f(x; u) - log q(x)`` with ``q = sum_j n_j g_j
    / sum_j n_j`` the deterministic mixture of the samplers ``g_j`` (``n_j``
    samples each): the balance heuristic of Veach & Guibas (1995) and Owen &
    Zhou (2000), the weights of adaptive multiple importance sampling (Cornuet,
    Marin, Mira & Robert 2012). Its weights vary far less than each sample's
    own ``f / g_j`` when the samplers are noisy fits. They are used only to
    *fit* families (any consistent estimate of the CE program will do), never
    in the probability estimate, whose terms keep their own, exactly
    unbiased, likelihood ratios.
    """

    def __init__(self, nominal, depth=_DEPTH):
        self.nominal = nominal
        self.depth = depth
        # One entry per chunk: [X, s, sampler, log f(X; u), {id(g): (g, log g(X))}].
        self.chunks = []

    def add(self, X, s, sampler):
        """Add a chunk of samples drawn from ``sampler``; forget the oldest."""
        self.chunks.append([X, s, sampler, None, {}])
        del self.chunks[: -self.depth]

    def _log(self, chunk, g):
        if g is self.nominal:  # the first level samples from the nominal
            return self._log_nominal(chunk)
        # Keyed by identity; the cache holds the family, so ids are not reused.
        cache = chunk[4]
        if id(g) not in cache:
            cache[id(g)] = (g, g.log_pdf(chunk[0]))
        return cache[id(g)][1]

    def _log_nominal(self, chunk):
        if chunk[3] is None:
            chunk[3] = self.nominal.log_pdf(chunk[0])
        return chunk[3]

    def own_log_ratio(self):
        """``log f(x; u) - log g(x)`` of the last chunk against its own sampler."""
        chunk = self.chunks[-1]
        return self._log_nominal(chunk) - self._log(chunk, chunk[2])

    def samples(self):
        """All samples and their scores, concatenated."""
        return (
            np.concatenate([c[0] for c in self.chunks]),
            np.concatenate([c[1] for c in self.chunks]),
        )

    def log_weights(self):
        """``log f(x; u) - log q(x)`` for every sample (``q`` the mixture)."""
        sizes = np.array([c[0].shape[0] for c in self.chunks], dtype=float)
        log_share = np.log(sizes / sizes.sum())[:, None]
        samplers = [c[2] for c in self.chunks]
        out = []
        for chunk in self.chunks:
            stacked = np.stack([self._log(chunk, g) for g in samplers]) + log_share
            top = np.max(stacked, axis=0)
            finite = np.isfinite(top)
            log_q = np.full(top.shape, -math.inf)
            log_q[finite] = top[finite] + np.log(
                np.sum(np.exp(stacked[:, finite] - top[finite]), axis=0)
            )
            log_f = self._log_nominal(chunk)
            with np.errstate(invalid="ignore"):
                out.append(np.where(finite, log_f - log_q, -math.inf))
        return np.concatenate(out)

    def fit_hits(self, family, target):
        """Refit ``family`` on the pooled samples with ``s >= target``.

        Returns ``family`` unchanged when the effective sample size of the
        hits' weights is below ``_MIN_POOL_ESS``.
        """
        if not self.chunks:
            return family
        X, s = self.samples()
        log_w = np.where(s >= target, self.log_weights(), -math.inf)
        if not np.isfinite(log_w).any():
            return family
        # Rows below 1e-12 of the largest weight change the fit by less than
        # rounding but cost time.
        keep = log_w > log_w.max() + math.log(1e-12)
        w = np.exp(log_w[keep] - log_w[keep].max())
        if w.sum() ** 2 / (w @ w) < _MIN_POOL_ESS:
            return family
        return family.fit(X[keep], weights=w)


def staged_final_run(
    scorer, nominal, family, target, n_final, n_stages, rng, pool, adjust=None
):
    """Run the final importance sampling in stages, refitting between stages.

    ``pool`` is the :class:`SamplePool` of the levels (or None); before each
    stage the family is refit on the hits of the pool, which the stage's
    samples then join; ``adjust`` (if given) maps each refit family to the one
    used (screening). Returns ``(groups, family)``: the log terms of each stage
    (``-inf`` off the event) and the family of the last stage.
    """
    pool = SamplePool(nominal) if pool is None else pool
    groups = []
    sizes = stage_sizes(n_final, n_stages)
    for size in sizes:
        refit = pool.fit_hits(family, target)
        if refit is not family and adjust is not None:
            refit = adjust(refit)
        family = refit
        X, s = scorer(family, size, rng)
        pool.add(X, s, family)
        groups.append(np.where(s >= target, pool.own_log_ratio(), -math.inf))
    return groups, family
