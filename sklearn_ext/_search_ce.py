"""The cross-entropy sampler behind ``CrossEntropySearchCV``, apart from
scikit-learn's cross-validation (ask for candidates, tell their scores).

Small-budget CE for an expensive objective (Rubinstein & Kroese 2004,
"The Cross-Entropy Method", ch. 4-5; de Boer, Kroese, Mannor & Rubinstein
2005, "A Tutorial on the Cross-Entropy Method"):

- the first generation is a space-filling design (``SearchSpace``,
  ``stratified=True``) and larger than the later ones;
- the elite is the best ``max(min_elite, ceil(elite_fraction * n))`` of ALL
  ``n`` candidates evaluated so far (CE with elitism: no evaluation is thrown
  away, the level ``gamma_t`` never goes down);
- categorical coordinates: elite frequencies with one pseudo-count per value
  (Laplace's rule of succession, the usual estimator of a multinomial from a
  handful of draws), smoothed with the previous probabilities (the ``alpha``
  update, de Boer et al. 2005, eq. (12)), then mixed with the uniform with
  weight ``category_floor``: a value never falls below ``category_floor / k``,
  so two or three elites cannot kill it (a zero probability is absorbing in CE);
- numeric coordinates: truncated Gaussian with the elite mean and std
  (Kroese, Porotsky & Rubinstein 2006), smoothed likewise, and a std never
  below ``min_std`` times the coordinate's reference width.
"""

from __future__ import annotations

import math

import numpy as np

from cemethod.families import Categorical, TruncatedGaussian

_DRAW_ROUNDS = 20  # rounds of re-drawing to find candidates not evaluated yet
_PRIOR = 1.0  # pseudo-counts of a categorical coordinate, split over its values


def default_sizes(n_iter, n_params, per_generation=None, n_initial=None):
    """``(n_initial, per_generation)`` for a budget ``n_iter`` (``None``: no
    budget) and ``n_params`` hyperparameters; given values are kept.

    Later generations hold ``max(3, ceil(n_iter / 10))`` candidates (10 without
    a budget): small generations and an elite kept across them, so that the
    distribution is refitted often while each fit still sees the best of all
    candidates. The first generation, the space-filling design, takes a third
    of the budget, at most ``10 * n_params`` (the usual size of an initial
    design in sequential model-based optimisation) and at least one later
    generation (twice one without a budget): on a small budget it hits a
    good region as often as a random search's first third, and the elite it
    gives covers every basin it found rather than the best two points.
    """
    if per_generation is None:
        per_generation = 10 if n_iter is None else max(3, math.ceil(n_iter / 10))
    if n_initial is None:
        if n_iter is None:
            n_initial = 2 * per_generation
        else:
            n_initial = min(math.ceil(n_iter / 3), 10 * n_params)
            n_initial = max(per_generation, n_initial)
    return n_initial, per_generation


class CESampler:
    """Candidates of one search, drawn and refitted by the CE method.

    ``ask(n)`` returns up to ``n`` parameter dicts never returned before;
    ``tell(scores)`` takes their scores (higher is better, NaN allowed) and
    updates the sampling families. ``families`` is ``None`` until the first
    update, then ``(Categorical or None, TruncatedGaussian or None)``.
    """

    def __init__(
        self,
        space,
        rng,
        *,
        elite_fraction,
        min_elite,
        smoothing,
        keep_best,
        category_floor,
        min_std,
    ):
        self.space = space
        self.rng = rng
        self.elite_fraction = elite_fraction
        self.min_elite = min_elite
        self.smoothing = smoothing
        self.keep_best = keep_best
        self.category_floor = category_floor
        self.min_std = min_std
        self.cat0, self.box0 = space.initial_families()
        self.idx = np.empty((0, len(space.categorical)), dtype=np.intp)
        self.z = np.empty((0, len(space.numeric)))
        self.scores = np.empty(0)
        self.families = None
        self.elite = np.empty(0, dtype=np.intp)
        self._seen = set()
        self._pending = None
        self._size = space.size
        if self.box0 is not None:
            self._std_floor = min_std * space.widths

    # -- drawing -------------------------------------------------------------
    def _propose(self, m, attempt):
        space = self.space
        if self.families is None and attempt == 0:
            return space.first_generation(m, self.rng, stratified=True)
        if self.families is None or attempt >= _DRAW_ROUNDS // 2:
            # Fallback once the neighbourhood of the elite is used up.
            return space.first_generation(2 * m, self.rng)
        return space.sample(self.families, 2 * m, self.rng)

    def ask(self, n):
        """Up to ``n`` new candidates (fewer when the space runs out)."""
        params, idx_rows, z_rows = [], [], []
        for attempt in range(_DRAW_ROUNDS):
            m = min(n - len(params), self._size - len(self._seen))
            if m <= 0:
                break
            idx, z = self._propose(m, attempt)
            p, keys, snapped = self.space.decode(idx, z)
            for i, key in enumerate(keys):
                if key in self._seen or len(params) == n:
                    continue
                self._seen.add(key)
                params.append(p[i])
                idx_rows.append(idx[i])
                z_rows.append(snapped[i])
        k = len(params)
        self._pending = (
            np.asarray(idx_rows, dtype=np.intp).reshape(k, self.idx.shape[1]),
            np.asarray(z_rows, dtype=float).reshape(k, self.z.shape[1]),
        )
        return params

    # -- updating ------------------------------------------------------------
    def tell(self, scores):
        """Record the scores of the last ``ask`` and refit the families."""
        idx, z = self._pending
        self._pending = None
        start = self.scores.size
        self.idx = np.vstack([self.idx, idx])
        self.z = np.vstack([self.z, z])
        scores = np.asarray(scores, dtype=float)
        self.scores = np.concatenate(
            [self.scores, np.where(np.isnan(scores), -np.inf, scores)]
        )
        generation = np.arange(start, self.scores.size)
        pool = np.arange(self.scores.size) if self.keep_best else generation
        pool = pool[np.isfinite(self.scores[pool])]
        if pool.size == 0:
            return
        k = max(self.min_elite, math.ceil(self.elite_fraction * generation.size))
        self.elite = pool[np.argsort(-self.scores[pool], kind="stable")][:k]
        self.families = self._update(generation)

    def _update(self, generation):
        alpha = self.smoothing
        elite = self.elite
        if self.families is None:
            # First update: smooth with the moment fit of the whole generation.
            prev_num = (
                self.box0.fit(self.z[generation]) if self.box0 is not None else None
            )
            previous = (self.cat0, prev_num)
        else:
            previous = self.families
        cat = None
        if self.cat0 is not None:
            cat = self._fit_categorical(self.idx[elite]).smooth(previous[0], alpha)
            cat = self._floor(cat)
        num = None
        if self.box0 is not None:
            num = self.box0.fit(self.z[elite]).smooth(previous[1], alpha)
            num = TruncatedGaussian(
                num.mean, np.maximum(num.std, self._std_floor), num.lower, num.upper
            )
        return cat, num

    def _fit_categorical(self, rows):
        """Elite frequencies with ``_PRIOR / k`` pseudo-counts per value."""
        nv = self.cat0.n_values
        d, k = self.cat0.probs.shape
        valid = np.arange(k) < nv[:, None]
        counts = np.zeros((d, k))
        np.add.at(counts, (np.arange(d)[None, :], rows), 1.0)
        counts += _PRIOR * valid / nv[:, None]
        return Categorical(counts / counts.sum(axis=1, keepdims=True), n_values=nv)

    def _floor(self, cat):
        """Mix with the uniform: every value keeps ``category_floor / k``."""
        eps = self.category_floor
        if eps == 0:
            return cat
        probs = (1.0 - eps) * cat.probs + eps * self.cat0.probs
        return Categorical(probs, n_values=self.cat0.n_values)
