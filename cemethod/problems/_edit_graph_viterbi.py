"""The most likely walk through an edit graph (Viterbi), for the ``mode`` of the
alignment families."""

from __future__ import annotations

import numpy as np

from cemethod.problems._alignment_dp import DIAG, GAP_A, GAP_B

__all__ = ["most_likely_walk"]


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
