"""Sequential allocation of a fixed number of slots: the CE family of the buffer
allocation problem, whose samples are always feasible (they use exactly
``total`` slots and respect per-buffer bounds), with no rejection."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import scipy.stats

from cemethod._limits import check_memory
from cemethod._validation import parameter_error
from cemethod.families._discrete_common import (
    ArrayFamilyMixin,
    check_alpha,
    check_n_samples,
    check_same_kind,
    check_weights,
    entropy_rows,
    readonly,
)
from cemethod.families._params import trusted

__all__ = ["SequentialAllocation"]

_SUM_TOL = 1e-8
_ML_TOL = 1e-12  # stop the MM iterations of fit when no weight moves more
_ML_MAXITER = 2000


def _int_vector(value, param, func, d, default):
    if value is None:
        return np.full(d, default, dtype=np.int64)
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(d, arr)
    if arr.shape != (d,) or not np.issubdtype(arr.dtype, np.integer):
        raise parameter_error(func, param, f"{d} integers (one per buffer)", arr)
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class SequentialAllocation(ArrayFamilyMixin):
    """Allocations ``x`` of exactly ``total`` slots to ``d`` buffers, drawn
    buffer after buffer.

    Buffer ``i < d - 1`` takes ``x_i = j`` with probability proportional to
    ``probs[i, j]`` among the values still feasible after the earlier buffers
    took theirs, ``A_i(R) = [max(lower_i, R - sum_{k>i} upper_k),
    min(upper_i, R - sum_{k>i} lower_k)]`` with ``R`` the slots left; the last
    buffer takes the rest. So every sample sums to ``total`` and lies within
    the bounds (the sequential generation of feasible allocations of Alon,
    Kroese, Raviv & Rubinstein 2005, instead of rejecting by the sum). When a
    row gives no weight to ``A_i(R)`` the value is uniform on it.

    Parameters
    ----------
    probs : array_like of shape (d - 1, total + 1)
        Weights of the values ``0 .. total`` of buffers ``0 .. d - 2``; each
        row sums to 1 and is zero outside ``[lower_i, upper_i]``.
    total : int
        Slots to allocate, ``sum(lower) <= total <= sum(upper)``.
    lower, upper : array_like of int, shape (d,), optional
        Bounds of each buffer (default 0 and ``total``).

    Notes
    -----
    ``log_pdf`` is the exact log mass ``sum_i log(probs[i, x_i] /
    probs[i, A_i(R_i)])``. The likelihood factorizes over the rows, each a
    categorical observed through the truncations ``A_i(R_i)`` of the sample,
    so the CE update ``fit`` (the weighted maximum-likelihood estimate, de Boer,
    Kroese, Mannor & Rubinstein 2005, eq. (10)) is computed row by row by the
    minorize-maximize iteration ``p_j <- c_j / sum_n w_n [j in A_n] / p(A_n)``
    (Hunter & Lange 2004, "A tutorial on MM algorithms", Sec. 3: it increases
    the likelihood at every step), started at the elite frequencies ``c_j``.
    Without truncation it is the frequency itself. ``smooth`` mixes the
    weights (eq. (12)); ``mode`` is the most likely allocation by dynamic
    programming over the slots left; ``dispersion`` is the largest row entropy.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import SequentialAllocation
    >>> fam = SequentialAllocation.balanced(3, 6)
    >>> x = fam.sample(4, np.random.default_rng(0))
    >>> x.sum(axis=1).tolist()
    [6, 6, 6, 6]
    >>> fam.fit([[0, 0, 6], [0, 6, 0], [3, 0, 3], [2, 2, 2]]).total
    6
    """

    probs: np.ndarray
    total: int
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None

    def __post_init__(self):
        func = "SequentialAllocation"
        total = self.total
        if not isinstance(total, numbers.Integral) or isinstance(total, bool):
            raise parameter_error(func, "total", "a non-negative integer", total)
        if total < 0:
            raise parameter_error(func, "total", "a non-negative integer", total)
        total = int(total)
        try:
            probs = np.array(self.probs, dtype=float)
        except (TypeError, ValueError):
            raise parameter_error(
                func, "probs", "a 2-D array of weights", self.probs
            ) from None
        if probs.ndim != 2 or probs.shape[1] != total + 1:
            raise parameter_error(
                func, "probs", f"a 2-D array with total + 1 = {total + 1} columns",
                probs,
            )  # fmt: skip
        d = probs.shape[0] + 1
        lower = _int_vector(self.lower, "lower", func, d, 0)
        upper = _int_vector(self.upper, "upper", func, d, total)
        if np.any(lower < 0) or np.any(upper < lower):
            raise parameter_error(
                func, "upper", "at least lower (and lower >= 0)", upper
            )
        if not lower.sum() <= total <= np.minimum(upper, total).sum():
            raise parameter_error(
                func, "total", f"in [sum(lower), sum(upper)] = [{lower.sum()}, "
                f"{np.minimum(upper, total).sum()}]", total,
            )  # fmt: skip
        if not np.all(np.isfinite(probs) & (probs >= 0)):
            raise parameter_error(func, "probs", "finite and >= 0", probs)
        j = np.arange(total + 1)
        outside = (j < lower[:-1, None]) | (j > upper[:-1, None])
        if np.any(probs[outside] != 0):
            raise parameter_error(
                func, "probs", "zero outside [lower_i, upper_i] in each row", probs
            )
        sums = probs.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > _SUM_TOL):
            raise parameter_error(
                func, "probs", f"rows that sum to 1 (within {_SUM_TOL})", sums
            )
        object.__setattr__(self, "probs", readonly(probs))
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "lower", readonly(lower))
        object.__setattr__(self, "upper", readonly(np.minimum(upper, total)))

    @classmethod
    def balanced(cls, n_buffers, total, lower=None, upper=None):
        """Rows ``probs[i]`` proportional to the Binomial(total, 1 / d) mass on
        ``[lower_i, upper_i]`` (the marginal of ``total`` slots thrown
        independently and uniformly into ``d`` buffers); uniform on the bounds
        where that mass underflows."""
        func = "SequentialAllocation.balanced"
        if (
            not isinstance(n_buffers, numbers.Integral)
            or isinstance(n_buffers, bool)
            or n_buffers < 1
        ):
            raise parameter_error(func, "n_buffers", "an integer >= 1", n_buffers)
        if not isinstance(total, numbers.Integral) or total < 0:
            raise parameter_error(func, "total", "a non-negative integer", total)
        d, total = int(n_buffers), int(total)
        check_memory(
            func,
            f"{d} buffers of 0..{total} slots",
            32.0 * d * (total + 1),
            "the probability table",
        )
        lo = _int_vector(lower, "lower", func, d, 0)
        hi = np.minimum(_int_vector(upper, "upper", func, d, total), total)
        j = np.arange(total + 1)
        inside = (j >= lo[:-1, None]) & (j <= hi[:-1, None])
        base = scipy.stats.binom.pmf(j, total, 1.0 / d)
        rows = np.where(inside, base, 0.0)
        mass = rows.sum(axis=1, keepdims=True)
        flat = inside / np.maximum(inside.sum(axis=1, keepdims=True), 1)
        rows = np.where(mass > 1e-300, rows / np.where(mass > 0, mass, 1), flat)
        return cls(rows, total, lo, hi)

    @property
    def n_dims(self) -> int:
        """Number of buffers ``d``."""
        return self.probs.shape[0] + 1

    def _windows(self, remaining, i):
        """Feasible values ``[lo, hi]`` of buffer ``i`` with ``remaining`` slots."""
        after_up = self.upper[i + 1 :].sum()
        after_lo = self.lower[i + 1 :].sum()
        lo = np.maximum(self.lower[i], remaining - after_up)
        hi = np.minimum(self.upper[i], remaining - after_lo)
        return lo, hi

    def _cum(self):
        c = np.zeros((self.probs.shape[0], self.total + 2))
        np.cumsum(self.probs, axis=1, out=c[:, 1:])
        return c

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` allocations, an ``intp`` array of shape ``(n, d)``."""
        n = check_n_samples(n, "SequentialAllocation.sample")
        rng = np.random.default_rng(rng)
        d = self.n_dims
        cum = self._cum()
        out = np.empty((n, d), dtype=np.intp)
        remaining = np.full(n, self.total, dtype=np.int64)
        u = rng.random((n, max(d - 1, 0)))
        for i in range(d - 1):
            lo, hi = self._windows(remaining, i)
            base, top = cum[i, lo], cum[i, hi + 1]
            mass = top - base
            # Inverse cdf restricted to [lo, hi]: the j with C[j] <= v < C[j+1]
            # has probs[i, j] > 0; uniform when the row has no weight there.
            v = base + u[:, i] * mass
            j = np.searchsorted(cum[i], v, side="right") - 1
            flat = lo + np.floor(u[:, i] * (hi - lo + 1)).astype(np.int64)
            j = np.where(mass > 0, j, flat)
            out[:, i] = j = np.clip(j, lo, hi)
            remaining = remaining - j
        out[:, d - 1] = remaining
        return out

    def _rows(self, x, func):
        """Integer rows of ``x`` and the mask of feasible ones."""
        x = np.asarray(x)
        d = self.n_dims
        if x.ndim != 2 or x.shape[1] != d:
            raise parameter_error(func, "x", f"a 2-D array with {d} columns", x)
        if x.dtype == bool or not (
            np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)
        ):
            raise TypeError(f"Expected a numeric array, got dtype {x.dtype}.")
        with np.errstate(invalid="ignore"):
            ok = np.all(
                (x >= self.lower) & (x <= self.upper) & (x == np.floor(x)), axis=1
            )
        xi = np.where(ok[:, None], x, self.lower).astype(np.int64)
        ok &= xi.sum(axis=1) == self.total
        xi[~ok] = self.lower  # safe indices; these rows are masked
        return xi, ok

    def _contexts(self, xi):
        """Windows ``(lo, hi)`` of every row and buffer, shape (n, d - 1)."""
        n, d = xi.shape
        remaining = self.total - np.concatenate(
            [np.zeros((n, 1), np.int64), np.cumsum(xi[:, :-1], axis=1)], axis=1
        )
        lo = np.empty((n, d - 1), np.int64)
        hi = np.empty((n, d - 1), np.int64)
        for i in range(d - 1):
            lo[:, i], hi[:, i] = self._windows(remaining[:, i], i)
        return lo, hi

    def log_pdf(self, x) -> np.ndarray:
        """Exact log mass of each row; ``-inf`` for infeasible rows."""
        xi, ok = self._rows(x, "SequentialAllocation.log_pdf")
        d = xi.shape[1]
        if d == 1:
            return np.where(ok, 0.0, -np.inf)
        lo, hi = self._contexts(xi)
        cum = self._cum()
        rows = np.arange(d - 1)
        mass = cum[rows, hi + 1] - cum[rows, lo]
        p = self.probs[rows, xi[:, :-1]]
        with np.errstate(divide="ignore"):
            terms = np.where(
                mass > 0,
                np.log(p) - np.log(np.where(mass > 0, mass, 1.0)),
                -np.log(hi - lo + 1.0),
            )
        out = terms.sum(axis=1)
        out[~ok] = -np.inf
        return out

    def fit(self, x, weights=None) -> SequentialAllocation:
        """Weighted maximum-likelihood estimate (the CE update): the MM
        iteration of the class notes, all rows at once."""
        func = "SequentialAllocation.fit"
        xi, ok = self._rows(x, func)
        if not ok.all():
            raise parameter_error(
                func, "x", f"allocations of {self.total} slots within the bounds", x
            )
        w = check_weights(weights, xi.shape[0], func)
        d, k = self.n_dims, self.total + 1
        if d == 1:
            return self
        lo, hi = self._contexts(xi)
        rows = np.arange(d - 1)
        counts = np.zeros((d - 1, k))
        for i in range(d - 1):
            counts[i] = np.bincount(xi[:, i], w, minlength=k)
        p = counts / counts.sum(axis=1, keepdims=True)
        # Difference-array indices of the windows: +1 at lo, -1 past hi.
        start = (rows * (k + 1) + lo).ravel()
        stop = (rows * (k + 1) + hi + 1).ravel()
        wr = np.repeat(w[:, None], d - 1, axis=1).ravel()
        seen = counts > 0
        for _ in range(_ML_MAXITER):
            cum = np.zeros((d - 1, k + 1))
            np.cumsum(p, axis=1, out=cum[:, 1:])
            s = (cum[rows, hi + 1] - cum[rows, lo]).ravel()
            g = wr / s
            diff = np.bincount(start, g, minlength=(d - 1) * (k + 1)) - np.bincount(
                stop, g, minlength=(d - 1) * (k + 1)
            )
            D = np.cumsum(diff.reshape(d - 1, k + 1), axis=1)[:, :k]
            new = np.where(seen, counts / np.where(seen, D, 1.0), 0.0)
            new /= new.sum(axis=1, keepdims=True)
            moved = np.abs(new - p).max()
            p = new
            if moved < _ML_TOL:
                break
        return self._trusted(p)

    def _trusted(self, probs):
        return trusted(
            SequentialAllocation, probs=probs, total=self.total,
            lower=self.lower, upper=self.upper,
        )  # fmt: skip

    def smooth(self, previous, alpha: float) -> SequentialAllocation:
        """``alpha * self.probs + (1 - alpha) * previous.probs`` (de Boer et al.
        2005, eq. (12))."""
        func = "SequentialAllocation.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(
            self, previous, func, total=self.total, lower=self.lower,
            upper=self.upper,
        )  # fmt: skip
        return self._trusted(alpha * self.probs + (1.0 - alpha) * previous.probs)

    def mode(self) -> np.ndarray:
        """The most likely allocation (dynamic programming over the slots
        left; first maximum on ties), ``intp`` of shape ``(d,)``."""
        d, k = self.n_dims, self.total + 1
        r = np.arange(k)
        # value[R]: best log mass of buffers i.. given R slots left.
        value = np.where((r >= self.lower[-1]) & (r <= self.upper[-1]), 0.0, -np.inf)
        cum = self._cum()
        choice = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in range(d - 2, -1, -1):
                lo, hi = self._windows(r, i)
                mass = cum[i, np.maximum(hi, lo - 1) + 1] - cum[i, lo]
                j = r[None, :]
                ok = (j >= lo[:, None]) & (j <= hi[:, None])
                logp = np.where(
                    mass[:, None] > 0,
                    np.log(self.probs[i])[None, :] - np.log(mass)[:, None],
                    -np.log(np.maximum(hi - lo + 1, 1))[:, None],
                )
                rest = value[np.clip(r[:, None] - j, 0, k - 1)]
                total = np.where(ok, logp + rest, -np.inf)
                choice.append(np.argmax(total, axis=1))
                value = total.max(axis=1)
        out = np.empty(d, dtype=np.intp)
        left = self.total
        for i, c in enumerate(reversed(choice)):
            out[i] = c[left]
            left -= out[i]
        out[d - 1] = left
        return out

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when the mode has probability at least ``1 - atol``."""
        return bool(np.exp(self.log_pdf(self.mode()[None, :])[0]) >= 1.0 - atol)

    def dispersion(self) -> float:
        """The largest row entropy in nats (0 when every row is degenerate)."""
        if self.probs.shape[0] == 0:
            return 0.0
        return float(entropy_rows(self.probs).max())
