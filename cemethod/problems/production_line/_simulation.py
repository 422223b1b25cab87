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
working) / k`` (the "busy" estimator). Both are consistent; on the lines of
the tests and of Pichitlamken et al. (2006) the completions count had the
smaller variance (its time per step is already the conditional expectation
``1 / Lambda``), so it is the default.

Every step advances all lines of a batch: lines differ in their rates and
capacities, and each reads the uniforms of its own stream, so lines that share
a stream (the replications of different candidates) use common random numbers.
With numba the kernel loops over lines compiled; without it the numpy kernel
advances all lines one step at a time with array operations (same uniforms,
same counts, far slower).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.stats

from cemethod._limits import check_memory
from cemethod._validation import (
    check_choice,
    check_int_at_least,
    check_real,
    parameter_error,
)
from cemethod.problems.production_line._checks import (
    MAX_STEPS,
    check_line,
    check_steps,
)
from cemethod.problems.production_line._markov import BLOCKED, DOWN, STARVED, WORKING

__all__ = [
    "ThroughputEstimate",
    "compiled_kernel",
    "run_replications",
    "simulate_line_throughput",
    "simulate_lines",
]

_CHUNK_UNIFORMS = 1 << 22  # uniforms per chunk of steps (32 MB of float64)
_compiled: tuple | None = None


def compiled_kernel():
    """The numba kernel, or None when numba is not installed (imported once)."""
    global _compiled
    if _compiled is None:
        try:
            from cemethod.problems.production_line import _simulation_numba as nb
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


def run_replications(
    mu, f, r, cap, lam, *, horizon, warmup, replications, rng, common, estimator,
    compiled=None,
):  # fmt: skip
    """Throughput of every line in every replication, shape (n, replications).

    With ``common`` the replication ``j`` of every line reads stream ``j``
    (common random numbers); otherwise every (line, replication) has its own.
    """
    n = mu.shape[0]
    # every (line, replication) pair is a simulated line: its rates, state and
    # buffer levels (about 41 bytes a machine) and counters
    check_memory(
        "the line simulation",
        f"{n} lines x replications={replications}",
        float(n) * replications * (41.0 * mu.shape[1] + 80.0),
        "the state of the simulated lines",
    )
    rep = lambda a: np.repeat(a, replications, axis=0)  # noqa: E731
    lam_l = rep(lam)
    warm = np.ceil(warmup * lam_l).astype(np.int64)
    measured = np.maximum(np.ceil(horizon * lam_l).astype(np.int64), 1)
    if common:
        stream, n_streams = np.tile(np.arange(replications), n), replications
    else:
        stream, n_streams = np.arange(n * replications), n * replications
    done, busy = simulate_lines(
        rep(mu), rep(f), rep(r), rep(cap), lam_l, warm, warm + measured, rng,
        stream, n_streams, compiled,
    )  # fmt: skip
    if estimator == "completions":
        values = done * lam_l / measured
    else:  # "busy": mu_{m-1} * P(last machine working)
        values = rep(mu)[:, -1] * busy / measured
    return values.reshape(n, replications)


@dataclass(frozen=True)
class ThroughputEstimate:
    """Simulated throughput: mean over replications and its standard error.

    Attributes
    ----------
    mean, std_error : float or ndarray of shape (n,)
        Mean of the replications and ``std(ddof=1) / sqrt(replications)``
        (NaN with one replication).
    values : ndarray of shape (replications,) or (n, replications)
        The throughput of each replication.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems import ThroughputEstimate
    >>> est = ThroughputEstimate(1.0, 0.1, np.array([0.9, 1.1, 1.0]))
    >>> [round(float(v), 3) for v in est.confidence_interval(0.95)]
    [0.57, 1.43]
    """

    mean: float | np.ndarray
    std_error: float | np.ndarray
    values: np.ndarray

    def confidence_interval(self, level: float = 0.95):
        """Student-t interval ``mean -+ t * std_error`` as ``(low, high)``."""
        level = check_real(
            level,
            param="level",
            func="ThroughputEstimate.confidence_interval",
            low=0.0,
            high=1.0,
            low_inclusive=False,
            high_inclusive=False,
        )
        k = np.shape(self.values)[-1]
        half = scipy.stats.t.ppf(0.5 + level / 2, max(k - 1, 1)) * self.std_error
        return self.mean - half, self.mean + half


def simulate_line_throughput(
    service_rates,
    buffers,
    failure_rates=None,
    repair_rates=None,
    *,
    horizon=1000.0,
    warmup=100.0,
    replications=10,
    rng=None,
    common_random_numbers=True,
    estimator="completions",
    compiled=None,
    max_steps=MAX_STEPS,
) -> ThroughputEstimate:
    """Steady-state throughput of serial production lines by simulation.

    Each replication starts from the empty line, runs ``warmup`` time units,
    then counts for ``horizon`` time units (uniformized CTMC, module
    docstring); lines of a batch run together.

    Parameters
    ----------
    service_rates, buffers, failure_rates, repair_rates
        The lines, as in :func:`line_throughput` (1-D for one line, 2-D for a
        batch).
    horizon : float, default=1000.0
        Measured time per replication.
    warmup : float, default=100.0
        Time discarded at the start of each replication.
    replications : int, default=10
        Independent replications per line.
    rng : None, int or numpy.random.Generator
        Source of the uniforms.
    common_random_numbers : bool, default=True
        Replication ``j`` of every line of the batch reads the same uniforms,
        which makes differences between lines much less noisy.
    estimator : {"completions", "busy"}, default="completions"
        Parts completed by the last machine per unit time, or ``mu_{m-1}``
        times the fraction of time the last machine works.
    compiled : None or bool
        Use the numba kernel (None: when numba is installed; False: the numpy
        kernel, same results).
    max_steps : int, default=10_000_000
        Refuse lines whose simulation takes more steps than this (about
        ``sum(max(mu + f, r)) * (warmup + horizon)`` a replication).

    Returns
    -------
    ThroughputEstimate

    Examples
    --------
    >>> from cemethod.problems import line_throughput, simulate_line_throughput
    >>> est = simulate_line_throughput([1.0, 1.2, 0.9], [2, 1], rng=0)
    >>> exact = line_throughput([1.0, 1.2, 0.9], [2, 1])
    >>> low, high = est.confidence_interval(0.99)
    >>> bool(low < exact < high), est.values.shape
    (True, (10,))
    """
    func = "simulate_line_throughput"
    mu, f, r, cap, single = check_line(
        func, service_rates, buffers, failure_rates, repair_rates
    )
    horizon = check_real(
        horizon, param="horizon", func=func, low=0.0, low_inclusive=False
    )
    warmup = check_real(warmup, param="warmup", func=func, low=0.0)
    replications = check_int_at_least(replications, param="replications", func=func)
    if not isinstance(common_random_numbers, (bool, np.bool_)):
        raise parameter_error(
            func, "common_random_numbers", "a bool", common_random_numbers
        )
    check_choice(estimator, ("completions", "busy"), param="estimator", func=func)
    if compiled not in (None, True, False):
        raise parameter_error(func, "compiled", "None, True or False", compiled)
    max_steps = check_int_at_least(max_steps, param="max_steps", func=func)
    lam = np.maximum(mu + f, r).sum(axis=1)
    check_steps(func, float(lam.max()), warmup, horizon, max_steps)
    rng = np.random.default_rng(rng)
    values = run_replications(
        mu, f, r, cap, lam, horizon=horizon, warmup=warmup,
        replications=replications, rng=rng, common=bool(common_random_numbers),
        estimator=estimator, compiled=compiled,
    )  # fmt: skip
    mean = values.mean(axis=1)
    if replications > 1:
        se = values.std(axis=1, ddof=1) / np.sqrt(replications)
    else:
        se = np.full(mean.shape, np.nan)
    if single:
        return ThroughputEstimate(float(mean[0]), float(se[0]), values[0])
    return ThroughputEstimate(mean, se, values)
