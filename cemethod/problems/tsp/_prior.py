"""The distance-informed starting transition matrix (``TSP.distance_prior``)."""

from __future__ import annotations

import numpy as np

__all__ = ["prior_matrix"]


def prior_matrix(distances, temperature: float, neighbours: int, floor: float):
    """``P[i, j] ~ exp(-(d_ij - min_k d_ik) / (temperature * s))``, ``s`` the mean
    distance to the ``neighbours`` nearest cities, floored at ``floor``, zero
    diagonal, rows normalised. No validation here."""
    n = distances.shape[0]
    off = ~np.eye(n, dtype=bool)
    D = np.where(off, distances.astype(np.float64), np.inf)
    near = np.sort(D, axis=1)[:, : min(neighbours, n - 1)]
    scale = temperature * float(near.mean())
    excess = D - near[:, :1]
    # scale 0 (all nearest-neighbour distances 0): only the nearest count
    W = np.exp(-excess / scale) if scale > 0 else (excess == 0) * 1.0
    W = np.where(off, np.maximum(W, floor), 0.0)
    return W / W.sum(axis=1, keepdims=True)
