# Distributions, activations and Keras-style losses
from sklearn_ext.metrics._activations import (
    log_sigmoid,
    log_softmax,
    sigmoid,
    softmax,
)
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

# Classification metrics built on log loss
from sklearn_ext.metrics._classification import (
    PerClassLogLoss,
    d2_log_loss_score,
    log_loss,
    log_loss_per_class,
    perplexity,
)

# Mergeable accumulators
from sklearn_ext.metrics._accumulators import (
    CrossEntropyAccumulator,
    EntropyAccumulator,
    LogLossAccumulator,
)
