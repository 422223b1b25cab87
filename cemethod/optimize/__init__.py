"""The optimizer: the ask / tell core, minimize / maximize, options, stop rules, batch
evaluation (workers), restarts and results.

Imports the families and cemethod._validation only.
"""

from cemethod.optimize._minimize import maximize, minimize
from cemethod.optimize._optimizer import CrossEntropyOptimizer
from cemethod.optimize._pool import WorkerDied
from cemethod.optimize._restarts import minimize_with_restarts
from cemethod.optimize._result import CEResult, HonestValue, Selection

__all__ = [
    "CEResult",
    "CrossEntropyOptimizer",
    "HonestValue",
    "Selection",
    "WorkerDied",
    "maximize",
    "minimize",
    "minimize_with_restarts",
]
