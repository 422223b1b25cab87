"""Ready problems from the cross-entropy literature, with file readers."""

# Alignment, scheduling, knapsack
from cemethod.problems._alignment_dp import (
    BLOSUM62,
    SubstitutionMatrix,
    align_dp,
    dna_matrix,
)
from cemethod.problems.alignment import EditGraphPaths, SequenceAlignment
from cemethod.problems.fasta import read_fasta
from cemethod.problems.knapsack import Knapsack, knapsack_dp
from cemethod.problems.orlib import load_wt40, read_orlib_wt, read_orlib_wt_optima
from cemethod.problems.scheduling import PositionAssignment, WeightedTardiness

__all__ = [
    "BLOSUM62",
    "EditGraphPaths",
    "Knapsack",
    "PositionAssignment",
    "SequenceAlignment",
    "SubstitutionMatrix",
    "WeightedTardiness",
    "align_dp",
    "dna_matrix",
    "knapsack_dp",
    "load_wt40",
    "read_fasta",
    "read_orlib_wt",
    "read_orlib_wt_optima",
]
