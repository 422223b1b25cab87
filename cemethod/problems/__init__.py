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

# Network reliability
from ._graphs import Network, as_network  # noqa: E402
from .network_design import NetworkDesign  # noqa: E402
from .reliability import NetworkReliability  # noqa: E402
from .reliability_exact import exact_unreliability  # noqa: E402

__all__ += [
    "Network",
    "NetworkDesign",
    "NetworkReliability",
    "as_network",
    "exact_unreliability",
]

# Named graphs
from .graph_library import dodecahedron  # noqa: E402

__all__ += ["dodecahedron"]
