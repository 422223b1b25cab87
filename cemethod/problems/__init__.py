"""Ready problems from the cross-entropy literature, each with a known answer.

Every problem is a small class with a vectorized ``__call__(X) -> (n,)``, a
``direction``, a ``default_family()`` and, where one exists, the exact answer.
"""

from cemethod.problems._alignment_dp import (
    BLOSUM62,
    SubstitutionMatrix,
    align_dp,
    dna_matrix,
)
from cemethod.problems._graphs import Network, as_network
from cemethod.problems._line_markov import line_throughput
from cemethod.problems._line_simulation import (
    ThroughputEstimate,
    simulate_line_throughput,
)
from cemethod.problems.alignment import (
    EditGraphPaths,
    LocalEditPaths,
    SequenceAlignment,
)
from cemethod.problems.buffer_allocation import (
    BufferAllocation,
    LineOptimum,
    ThroughputMaximization,
)
from cemethod.problems.continuous import (
    Ackley,
    Griewank,
    Levy,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Shekel,
)
from cemethod.problems.fasta import read_fasta
from cemethod.problems.graph_library import dodecahedron
from cemethod.problems.knapsack import Knapsack, knapsack_dp
from cemethod.problems.maxcut import MaxCut
from cemethod.problems.mixed import MixedQuadratic
from cemethod.problems.network_design import NetworkDesign
from cemethod.problems.orlib import load_wt40, read_orlib_wt, read_orlib_wt_optima
from cemethod.problems.rare_events import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)
from cemethod.problems.reliability import NetworkReliability
from cemethod.problems.reliability_exact import exact_unreliability
from cemethod.problems.scheduling import PositionAssignment, WeightedTardiness
from cemethod.problems.tsp import ATSP, TSP, TSPSolution
from cemethod.problems.tsplib import read_tsplib

__all__ = [
    "ATSP",
    "BLOSUM62",
    "TSP",
    "Ackley",
    "BridgeNetwork",
    "BufferAllocation",
    "EditGraphPaths",
    "Griewank",
    "Knapsack",
    "Levy",
    "LineOptimum",
    "LinearLimitState",
    "LocalEditPaths",
    "MaxCut",
    "MixedQuadratic",
    "Network",
    "NetworkDesign",
    "NetworkReliability",
    "Peaks",
    "PositionAssignment",
    "Rastrigin",
    "Rosenbrock",
    "SequenceAlignment",
    "SharedExponential",
    "Shekel",
    "SubstitutionMatrix",
    "SumOfExponentials",
    "TSPSolution",
    "ThroughputEstimate",
    "ThroughputMaximization",
    "WeightedTardiness",
    "align_dp",
    "as_network",
    "dna_matrix",
    "dodecahedron",
    "exact_unreliability",
    "knapsack_dp",
    "line_throughput",
    "load_wt40",
    "read_fasta",
    "read_orlib_wt",
    "read_orlib_wt_optima",
    "read_tsplib",
    "simulate_line_throughput",
]
