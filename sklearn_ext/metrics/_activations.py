"""Numerically stable softmax, log-softmax, sigmoid and log-sigmoid.

No intermediate overflows for any finite logit: softmax shifts by the row
maximum (exp of a non-positive number), and log-sigmoid is
-log(1 + exp(-z)) = -logaddexp(0, -z). Logits of +-1000 give exact results and
no warnings. The private kernels are shared with the Keras-style losses.
"""

from __future__ import annotations

import numpy as np

from sklearn_ext.metrics._info_checks import (
    as_float_array,
    check_axis,
    check_finite,
    finish,
)

__all__ = ["log_sigmoid", "log_softmax", "sigmoid", "softmax"]


# ----------------------------------------------------------------- kernels ---
def _shifted(z, axis):
    # z - max(z): every exponent is <= 0 and the largest is exactly 0.
    return z - z.max(axis=axis, keepdims=True)


def _log_softmax(z, axis):
    s = _shifted(z, axis)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _softmax(z, axis):
    e = np.exp(_shifted(z, axis))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def _sigmoid(z):
    # 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) for z < 0, with e = e^-|z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _log_sigmoid(z):
    # log(1 / (1 + e^-z)) = -log(e^0 + e^-z).
    return 0.0 - np.logaddexp(0.0, -z)


# --------------------------------------------------------------- validation ---
def _logits(z, func, min_ndim, axis=None):
    z = as_float_array(z, param="z", func=func, min_ndim=min_ndim)
    ax = None if axis is None else check_axis(axis, z.ndim, func=func)
    check_finite(z, param="z", func=func)
    return z, ax


# ------------------------------------------------------------------ public ---
def softmax(z, *, axis=-1):
    """Softmax exp(z_i) / sum_j exp(z_j) along ``axis``, without overflow.

    Parameters
    ----------
    z : array-like of at least 1-D
        Finite logits.
    axis : int, default=-1
        The axis along which the probabilities sum to 1.

    Returns
    -------
    ndarray
        Same shape as ``z``.

    See Also
    --------
    scipy.special.softmax : The same function.

    Examples
    --------
    >>> from sklearn_ext.metrics import softmax
    >>> softmax([0.0, 0.0])
    array([0.5, 0.5])
    >>> softmax([1000.0, 0.0])
    array([1., 0.])
    """
    z, ax = _logits(z, "softmax", 1, axis)
    return _softmax(z, ax)


def log_softmax(z, *, axis=-1):
    """Log-softmax z_i - log(sum_j exp(z_j)) along ``axis``, without overflow.

    Parameters
    ----------
    z : array-like of at least 1-D
        Finite logits.
    axis : int, default=-1
        The axis along which the probabilities sum to 1.

    Returns
    -------
    ndarray
        Same shape as ``z``.

    See Also
    --------
    scipy.special.log_softmax : The same function.

    Examples
    --------
    >>> from sklearn_ext.metrics import log_softmax
    >>> log_softmax([1000.0, 0.0])
    array([    0., -1000.])
    """
    z, ax = _logits(z, "log_softmax", 1, axis)
    return _log_softmax(z, ax)


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), elementwise, without overflow.

    Parameters
    ----------
    z : float or array-like
        Finite logits.

    Returns
    -------
    float or ndarray
        A float for scalar input, else an array of the shape of ``z``.

    See Also
    --------
    scipy.special.expit : The same function.

    Examples
    --------
    >>> from sklearn_ext.metrics import sigmoid
    >>> sigmoid(0.0)
    0.5
    >>> sigmoid([-1000.0, 1000.0])
    array([0., 1.])
    """
    z, _ = _logits(z, "sigmoid", 0)
    return finish(_sigmoid(z))


def log_sigmoid(z):
    """Log of the sigmoid, -log(1 + exp(-z)) = -logaddexp(0, -z), elementwise.

    Exact where a naive ``log(sigmoid(z))`` gives ``-inf``: for z = -1000 the
    result is -1000.

    Parameters
    ----------
    z : float or array-like
        Finite logits.

    Returns
    -------
    float or ndarray
        A float for scalar input, else an array of the shape of ``z``.

    See Also
    --------
    scipy.special.log_expit : The same function.

    Examples
    --------
    >>> from sklearn_ext.metrics import log_sigmoid
    >>> log_sigmoid(-1000.0)
    -1000.0
    >>> round(log_sigmoid(0.0), 6)
    -0.693147
    """
    z, _ = _logits(z, "log_sigmoid", 0)
    return finish(_log_sigmoid(z))
