"""The input checks of CrossEntropyOptimizer.tell: shapes, finiteness and the
``on_error`` rule, the constraint violation, the fresh values of kept points."""

from __future__ import annotations

import math

import numpy as np

from cemethod._validation import format_value

__all__ = ["TellChecks"]


class TellChecks:
    """Checks of :meth:`~cemethod.CrossEntropyOptimizer.tell` (a mixin: it reads
    the optimizer's ``_settings``, ``_sign``, ``_keep`` and sets
    ``_has_constraints``)."""

    def _check_tell(self, X, values, violation):
        X = np.asarray(X)
        values = np.asarray(values, dtype=np.float64)
        n = X.shape[0] if X.ndim else 0
        if n == 0 or values.shape != (n,):
            raise ValueError(
                "The 'values' parameter of CrossEntropyOptimizer.tell must have "
                f"shape (n,) for X with n = {n} >= 1 rows. Got shape {values.shape} "
                "instead."
            )
        scores, n_bad = self._scores(values, "values")
        v = None  # all feasible
        if violation is not None:
            self._has_constraints = True
            v = np.asarray(violation, dtype=np.float64)
            if v.shape != (n,) or not np.all(np.isfinite(v)) or np.any(v < 0):
                raise ValueError(
                    "The constraint violation must be an array of shape (n,) of "
                    f"finite numbers >= 0 (0 = feasible), n = {n}. Got "
                    f"{format_value(v)} instead."
                )
        return X, scores, v, n_bad

    def _scores(self, values, param):
        """``values`` on the minimization scale and the number of non-finite
        ones, which get the worst rank (or raise with on_error='raise')."""
        scores = self._sign * values
        finite = np.isfinite(values)
        if finite.all():
            return scores, 0
        if self._settings["on_error"] == "raise":
            raise ValueError(
                f"The '{param}' parameter of CrossEntropyOptimizer.tell must be "
                f"finite with on_error='raise'. Got {format_value(values)} instead."
            )
        bad = ~finite
        scores[bad] = math.inf  # the worst rank (minimization scale)
        return scores, int(np.count_nonzero(bad))

    def _check_kept(self, kept_values):
        if kept_values is None:
            return self._keep, 0
        m = 0 if self._keep is None else len(self._keep[0])
        kv = np.asarray(kept_values, dtype=np.float64)
        if m == 0 or kv.shape != (m,):
            raise ValueError(
                "The 'kept_values' parameter of CrossEntropyOptimizer.tell must have "
                f"one value per kept point ({m}). Got shape {kv.shape} instead."
            )
        ks, n_bad = self._scores(kv, "kept_values")
        return (self._keep[0], ks, self._keep[2]), n_bad
