"""Sequence alignment: the problem, its edit-graph path families (global and local),
the exact dynamic programme and substitution matrices, the FASTA reader.

Imports the core only.
"""

from cemethod.problems.alignment._alignment import (
    EditGraphPaths,
    LocalEditPaths,
    SequenceAlignment,
)
from cemethod.problems.alignment._dp import (
    BLOSUM62,
    SubstitutionMatrix,
    align_dp,
    dna_matrix,
)
from cemethod.problems.alignment.fasta import read_fasta

__all__ = [
    "BLOSUM62",
    "EditGraphPaths",
    "LocalEditPaths",
    "SequenceAlignment",
    "SubstitutionMatrix",
    "align_dp",
    "dna_matrix",
    "read_fasta",
]
