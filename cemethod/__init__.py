"""cemethod: the cross-entropy method for optimization and rare-event estimation.

See https://doi.org/10.1007/s10479-005-5724-z (de Boer, Kroese, Mannor & Rubinstein
2005, "A tutorial on the cross-entropy method") for the method this package implements.

Subpackages: ``optimize`` (the ask / tell optimizer), ``rare_event`` (rare-event
estimation), ``families`` (sampling families), ``problems`` (one folder per problem),
``cli`` (the command) and ``testing`` (conformance checks); docs/architecture.md has
the map and the import rules.
"""

from cemethod.optimize import (
    CEResult,
    CrossEntropyOptimizer,
    maximize,
    minimize,
    minimize_with_restarts,
)
from cemethod.rare_event import (
    ConfidenceInterval,
    RareEventResult,
    crude_monte_carlo,
    estimate_rare_event,
)

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
