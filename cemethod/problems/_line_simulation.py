"""Batch simulation of serial production lines by uniformization.

The line is the continuous-time Markov chain of ``_line_markov`` (exponential
processing, operation-dependent failures and repairs, finite buffers, blocking
after service). Uniformization (Jensen 1953; Ross, "Stochastic Processes",
2nd ed., Sec. 5.8) turns it into a discrete-time chain: with a rate ``Lambda``
at least the sum over machines of ``c_i = max(mu_i + f_i, r_i)``, every step
draws one uniform ``u`` and the point ``u * Lambda`` names a machine and one of
its possible events (completion, failure, repair) or nothing. This is exact for
exponential lines, and the time per step is ``1 / Lambda`` on average, so the
throughput after ``k`` measured steps is ``completions * Lambda / k``
(the "completions" estimator) or ``mu_{m-1} * (steps with the last machine
working) / k`` (the "busy" estimator, a conditional expectation of the first,
with a smaller variance).

Every step advances all lines of a batch: lines differ in their rates and
capacities, and each reads the uniforms of its own stream, so lines that share
a stream (the replications of different candidates) use common random numbers.
With numba the kernel loops over lines compiled; without it the numpy kernel
advances all lines one step at a time with array operations (same uniforms,
same counts, far slower).
"""

from __future__ import annotations

import numpy as np

from cemethod.problems._line_markov import BLOCKED, DOWN, STARVED, WORKING

__all__ = ["compiled_kernel", "simulate_lines"]

_CHUNK_UNIFORMS = 1 << 22  # uniforms per chunk of steps (32 MB of float64)
_compiled: tuple | None = None


def compiled_kernel():
    """The numba kernel, or None when numba is not installed (imported once)."""
    global _compiled
    if _compiled is None:
        try:
            from cemethod.problems import _line_simulation_numba as nb
        except (ImportError, RuntimeError):
            # RuntimeError: numba found no writable cache location.
            _compiled = ()
        else:
            _compiled = (nb.advance_compiled,)
    return _compiled[0] if _compiled else None


def _pull_numpy(state, level, lines, j):
    """The release cascade of ``_line_markov._pull`` for many lines at once."""
    while lines.size:
        first = j == 0
        state[lines[first], 0] = WORKING
        lines, j = lines[~first], j[~first]
        blocked = state[lines, j - 1] == BLOCKED
        state[lines, j] = np.where(
            blocked | (level[lines, j - 1] > 0), WORKING, STARVED
        )
        take = ~blocked & (level[lines, j - 1] > 0)
        level[lines[take], j[take] - 1] -= 1
        lines, j = lines[blocked], j[blocked] - 1


def _advance_numpy(
    state, level, mu, f, r, cap, lam, u, stream, t0, warm, total, done, busy
):
    n_lines, m = mu.shape
    rows = np.arange(n_lines)
    cum = np.cumsum(np.maximum(mu + f, r), axis=1)
    start = np.concatenate([np.zeros((n_lines, 1)), cum[:, :-1]], axis=1)
    for t in range(t0, t0 + u.shape[1]):
        active = t < total
        if not active.any():
            break
        measuring = active & (t >= warm)
        busy += measuring & (state[:, m - 1] == WORKING)
        x = u[stream, t - t0] * lam
        i = (cum <= x[:, None]).sum(axis=1)  # first machine with x < cum
        ok = active & (i < m)
        i = np.minimum(i, m - 1)
        off = x - start[rows, i]
        s = state[rows, i]
        mu_i = mu[rows, i]
        working = ok & (s == WORKING)
        comp = working & (off < mu_i)
        fail = working & ~comp & (off < mu_i + f[rows, i])
        repair = ok & (s == DOWN) & (off < r[rows, i])
        state[rows[fail], i[fail]] = DOWN
        state[rows[repair], i[repair]] = WORKING
        lines, mi = rows[comp], i[comp]
        last = mi == m - 1
        done[lines[last]] += measuring[lines[last]]
        pull_l, pull_j = [lines[last]], [mi[last]]
        lines, mi = lines[~last], mi[~last]
        starved = state[lines, mi + 1] == STARVED
        state[lines[starved], mi[starved] + 1] = WORKING
        room = ~starved & (level[lines, mi] < cap[lines, mi])
        level[lines[room], mi[room]] += 1
        full = ~starved & ~room
        state[lines[full], mi[full]] = BLOCKED
        moved = starved | room
        pull_l.append(lines[moved])
        pull_j.append(mi[moved])
        _pull_numpy(state, level, np.concatenate(pull_l), np.concatenate(pull_j))


def simulate_lines(
    mu, f, r, cap, lam, warm, total, rng, stream, n_streams, compiled=None
):
    """Run a batch of lines; return (completions, busy steps) in the measured
    steps ``warm <= t < total`` (arrays of shape (n_lines,)).

    ``mu, f, r`` are (L, m) floats, ``cap`` (L, m - 1) ints, ``lam`` (L,) the
    uniformization rates, ``warm``/``total`` (L,) step counts. Stream ``k``
    reads the uniforms ``rng.random((n_streams, chunk))[k]`` chunk after chunk;
    line ``l`` follows stream ``stream[l]``. Kernels do not validate input.
    """
    n_lines, m = mu.shape
    kernel = compiled_kernel() if compiled in (None, True) else None
    if compiled and kernel is None:
        raise ImportError("numba is not installed")
    if kernel is None:
        kernel = _advance_numpy
    state = np.full((n_lines, m), STARVED, dtype=np.int8)
    state[:, 0] = WORKING
    level = np.zeros((n_lines, max(m - 1, 1)), dtype=np.int64)
    cap = np.ascontiguousarray(cap, dtype=np.int64).reshape(n_lines, -1)
    if cap.shape[1] == 0:
        cap = np.zeros((n_lines, 1), dtype=np.int64)
    done = np.zeros(n_lines, dtype=np.int64)
    busy = np.zeros(n_lines, dtype=np.int64)
    args = [np.ascontiguousarray(a, dtype=np.float64) for a in (mu, f, r, lam)]
    stream = np.ascontiguousarray(stream, dtype=np.intp)
    warm = np.ascontiguousarray(warm, dtype=np.int64)
    total = np.ascontiguousarray(total, dtype=np.int64)
    n_steps = int(total.max()) if n_lines else 0
    chunk = max(1, min(n_steps, _CHUNK_UNIFORMS // max(n_streams, 1)))
    for t0 in range(0, n_steps, chunk):
        u = rng.random((n_streams, min(chunk, n_steps - t0)))
        kernel(
            state, level, *args[:3], cap, args[3], u, stream, t0, warm, total, done,
            busy,
        )  # fmt: skip
    return done, busy
