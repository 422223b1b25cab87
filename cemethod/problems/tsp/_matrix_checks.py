"""The checks of a distance matrix given to ``TSP`` / ``ATSP`` (and the memory
they and the copy need, issue 17 item 1)."""

from __future__ import annotations

import numpy as np

from cemethod._limits import check_memory
from cemethod._validation import parameter_error

__all__ = ["checked_distances"]

# Bytes per entry allocated here: the int64 / float64 copy kept, the converted
# array it is copied from, and two boolean masks (off-diagonal, symmetry).
_BYTES_PER_ENTRY = 18


def checked_distances(cls: str, distances, symmetric: bool) -> np.ndarray:
    """``distances`` as a read-only int64 or float64 copy: square, at least 3
    rows, finite and non-negative off the diagonal, symmetric if asked."""
    D = np.asarray(distances)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or D.shape[0] < 3:
        raise parameter_error(
            cls, "distances", "a square 2-D array with at least 3 rows", D
        )
    n = D.shape[0]
    check_memory(
        cls,
        f"distances of {n} cities ({n} x {n})",
        _BYTES_PER_ENTRY * float(n) * n,
        "the checked copy of the matrix",
    )
    if D.dtype.kind in "iub":
        D = D.astype(np.int64)
    elif D.dtype.kind == "f":
        D = D.astype(np.float64)
    else:
        raise parameter_error(cls, "distances", "an array of real numbers", D)
    off = ~np.eye(n, dtype=bool)
    if not np.all(np.isfinite(D[off])) or np.any(D[off] < 0):
        raise parameter_error(
            cls, "distances", "finite and non-negative off the diagonal", D
        )
    if symmetric and not np.array_equal(D, D.T):
        raise parameter_error(
            cls, "distances", "symmetric (use ATSP for asymmetric distances)", D
        )
    D = np.array(D, copy=True)
    D.flags.writeable = False
    return D
