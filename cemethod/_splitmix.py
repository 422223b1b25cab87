"""A small compiled random stream for numba kernels: splitmix64 (Steele, Lea &
Flood 2014).

Kernels that draw a variable number of variates take a ``uint64`` seed from the
caller's ``numpy.random.Generator`` and step this stream, so results depend on
the caller's generator only and never on numba's global random state.
"""

import numba
import numpy as np

__all__ = ["next_uniform", "uniform_below"]

_SCALE = 1.0 / 9007199254740992.0  # 2**-53


@numba.njit(cache=True, nogil=True)
def _next(state):  # pragma: no cover - compiled
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True)
def next_uniform(state):  # pragma: no cover - compiled
    """A uniform double in (0, 1] from the stream ``state[0]`` (never 0, so
    ``-log(u)`` is finite)."""
    return ((_next(state) >> np.uint64(11)) + 1) * _SCALE


@numba.njit(cache=True, nogil=True)
def uniform_below(state, k):  # pragma: no cover - compiled
    """A uniform integer in [0, k) from the stream ``state[0]``."""
    return int((_next(state) >> np.uint64(11)) * _SCALE * k)
