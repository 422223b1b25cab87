"""Exact pairwise alignment by dynamic programming, the reference for the CE
alignment problem: Needleman & Wunsch (1970) global and Smith & Waterman
(1981) local alignment, with affine gaps after Gotoh (1982), "An improved
algorithm for matching biological sequences", J. Mol. Biol. 162:705-708.

A gap of length ``k`` scores ``-(gap_open + (k - 1) * gap_extend)``; linear gaps
are ``gap_open == gap_extend``. Alignments are move sequences through the edit
graph: 0 = diagonal (``a[i]`` against ``b[j]``), 1 = ``a[i]`` against a gap,
2 = ``b[j]`` against a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import check_choice, check_real, parameter_error

__all__ = ["BLOSUM62", "SubstitutionMatrix", "align_dp", "dna_matrix", "score_paths"]

DIAG, GAP_B, GAP_A = 0, 1, 2  # move codes (GAP_B: a gap in b, a[i] consumed)

_BLOSUM62_TEXT = """\
   A  R  N  D  C  Q  E  G  H  I  L  K  M  F  P  S  T  W  Y  V  B  Z  X  *
A  4 -1 -2 -2  0 -1 -1  0 -2 -1 -1 -1 -1 -2 -1  1  0 -3 -2  0 -2 -1  0 -4
R -1  5  0 -2 -3  1  0 -2  0 -3 -2  2 -1 -3 -2 -1 -1 -3 -2 -3 -1  0 -1 -4
N -2  0  6  1 -3  0  0  0  1 -3 -3  0 -2 -3 -2  1  0 -4 -2 -3  3  0 -1 -4
D -2 -2  1  6 -3  0  2 -1 -1 -3 -4 -1 -3 -3 -1  0 -1 -4 -3 -3  4  1 -1 -4
C  0 -3 -3 -3  9 -3 -4 -3 -3 -1 -1 -3 -1 -2 -3 -1 -1 -2 -2 -1 -3 -3 -2 -4
Q -1  1  0  0 -3  5  2 -2  0 -3 -2  1  0 -3 -1  0 -1 -2 -1 -2  0  3 -1 -4
E -1  0  0  2 -4  2  5 -2  0 -3 -3  1 -2 -3 -1  0 -1 -3 -2 -2  1  4 -1 -4
G  0 -2  0 -1 -3 -2 -2  6 -2 -4 -4 -2 -3 -3 -2  0 -2 -2 -3 -3 -1 -2 -1 -4
H -2  0  1 -1 -3  0  0 -2  8 -3 -3 -1 -2 -1 -2 -1 -2 -2  2 -3  0  0 -1 -4
I -1 -3 -3 -3 -1 -3 -3 -4 -3  4  2 -3  1  0 -3 -2 -1 -3 -1  3 -3 -3 -1 -4
L -1 -2 -3 -4 -1 -2 -3 -4 -3  2  4 -2  2  0 -3 -2 -1 -2 -1  1 -4 -3 -1 -4
K -1  2  0 -1 -3  1  1 -2 -1 -3 -2  5 -1 -3 -1  0 -1 -3 -2 -2  0  1 -1 -4
M -1 -1 -2 -3 -1  0 -2 -3 -2  1  2 -1  5  0 -2 -1 -1 -1 -1  1 -3 -1 -1 -4
F -2 -3 -3 -3 -2 -3 -3 -3 -1  0  0 -3  0  6 -4 -2 -2  1  3 -1 -3 -3 -1 -4
P -1 -2 -2 -1 -3 -1 -1 -2 -2 -3 -3 -1 -2 -4  7 -1 -1 -4 -3 -2 -2 -1 -2 -4
S  1 -1  1  0 -1  0  0  0 -1 -2 -2  0 -1 -2 -1  4  1 -3 -2 -2  0  0  0 -4
T  0 -1  0 -1 -1 -1 -1 -2 -2 -1 -1 -1 -1 -2 -1  1  5 -2 -2  0 -1 -1  0 -4
W -3 -3 -4 -4 -2 -2 -3 -2 -2 -3 -2 -3 -1  1 -4 -3 -2 11  2 -3 -4 -3 -2 -4
Y -2 -2 -2 -3 -2 -1 -2 -3  2 -1 -1 -2 -1  3 -3 -2 -2  2  7 -1 -3 -2 -1 -4
V  0 -3 -3 -3 -1 -2 -2 -3 -3  3  1 -2  1 -1 -2 -2  0 -3 -1  4 -3 -2 -1 -4
B -2 -1  3  4 -3  0  1 -1  0 -3 -4  0 -3 -3 -2  0 -1 -4 -3 -3  4  1 -1 -4
Z -1  0  0  1 -3  3  4 -2  0 -3 -3  1 -1 -3 -1  0 -1 -3 -2 -2  1  4 -1 -4
X  0 -1 -1 -1 -2 -1 -1 -1 -1 -1 -1 -1 -1 -1 -2  0  0 -2 -1 -1 -1 -1 -1 -4
* -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4  1
"""


@dataclass(frozen=True, eq=False)
class SubstitutionMatrix:
    """Scores of aligning letter ``alphabet[k]`` with letter ``alphabet[l]``.

    Parameters
    ----------
    alphabet : str
        Distinct letters (upper case; sequences are upper-cased before lookup).
    scores : array_like of shape (len(alphabet), len(alphabet))
        Substitution scores.

    Examples
    --------
    >>> from cemethod.problems import BLOSUM62, dna_matrix
    >>> BLOSUM62.score("W", "W"), BLOSUM62.score("A", "R")
    (11.0, -1.0)
    >>> dna_matrix(2, -1).encode("acgt").tolist()
    [0, 1, 2, 3]
    """

    alphabet: str
    scores: np.ndarray

    def __post_init__(self):
        func = "SubstitutionMatrix"
        if (
            not isinstance(self.alphabet, str)
            or len(set(self.alphabet)) != len(self.alphabet)
            or not self.alphabet
        ):
            raise parameter_error(
                func,
                "alphabet",
                "a non-empty string of distinct letters",
                self.alphabet,
            )
        k = len(self.alphabet)
        s = np.asarray(self.scores, dtype=float)
        if s.shape != (k, k) or not np.all(np.isfinite(s)):
            raise parameter_error(func, "scores", f"a finite ({k}, {k}) array", s)
        s.flags.writeable = False
        object.__setattr__(self, "alphabet", self.alphabet.upper())
        object.__setattr__(self, "scores", s)

    def encode(self, seq: str) -> np.ndarray:
        """Indices of the letters of ``seq`` in the alphabet (ValueError on
        letters outside it)."""
        if not isinstance(seq, str):
            raise TypeError(f"A sequence must be a str. Got {type(seq).__name__}.")
        lookup = {c: i for i, c in enumerate(self.alphabet)}
        try:
            return np.array([lookup[c] for c in seq.upper()], dtype=np.intp)
        except KeyError as exc:
            raise parameter_error(
                "SubstitutionMatrix.encode",
                "seq",
                f"letters of the alphabet {self.alphabet!r}",
                exc.args[0],
            ) from None

    def score(self, x: str, y: str) -> float:
        """Score of one letter pair."""
        i, j = self.encode(x + y)
        return float(self.scores[i, j])


def dna_matrix(match: float = 1.0, mismatch: float = -1.0) -> SubstitutionMatrix:
    """Match / mismatch scoring over ``ACGT`` (``N`` scores 0 against anything)."""
    s = np.full((5, 5), float(mismatch))
    np.fill_diagonal(s, float(match))
    s[4, :] = s[:, 4] = 0.0
    return SubstitutionMatrix("ACGTN", s)


def _parse_blosum(text: str) -> SubstitutionMatrix:
    lines = text.splitlines()
    letters = "".join(lines[0].split())
    scores = [[float(v) for v in line.split()[1:]] for line in lines[1:]]
    return SubstitutionMatrix(letters, np.array(scores))


#: BLOSUM62 (Henikoff & Henikoff 1992), NCBI layout with B, Z, X and ``*``.
BLOSUM62 = _parse_blosum(_BLOSUM62_TEXT)


def check_gaps(gap_open, gap_extend, func):
    o = check_real(gap_open, param="gap_open", func=func, low=0.0)
    e = o if gap_extend is None else gap_extend
    e = check_real(e, param="gap_extend", func=func, low=0.0, high=o)
    return o, e


def align_dp(a, b, matrix=None, *, gap_open=2.0, gap_extend=None, mode="global"):
    """Optimal alignment score and one optimal alignment by dynamic programming.

    Parameters
    ----------
    a, b : str
        The sequences (upper or lower case).
    matrix : SubstitutionMatrix, optional
        Default :func:`dna_matrix` ``(1, -1)``.
    gap_open : float, default=2.0
        Penalty (positive) of the first position of a gap.
    gap_extend : float, optional
        Penalty of each further position (``<= gap_open``); default
        ``gap_open`` (linear gaps).
    mode : {"global", "local"}
        Needleman-Wunsch or Smith-Waterman.

    Returns
    -------
    score : float
    moves : ndarray of int8
        Moves 0 / 1 / 2 (see the module docstring) from ``(0, 0)`` to
        ``(len(a), len(b))``; for ``"local"`` the path runs through the edit
        graph with gaps outside the local part (only that part is scored).

    Notes
    -----
    The rows are vectorized: the horizontal-gap matrix of Gotoh's recurrence
    is a running maximum, ``E[i, j] = max_{k<j} T[k] - o - e (j - 1 - k)``
    with ``T = max(diagonal, vertical)`` (valid because ``e <= o``).

    Examples
    --------
    >>> from cemethod.problems import align_dp
    >>> score, moves = align_dp("GATTACA", "GCATGCU".replace("U", "T"))
    >>> score
    -1.0
    >>> align_dp("ACGT", "ACGT")[0]
    4.0
    """
    func = "align_dp"
    matrix = dna_matrix() if matrix is None else matrix
    if not isinstance(matrix, SubstitutionMatrix):
        raise TypeError(
            f"The 'matrix' parameter of {func} must be a SubstitutionMatrix. "
            f"Got {type(matrix).__name__} instead."
        )
    o, e = check_gaps(gap_open, gap_extend, func)
    mode = check_choice(mode, ("global", "local"), param="mode", func=func)
    check_memory(
        func,
        f"sequences of {len(a)} and {len(b)} letters",
        32.0 * (len(a) + 1) * (len(b) + 1),
        "the three dynamic-programming tables",
    )
    return _align(matrix.encode(a), matrix.encode(b), matrix.scores, o, e, mode)


def _align(ai, bi, S, o, e, mode):
    m, n = ai.size, bi.size
    local = mode == "local"
    H = np.zeros((m + 1, n + 1))
    E = np.full((m + 1, n + 1), -np.inf)
    F = np.full((m + 1, n + 1), -np.inf)
    if not local:
        j = np.arange(1, n + 1)
        H[0, 1:] = E[0, 1:] = -(o + (j - 1) * e)
        i = np.arange(1, m + 1)
        H[1:, 0] = F[1:, 0] = -(o + (i - 1) * e)
    ramp = e * np.arange(n + 1)
    for i in range(1, m + 1):  # rows are sequential; each row is vectorized
        sub = S[ai[i - 1], bi]
        F[i, 1:] = np.maximum(H[i - 1, 1:] - o, F[i - 1, 1:] - e)
        T = np.empty(n + 1)
        T[0] = H[i, 0]
        T[1:] = np.maximum(H[i - 1, :-1] + sub, F[i, 1:])
        if local:
            T[1:] = np.maximum(T[1:], 0.0)
        run = np.maximum.accumulate(T + ramp)
        E[i, 1:] = run[:-1] - o - ramp[:-1]
        H[i, 1:] = np.maximum(T[1:], E[i, 1:])
    end = np.unravel_index(np.argmax(H), H.shape) if local else (m, n)
    moves = _traceback(H, E, F, S, ai, bi, o, local, end)
    return float(H[end]), moves


def _traceback(H, E, F, S, ai, bi, o, local, end):
    m, n = H.shape[0] - 1, H.shape[1] - 1
    i, j = end
    tail = [GAP_B] * (m - i) + [GAP_A] * (n - j)  # after the local part
    out = []
    state = "H"
    while i > 0 or j > 0:
        if state == "H":
            h = H[i, j]
            if local and h == 0.0:
                break
            if (
                i > 0
                and j > 0
                and np.isclose(h, H[i - 1, j - 1] + S[ai[i - 1], bi[j - 1]])
            ):
                out.append(DIAG)
                i, j = i - 1, j - 1
            elif i > 0 and np.isclose(h, F[i, j]):
                state = "F"
            else:
                state = "E"
        elif state == "F":
            out.append(GAP_B)
            state = "H" if np.isclose(F[i, j], H[i - 1, j] - o) else "F"
            i -= 1
        else:
            out.append(GAP_A)
            state = "H" if np.isclose(E[i, j], H[i, j - 1] - o) else "E"
            j -= 1
    head = [GAP_B] * i + [GAP_A] * j  # before the local part
    return np.array(head + out[::-1] + tail, dtype=np.int8)


def step_scores(moves, ai, bi, S, o, e) -> np.ndarray:
    """Score of each step of a batch of move sequences (rows padded with -1),
    shape (N, L): a diagonal step scores ``S[a_i, b_j]``; a gap step scores
    ``-o`` when it starts a gap (the previous move differs) and ``-e``
    otherwise; padding scores 0."""
    X = np.asarray(moves)
    diag = X == DIAG
    gap = (X == GAP_A) | (X == GAP_B)
    if ai.size and bi.size:
        # Row-major index of the cell a diagonal step lands on, in S[a][:, b].
        di = (diag | (X == GAP_B)).astype(np.int32)
        dj = (diag | (X == GAP_A)).astype(np.int32)
        i = np.cumsum(di, axis=1, dtype=np.int32) - 1
        j = np.cumsum(dj, axis=1, dtype=np.int32) - 1
        pair = S[np.ix_(ai, bi)].ravel()
        cell = np.where(diag, i * bi.size + j, 0)
        sub = np.where(diag, pair[cell], 0.0)
    else:
        sub = np.zeros(X.shape)
    prev = np.empty_like(X)
    prev[:, :1] = -1
    prev[:, 1:] = X[:, :-1]
    return sub - np.where(gap, np.where(prev == X, e, o), 0.0)


def best_stretch(steps) -> tuple[int, int]:
    """``(start, stop)`` of the highest-scoring contiguous run of one row of
    step scores (Kadane), the shortest among equal scores; ``(0, 0)`` when no
    run scores above 0."""
    c = np.concatenate([[0.0], np.cumsum(steps)])
    low = np.minimum.accumulate(c)
    stop = int(np.argmax(c - low))
    start = int(np.flatnonzero(c[: stop + 1] == low[stop])[-1])
    return start, stop


def score_paths(moves, ai, bi, S, o, e, local=False) -> np.ndarray:
    """Scores of a batch of move sequences (rows padded with -1), shape (N,):
    the sum of :func:`step_scores`, or in local mode the best contiguous
    stretch (Kadane's maximum subarray, 0 for the empty one)."""
    X = np.asarray(moves)
    n_rows = X.shape[0]
    if X.shape[1] == 0:  # two empty sequences: the empty alignment
        return np.zeros(n_rows)
    steps = step_scores(X, ai, bi, S, o, e)
    if not local:
        return steps.sum(axis=1)
    c = np.concatenate([np.zeros((n_rows, 1)), np.cumsum(steps, axis=1)], axis=1)
    return np.max(c - np.minimum.accumulate(c, axis=1), axis=1)
