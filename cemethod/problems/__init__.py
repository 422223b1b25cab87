"""Ready problems from the cross-entropy literature, each with a known answer.

Every problem is a small class with a vectorized ``__call__(X) -> (n,)``, a
``direction``, a ``default_family()`` and, where one exists, the exact answer.
"""

from cemethod.problems._graphs import Network, as_network
from cemethod.problems._line_markov import line_throughput
from cemethod.problems._line_simulation import (
    ThroughputEstimate,
    simulate_line_throughput,
)
from cemethod.problems.buffer_allocation import (
    BufferAllocation,
    LineOptimum,
    ThroughputMaximization,
)
from cemethod.problems.graph_library import dodecahedron
from cemethod.problems.network_design import NetworkDesign
from cemethod.problems.rare_events import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)
from cemethod.problems.reliability import NetworkReliability
from cemethod.problems.reliability_exact import exact_unreliability

__all__ = [
    "BridgeNetwork",
    "BufferAllocation",
    "LineOptimum",
    "LinearLimitState",
    "Network",
    "NetworkDesign",
    "NetworkReliability",
    "SharedExponential",
    "SumOfExponentials",
    "ThroughputEstimate",
    "ThroughputMaximization",
    "as_network",
    "dodecahedron",
    "exact_unreliability",
    "line_throughput",
    "simulate_line_throughput",
]
