"""Walks through an edit graph, shared by the alignment families: sampling
them (a Markov chain on the cells) and the most likely one (Viterbi)."""

from __future__ import annotations

import numpy as np

from cemethod._validation import parameter_error
from cemethod.problems.alignment._dp import DIAG, GAP_A, GAP_B

__all__ = [
    "most_likely_walk",
    "move_frequencies",
    "move_rows",
    "pad_path",
    "path_steps",
    "sample_walks",
]

_SUM_TOL = 1e-8  # how far probabilities that must sum to 1 may miss it


def path_steps(x, m: int, k: int, func: str):
    """Read rows of moves as paths through the ``(m+1) x (k+1)`` edit graph.

    Returns ``(Xi, i, j, step, ok)``: the moves as int16, the cell ``(i, j)``
    each move leaves from (not clipped: invalid rows may leave the grid), the
    mask of the moves (not the -1 padding) and the mask of the rows that are
    paths: values in {-1, 0, 1, 2}, padding only at the end, ending exactly
    at ``(m, k)`` (i and j never decrease, so that keeps the path inside).
    """
    X = np.asarray(x)
    if X.ndim != 2 or X.shape[1] != m + k:
        raise parameter_error(func, "x", f"a 2-D array with {m + k} columns", X)
    Xi = X.astype(np.int16, copy=False)
    step = Xi >= 0
    di = ((Xi == DIAG) | (Xi == GAP_B)).astype(np.int16)
    dj = ((Xi == DIAG) | (Xi == GAP_A)).astype(np.int16)
    i_before = np.cumsum(di, axis=1, dtype=np.int16) - di
    j_before = np.cumsum(dj, axis=1, dtype=np.int16) - dj
    ok = ((X >= -1) & (X <= 2)).all(axis=1) & np.all(
        step[:, :-1] >= step[:, 1:], axis=1
    )
    if m + k:  # with no moves at all, every (empty) row ends at (0, 0)
        ok &= (i_before[:, -1] + di[:, -1] == m) & (j_before[:, -1] + dj[:, -1] == k)
    return Xi, i_before, j_before, step, ok


def pad_path(moves, length: int) -> np.ndarray:
    """The moves as an ``int8`` row of ``length``, padded with -1 (the layout
    of the alignment families' samples)."""
    out = np.full(length, -1, dtype=np.int8)
    out[: len(moves)] = moves
    return out


def sample_walks(probs, ended, i, j, u):
    """Walk from the cells ``(i[r], j[r])`` until a cell where walks stop.

    Parameters
    ----------
    probs : ndarray of shape (R, C, 3)
        Move probabilities (diagonal, gap in b, gap in a) out of each cell;
        moves that leave the grid must have probability 0.
    ended : ndarray of bool, shape (R, C)
        Cells where a walk stops.
    i, j : ndarray of int, shape (n,)
        Start cells; not changed.
    u : ndarray of shape (n, L)
        Uniform numbers, one per step; ``L`` must be at least the longest walk.

    Returns
    -------
    moves : ndarray of int8, shape (n, L)
        The moves, -1 after a walk has stopped.
    i, j : ndarray of int, shape (n,)
        The cells where the walks stopped.
    """
    n, L = u.shape
    C = ended.shape[1]
    # Cumulative move probabilities, divided by the cell total so the last is
    # exactly 1 > u and impossible moves are never drawn.
    c = np.cumsum(probs, axis=2)
    tot = c[:, :, 2:]
    c = c / np.where(tot > 0, tot, 1.0)
    c0, c1 = c[:, :, 0].ravel(), c[:, :, 1].ravel()
    stop = ended.ravel()
    moves = np.full((n, L), -1, dtype=np.int8)
    i, j = i.copy(), j.copy()
    for t in range(L):  # a Markov chain: sequential in t, vectorized in n
        cell = i * C + j
        live = ~stop[cell]
        if not live.any():
            break
        ut = u[:, t]
        mv = (ut >= c0[cell]).astype(np.int8) + (ut >= c1[cell])
        moves[:, t] = np.where(live, mv, -1)
        i += live & (mv != GAP_A)
        j += live & (mv != GAP_B)
    return moves, i, j


def most_likely_walk(probs: np.ndarray, ended: np.ndarray):
    """Best log-probability of a walk from each cell, and a walker.

    Parameters
    ----------
    probs : ndarray of shape (R, C, 3)
        Move probabilities (diagonal, gap in b, gap in a) out of each cell;
        moves that leave the grid must have probability 0.
    ended : ndarray of bool, shape (R, C)
        Cells where a walk stops.

    Returns
    -------
    V : ndarray of shape (R, C)
        ``V[i, j]``: the largest log-probability of a walk from ``(i, j)`` to a
        cell where walks stop (0 there).
    walk : callable
        ``walk(i, j) -> (moves, cells)``: the moves of that most likely walk
        and the cells it leaves from.

    Notes
    -----
    ``V[i, j]`` only depends on the cells below and to the right, so one sweep
    over the anti-diagonals from the far corner back computes it, vectorized
    along each anti-diagonal.
    """
    R, C = ended.shape
    with np.errstate(divide="ignore"):
        logp = np.log(probs)
    V = np.full((R + 1, C + 1), -np.inf)  # a border of -inf: no range checks
    V[:R, :C][ended] = 0.0
    best = np.zeros((R, C), dtype=np.int8)
    for s in range(R + C - 2, -1, -1):
        i = np.arange(max(0, s - C + 1), min(R - 1, s) + 1)
        j = s - i
        live = ~ended[i, j]
        i, j = i[live], j[live]
        cand = np.stack(
            [
                logp[i, j, DIAG] + V[i + 1, j + 1],
                logp[i, j, GAP_B] + V[i + 1, j],
                logp[i, j, GAP_A] + V[i, j + 1],
            ],
            axis=1,
        )
        best[i, j] = np.argmax(cand, axis=1)
        V[i, j] = cand[np.arange(i.size), best[i, j]]

    def walk(i: int, j: int):
        moves, cells = [], []
        while not ended[i, j]:
            mv = int(best[i, j])
            cells.append((i, j))
            moves.append(mv)
            i += mv != GAP_A
            j += mv != GAP_B
        return moves, cells

    return V[:R, :C], walk


def move_rows(probs, cells) -> np.ndarray:
    """The move probabilities out of the listed ``(i, j)`` cells, shape
    ``(len(cells), 3)``: what ``is_degenerate`` and ``dispersion`` inspect."""
    if not cells:
        return np.zeros((0, 3))
    i, j = np.array(cells).T
    return probs[i, j]


def move_frequencies(moves, i, j, counted, weights, unvisited) -> np.ndarray:
    """Weighted frequency of each move out of each cell: the CE update of a
    Markov chain on the cells (de Boer et al. 2005, eq. (33)).

    ``moves`` (N, L) are the steps, ``(i, j)`` (N, L) the cells they leave
    from, ``counted`` (N, L) the steps that count and ``weights`` (N,) the
    rows' weights; cells no counted step leaves from take their row of
    ``unvisited`` (R, C, 3), whose shape is the grid's.
    """
    R, C, _ = unvisited.shape
    flat = ((i * C + j) * 3 + np.clip(moves, 0, 2))[counted]
    wts = np.broadcast_to(weights[:, None], moves.shape)[counted]
    counts = np.bincount(flat, wts, minlength=R * C * 3).reshape(R, C, 3)
    tot = counts.sum(axis=2, keepdims=True)
    return np.where(tot > 0, counts / np.where(tot > 0, tot, 1.0), unvisited)
