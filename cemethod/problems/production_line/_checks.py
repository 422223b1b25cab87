"""Checks of the description of serial production lines (rates, buffers)."""

from __future__ import annotations

import numpy as np

from cemethod._validation import parameter_error

__all__ = [
    "MAX_CANDIDATES",
    "MAX_STEPS",
    "check_candidates",
    "check_integral",
    "check_line",
    "check_steps",
]


def check_integral(x, *, param: str, func: str, width: int) -> np.ndarray:
    """A 1-D or 2-D array of integer values (any numeric dtype) as a 2-D int64
    array with ``width`` columns, and whether the input was 1-D."""
    arr = np.asarray(x)
    single = arr.ndim == 1
    if arr.ndim not in (1, 2) or arr.shape[-1] != width or arr.size == 0:
        raise parameter_error(
            func, param, f"a non-empty 1-D or 2-D array with {width} columns", arr
        )
    if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype.kind in "fb"):
        raise parameter_error(func, param, "an array of integers", arr)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise parameter_error(func, param, "an array of integer values", arr)
    return np.atleast_2d(arr).astype(np.int64), single


def _rates(x, param, func, m, positive, default):
    if x is None:
        return np.full((1, m), default)
    arr = np.asarray(x, dtype=float) if np.ndim(x) else np.full(m, float(x))
    if arr.ndim not in (1, 2) or arr.shape[-1] != m:
        raise parameter_error(
            func, param, f"a scalar or a 1-D or 2-D array with {m} columns", arr
        )
    ok = np.isfinite(arr) & ((arr > 0) if positive else (arr >= 0))
    if not np.all(ok):
        rule = "finite and > 0" if positive else "finite and >= 0"
        raise parameter_error(func, param, rule, arr)
    return np.atleast_2d(arr)


def check_line(func, service_rates, buffers, failure_rates, repair_rates):
    """Validated line batch ``(mu, f, r, cap, single)``: ``mu, f, r`` float
    arrays of shape (n, m), ``cap`` int64 of shape (n, m - 1), broadcast to
    one batch size ``n``; ``single`` when every input was one line."""
    try:
        mu0 = np.asarray(service_rates, dtype=float)
    except (TypeError, ValueError):
        raise parameter_error(
            func, "service_rates", "an array of positive rates", service_rates
        ) from None
    if mu0.ndim not in (1, 2) or mu0.shape[-1] < 2:
        raise parameter_error(
            func,
            "service_rates",
            "a 1-D or 2-D array with one column per machine (at least 2)",
            mu0,
        )
    m = mu0.shape[-1]
    mu = _rates(mu0, "service_rates", func, m, True, 1.0)
    f = _rates(failure_rates, "failure_rates", func, m, False, 0.0)
    r = _rates(repair_rates, "repair_rates", func, m, True, 1.0)
    cap, single = check_integral(buffers, param="buffers", func=func, width=m - 1)
    if np.any(cap < 0):
        raise parameter_error(func, "buffers", "capacities >= 0", cap)
    single = single and all(
        np.ndim(a) <= 1 for a in (service_rates, failure_rates, repair_rates)
    )
    sizes = {a.shape[0] for a in (mu, f, r, cap)} - {1}
    if len(sizes) > 1:
        raise parameter_error(
            func, "buffers", "a batch of the same size as the rate arrays", cap
        )
    n = sizes.pop() if sizes else 1
    mu, f, r = (np.broadcast_to(a, (n, m)) for a in (mu, f, r))
    cap = np.broadcast_to(cap, (n, m - 1))
    return mu, f, r, cap, single


# Default bound on the steps of one simulated line (rate * (warmup + horizon)):
# some 0.1-1 s for one line, 1000 times the default sizes.
MAX_STEPS = 10_000_000
# Default bound on the decisions an enumeration solves exactly (one Markov
# chain each).
MAX_CANDIDATES = 100_000


def check_candidates(func, count: int, max_candidates: int) -> None:
    if count > max_candidates:
        raise ValueError(
            f"{func}: {count} decisions to try, each by an exact Markov chain, "
            f"more than max_candidates={max_candidates}; the enumeration is for "
            "small lines (raise max_candidates if it is meant to run this long)"
        )


def check_steps(func, rate: float, warmup: float, horizon: float, max_steps: int):
    """The uniformized simulation takes ``rate * (warmup + horizon)`` steps a
    line: a bound on the work of one evaluation, checked before any."""
    steps = rate * (warmup + horizon)
    if not steps <= max_steps:
        raise ValueError(
            f"{func}: a simulation of warmup + horizon = {warmup + horizon:g} "
            f"time units at the line's event rate {rate:g} takes about "
            f"{steps:.3g} steps a line, more than max_steps={max_steps}; shorten "
            "the horizon or the warmup, lower the rates, or raise max_steps "
            "(cemethod buffer: --max-steps)"
        )
