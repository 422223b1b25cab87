"""cemethod: the cross-entropy method for optimization and rare-event estimation.

See https://doi.org/10.1007/s10479-005-5724-z (de Boer, Kroese, Mannor & Rubinstein
2005, "A tutorial on the cross-entropy method") for the method this package implements.
"""

from ._minimize import maximize, minimize
from ._optimizer import CrossEntropyOptimizer
from ._rare_event import crude_monte_carlo, estimate_rare_event
from ._rare_result import ConfidenceInterval, RareEventResult
from ._restarts import minimize_with_restarts
from ._result import CEResult

__version__ = "0.1.0.dev0"

__all__ = [
    "CEResult",
    "CrossEntropyOptimizer",
    "__version__",
    "maximize",
    "minimize",
    "minimize_with_restarts",
]

# Rare-event estimation
__all__ += [
    "ConfidenceInterval",
    "RareEventResult",
    "crude_monte_carlo",
    "estimate_rare_event",
]
