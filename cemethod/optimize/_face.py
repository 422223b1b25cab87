"""The fully adaptive CE (FACE) of Rubinstein & Kroese (2004, "The Cross-Entropy
Method", ch. 5): the sample grows while an iteration improves neither the level nor
the best value. The steps of CrossEntropyOptimizer.tell that decide it.

An iteration improves when the level gamma_t or the best value so far gets better
(by more than ``tol``, relative); then the family is updated as usual and the next
iteration starts again from ``N_min`` samples. Without an improvement the family is
*not* updated: the iteration's sample is kept, the next ``ask`` draws more samples
from the same family so that the sample grows by ``sample_growth`` (``ceil``), and
the next ``tell`` ranks the grown sample. If even ``N_max`` samples bring no
improvement, the run stops with status 7 (stop rule ``"hard"``: FACE declares the
problem hard). The stall rule becomes FACE's: the best value unchanged over the last
``patience`` accepted iterations. The growth step and the use of the stall tolerance
``tol`` for "improves" are choices of this implementation.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["FaceSteps"]


class FaceSteps:
    """FACE steps of :class:`~cemethod.optimize.CrossEntropyOptimizer` (a mixin:
    it reads and writes the optimizer's ``_settings``, ``_face_*``, ``_best_*``,
    ``_pending`` and ``_n_samples``)."""

    def _face_improved(self, gamma, s_b, v_b) -> bool:
        """Did this iteration improve the level gamma or the best value (both
        on the minimization scale, by more than ``tol`` relative)?"""
        tol = self._settings["tol"]

        def lower(new, old):
            return new < old - tol * max(1.0, abs(new))

        if lower(gamma, self._face_gamma):
            return True
        if v_b != self._best_violation:  # feasibility first, then the value
            return v_b < self._best_violation
        return lower(s_b, self._best_score)

    def _face_grow(self, X, scores, v):
        """No improvement: keep this iteration's sample and ask for more, up to
        ``max_n_samples``; with no improvement there, the problem is "hard"."""
        s = self._settings
        n = X.shape[0]
        if n >= s["max_n_samples"]:
            self._face_hard = True
            return
        self._pending = (np.array(X, copy=True), scores, v)  # X is the caller's
        target = min(s["max_n_samples"], math.ceil(n * s["sample_growth"]))
        self._n_samples = max(1, target - n)

    def _face_accept(self, gamma):
        """An improvement: the family is updated and the next iteration starts
        again from ``N_min = n_samples``."""
        self._pending = None
        self._n_samples = self._settings["n_samples"]
        self._face_gamma = gamma
        self._face_best.append(self._best_score)
