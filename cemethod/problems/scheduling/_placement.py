"""Random permutations from a position-by-item matrix: the "node placement"
family of Rubinstein & Kroese (2004), *The Cross-Entropy Method*, Chapter 4,
for problems whose cost depends on *where* an item is placed (scheduling), not
on which item follows which (the travelling salesman, see
:class:`cemethod.families.Permutation`)."""

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
    permutation_rows,
    readonly,
)

__all__ = ["PositionAssignment"]

_SUM_TOL = 1e-8


@dataclass(frozen=True, eq=False)
class PositionAssignment(ArrayFamilyMixin):
    """Permutations drawn position by position from ``probs[k, j]`` = probability
    that position ``k`` holds item ``j``.

    Position ``k = 0, 1, ...`` takes an item not yet placed with probability
    ``probs[k, j]`` renormalised over the remaining items (uniform among them
    when all have probability 0), the node placement scheme of Rubinstein &
    Kroese (2004), Chapter 4.

    Parameters
    ----------
    probs : array_like of shape (n, n)
        Row-stochastic matrix (rows sum to 1 within 1e-8), ``n >= 1``.

    Notes
    -----
    Samples are ``intp`` arrays of shape ``(n_samples, n)``: row ``r`` lists
    the item at each position. ``log_pdf`` is the exact log-probability of the
    sequential rule. The CE update is the weighted frequency of item ``j`` at
    position ``k`` among the elite, the weighted MLE (the analogue for
    positions of de Boer et al. 2005, eq. (33)); ``smooth`` mixes matrices
    (de Boer et al. 2005, eq. (12)). ``mode`` is the greedy permutation (most
    likely remaining item at each position).
    ``dispersion`` is the largest row entropy in nats.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems import PositionAssignment
    >>> fam = PositionAssignment.uniform(4)
    >>> x = fam.sample(3, np.random.default_rng(0))
    >>> bool(np.all(np.sort(x, axis=1) == np.arange(4)))
    True
    >>> float(np.exp(fam.log_pdf(x[:1]))[0])  # 1 / 4!
    0.0416667
    >>> fam.fit([[2, 0, 3, 1]]).mode()
    array([2, 0, 3, 1])
    """

    probs: np.ndarray

    def __post_init__(self):
        func = "PositionAssignment"
        P = np.asarray(self.probs)
        if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] < 1:
            raise parameter_error(func, "probs", "a non-empty square 2-D array", P)
        if not np.issubdtype(P.dtype, np.number) or np.iscomplexobj(P):
            raise parameter_error(func, "probs", "an array of real numbers", P)
        P = P.astype(float)
        if not np.all((P >= 0) & (P <= 1)):
            raise parameter_error(func, "probs", "probabilities in [0, 1]", P)
        sums = P.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > _SUM_TOL):
            raise parameter_error(
                func, "probs", f"row-stochastic (within {_SUM_TOL})", sums
            )
        object.__setattr__(self, "probs", readonly(P))

    @classmethod
    def uniform(cls, n: int) -> PositionAssignment:
        """Every permutation of ``n`` items equally likely."""
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
            raise parameter_error(
                "PositionAssignment.uniform", "n", "an integer >= 1", n
            )
        return cls(np.full((n, n), 1.0 / n))

    @property
    def n_items(self) -> int:
        """Number of items (and positions) ``n``."""
        return self.probs.shape[0]

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` permutations, an ``intp`` array of shape ``(n, n_items)``."""
        n = check_n_samples(n, "PositionAssignment.sample")
        rng = np.random.default_rng(rng)
        size = self.n_items
        out = np.empty((n, size), dtype=np.intp)
        free = np.ones((n, size), dtype=bool)
        u = rng.random((n, size))
        rows = np.arange(n)
        for k in range(size):  # sequential by nature: position k sees 0..k-1
            w = np.where(free, self.probs[k], 0.0)
            tot = w.sum(axis=1)
            empty = tot <= 0
            if empty.any():  # all remaining items have probability 0: uniform
                w[empty] = free[empty]
                tot[empty] = w[empty].sum(axis=1)
            cdf = np.cumsum(w, axis=1)
            j = (cdf <= (u[:, k] * tot)[:, None]).sum(axis=1)
            # Guard the rounding edge: land on a free item.
            j = np.minimum(j, size - 1)
            bad = ~free[rows, j]
            if bad.any():
                j[bad] = size - 1 - np.argmax(free[bad][:, ::-1], axis=1)
            out[:, k] = j
            free[rows, j] = False
        return out

    def _perms(self, x, func):
        return permutation_rows(x, self.n_items, func)

    def log_pdf(self, x) -> np.ndarray:
        """Exact log-probability of each permutation under the sampling rule."""
        xi, ok = self._perms(x, "PositionAssignment.log_pdf")
        n, size = xi.shape
        out = np.zeros(n)
        free = np.ones((n, size), dtype=bool)
        rows = np.arange(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            for k in range(size):
                w = np.where(free, self.probs[k], 0.0)
                tot = w.sum(axis=1)
                pj = self.probs[k, xi[:, k]]
                uni = 1.0 / free.sum(axis=1)
                out += np.where(tot > 0, np.log(pj) - np.log(tot), np.log(uni))
                free[rows, xi[:, k]] = False
        out[~ok] = -np.inf
        return out

    def fit(self, x, weights=None) -> PositionAssignment:
        """Weighted item-at-position frequencies of ``x``: the CE update."""
        func = "PositionAssignment.fit"
        xi, ok = self._perms(x, func)
        if not ok.all():
            raise parameter_error(
                func, "x", f"rows that are permutations of 0..{self.n_items - 1}", x
            )
        w = check_weights(weights, xi.shape[0], func)
        size = self.n_items
        flat = (np.arange(size) * size + xi).ravel()
        counts = np.bincount(flat, np.repeat(w, size), minlength=size * size)
        return PositionAssignment(np.minimum(counts.reshape(size, size) / w.sum(), 1.0))

    def smooth(self, previous: PositionAssignment, alpha: float):
        """``alpha * self.probs + (1 - alpha) * previous.probs``."""
        func = "PositionAssignment.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(self, previous, func, n_items=self.n_items)
        P = alpha * self.probs + (1.0 - alpha) * previous.probs
        return PositionAssignment(np.minimum(P, 1.0))

    def mode(self) -> np.ndarray:
        """Greedy permutation: the most likely remaining item at each position."""
        size = self.n_items
        free = np.ones(size, dtype=bool)
        out = np.empty(size, dtype=np.intp)
        for k in range(size):
            j = int(np.argmax(np.where(free, self.probs[k], -1.0)))
            out[k] = j
            free[j] = False
        return out

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when every position puts at least ``1 - atol`` on one item."""
        return bool(np.all(self.probs.max(axis=1) >= 1.0 - atol))

    def dispersion(self) -> float:
        """Largest row entropy in nats."""
        return float(entropy_rows(self.probs).max())
