"""check_problem: the conformance kit for optimization problems.

A problem is any object with a vectorized ``__call__(X) -> (n,)``, a
``direction`` ("minimize" or "maximize"), a ``default_family()`` and, where
known, ``optimum`` and ``optimal_solution`` (DESIGN.md, "Problems").
:func:`check_problem` runs a battery of checks that use nothing else (plus
``evaluate_one`` and ``is_feasible`` when the problem offers them), so it
applies to this package's problems and to a user's own. A failed check raises
``AssertionError`` naming the check and what went wrong.
"""

from __future__ import annotations

import math

import numpy as np

from cemethod.optimize._options import check_int

__all__ = ["check_problem"]


def _fail(check: str, message: str):
    raise AssertionError(f"check_problem[{check}]: {message}")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or a == b


def check_problem(problem, *, n_samples=64, rng=0):
    """Check that ``problem`` behaves as a cross-entropy optimization problem.

    The checks, in order:

    - ``direction``: ``problem.direction`` is "minimize" or "maximize";
    - ``default_family``: it returns an object with ``sample``, ``fit`` and
      ``mode``, whose ``sample(n_samples, rng)`` has ``n_samples`` rows;
    - ``feasible``: if the problem defines ``is_feasible(X)``, it is True for
      every sampled row and returns a boolean array of shape ``(n,)``;
    - ``values``: ``problem(X)`` is a float array of shape ``(n,)``, with no
      NaN, and does not modify ``X``;
    - ``vectorized``: ``problem(X)`` equals, row by row, the reference
      ``problem.evaluate_one(x)`` if defined, else ``problem(x[None])``
      (relative tolerance 1e-9);
    - ``default_options``: if defined, a dict;
    - ``optimum``: if ``optimum`` is not None, it is finite, no sample beats it
      (in the problem's direction), and, when ``optimal_solution`` is given,
      the objective there equals ``optimum``.

    Parameters
    ----------
    problem : object
        The problem to check.
    n_samples : int, default=64
        Size of the batch drawn from ``problem.default_family()``.
    rng : None, int or numpy.random.Generator, default=0
        Source of the batch.

    Raises
    ------
    AssertionError
        With ``check_problem[<check>]: <explanation>`` when a check fails.

    Examples
    --------
    >>> from cemethod.problems import MaxCut, Rastrigin
    >>> from cemethod.testing import check_problem
    >>> check_problem(Rastrigin(5))
    >>> check_problem(MaxCut.synthetic(10, 5, rng=0))
    """
    n_samples = check_int(n_samples, param="n_samples", func="check_problem", low=1)
    rng = np.random.default_rng(rng)
    name = type(problem).__name__

    direction = getattr(problem, "direction", None)
    if direction not in ("minimize", "maximize"):
        _fail(
            "direction",
            f"{name}.direction must be 'minimize' or 'maximize', got {direction!r}.",
        )

    if not callable(getattr(problem, "default_family", None)):
        _fail("default_family", f"{name} has no callable default_family().")
    family = problem.default_family()
    for method in ("sample", "fit", "mode"):
        if not callable(getattr(family, method, None)):
            _fail(
                "default_family",
                f"{name}.default_family() returned {type(family).__name__}, "
                f"which has no {method}() method.",
            )
    X = np.asarray(family.sample(n_samples, rng))
    if X.ndim < 1 or X.shape[0] != n_samples:
        _fail(
            "default_family",
            f"default_family().sample({n_samples}, rng) returned shape {X.shape}, "
            f"expected {n_samples} rows.",
        )

    if callable(getattr(problem, "is_feasible", None)):
        ok = np.asarray(problem.is_feasible(X))
        if ok.shape != (n_samples,) or ok.dtype != bool:
            _fail(
                "feasible",
                f"{name}.is_feasible(X) must return a bool array of shape "
                f"({n_samples},), got dtype {ok.dtype} and shape {ok.shape}.",
            )
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            _fail(
                "feasible",
                f"the default family sampled an infeasible row ({int((~ok).sum())} "
                f"of {n_samples}); the first is row {bad}: {X[bad]!r}.",
            )

    before = X.copy()
    values = np.asarray(problem(X))
    if values.shape != (n_samples,):
        _fail(
            "values",
            f"{name}(X) for X of shape {X.shape} returned shape {values.shape}, "
            f"expected ({n_samples},).",
        )
    if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values):
        _fail("values", f"{name}(X) returned dtype {values.dtype}, not real numbers.")
    values = values.astype(float)
    if np.isnan(values).any():
        _fail("values", f"{name}(X) returned NaN for feasible samples.")
    if not np.array_equal(X, before):
        _fail("values", f"{name}(X) modified its input X.")

    one = getattr(problem, "evaluate_one", None)
    reference = "evaluate_one(x)" if callable(one) else "a one-row batch"
    for i in range(n_samples):
        ref = float(one(X[i])) if callable(one) else float(problem(X[i : i + 1])[0])
        if not _close(values[i], ref):
            _fail(
                "vectorized",
                f"row {i}: {name}(X)[{i}] = {values[i]!r} but {reference} gives "
                f"{ref!r}.",
            )

    options = getattr(problem, "default_options", None)
    if callable(options) and not isinstance(options(), dict):
        _fail("default_options", f"{name}.default_options() must return a dict.")

    optimum = getattr(problem, "optimum", None)
    if optimum is None:
        return
    optimum = float(optimum)
    if not math.isfinite(optimum):
        _fail("optimum", f"{name}.optimum must be finite or None, got {optimum!r}.")
    sign = 1.0 if direction == "minimize" else -1.0
    beaten = sign * values < sign * optimum - 1e-9 * max(1.0, abs(optimum))
    if beaten.any():
        i = int(np.flatnonzero(beaten)[0])
        _fail(
            "optimum",
            f"sample row {i} has value {values[i]!r}, better than the stated "
            f"optimum {optimum!r} ({direction}).",
        )
    x_star = getattr(problem, "optimal_solution", None)
    if x_star is None:
        return
    x_star = np.asarray(x_star)
    if x_star.shape != X.shape[1:]:
        _fail(
            "optimum",
            f"{name}.optimal_solution has shape {x_star.shape}, but samples have "
            f"shape {X.shape[1:]}.",
        )
    value = float(np.asarray(problem(x_star[None, ...]))[0])
    if not _close(value, optimum):
        _fail(
            "optimum",
            f"the objective at optimal_solution is {value!r}, not the stated "
            f"optimum {optimum!r}.",
        )
