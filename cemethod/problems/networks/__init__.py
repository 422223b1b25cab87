"""Networks with failing links: two-terminal reliability (exact and estimated), network
design, the graph representation and the dodecahedron.

Imports the core only.
"""

from cemethod.problems.networks._design import NetworkDesign
from cemethod.problems.networks._exact import exact_unreliability
from cemethod.problems.networks._graphs import Network, as_network
from cemethod.problems.networks._library import dodecahedron
from cemethod.problems.networks._reliability import NetworkReliability

__all__ = [
    "Network",
    "NetworkDesign",
    "NetworkReliability",
    "as_network",
    "dodecahedron",
    "exact_unreliability",
]
