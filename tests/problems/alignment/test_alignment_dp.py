"""Dynamic-programming alignment against brute force and textbook examples."""

import itertools

import numpy as np
import pytest
from alignment_paths import all_paths
from hypothesis import given, settings
from hypothesis import strategies as st

from cemethod.problems import (
    BLOSUM62,
    SequenceAlignment,
    SubstitutionMatrix,
    align_dp,
    dna_matrix,
)


def _plain_score(path, a, b, mat, o, e):
    """Alignment score by the definition, one step at a time."""
    total, i, j, prev = 0.0, 0, 0, None
    for mv in path:
        if mv == 0:
            total += mat.score(a[i], b[j])
            i, j = i + 1, j + 1
        else:
            total -= e if prev == mv else o
            i, j = (i + 1, j) if mv == 1 else (i, j + 1)
        prev = mv
    return total


def _brute_global(a, b, mat, o, e):
    return max(_plain_score(p, a, b, mat, o, e) for p in all_paths(len(a), len(b)))


def _brute_local(a, b, mat, o, e):
    best = 0.0
    for i1, i2 in itertools.combinations_with_replacement(range(len(a) + 1), 2):
        for j1, j2 in itertools.combinations_with_replacement(range(len(b) + 1), 2):
            best = max(best, _brute_global(a[i1:i2], b[j1:j2], mat, o, e))
    return best


dna = st.text(alphabet="ACGT", min_size=0, max_size=4)
gaps = st.sampled_from([(1.0, 1.0), (2.0, 2.0), (3.0, 1.0), (2.5, 0.5)])


@settings(max_examples=60, deadline=None)
@given(dna, dna, gaps)
def test_global_matches_brute_force(a, b, gap):
    o, e = gap
    mat = dna_matrix(2.0, -1.0)
    score, moves = align_dp(a, b, mat, gap_open=o, gap_extend=e)
    assert score == pytest.approx(_brute_global(a, b, mat, o, e))
    # The traceback is a path of that score.
    assert _plain_score(moves, a, b, mat, o, e) == pytest.approx(score)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="ACGT", max_size=3), dna, gaps)
def test_local_matches_brute_force(a, b, gap):
    o, e = gap
    mat = dna_matrix(2.0, -1.0)
    score, moves = align_dp(a, b, mat, gap_open=o, gap_extend=e, mode="local")
    assert score == pytest.approx(_brute_local(a, b, mat, o, e))
    prob = SequenceAlignment(a, b, mat, gap_open=o, gap_extend=e, mode="local")
    x = np.full(len(a) + len(b), -1)
    x[: moves.size] = moves
    assert prob(x[None])[0] == pytest.approx(score)


def test_brute_force_on_protein_with_blosum62():
    a, b = "HEAGW", "PAWHE"
    for o, e in [(4.0, 4.0), (10.0, 1.0)]:
        got = align_dp(a, b, BLOSUM62, gap_open=o, gap_extend=e)[0]
        assert got == _brute_global(a, b, BLOSUM62, o, e)
        got = align_dp(a, b, BLOSUM62, gap_open=o, gap_extend=e, mode="local")[0]
        assert got == _brute_local(a, b, BLOSUM62, o, e)


def test_textbook_needleman_wunsch():
    # Wikipedia "Needleman-Wunsch algorithm": match 1, mismatch -1, gap -1.
    m = SubstitutionMatrix("ACGTU", 2.0 * np.eye(5) - 1.0)
    assert align_dp("GATTACA", "GCATGCU", m, gap_open=1.0)[0] == 0.0


def test_textbook_smith_waterman():
    # Wikipedia "Smith-Waterman algorithm": match 3, mismatch -3, linear gap 2,
    # best local alignment GTT-AC / GTTGAC of score 13.
    score, _moves = align_dp(
        "TGTTACGG", "GGTTGACTA", dna_matrix(3.0, -3.0), gap_open=2.0, mode="local"
    )
    assert score == 13.0
    prob = SequenceAlignment(
        "TGTTACGG", "GGTTGACTA", dna_matrix(3.0, -3.0), gap_open=2.0, mode="local"
    )
    text = prob.format(prob.optimal_solution)
    assert "GTT-AC" in text.splitlines()[0] and "GTTGAC" in text.splitlines()[1]


def test_blosum62_is_the_published_matrix():
    s = BLOSUM62.scores
    assert s.shape == (24, 24)
    assert np.array_equal(s, s.T)
    diag = {"A": 4, "C": 9, "W": 11, "P": 7, "Y": 7, "H": 8, "*": 1}
    for letter, v in diag.items():
        assert BLOSUM62.score(letter, letter) == v
    assert BLOSUM62.score("W", "C") == -2 and BLOSUM62.score("E", "Q") == 2


def test_identical_sequences_score_their_length():
    rng = np.random.default_rng(5)
    a = "".join(rng.choice(list("ACGT"), 40))
    assert align_dp(a, a)[0] == 40.0
    assert align_dp(a, a, mode="local")[0] == 40.0


def test_affine_prefers_one_long_gap():
    # Affine: one gap of 3 (cost 5 + 2*1 = 7) beats three gaps of 1 (15).
    score, moves = align_dp(
        "ACGTTTACGT", "ACGTACGT", dna_matrix(5.0, -4.0), gap_open=5.0, gap_extend=1.0
    )
    assert score == 8 * 5.0 - 5.0 - 1.0
    assert np.sum(moves == 1) == 2


def test_bad_inputs():
    with pytest.raises(ValueError, match="gap_extend"):
        align_dp("AC", "AG", gap_open=1.0, gap_extend=2.0)
    with pytest.raises(ValueError, match="mode"):
        align_dp("AC", "AG", mode="semi")
    with pytest.raises(ValueError, match="alphabet"):
        align_dp("AXC", "AG")
    with pytest.raises(TypeError, match="SubstitutionMatrix"):
        align_dp("AC", "AG", np.eye(4))
    with pytest.raises(ValueError, match="alphabet"):
        SubstitutionMatrix("AA", np.eye(2))
