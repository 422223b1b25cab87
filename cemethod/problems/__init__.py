"""Ready problems from the cross-entropy literature, each with a known answer."""

__all__ = []

# Rare-event reference problems
from .rare_events import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)

__all__ += [
    "BridgeNetwork",
    "LinearLimitState",
    "SharedExponential",
    "SumOfExponentials",
]
