"""Independent Bernoulli coordinates: the CE family for binary vectors
(max-cut, knapsack-style and other 0/1 problems)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from cemethod._validation import parameter_error
from cemethod.families._discrete_common import (
    ArrayFamilyMixin,
    check_alpha,
    check_n_samples,
    check_same_kind,
    check_weights,
    entropy_rows,
    integral_rows,
    readonly,
    trusted_probs,
)

__all__ = ["Bernoulli"]


@dataclass(frozen=True, eq=False, repr=True)
class Bernoulli(ArrayFamilyMixin):
    """Binary vectors with independent coordinates, ``P(x_i = 1) = p_i``.

    Parameters
    ----------
    p : array_like of shape (d,)
        Success probabilities in [0, 1]; the end points are allowed (a fixed
        coordinate). Stored as a read-only float64 array.

    Notes
    -----
    Samples are ``int8`` arrays of 0 and 1 (signed, so differences such as
    ``x[:, i] - x[:, j]`` are right; cast to float before a matrix product of two
    sample arrays, where ``int8`` would overflow).

    The CE update is the weighted mean of the elite rows, the weighted
    maximum-likelihood estimate (de Boer, Kroese, Mannor & Rubinstein 2005,
    eq. (10) and Section 3.1 for max-cut); ``smooth`` mixes the probability
    vectors, their eq. (12). ``dispersion`` is the largest coordinate entropy in
    nats, at most ``log 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import Bernoulli
    >>> fam = Bernoulli([0.9, 0.1, 0.5])
    >>> x = fam.sample(4, np.random.default_rng(0))
    >>> x.shape, x.dtype
    ((4, 3), dtype('int8'))
    >>> Bernoulli([0.5, 0.5]).fit([[1, 0], [1, 1]]).p
    array([1. , 0.5])
    >>> float(np.exp(fam.log_pdf([[1, 0, 1]]))[0])
    0.405
    """

    p: np.ndarray

    def __post_init__(self):
        func = "Bernoulli"
        p = np.asarray(self.p)
        if p.ndim != 1 or p.size == 0:
            raise parameter_error(func, "p", "a non-empty 1-D array", p)
        if not np.issubdtype(p.dtype, np.number) or np.iscomplexobj(p):
            raise parameter_error(func, "p", "an array of real numbers", p)
        p = p.astype(float)
        if not np.all((p >= 0) & (p <= 1)):
            raise parameter_error(func, "p", "an array of probabilities in [0, 1]", p)
        object.__setattr__(self, "p", readonly(p))

    @classmethod
    def uniform(cls, n_dims: int) -> Bernoulli:
        """All ``2**n_dims`` binary vectors equally likely (``p = 0.5``)."""
        if (
            not isinstance(n_dims, numbers.Integral)
            or isinstance(n_dims, bool)
            or (n_dims < 1)
        ):
            raise parameter_error(
                "Bernoulli.uniform", "n_dims", "a positive integer", n_dims
            )
        return cls(np.full(int(n_dims), 0.5))

    @property
    def n_dims(self) -> int:
        """Length ``d`` of the binary vectors."""
        return self.p.size

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` independent binary vectors, an ``int8`` array of shape ``(n, d)``."""
        n = check_n_samples(n, "Bernoulli.sample")
        rng = np.random.default_rng(rng)
        # random() lies in [0, 1): p = 0 never fires, p = 1 always does.
        return (rng.random((n, self.p.size)) < self.p).astype(np.int8)

    def _check_x(self, x, func: str) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.p.size:
            raise parameter_error(
                func, "x", f"a 2-D array with {self.p.size} columns", x
            )
        return x

    def log_pdf(self, x) -> np.ndarray:
        """Log probability of each row of ``x``; ``-inf`` for entries not 0 or 1."""
        x = self._check_x(x, "Bernoulli.log_pdf")
        xi, ok = integral_rows(x, 0, 2)
        with np.errstate(divide="ignore"):
            log_p, log_q = np.log(self.p), np.log1p(-self.p)
        # Select, do not multiply, so that 0 * log 0 counts as 0.
        out = np.where(xi == 1, log_p, log_q).sum(axis=1)
        out[~ok] = -np.inf
        return out

    def fit(self, x, weights=None) -> Bernoulli:
        """Weighted mean of the rows of ``x`` (entries 0 or 1): the CE update."""
        func = "Bernoulli.fit"
        x = self._check_x(x, func)
        if not np.all((x == 0) | (x == 1)):
            raise parameter_error(func, "x", "an array of 0 and 1 entries", x)
        w = check_weights(weights, x.shape[0], func)
        p = (w @ x.astype(float)) / w.sum()
        p = np.clip(p, 0.0, 1.0)
        return trusted_probs(Bernoulli, p)  # valid by construction

    def smooth(self, previous: Bernoulli, alpha: float) -> Bernoulli:
        """``alpha * self.p + (1 - alpha) * previous.p`` (de Boer et al. 2005,
        eq. (12))."""
        func = "Bernoulli.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(self, previous, func, n_dims=self.n_dims)
        p = alpha * self.p + (1.0 - alpha) * previous.p
        p = np.clip(p, 0.0, 1.0)
        return trusted_probs(Bernoulli, p)  # valid by construction

    def mode(self) -> np.ndarray:
        """The most likely vector, ``int8`` of shape ``(d,)``; ties (``p = 0.5``)
        give 0."""
        return (self.p > 0.5).astype(np.int8)

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when every ``p_i`` is within ``atol`` of 0 or 1."""
        return bool(np.all(np.minimum(self.p, 1.0 - self.p) <= atol))

    def dispersion(self) -> float:
        """The largest coordinate entropy in nats (0 when degenerate)."""
        # entropy_rows of the rows (p, 1 - p), without stacking them
        h = entropy_rows(self.p[:, None]) + entropy_rows((1.0 - self.p)[:, None])
        return float(h.max())
