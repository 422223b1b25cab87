"""The integer distance functions of TSPLIB 95 (Reinelt 1995, Section 2) and the
layouts of its explicit matrices. Kernels: no validation here."""

from __future__ import annotations

import numpy as np

__all__ = [
    "COORD_DIMENSION",
    "EXPLICIT_FORMATS",
    "coordinate_distances",
    "explicit_matrix",
    "explicit_size",
]

# EDGE_WEIGHT_TYPEs computed from coordinates, with their number of coordinates.
COORD_DIMENSION = {
    "EUC_2D": 2,
    "EUC_3D": 3,
    "MAN_2D": 2,
    "MAN_3D": 3,
    "MAX_2D": 2,
    "MAX_3D": 3,
    "CEIL_2D": 2,
    "GEO": 2,
    "ATT": 2,
}

# Explicit formats; a *_COL layout of a symmetric matrix lists the same numbers
# in the same order as the *_ROW layout of the other triangle.
_SAME_AS = {
    "UPPER_COL": "LOWER_ROW",
    "LOWER_COL": "UPPER_ROW",
    "UPPER_DIAG_COL": "LOWER_DIAG_ROW",
    "LOWER_DIAG_COL": "UPPER_DIAG_ROW",
}
EXPLICIT_FORMATS = (
    "FULL_MATRIX",
    "UPPER_ROW",
    "LOWER_ROW",
    "UPPER_DIAG_ROW",
    "LOWER_DIAG_ROW",
    *_SAME_AS,
)


def _nint(x: np.ndarray) -> np.ndarray:
    """TSPLIB's ``nint(x) = (int) (x + 0.5)`` for x >= 0."""
    return np.floor(x + 0.5).astype(np.int64)


def _geo_radians(x: np.ndarray) -> np.ndarray:
    """DDD.MM (degrees, minutes) -> radians, TSPLIB 95 Section 2.4:
    ``deg = (int) x; min = x - deg; rad = PI * (deg + 5.0 * min / 3.0) / 180``
    with ``PI = 3.141592`` (C truncation toward zero, as in the reference code)."""
    pi = 3.141592
    deg = np.trunc(x)
    minutes = x - deg
    return pi * (deg + 5.0 * minutes / 3.0) / 180.0


def coordinate_distances(coords: np.ndarray, edge_weight_type: str) -> np.ndarray:
    """The (n, n) int64 TSPLIB distances between the nodes at ``coords``; the
    diagonal is 0."""
    n = coords.shape[0]
    if edge_weight_type == "GEO":
        lat = _geo_radians(coords[:, 0])
        lon = _geo_radians(coords[:, 1])
        rrr = 6378.388  # TSPLIB's earth radius in km
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        arg = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)
        # dij = (int) (RRR * acos(...) + 1.0); clip: rounding can leave [-1, 1].
        d = np.trunc(rrr * np.arccos(np.clip(arg, -1.0, 1.0)) + 1.0)
        d = d.astype(np.int64)
    else:
        diff = coords[:, None, :] - coords[None, :, :]
        if edge_weight_type in ("EUC_2D", "EUC_3D"):
            d = _nint(np.sqrt(np.sum(diff * diff, axis=2)))
        elif edge_weight_type == "CEIL_2D":
            d = np.ceil(np.sqrt(np.sum(diff * diff, axis=2))).astype(np.int64)
        elif edge_weight_type in ("MAN_2D", "MAN_3D"):
            d = _nint(np.sum(np.abs(diff), axis=2))
        elif edge_weight_type in ("MAX_2D", "MAX_3D"):
            d = np.max(_nint(np.abs(diff)), axis=2)
        else:  # ATT, pseudo-Euclidean: TSPLIB 95 Section 2.5
            r = np.sqrt(np.sum(diff * diff, axis=2) / 10.0)
            t = _nint(r)
            d = np.where(t < r, t + 1, t)
    d[np.arange(n), np.arange(n)] = 0
    return d


def explicit_size(fmt: str, n: int) -> int:
    """Number of weights an EDGE_WEIGHT_SECTION of format ``fmt`` holds."""
    fmt = _SAME_AS.get(fmt, fmt)
    if fmt == "FULL_MATRIX":
        return n * n
    if "DIAG" in fmt:
        return n * (n + 1) // 2
    return n * (n - 1) // 2


def explicit_matrix(weights: np.ndarray, fmt: str, n: int) -> np.ndarray:
    """The (n, n) matrix from the weights of an EDGE_WEIGHT_SECTION, in the
    order TSPLIB 95 Section 1.5 defines (rows of the triangle left to right;
    triangular formats describe symmetric matrices)."""
    fmt = _SAME_AS.get(fmt, fmt)
    if fmt == "FULL_MATRIX":
        return weights.reshape(n, n).copy()
    # numpy's triangle indices come row by row, left to right: TSPLIB's order.
    i, j = {
        "UPPER_ROW": lambda: np.triu_indices(n, 1),
        "LOWER_ROW": lambda: np.tril_indices(n, -1),
        "UPPER_DIAG_ROW": lambda: np.triu_indices(n, 0),
        "LOWER_DIAG_ROW": lambda: np.tril_indices(n, 0),
    }[fmt]()
    d = np.zeros((n, n), dtype=np.int64)
    d[i, j] = weights
    d[j, i] = weights
    return d
