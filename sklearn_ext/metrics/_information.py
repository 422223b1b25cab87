"""Entropy, cross-entropy, Kullback-Leibler and Jensen-Shannon divergence.

Each function works along one axis of an array of discrete distributions: a
1-D input gives a float, an n-D input an array with ``axis`` removed. The
kernels take one ``log`` pass and one fused multiply-and-sum (``einsum``) per
call, and skip the ``0 * log 0`` mask when the input has no zeros, which makes
them faster than :func:`scipy.stats.entropy` on large batches.

Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., ch. 2.
"""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._info_checks import (
    as_float_array,
    check_axis,
    check_bool,
    check_nonnegative,
    check_unit_interval,
    finish,
)
from sklearn_ext.metrics._validation import check_base, log_scale, parameter_error

__all__ = ["cross_entropy", "entropy", "js_divergence", "kl_divergence"]

_HINT = " (or pass normalize=True to rescale non-negative values)"


# ----------------------------------------------------------------- kernels ---
_CHUNK = 1 << 17  # elements per block: the temporaries stay in the L2 cache


def _sum_xlogy(x, y, axis: int, y_positive: bool, divide: bool = False):
    """sum(x * log(y)) along ``axis`` (or x * log(x / y) if ``divide``).

    0 * log(anything) counts 0. ``x`` and ``y`` broadcast against each other
    and ``axis`` indexes their broadcast shape. When the log argument is > 0
    everywhere no mask is needed; otherwise the log is only taken where x > 0,
    so that terms with x = 0 stay exactly 0 and a zero argument where x > 0
    gives the honest infinity. Blocks of rows go through ``log`` and a fused
    multiply-and-sum (``einsum``) while they are still in cache.
    """
    shape = np.broadcast_shapes(x.shape, y.shape)
    x = np.moveaxis(np.broadcast_to(x, shape), axis, -1)
    y = np.moveaxis(np.broadcast_to(y, shape), axis, -1)
    if x.ndim == 1:
        x, y = x[np.newaxis], y[np.newaxis]
    out = np.empty(x.shape[:-1])
    step = max(1, _CHUNK // max(1, x[0].size))
    buf = np.empty((min(step, x.shape[0]), *x.shape[1:]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, x.shape[0], step):
            xs, ys = x[start : start + step], y[start : start + step]
            arg = ys
            if divide:  # x / y: inf where y = 0 < x, and the log of it is inf
                arg = np.divide(xs, ys, out=buf[: len(xs)])
            if y_positive:
                logy = np.log(arg, out=buf[: len(xs)])
            else:
                logy = np.log(arg, out=np.zeros(xs.shape), where=xs > 0)
            np.einsum("...i,...i->...", xs, logy, out=out[start : start + step])
    return out.reshape(shape[:axis] + shape[axis + 1 :])


def _entropy(p, axis, p_positive):
    return 0.0 - _sum_xlogy(p, p, axis, p_positive)


def _cross_entropy(p, q, axis, q_positive):
    return 0.0 - _sum_xlogy(p, q, axis, q_positive)


def _kl_divergence(p, q, axis, p_positive):
    # sum p log(p / q): one log pass. Where p > 0 and q = 0, p / q = inf and
    # the divergence is +inf; where p = 0 the term is 0 (masked).
    return _sum_xlogy(p, q, axis, p_positive, divide=True)


def _js_divergence(p, q, axis, p_positive, q_positive):
    # JS = (KL(p || m) + KL(q || m)) / 2 with m = (p + q) / 2 (Lin 1991).
    m = 0.5 * (p + q)
    return 0.5 * (
        _kl_divergence(p, m, axis, p_positive) + _kl_divergence(q, m, axis, q_positive)
    )


# --------------------------------------------------------------- validation ---
def _distribution(x, *, param, func, normalize, axis):
    """Check one array of distributions; returns (array, has no zeros)."""
    if not normalize:
        lo, _ = check_unit_interval(x, param=param, func=func, hint=_HINT)
        return x, bool(lo > 0)
    lo, _ = check_nonnegative(x, param=param, func=func)
    total = x.sum(axis=axis, keepdims=True)
    if not (np.all(total > 0) and np.all(np.isfinite(total))):
        rule = f"made of rows with a positive, finite sum along axis {axis}"
        raise parameter_error(func, param, rule, np.squeeze(total, axis))
    # min(x / total) >= min(x) / max(total): if that bound is > 0, no value
    # underflowed to 0 in the rescaling; otherwise look at the rescaled array.
    x = x / total
    positive = lo > 0 and (lo / total.max() > 0 or x.min() > 0)
    return x, bool(positive)


def _prepare(func, axis, base, normalize, **arrays):
    """Validate keywords and the 1 or 2 arrays; returns (axis, scale, checked)."""
    scale = log_scale(check_base(base, func=func))
    normalize = check_bool(normalize, param="normalize", func=func)
    raw = {
        name: as_float_array(a, param=name, func=func, min_ndim=1)
        for name, a in arrays.items()
    }
    shapes = [a.shape for a in raw.values()]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        rule = f"an array whose shape broadcasts with p's shape {shapes[0]}"
        raise parameter_error(func, "q", rule, raw["q"]) from None
    ax = check_axis(axis, len(shape), func=func)
    checked = []
    for name, a in raw.items():
        if normalize and a.shape != shape:
            a = np.broadcast_to(a, shape)  # rows are rescaled in the full shape
        elif a.ndim < len(shape):
            a = a.reshape((1,) * (len(shape) - a.ndim) + a.shape)
        checked.append(
            _distribution(a, param=name, func=func, normalize=normalize, axis=ax)
        )
    return ax, scale, checked


def _scaled(result, scale):
    return finish(result if scale == 1.0 else result * scale)


_COMMON_PARAMS = """axis : int, default=-1
        The axis along which the distributions lie (of the broadcast shape).
    base : float or None, default=None
        Logarithm base: None for nats, 2 for bits, 10 for hartleys, or any
        positive number other than 1.
    normalize : bool, default=False
        If False, every value must lie in [0, 1] and rows are used as given.
        If True, any finite non-negative values are accepted and each row is
        divided by its sum along ``axis`` first (as :func:`scipy.stats.entropy`
        always does); a row summing to 0 is an error."""


# ------------------------------------------------------------------ public ---
def entropy(p, *, axis=-1, base=None, normalize=False):
    """Shannon entropy H(p) = -sum_i p_i log p_i, with 0 log 0 = 0.

    Parameters
    ----------
    p : array-like of shape (..., n_outcomes, ...)
        Probabilities; each slice along ``axis`` is one distribution.
    %(params)s

    Returns
    -------
    float or ndarray
        A float for 1-D ``p``, else an array with ``axis`` removed.

    See Also
    --------
    scipy.stats.entropy : Same value with ``normalize=True``.

    Examples
    --------
    >>> from sklearn_ext.metrics import entropy
    >>> round(entropy([0.75, 0.25], base=2), 4)
    0.8113
    >>> entropy([[0.5, 0.5], [1.0, 0.0]], base=2)
    array([1., 0.])
    >>> round(entropy([3, 1], normalize=True, base=2), 4)
    0.8113
    """
    func = "entropy"
    ax, scale, [(p, pos)] = _prepare(func, axis, base, normalize, p=p)
    return _scaled(_entropy(p, ax, pos), scale)


def cross_entropy(p, q, *, axis=-1, base=None, normalize=False):
    """Cross-entropy H(p, q) = -sum_i p_i log q_i = H(p) + KL(p || q).

    Terms with p_i = 0 count 0. Where q_i = 0 but p_i > 0 the cross-entropy is
    ``inf`` (q gives zero probability to a possible outcome).

    Parameters
    ----------
    p : array-like
        The true distributions (one per slice along ``axis``).
    q : array-like
        The model distributions; broadcastable with ``p``.
    %(params)s

    Returns
    -------
    float or ndarray
        A float for 1-D input, else an array with ``axis`` removed.

    Examples
    --------
    >>> from sklearn_ext.metrics import cross_entropy
    >>> p = [0.35, 0.35, 0.1, 0.1, 0.04, 0.04, 0.01, 0.01]
    >>> q = [2.0**-k for k in (2, 2, 3, 3, 4, 4, 5, 5)]  # a prefix code
    >>> round(cross_entropy(p, q, base=2), 2)  # its mean length in bits
    2.42
    >>> cross_entropy([0.5, 0.5], [1.0, 0.0])
    inf
    """
    func = "cross_entropy"
    ax, scale, [(p, _), (q, qpos)] = _prepare(func, axis, base, normalize, p=p, q=q)
    return _scaled(_cross_entropy(p, q, ax, qpos), scale)


def kl_divergence(p, q, *, axis=-1, base=None, normalize=False):
    """Kullback-Leibler divergence KL(p || q) = sum_i p_i log(p_i / q_i).

    Terms with p_i = 0 count 0. Where q_i = 0 but p_i > 0 the divergence is
    ``inf``. KL(p || q) >= 0 with equality iff p = q (Gibbs' inequality).

    Parameters
    ----------
    p : array-like
        The true distributions (one per slice along ``axis``).
    q : array-like
        The reference distributions; broadcastable with ``p``.
    %(params)s

    Returns
    -------
    float or ndarray
        A float for 1-D input, else an array with ``axis`` removed.

    See Also
    --------
    scipy.stats.entropy : ``entropy(p, q)`` is the same value, normalized.

    Examples
    --------
    >>> from sklearn_ext.metrics import kl_divergence
    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75], base=2), 4)
    0.2075
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    """
    func = "kl_divergence"
    ax, scale, [(p, ppos), (q, _)] = _prepare(func, axis, base, normalize, p=p, q=q)
    return _scaled(_kl_divergence(p, q, ax, ppos), scale)


def js_divergence(p, q, *, axis=-1, base=None, normalize=False):
    """Jensen-Shannon divergence JS(p, q) = (KL(p || m) + KL(q || m)) / 2.

    Here m = (p + q) / 2. JS is symmetric, finite, and at most log 2 (1 bit)
    for normalized distributions. It is the square of
    :func:`scipy.spatial.distance.jensenshannon` in the same base.

    Parameters
    ----------
    p, q : array-like
        Distributions (one per slice along ``axis``), broadcastable.
    %(params)s

    Returns
    -------
    float or ndarray
        A float for 1-D input, else an array with ``axis`` removed.

    Examples
    --------
    >>> from sklearn_ext.metrics import js_divergence
    >>> js_divergence([1.0, 0.0], [0.0, 1.0], base=2)
    1.0
    >>> round(js_divergence([0.5, 0.5], [0.25, 0.75], base=2), 4)
    0.0488
    """
    func = "js_divergence"
    ax, scale, [(p, ppos), (q, qpos)] = _prepare(func, axis, base, normalize, p=p, q=q)
    return _scaled(_js_divergence(p, q, ax, ppos, qpos), scale)


for _f in (entropy, cross_entropy, kl_divergence, js_divergence):
    if _f.__doc__:  # None under python -OO
        _f.__doc__ = _f.__doc__.replace("%(params)s", _COMMON_PARAMS)
del _f
