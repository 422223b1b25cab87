"""Other libraries' log-loss conventions, reproduced (private).

Each convention is a frozen :class:`Convention` holding the constants that make
libraries disagree on the same probabilities: the clipping bound, whether rows are
divided by their sum and in which order relative to clipping, how a 1-D vector of
positive-class probabilities is expanded, and whether rows that do not sum to one
trigger a warning. The full table is in ``docs/metric_conventions.md``.

:func:`sample_losses` is the kernel shared by every metric of
:mod:`sklearn_ext.metrics._classification`: per-sample losses in nats, computed in
the dtype of the probabilities. Inputs are validated by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sklearn_ext.metrics._keras_ops import log_loss_losses
from sklearn_ext.metrics._validation import check_choice, warn_user

__all__ = ["CONVENTIONS", "Convention", "get_convention", "sample_losses"]


@dataclass(frozen=True)
class Convention:
    """How one library turns probabilities into a log loss.

    Attributes
    ----------
    name : str
        The value of the ``convention`` parameter.
    library, versions : str
        Whose behaviour this is.
    eps : float, "dtype" or None
        Probabilities are clipped to ``[eps, 1 - eps]``; ``"dtype"`` means
        ``np.finfo(dtype).eps``; None means no clipping.
    renormalize : bool
        Whether rows are divided by their sum.
    order : str
        ``"clip, renormalize"`` or ``"renormalize, clip"``.
    binary_clip_first : bool
        For 1-D positive-class probabilities ``p``: clip ``p`` before building the
        columns ``[1 - p, p]`` (True) or clip both columns after (False).
    renormalize_binary : bool
        Whether the renormalisation also applies to the ``[1 - p, p]`` rows.
    binary_log_floor : float or None
        Lower bound on the log-probability for 1-D input (PyTorch's ``BCELoss``
        clamps it at -100).
    warns_unnormalized : bool
        Whether rows not summing to one give a ``UserWarning``.
    loss_dtype : type or None
        Dtype of the per-sample losses: None keeps the dtype of the probabilities;
        old scikit-learn multiplied float32 logs by an int64 one-hot matrix, which
        gave float64 losses.
    sorts_labels : bool
        Whether the columns follow the sorted ``labels`` (scikit-learn's
        ``LabelBinarizer``, with 1.9's warning when they were given unsorted)
        rather than the order given.
    keeps_float16 : bool
        Whether float16 probabilities are kept float16 (every scikit-learn
        version) instead of converted to float64.
    log_dtype : type or None
        Dtype the clipped probabilities are cast to before the log: None keeps
        their dtype; scikit-learn 1.5 to 1.8 take ``xlogy`` of an int64 one-hot
        matrix and float32 probabilities, which computes the log in float64.
    warns_unsorted_labels : bool
        Whether ``labels`` given unsorted gives scikit-learn's ``UserWarning``
        (from 1.7 on; earlier versions sort them silently).
    proba_name : str
        The name of the probabilities in the "do not sum to one" warning
        (``y_pred`` up to scikit-learn 1.6, ``y_prob`` from 1.7).
    zero_log_is_nan : bool
        scikit-learn < 1.2 multiplies the one-hot matrix by ``log p``: a
        probability 0 in another column than the true one gives ``0 * -inf``,
        NaN, with numpy's ``RuntimeWarning``s (only 1-D float32 input reaches 0
        there: ``1 - p`` for ``p`` clipped to ``1 - 1e-15``, which is 1 in float32).
    renormalize_warning : str or None
        The ``UserWarning`` that scikit-learn 1.3 and 1.4 give before
        renormalising clipped rows whose sums are not within ``5 eps`` of 1.
    """

    name: str
    library: str
    versions: str
    eps: float | str | None
    renormalize: bool
    order: str
    binary_clip_first: bool
    renormalize_binary: bool
    binary_log_floor: float | None
    warns_unnormalized: bool
    loss_dtype: type | None = None
    sorts_labels: bool = False
    keeps_float16: bool = False
    log_dtype: type | None = None
    warns_unsorted_labels: bool = False
    proba_name: str = "y_prob"
    zero_log_is_nan: bool = False
    renormalize_warning: str | None = None

    def bounds(self, dtype):
        """The clipping interval for ``dtype``, or (None, None) without clipping."""
        if self.eps is None:
            return None, None
        if self.eps == "dtype":
            # numpy scalars of the dtype, as scikit-learn's ``xp.finfo(dtype).eps``
            eps = np.finfo(dtype).eps
            return eps, 1 - eps
        # Python floats, as the libraries pass them to ``np.clip``
        return self.eps, 1 - self.eps


# scikit-learn 1.3 and 1.4's text, missing space included
_RENORMALIZE_WARNING = (
    "The y_pred values do not sum to one. Starting from 1.5 thiswill result in an "
    "error."
)

CONVENTIONS = {
    c.name: c
    for c in (
        Convention(
            "sklearn", "scikit-learn", ">= 1.9", "dtype", False,
            "clip, renormalize", False, False, None, True,
            sorts_labels=True, keeps_float16=True, warns_unsorted_labels=True,
        ),
        Convention(
            "sklearn<1.9", "scikit-learn", "1.7, 1.8", "dtype", False,
            "clip, renormalize", False, False, None, True,
            sorts_labels=True, keeps_float16=True, log_dtype=np.float64,
            warns_unsorted_labels=True,
        ),
        Convention(
            "sklearn<1.7", "scikit-learn", "1.5, 1.6", "dtype", False,
            "clip, renormalize", False, False, None, True,
            sorts_labels=True, keeps_float16=True, log_dtype=np.float64,
            proba_name="y_pred",
        ),
        Convention(
            "sklearn<1.5", "scikit-learn", "1.3, 1.4", "dtype", True,
            "clip, renormalize", True, True, None, False,
            sorts_labels=True, keeps_float16=True, log_dtype=np.float64,
            proba_name="y_pred", renormalize_warning=_RENORMALIZE_WARNING,
        ),
        Convention(
            "sklearn<1.3", "scikit-learn", "1.2", "dtype", True,
            "clip, renormalize", True, True, None, False,
            sorts_labels=True, keeps_float16=True, log_dtype=np.float64,
            proba_name="y_pred",
        ),
        Convention(
            "sklearn<1.2", "scikit-learn", "< 1.2 (eps=1e-15)", 1e-15, True,
            "clip, renormalize", True, True, None, False, np.float64,
            sorts_labels=True, keeps_float16=True, proba_name="y_pred",
            zero_log_is_nan=True,
        ),
        Convention(
            "keras", "Keras", "3.15, JAX (categorical/binary_crossentropy)", 1e-7, True,
            "renormalize, clip", True, False, None, False,
        ),
        Convention(
            "torch", "PyTorch", "NLLLoss(log p), BCELoss", None, False,
            "clip, renormalize", False, False, -100.0, True,
        ),
    )
}  # fmt: skip


def get_convention(name, *, func: str) -> Convention:
    """The :class:`Convention` called ``name`` (ValueError otherwise)."""
    return CONVENTIONS[
        check_choice(name, tuple(CONVENTIONS), param="convention", func=func)
    ]


def _binary_logs(p, floor):
    """PyTorch ``BCELoss``'s ``[max(log1p(-p), floor), max(log p, floor)]``.

    ``log1p(-p)``, not ``log(1 - p)``: PyTorch's CPU kernel uses it, and it keeps
    ``-log(1 - p) = p`` for tiny ``p`` where ``1 - p`` rounds to 1.
    """
    with np.errstate(divide="ignore"):
        logs = np.column_stack((np.log1p(-p), np.log(p)))
    return np.maximum(logs, floor, out=logs)


def _gathered(proba, idx, conv, true_column=None):
    """-log p(true class) without building any (n, K) array.

    ``true_column``, when given, is ``proba[i, idx[i]]`` already gathered (by the
    fused validation scan); it is overwritten.
    """
    lo, hi = conv.bounds(proba.dtype)
    if proba.ndim == 1 and conv.binary_log_floor is not None:
        logs = _binary_logs(proba, conv.binary_log_floor)
        return -logs[np.arange(proba.shape[0]), idx]
    if proba.ndim == 1:
        p = proba
        if lo is not None and conv.binary_clip_first:
            p = np.clip(p, lo, hi)
        # |(y - 1) + p| is p for y = 1 and exactly 1 - p for y = 0, without the
        # unpredictable branches of np.where (several times faster).
        pt = np.subtract(idx, 1, dtype=p.dtype)
        np.add(pt, p, out=pt)
        np.abs(pt, out=pt)
        if lo is not None and not conv.binary_clip_first:
            np.clip(pt, lo, hi, out=pt)
    elif true_column is not None:
        pt = true_column
        if lo is not None:
            np.clip(pt, lo, hi, out=pt)
    else:
        n, k = proba.shape
        if proba.flags.c_contiguous:  # flat indices: faster than proba[rows, idx]
            flat = np.arange(0, n * k, k)
            flat += idx
            pt = np.take(proba.reshape(-1), flat)
        else:
            pt = proba[np.arange(n), idx]
        if lo is not None:
            np.clip(pt, lo, hi, out=pt)
    if conv.log_dtype is not None:
        pt = pt.astype(conv.log_dtype, copy=False)
    with np.errstate(divide="ignore"):
        np.log(pt, out=pt)
    return np.negative(pt, out=pt)


def _prepared_matrix(proba, conv):
    """The (n, K) probabilities after the convention's clipping and scaling."""
    lo, hi = conv.bounds(proba.dtype)
    clip = lo is not None
    renormalize = conv.renormalize
    if proba.ndim == 1:
        p = proba
        if clip and conv.binary_clip_first:
            p = np.clip(p, lo, hi)
            clip = False
        proba = np.column_stack((1 - p, p))
        renormalize = renormalize and conv.renormalize_binary
    if conv.order == "renormalize, clip" and renormalize:
        proba = proba / np.sum(proba, axis=1, keepdims=True)
    if clip:
        proba = np.clip(proba, lo, hi)
    if conv.order == "clip, renormalize" and renormalize:
        sums = proba.sum(axis=1)
        # scikit-learn 1.3, 1.4: np.isclose(sums, 1, rtol=1e-15, atol=5 * eps)
        far = conv.renormalize_warning and np.any(np.abs(sums - 1) > 5 * lo + 1e-15)
        if far:
            warn_user(conv.renormalize_warning, UserWarning)
        proba = proba / sums[:, np.newaxis]
    return proba


def _log_matrix(proba, conv, label_smoothing):
    """log of the (n, K) probabilities after the convention's clipping and scaling."""
    proba = _prepared_matrix(proba, conv)
    if conv.log_dtype is not None:
        proba = proba.astype(conv.log_dtype, copy=False)
    if conv.zero_log_is_nan and label_smoothing == 0:
        return np.log(proba)  # numpy's divide warning, as scikit-learn < 1.2 gave
    with np.errstate(divide="ignore"):
        return np.log(proba)


def sample_losses(
    proba, idx, conv: Convention, label_smoothing: float = 0.0, true_column=None
):
    """Per-sample log losses in nats, in the dtype of ``proba``.

    Parameters
    ----------
    proba : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Validated probabilities (1-D: probability of the class of index 1).
    idx : ndarray of shape (n_samples,), integer
        Column of the true class of every sample.
    conv : Convention
    label_smoothing : float in [0, 1)
        Targets ``(1 - s) * onehot + s / K`` (Szegedy et al. 2016, eq. in sec. 7),
        built as Keras builds them.
    true_column : ndarray of shape (n_samples,), optional
        ``proba[i, idx[i]]`` when validation already gathered it; overwritten.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    if conv.name == "keras":  # Keras 3 on JAX, op for op
        return log_loss_losses(proba, idx, label_smoothing)
    renormalized = conv.renormalize and (proba.ndim == 2 or conv.renormalize_binary)
    if label_smoothing == 0 and not renormalized:
        # Adding the zero terms of -sum(onehot * log p) is exact, so gathering the
        # true-class column reproduces scikit-learn's arithmetic bit for bit.
        return _gathered(proba, idx, conv, true_column)
    if proba.ndim == 1 and conv.binary_log_floor is not None:
        logp = _binary_logs(proba, conv.binary_log_floor)
    else:
        logp = _log_matrix(proba, conv, label_smoothing)
    rows = np.arange(logp.shape[0])
    if label_smoothing == 0 and conv.zero_log_is_nan and np.isneginf(logp).any():
        # scikit-learn < 1.2's -(onehot * log p).sum(axis=1): 0 * -inf is NaN
        onehot = np.zeros(logp.shape, dtype=np.int64)
        onehot[rows, idx] = 1
        losses = -(onehot * logp).sum(axis=1)
    elif label_smoothing == 0:
        losses = -logp[rows, idx]
    else:
        dtype = logp.dtype.type
        off = dtype(label_smoothing / logp.shape[1])
        targets = np.full(logp.shape, off, dtype=logp.dtype)
        targets[rows, idx] = dtype(1.0 - label_smoothing) + off
        losses = -np.sum(targets * logp, axis=1)
    if conv.loss_dtype is not None:
        losses = losses.astype(conv.loss_dtype)
    return losses
