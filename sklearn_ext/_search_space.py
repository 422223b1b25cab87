"""Search spaces of :class:`~sklearn_ext.model_selection.CrossEntropySearchCV`.

A space maps each hyperparameter to one coordinate of a cross-entropy sampling
family:

- a list (or tuple / 1-D array) of values is a categorical coordinate: one
  position of a :class:`cemethod.families.Categorical`, starting uniform;
- :class:`IntRange` and :class:`FloatRange` are numeric coordinates of one
  :class:`cemethod.families.TruncatedGaussian` on the box of the range, in log
  space when ``log=True``; the first generation is uniform on that box (so
  log-uniform for ``log=True``), integers are rounded, the box of an integer
  range is widened by 1/2 on each side so the end values are as likely as the
  others;
- a frozen ``scipy.stats`` distribution is a numeric coordinate too: the first
  generation is drawn from the distribution itself, later ones from a
  truncated Gaussian on its support fitted to the elite. The fit is in log
  space for ``loguniform`` / ``reciprocal`` and for supports ``[a >= 0, inf)``,
  in linear space otherwise; discrete distributions (``randint``,
  ``poisson``, ...) are rounded to integers.

The first generation is space-filling: a Latin hypercube sample of the
numeric coordinates (one draw in each of ``n`` equal-probability strata of
every coordinate, through the quantile function of a scipy distribution) and
balanced categorical coordinates (every value ``n // k`` or ``n // k + 1``
times, in random order). Each numeric coordinate has a reference ``width``
(the box in transformed units, or for an unbounded distribution the distance
between its 5% and 95% quantiles) that scales its smallest sampling std.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from cemethod._validation import parameter_error
from cemethod.families import Categorical, TruncatedGaussian

__all__ = ["FloatRange", "IntRange"]

_TINY = 1e-300  # floor before log: scipy draws of exactly 0 on [0, inf)
_U_EPS = 1e-12  # keeps stratified uniforms in (0, 1): ppf(0) of randint is a - 1
_WIDTH_QUANTILES = (0.05, 0.95)  # reference width of an unbounded coordinate


def _check_bounds(name, low, high, log, integral):
    kind = numbers.Integral if integral else numbers.Real
    for param, value in (("low", low), ("high", high)):
        if (
            not isinstance(value, kind)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            word = "an integer" if integral else "a finite real number"
            raise parameter_error(name, param, word, value)
    bad = high < low if integral else not high > low
    if bad:
        rule = f"{'>=' if integral else '>'} 'low' ({low})"
        raise parameter_error(name, "high", rule, high)
    if not isinstance(log, bool | np.bool_):
        raise parameter_error(name, "log", "a bool", log)
    if log and low <= 0:
        raise parameter_error(name, "low", "> 0 when log=True", low)


@dataclass(frozen=True)
class IntRange:
    """Integers ``low, low + 1, ..., high`` (both included).

    Parameters
    ----------
    low, high : int
        Smallest and largest value, ``low <= high``.
    log : bool, default=False
        Search ``log(value)`` (first generation log-uniform); needs ``low >= 1``.

    Examples
    --------
    >>> from sklearn_ext.model_selection import IntRange
    >>> IntRange(1, 100, log=True)
    IntRange(low=1, high=100, log=True)
    """

    low: int
    high: int
    log: bool = False

    def __post_init__(self):
        _check_bounds("IntRange", self.low, self.high, self.log, integral=True)


@dataclass(frozen=True)
class FloatRange:
    """Real numbers in ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Bounds, ``low < high``.
    log : bool, default=False
        Search ``log(value)`` (first generation log-uniform); needs ``low > 0``.

    Examples
    --------
    >>> from sklearn_ext.model_selection import FloatRange
    >>> FloatRange(1e-4, 1e2, log=True)
    FloatRange(low=0.0001, high=100.0, log=True)
    """

    low: float
    high: float
    log: bool = False

    def __post_init__(self):
        _check_bounds("FloatRange", self.low, self.high, self.log, integral=False)


@dataclass(frozen=True)
class _Numeric:
    """One numeric coordinate: transformed box, rounding and the first draw."""

    name: str
    lower: float  # box in the transformed (log or linear) space
    upper: float
    log: bool
    integer: bool
    clip: tuple  # bounds of the decoded value
    dist: object = None  # scipy frozen distribution for the first generation

    def encode(self, values):
        values = np.asarray(values, dtype=float)
        return np.log(np.maximum(values, _TINY)) if self.log else values

    def decode(self, z):
        values = np.exp(z) if self.log else np.asarray(z, dtype=float)
        if self.integer:
            values = np.rint(values)
        return np.clip(values, *self.clip)

    def first(self, n, rng):
        if self.dist is not None:
            return self.encode(self.dist.rvs(size=n, random_state=rng))
        return rng.uniform(self.lower, self.upper, size=n)

    def quantile(self, u):
        """Transformed value at probability ``u`` of the first-generation law."""
        u = np.clip(u, _U_EPS, 1.0 - _U_EPS)
        if self.dist is not None:
            return self.encode(self.dist.ppf(u))
        return self.lower + u * (self.upper - self.lower)

    @property
    def width(self):
        """Reference width in transformed units (scales the smallest std)."""
        if math.isfinite(self.upper - self.lower):
            return self.upper - self.lower
        lo, hi = self.quantile(np.array(_WIDTH_QUANTILES))
        return float(hi - lo) if hi > lo else 1.0


def _numeric(name, a, b, log, integer, dist=None):
    """The coordinate of values in ``[a, b]``: the box widened by half a step
    for integers (each integer owns the values rounding to it), then in log
    space when ``log`` (a bound at 0 or inf becomes -inf or inf)."""
    half = 0.5 if integer else 0.0
    low, high = a - half, b + half
    if log:
        low = math.log(low) if low > 0 else -math.inf
        high = math.log(high) if high < math.inf else math.inf
    return _Numeric(name, low, high, log, integer, (a, b), dist)


def _numeric_from_range(name, space):
    integer = isinstance(space, IntRange)
    return _numeric(name, space.low, space.high, space.log, integer)


def _numeric_from_scipy(name, dist):
    from scipy import stats

    a, b = (float(v) for v in dist.support())
    integer = isinstance(dist.dist, stats.rv_discrete)
    log = dist.dist.name in ("loguniform", "reciprocal") or (a >= 0 and b == math.inf)
    return _numeric(name, a, b, log, integer, dist)


class SearchSpace:
    """The parsed ``param_distributions`` of one search (private helper)."""

    def __init__(self, param_distributions, func):
        if isinstance(param_distributions, list | tuple):
            if len(param_distributions) != 1:
                raise parameter_error(
                    func,
                    "param_distributions",
                    "a dict (or a list holding exactly one dict)",
                    param_distributions,
                )
            param_distributions = param_distributions[0]
        if not isinstance(param_distributions, dict) or not param_distributions:
            raise parameter_error(
                func, "param_distributions", "a non-empty dict", param_distributions
            )
        self.categorical, self.numeric = [], []
        # Sorted names: the same space whatever the dict order.
        for name in sorted(param_distributions):
            space = param_distributions[name]
            if isinstance(space, IntRange | FloatRange):
                self.numeric.append(_numeric_from_range(name, space))
            elif hasattr(space, "rvs") and hasattr(space, "dist"):
                self.numeric.append(_numeric_from_scipy(name, space))
            elif isinstance(space, list | tuple | np.ndarray) and np.ndim(space) == 1:
                if len(space) == 0:
                    raise parameter_error(
                        func, f"param_distributions[{name!r}]", "non-empty", space
                    )
                self.categorical.append((name, list(space)))
            else:
                raise parameter_error(
                    func,
                    f"param_distributions[{name!r}]",
                    "a list of values, an IntRange, a FloatRange or a frozen "
                    "scipy.stats distribution",
                    space,
                )

    def initial_families(self):
        """Uniform categorical and a placeholder Gaussian on the numeric box."""
        cat = None
        if self.categorical:
            cat = Categorical.uniform([len(v) for _, v in self.categorical])
        num = None
        if self.numeric:
            lower = np.array([c.lower for c in self.numeric])
            upper = np.array([c.upper for c in self.numeric])
            num = TruncatedGaussian(0.0, 1.0, lower, upper)
        return cat, num

    @property
    def widths(self):
        """Reference width of each numeric coordinate (transformed units)."""
        return np.array([c.width for c in self.numeric], dtype=float)

    @property
    def size(self):
        """Number of distinct candidates (``inf`` with a continuous coordinate)."""
        size = math.prod(len(v) for _, v in self.categorical)
        for c in self.numeric:
            lo, hi = c.clip
            if not c.integer or not math.isfinite(hi - lo):
                return math.inf
            size *= int(hi - lo) + 1
        return size

    def first_generation(self, n, rng, *, stratified=False):
        """Indices ``(n, n_cat)`` and transformed values ``(n, n_num)``: uniform
        (or scipy) draws, or with ``stratified`` the space-filling design of the
        module docstring (Latin hypercube, McKay, Beckman & Conover 1979)."""
        idx = np.empty((n, len(self.categorical)), dtype=np.intp)
        for j, (_, values) in enumerate(self.categorical):
            k = len(values)
            if stratified:
                # Values in random order, repeated: balanced counts.
                idx[:, j] = rng.permutation(np.resize(rng.permutation(k), n))
            else:
                idx[:, j] = rng.integers(k, size=n)
        z = np.empty((n, len(self.numeric)))
        for j, coord in enumerate(self.numeric):
            if stratified:
                u = (rng.permutation(n) + rng.random(n)) / n
                z[:, j] = coord.quantile(u)
            else:
                z[:, j] = coord.first(n, rng)
        return idx, z

    def sample(self, families, n, rng):
        """``n`` draws from the fitted families, same layout as above."""
        cat, num = families
        idx = cat.sample(n, rng) if cat is not None else np.empty((n, 0), np.intp)
        z = num.sample(n, rng) if num is not None else np.empty((n, 0))
        return idx, z

    def decode(self, idx, z):
        """Parameter dicts, hashable keys and the snapped transformed values."""
        values = np.empty_like(z)
        for j, coord in enumerate(self.numeric):
            values[:, j] = coord.decode(z[:, j])
        snapped = np.empty_like(z)
        for j, coord in enumerate(self.numeric):
            snapped[:, j] = coord.encode(values[:, j])
        params, keys = [], []
        for i in range(idx.shape[0]):
            p = {
                name: vals[idx[i, j]] for j, (name, vals) in enumerate(self.categorical)
            }
            for j, coord in enumerate(self.numeric):
                v = values[i, j]
                p[coord.name] = int(v) if coord.integer else float(v)
            params.append(p)
            keys.append((*idx[i].tolist(), *values[i].tolist()))
        return params, keys, snapped
