# Classification metrics built on log loss
from sklearn_ext.metrics._classification import (
    PerClassLogLoss,
    d2_log_loss_score,
    log_loss,
    log_loss_per_class,
    perplexity,
)
