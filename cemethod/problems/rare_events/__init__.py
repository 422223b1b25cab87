"""Reference rare-event problems with exact probabilities (sum of exponentials, linear
limit state, bridge network, shared exponential).

Imports the core only.
"""

from cemethod.problems.rare_events._reference import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)

__all__ = [
    "BridgeNetwork",
    "LinearLimitState",
    "SharedExponential",
    "SumOfExponentials",
]
