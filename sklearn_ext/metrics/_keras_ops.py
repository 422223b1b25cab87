"""Keras 3 losses on the JAX backend, op for op, in the dtype of the input (private).

The ``convention="keras"`` kernels of the Keras-style and focal losses. Each
function repeats the operations of ``keras/src/backend/jax/nn.py`` and
``keras/src/losses/losses.py`` (Keras 3.15) in their order and dtype, so that the
rounding errors are Keras' own:

* float32 stays float32, float64 stays float64; ``1e-7`` is rounded to the dtype
  when it clips, as ``jnp.clip`` rounds it;
* Keras computes the mean over the label axis of the binary losses in float32
  even for float64 input (``ops.mean`` computes in ``result_type(dtype,
  "float32")``, which Keras makes float32), and XLA takes it as the sum times
  the reciprocal of the count;
* XLA divides by a broadcast row sum as a multiplication by its reciprocal,
  sums in its CPU order (see ``_row_sum``) and flushes subnormal results to
  zero;
* focal losses with ``from_logits`` apply the sigmoid / softmax and then clip,
  as Keras does (so a loss is capped near -log(1e-7) = 16.1 nats).

What remains is XLA's own exp / log / log1p / pow, which differ from any libm by
an ulp or two; in float32 those are evaluated here in float64 and rounded, which
is correctly rounded and the closest to XLA (docs/metric_conventions.md gives
the measured worst differences).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "binary_focal",
    "binary_losses",
    "categorical_focal",
    "categorical_losses",
    "label_mean",
    "log_loss_losses",
    "log_probabilities",
    "reduce_keras",
    "true_class_losses",
    "working_dtype",
]

EPSILON = 1e-7  # keras.backend.epsilon()
_SEQUENTIAL_BELOW = 4096  # XLA CPU reductions of fewer elements run in order


def working_dtype(arr):
    """float32 for float32 input, float64 for anything else (numpy's default)."""
    return np.dtype(np.float32) if arr.dtype == np.float32 else np.dtype(np.float64)


def _flush(x):
    """Subnormals to zero, as XLA's CPU code runs with FTZ / DAZ."""
    tiny = np.finfo(x.dtype).smallest_normal
    return np.where(np.abs(x) < tiny, np.zeros_like(x), x)


def _via_float64(func, x, *args):
    # float32 transcendentals evaluated in float64 and rounded once: correctly
    # rounded almost always, and within 1 ulp of XLA's (numpy's own float32 log
    # is up to 4 ulp from the correctly rounded value).
    if x.dtype == np.float32:
        return _flush(func(x.astype(np.float64), *args).astype(np.float32))
    return _flush(func(x, *args))


def _log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _via_float64(np.log, x)


def _exp(x):
    return _via_float64(np.exp, x)


def _power(x, exponent):
    return _via_float64(np.power, x, exponent)


def _logaddexp0(x):
    # jax.nn.softplus(x) = jnp.logaddexp(x, 0) = max(x, 0) + log1p(exp(-|x|)).
    tail = _via_float64(np.log1p, _exp(-np.abs(x)))
    return np.maximum(x, 0) + tail


def _sigmoid(z):
    # lax.logistic on XLA's CPU: 1 / (1 + exp(-z)).
    with np.errstate(over="ignore"):
        return 1 / (1 + _exp(-z))


def _row_sum(m):
    """Sum over the last axis in XLA's CPU order (measured on jaxlib 0.10).

    Left to right below 4096 elements in all (measured equal for rows of up to
    32; longer rows use another order there). From 4096 elements, with V = 16
    lanes for float32 and 8 for float64: rows of up to 2 V are summed by a
    pairwise tree over the axis padded to a power of two; longer rows add their
    chunks of V lane by lane, then sum the V lanes by that tree (measured equal
    up to 80 classes in float32 and 40 in float64; wider rows use another order).
    """
    k = m.shape[-1]
    if m.size < _SEQUENTIAL_BELOW:
        total = m[..., 0].copy()
        for j in range(1, k):
            total += m[..., j]
        return total
    lanes = 16 if m.dtype == np.float32 else 8
    if k > 2 * lanes:
        chunks = -(-k // lanes)
        padded = np.zeros((*m.shape[:-1], chunks * lanes), dtype=m.dtype)
        padded[..., :k] = m
        acc = padded[..., :lanes].copy()
        for c in range(1, chunks):
            acc += padded[..., c * lanes : (c + 1) * lanes]
        m, k = acc, lanes
    width = 1 << (k - 1).bit_length()
    if width != k:
        pad = np.zeros((*m.shape[:-1], width - k), dtype=m.dtype)
        m = np.concatenate((m, pad), axis=-1)
    while m.shape[-1] > 1:
        half = m.shape[-1] // 2
        m = m[..., :half] + m[..., half:]
    return m[..., 0]


def _clip(x):
    return np.clip(x, EPSILON, 1.0 - EPSILON)


def _normalized(m):
    # x / sum(x, keepdims) as XLA runs it: x * (1 / sum)
    return m * (1 / _row_sum(m))[:, None]


# ------------------------------------------------------------- binary ---
def binary_losses(y, z, from_logits):
    """``ops.binary_crossentropy``: elementwise, before the label mean."""
    if from_logits:
        log_p = -_logaddexp0(-z)  # jax.nn.log_sigmoid(z) = -softplus(-z)
        log_q = -_logaddexp0(z)
        return -1.0 * y * log_p - (1.0 - y) * log_q
    out = _clip(z)
    bce = y * _log(out)
    bce += (1.0 - y) * _log(1.0 - out)
    return -bce


def label_mean(losses):
    """``ops.mean(axis=-1)`` of Keras: in float32, cast back to the dtype.

    XLA computes the mean as the sum times the float32 reciprocal of the count.
    1-D input is read as (n_samples, 1), one label per sample.
    """
    dtype = losses.dtype
    m = _flush(losses.astype(np.float32))
    if m.ndim == 1:
        return m.astype(dtype)
    return _flush(_row_sum(m) * np.float32(1 / m.shape[1])).astype(dtype)


def binary_focal(y, z, from_logits, gamma, alpha):
    """``keras.losses.binary_focal_crossentropy`` before the label mean.

    ``alpha=None`` is Keras' ``apply_class_balancing=False``.
    """
    p = _sigmoid(z) if from_logits else z
    bce = binary_losses(y, p, False)  # clips p; the focal factor does not
    p_t = y * p + (1 - y) * (1 - p)
    focal = _power(1.0 - p_t, gamma) * bce
    if alpha is not None:
        weight = y * alpha + (1 - y) * (1 - alpha)
        focal = weight * focal
    return focal


# -------------------------------------------------------- categorical ---
def log_probabilities(z, from_logits):
    """Keras' log-probabilities: ``jax.nn.log_softmax``, or rescale, clip, log."""
    if from_logits:  # jax.nn.log_softmax
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - _log(_row_sum(_exp(shifted))[:, None])
    return _log(_clip(_normalized(z)))


def categorical_losses(y, z, from_logits):
    """``ops.categorical_crossentropy`` (also the sparse one, y one-hot)."""
    return -_row_sum(y * log_probabilities(z, from_logits))


def true_class_losses(z, labels, from_logits):
    """The sparse loss: -sum(one_hot * log p) is -log p of the label exactly."""
    log_p = log_probabilities(z, from_logits)
    return -log_p[np.arange(z.shape[0]), labels]


def categorical_focal(y, z, from_logits, gamma, alpha):
    """``keras.losses.categorical_focal_crossentropy``; alpha None is 1."""
    if from_logits:  # jax.nn.softmax, then Keras renormalises and clips
        z = _normalized(_exp(z - z.max(axis=1, keepdims=True)))
    out = _clip(_normalized(z))
    cce = -y * _log(out)
    factor = _power(1.0 - out, gamma)
    if alpha is not None:
        factor = factor * np.asarray(alpha, dtype=z.dtype)
    return _row_sum(factor * cce)


def log_loss_losses(proba, idx, label_smoothing=0.0):
    """Per-sample losses of ``log_loss(convention="keras")``.

    2-D: ``categorical_crossentropy`` of the one-hot (smoothed) targets. 1-D
    (probability of class 1): the elementwise ``ops.binary_crossentropy``.
    """
    s = label_smoothing
    if proba.ndim == 1:
        y = idx.astype(proba.dtype)
        if s:
            y = y * (1.0 - s) + 0.5 * s
        return binary_losses(y, proba, False)
    if not s:
        return true_class_losses(proba, idx, False)
    dtype = proba.dtype.type
    y = np.zeros(proba.shape, dtype=proba.dtype)
    y[np.arange(proba.shape[0]), idx] = 1
    if s:
        y = y * (1.0 - s) + dtype(s) / dtype(proba.shape[1])
    return categorical_losses(y, proba, False)


# ---------------------------------------------------------- reduction ---
def reduce_keras(losses, reduction, weights, valid=None):
    """Keras' ``reduce_weighted_values``, "mean" being "mean_with_sample_weight".

    ``weights`` are float64 or None; they are cast to the dtype of the losses,
    as Keras casts ``sample_weight``. Ignored samples get a weight of 0.
    """
    dtype = losses.dtype
    if weights is not None:
        weights = weights.astype(dtype)
    if valid is not None and not valid.all():
        mask = valid.astype(dtype)
        weights = mask if weights is None else weights * mask
        losses = np.where(valid, losses, dtype.type(0))
    values = losses if weights is None else losses * weights
    if reduction == "none":
        return values
    # Over the samples XLA's summation order is not reproduced (it changes with
    # n); numpy's pairwise sum is within a few ulp of it.
    total = values.sum()
    if reduction == "sum":
        return float(total)
    divisor = dtype.type(values.shape[0]) if weights is None else weights.sum()
    return float(total / divisor)
