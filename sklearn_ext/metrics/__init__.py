# Distributions, activations and Keras-style losses
from sklearn_ext.metrics._information import (
    cross_entropy,
    entropy,
    js_divergence,
    kl_divergence,
)
