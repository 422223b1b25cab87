"""Independent categorical positions, each with its own number of values: the CE
family for integer decision vectors (buffer allocation, assignment, scheduling
choices, discretised hyperparameters)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cemethod._limits import check_memory
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

__all__ = ["Categorical"]

_SUM_TOL = 1e-8  # rows of probabilities must sum to 1 within this
_CHUNK = 1 << 22  # booleans per chunk in the vectorised inverse-cdf sampling


def _pad_probs(probs, func: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(d, k_max) float array from a 2-D array or a ragged list of 1-D vectors,
    and the vector lengths when they differ (else None)."""
    if isinstance(probs, np.ndarray):
        rows = None
    else:
        try:
            rows = [np.asarray(r) for r in probs]
        except TypeError:
            raise parameter_error(
                func, "probs", "a 2-D array or a list of 1-D probability vectors", probs
            ) from None
    ragged = (
        rows is not None
        and len(rows) > 0
        and all(r.ndim == 1 for r in rows)
        and len({r.size for r in rows}) > 1
    )
    if ragged:
        lengths = np.array([r.size for r in rows], dtype=np.intp)
        if np.any(lengths == 0):
            raise parameter_error(func, "probs", "a list of non-empty vectors", lengths)
        out = np.zeros((len(rows), int(lengths.max())))
        for i, r in enumerate(rows):
            if not np.issubdtype(r.dtype, np.number) or np.iscomplexobj(r):
                raise parameter_error(func, "probs", "real probabilities", r)
            out[i, : r.size] = r
        return out, lengths
    arr = np.asarray(probs)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise parameter_error(
            func,
            "probs",
            "a non-empty 2-D array or a list of non-empty 1-D probability vectors",
            arr,
        )
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise parameter_error(func, "probs", "real probabilities", arr)
    return arr.astype(float), None


@dataclass(frozen=True, eq=False)
class Categorical(ArrayFamilyMixin):
    """Independent positions ``x_i`` in ``{0, ..., k_i - 1}`` with
    ``P(x_i = j) = probs[i, j]``.

    Parameters
    ----------
    probs : array_like of shape (d, k_max), or a list of d 1-D vectors
        One probability vector per position. Positions may have different numbers
        of values: pass a ragged list, or a padded 2-D array together with
        ``n_values``. Stored padded with zeros as a read-only ``(d, k_max)``
        float64 array. Each vector must sum to 1 (within 1e-8).
    n_values : array_like of int, shape (d,), optional
        Number of values ``k_i`` of each position. Inferred from the vector
        lengths of a ragged list; for a 2-D array it defaults to ``k_max`` for
        every position, and padded entries past ``k_i`` must be zero.

    Notes
    -----
    Samples are ``intp`` (int64) arrays of shape ``(n, d)``. The CE update is the
    weighted frequency of each value among the elite (de Boer, Kroese, Mannor &
    Rubinstein 2005, eq. (10) with the indicator sufficient statistics of their
    Section 4.1); ``smooth`` mixes the probabilities, their eq. (12).
    ``dispersion`` is the largest position entropy in nats.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.families import Categorical
    >>> fam = Categorical([[0.2, 0.8], [0.1, 0.2, 0.7]])
    >>> fam.probs
    array([[0.2, 0.8, 0. ],
           [0.1, 0.2, 0.7]])
    >>> fam.n_values
    array([2, 3])
    >>> fam.sample(5, np.random.default_rng(0)).shape
    (5, 2)
    >>> fam.mode()
    array([1, 2])
    >>> Categorical.uniform([2, 3]).fit([[0, 2], [1, 2]]).probs
    array([[0.5, 0.5, 0. ],
           [0. , 0. , 1. ]])
    """

    probs: np.ndarray
    n_values: np.ndarray | None = None

    def __post_init__(self):
        func = "Categorical"
        probs, lengths = _pad_probs(self.probs, func)
        d, k_max = probs.shape
        if self.n_values is not None:
            nv = np.asarray(self.n_values)
            if (
                nv.shape != (d,)
                or not np.issubdtype(nv.dtype, np.integer)
                or np.any(nv < 1)
                or np.any(nv > k_max)
            ):
                raise parameter_error(
                    func,
                    "n_values",
                    f"{d} integers in [1, {k_max}] (one per position)",
                    nv,
                )
            if lengths is not None and not np.array_equal(nv, lengths):
                raise parameter_error(
                    func,
                    "n_values",
                    "equal to the lengths of the probability vectors",
                    nv,
                )
            lengths = nv.astype(np.intp)
        elif lengths is None:
            lengths = np.full(d, k_max, dtype=np.intp)
        if not np.all((probs >= 0) & (probs <= 1)):
            raise parameter_error(func, "probs", "probabilities in [0, 1]", probs)
        if np.any(probs[np.arange(k_max) >= lengths[:, None]] != 0):
            raise parameter_error(
                func, "probs", "zero past n_values in each row", probs
            )
        sums = probs.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > _SUM_TOL):
            raise parameter_error(
                func, "probs", f"rows that sum to 1 (within {_SUM_TOL})", sums
            )
        object.__setattr__(self, "probs", readonly(probs))
        object.__setattr__(self, "n_values", readonly(lengths))

    @classmethod
    def uniform(cls, n_values) -> Categorical:
        """All values of every position equally likely.

        ``n_values`` is a sequence of positive integers, one per position.
        """
        nv = np.asarray(n_values)
        if (
            nv.ndim != 1
            or nv.size == 0
            or not np.issubdtype(nv.dtype, np.integer)
            or np.any(nv < 1)
        ):
            raise parameter_error(
                "Categorical.uniform",
                "n_values",
                "a non-empty 1-D sequence of positive integers",
                nv,
            )
        check_memory(
            "Categorical.uniform",
            f"{nv.size} positions of up to {int(nv.max())} values",
            24.0 * nv.size * float(nv.max()),
            "the probability table",
        )
        k = np.arange(nv.max())
        probs = np.where(k < nv[:, None], 1.0 / nv[:, None], 0.0)
        return cls(probs, n_values=nv)

    @property
    def n_dims(self) -> int:
        """Number of positions ``d``."""
        return self.probs.shape[0]

    def sample(self, n: int, rng=None) -> np.ndarray:
        """``n`` independent vectors, an ``intp`` array of shape ``(n, d)``."""
        n = check_n_samples(n, "Categorical.sample")
        rng = np.random.default_rng(rng)
        d, k = self.probs.shape
        cdf = np.cumsum(self.probs, axis=1)
        # Divide by the row total so the last entry is exactly 1 > u.
        cdf /= cdf[:, -1:]
        u = rng.random((n, d))
        out = np.empty((n, d), dtype=np.intp)
        step = max(1, _CHUNK // (d * k))
        for a in range(0, n, step):
            # Inverse cdf: the value is the number of cdf entries <= u, i.e. the
            # first j with cdf[j] > u; zero-probability values are never chosen.
            ub = u[a : a + step, :, None]
            out[a : a + step] = (cdf <= ub).sum(axis=2)
        return out

    def _check_x(self, x, func: str) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_dims:
            raise parameter_error(
                func, "x", f"a 2-D array with {self.n_dims} columns", x
            )
        return x

    def log_pdf(self, x) -> np.ndarray:
        """Log probability of each row; ``-inf`` for values outside the support."""
        x = self._check_x(x, "Categorical.log_pdf")
        xi, ok = integral_rows(x, 0, self.n_values)
        with np.errstate(divide="ignore"):
            out = np.log(self.probs[np.arange(self.n_dims), xi]).sum(axis=1)
        out[~ok] = -np.inf
        return out

    def fit(self, x, weights=None) -> Categorical:
        """Weighted value frequencies per position: the CE update."""
        func = "Categorical.fit"
        x = self._check_x(x, func)
        xi, ok = integral_rows(x, 0, self.n_values)
        if not ok.all():
            raise parameter_error(
                func, "x", "integers in [0, n_values) in every column", x
            )
        w = check_weights(weights, x.shape[0], func)
        d, k = self.probs.shape
        flat = (np.arange(d) * k + xi).ravel()
        counts = np.bincount(flat, np.repeat(w, d), minlength=d * k).reshape(d, k)
        # Clip: rounding can put a certainty at 1 + 1e-16.
        probs = np.minimum(counts / w.sum(), 1.0)
        return self._trusted(probs)

    def smooth(self, previous: Categorical, alpha: float) -> Categorical:
        """``alpha * self.probs + (1 - alpha) * previous.probs`` (de Boer et al.
        2005, eq. (12))."""
        func = "Categorical.smooth"
        alpha = check_alpha(alpha, func)
        check_same_kind(self, previous, func, n_values=self.n_values)
        probs = alpha * self.probs + (1.0 - alpha) * previous.probs
        return self._trusted(np.minimum(probs, 1.0))

    def _trusted(self, probs):
        # fit / smooth: rows sum to 1 and vanish past n_values by construction.
        return trusted_probs(Categorical, probs, n_values=self.n_values)

    def mode(self) -> np.ndarray:
        """The most likely vector (first maximum on ties), ``intp`` of shape
        ``(d,)``."""
        return np.argmax(self.probs, axis=1).astype(np.intp)

    def is_degenerate(self, atol: float = 1e-8) -> bool:
        """True when every position puts at least ``1 - atol`` on one value."""
        return bool(np.all(self.probs.max(axis=1) >= 1.0 - atol))

    def dispersion(self) -> float:
        """The largest position entropy in nats (0 when degenerate)."""
        return float(entropy_rows(self.probs).max())
