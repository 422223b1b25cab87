"""Rare-event estimation: estimate_rare_event, its level loops (CE, improved CE,
screening), subset simulation, crude Monte Carlo and the results.

Imports the families, the batch evaluation of cemethod.optimize and
cemethod._validation only.
"""

from cemethod.rare_event._estimate import crude_monte_carlo, estimate_rare_event
from cemethod.rare_event._result import ConfidenceInterval, RareEventResult

__all__ = [
    "ConfidenceInterval",
    "RareEventResult",
    "crude_monte_carlo",
    "estimate_rare_event",
]
