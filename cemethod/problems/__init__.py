"""Ready problems from the cross-entropy literature, each with a known answer.

Every problem is a small class with a vectorized ``__call__(X) -> (n,)``, a
``direction``, a ``default_family()`` and, where one exists, the exact answer.
One folder per problem family (tsp, maxcut, networks, production_line, alignment,
scheduling, knapsack, continuous, mixed, rare_events); each imports the core
(optimize, rare_event, families) and nothing of the others.
"""

from cemethod.problems.alignment import (
    BLOSUM62,
    EditGraphPaths,
    LocalEditPaths,
    SequenceAlignment,
    SubstitutionMatrix,
    align_dp,
    dna_matrix,
    read_fasta,
)
from cemethod.problems.continuous import (
    Ackley,
    Ellipsoid,
    Griewank,
    Levy,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Schwefel,
    Shekel,
    Sphere,
    StyblinskiTang,
)
from cemethod.problems.knapsack import Knapsack, knapsack_dp
from cemethod.problems.maxcut import MaxCut, read_gset
from cemethod.problems.mixed import MixedQuadratic
from cemethod.problems.networks import (
    Network,
    NetworkDesign,
    NetworkReliability,
    as_network,
    dodecahedron,
    exact_unreliability,
)
from cemethod.problems.production_line import (
    BufferAllocation,
    LineOptimum,
    ThroughputEstimate,
    ThroughputMaximization,
    line_throughput,
    simulate_line_throughput,
)
from cemethod.problems.rare_events import (
    BridgeNetwork,
    LinearLimitState,
    SharedExponential,
    SumOfExponentials,
)
from cemethod.problems.scheduling import (
    PositionAssignment,
    WeightedTardiness,
    load_wt40,
    read_orlib_wt,
    read_orlib_wt_optima,
)
from cemethod.problems.tsp import ATSP, TSP, TSPSolution, read_tsplib

__all__ = [
    "ATSP",
    "BLOSUM62",
    "TSP",
    "Ackley",
    "BridgeNetwork",
    "BufferAllocation",
    "EditGraphPaths",
    "Ellipsoid",
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
    "Schwefel",
    "SequenceAlignment",
    "SharedExponential",
    "Shekel",
    "Sphere",
    "StyblinskiTang",
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
    "read_gset",
    "read_orlib_wt",
    "read_orlib_wt_optima",
    "read_tsplib",
    "simulate_line_throughput",
]
