"""The SamplingFamily protocol: what the optimizer and the estimator need of a family.

A family is an immutable parametric distribution (a frozen dataclass in this
package). The cross-entropy update for a natural exponential family is the
weighted maximum-likelihood estimate from the elite sample (de Boer, Kroese,
Mannor & Rubinstein 2005, eq. (8)-(10)), which is why ``fit`` *is* the CE update.
A user's own family is any object with these methods that passes
:func:`cemethod.testing.check_family`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["SamplingFamily"]


@runtime_checkable
class SamplingFamily(Protocol):
    """A parametric sampling distribution usable by the cross-entropy method.

    Methods
    -------
    sample(n, rng)
        ``n`` independent draws as an array of shape ``(n, *event_shape)``;
        all randomness comes from the ``numpy.random.Generator`` ``rng``.
    log_pdf(x)
        Log density (or log mass) of each row of ``x``, shape ``(n,)``; ``-inf``
        outside the support.
    fit(x, weights=None)
        A new family of the same kind: the weighted maximum-likelihood estimate
        from the rows of ``x``. Weights are non-negative and need not sum to 1;
        integer weights act as repetition, zero weights as removal.
    smooth(previous, alpha)
        The smoothed update ``alpha * self + (1 - alpha) * previous`` in the
        family's natural parameters (de Boer et al. 2005, eq. (12)); ``self`` is
        the freshly fitted family and ``alpha`` lies in (0, 1].
    mode()
        The most likely point (one row, shape ``event_shape``).
    is_degenerate(atol)
        True when the distribution has (nearly) collapsed to one point.
    dispersion()
        One non-negative number for the history: how spread out the family is
        (the largest standard deviation, or the largest per-coordinate entropy).
    """

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray: ...

    def log_pdf(self, x: np.ndarray) -> np.ndarray: ...

    def fit(
        self, x: np.ndarray, weights: np.ndarray | None = None
    ) -> SamplingFamily: ...

    def smooth(self, previous: SamplingFamily, alpha: float) -> SamplingFamily: ...

    def mode(self) -> np.ndarray: ...

    def is_degenerate(self, atol: float = 1e-8) -> bool: ...

    def dispersion(self) -> float: ...
