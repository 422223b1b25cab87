"""Cross-entropy metrics: plain functions, validated at the door, computed in kernels.

Classifier evaluation (scikit-learn's signature style ``y_true, y_proba, *, ...``):
:func:`log_loss` (equal to ``sklearn.metrics.log_loss`` bit for bit by default),
:func:`log_loss_per_class`, :func:`d2_log_loss_score`, :func:`perplexity`.
Between distributions: :func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence`,
:func:`js_divergence`. Keras-style losses: :func:`binary_cross_entropy`,
:func:`categorical_cross_entropy`, :func:`sparse_categorical_cross_entropy`,
:func:`binary_focal_loss`, :func:`categorical_focal_loss` (``convention="exact"`` by
default; ``"keras"`` reproduces Keras 3 on JAX in float32 or float64). Stable
activations and the softmax cross-entropy gradient. Mergeable accumulators for data
that does not fit in one call. ``base=None`` means nats, ``base=2`` bits.

Imports numpy, scipy, scikit-learn and cemethod's parameter checks (not the optimizer).
"""

from sklearn_ext.metrics._accumulators import (
    CrossEntropyAccumulator,
    EntropyAccumulator,
    LogLossAccumulator,
)
from sklearn_ext.metrics._activations import (
    log_sigmoid,
    log_softmax,
    sigmoid,
    softmax,
)
from sklearn_ext.metrics._classification import (
    PerClassLogLoss,
    d2_log_loss_score,
    log_loss,
    log_loss_per_class,
    perplexity,
)
from sklearn_ext.metrics._conventions import CONVENTIONS, Convention
from sklearn_ext.metrics._focal import binary_focal_loss, categorical_focal_loss
from sklearn_ext.metrics._information import (
    cross_entropy,
    entropy,
    js_divergence,
    kl_divergence,
)
from sklearn_ext.metrics._keras import (
    binary_cross_entropy,
    categorical_cross_entropy,
    cross_entropy_gradient,
    sparse_categorical_cross_entropy,
)

__all__ = [
    "CONVENTIONS",
    "Convention",
    "CrossEntropyAccumulator",
    "EntropyAccumulator",
    "LogLossAccumulator",
    "PerClassLogLoss",
    "binary_cross_entropy",
    "binary_focal_loss",
    "categorical_cross_entropy",
    "categorical_focal_loss",
    "cross_entropy",
    "cross_entropy_gradient",
    "d2_log_loss_score",
    "entropy",
    "js_divergence",
    "kl_divergence",
    "log_loss",
    "log_loss_per_class",
    "log_sigmoid",
    "log_softmax",
    "perplexity",
    "sigmoid",
    "softmax",
    "sparse_categorical_cross_entropy",
]
