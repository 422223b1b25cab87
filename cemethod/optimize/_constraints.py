"""Constraints given as scipy objects: validation and the batch violation.

``minimize(..., constraints=...)`` takes a callable ``X -> violation (n,)`` (used
as it is) or scipy's ``LinearConstraint``, ``NonlinearConstraint`` and ``Bounds``
objects, alone or in a list. The objects are checked here once (shapes against
the family's dimension, NaN, ``lb <= ub``, a non-empty linear feasible set) and
turned into a :class:`ConstraintSet`: a callable giving the violation of a batch
for the CE ranking, which also keeps the objects for the final local polish
(:mod:`cemethod.optimize._polish`).
"""

from __future__ import annotations

import numpy as np

from cemethod._validation import format_value

__all__ = ["ConstraintSet", "as_constraints"]

_KINDS = "LinearConstraint, NonlinearConstraint or Bounds"


def _error(func, rule, value):
    return ValueError(
        f"The 'constraints' parameter of {func} must be {rule}. "
        f"Got {format_value(value)} instead."
    )


def _side(value, m, func, what):
    """``lb`` or ``ub`` of a constraint as a float array of shape (m,)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _error(func, f"a {what} with numeric bounds", value) from None
    arr = np.atleast_1d(arr)
    if m is None:  # NonlinearConstraint: checked against fun's output later
        m = arr.size
    if arr.shape == (1,):
        arr = np.full(m, float(arr[0]))
    if arr.shape != (m,):
        raise _error(
            func, f"a {what} whose lb and ub have {m} entries (one per row)", arr
        )
    if np.isnan(arr).any():
        raise _error(func, f"a {what} whose lb and ub are not NaN", arr)
    return arr


def _sides(item, m, func, what):
    lb = _side(item.lb, m, func, what)
    ub = _side(item.ub, lb.size if m is None and lb.size > 1 else m, func, what)
    if lb.size == 1 and ub.size > 1:
        lb = np.full(ub.size, lb[0])
    if np.any(lb > ub):
        raise _error(func, f"a {what} with lb <= ub in every row", np.stack([lb, ub]))
    if np.any(lb == ub):
        # The CE method samples a continuous family: an equality (a set of
        # measure zero) is never met exactly, so no sample would be feasible.
        raise _error(
            func,
            f"a {what} without equality rows (lb == ub): the CE method never "
            "samples a point on a set of measure zero; eliminate the equality by "
            "substitution, or pass a callable violation with your own tolerance",
            np.stack([lb, ub]),
        )
    return lb, ub


def _excess(g, lb, ub):
    """Sum over rows of how far ``g`` (n, m) lies outside ``[lb, ub]``."""
    with np.errstate(invalid="ignore"):
        out = np.maximum(lb - g, 0.0) + np.maximum(g - ub, 0.0)
    return out.sum(axis=1)


class ConstraintSet:
    """Validated scipy constraint objects over points of dimension ``dim``.

    Calling it on a batch ``X`` (n, dim) returns the violation (n,): the sum,
    over every constraint row, of the distance of ``A @ x`` (or ``fun(x)``) to
    ``[lb, ub]``. It is exactly 0 on the feasible set, without tolerance.
    """

    def __init__(self, linear, nonlinear, bounds, objects, dim):
        self.linear = linear  # list of (A (m, d), lb (m,), ub (m,))
        self.nonlinear = nonlinear  # list of (fun, lb, ub)
        self.bounds = bounds  # (lb (d,), ub (d,)) or None
        self.objects = objects  # the scipy objects, for the polish
        self.dim = dim

    def __call__(self, X):
        X = np.asarray(X, dtype=np.float64)
        X2 = X.reshape(X.shape[0], -1)
        v = np.zeros(X2.shape[0])
        if self.bounds is not None:
            v += _excess(X2, *self.bounds)
        for A, lb, ub in self.linear:
            v += _excess(X2 @ A.T, lb, ub)
        for fun, lb, ub in self.nonlinear:
            g = np.array([np.atleast_1d(fun(x)).astype(np.float64) for x in X2])
            m = lb.size if lb.size > 1 else g.shape[-1] if g.ndim == 2 else 0
            if g.shape != (X2.shape[0], m) or not np.all(np.isfinite(g)):
                raise ValueError(
                    "The 'fun' of a NonlinearConstraint in 'constraints' must "
                    f"return {lb.size if lb.size > 1 else 'the same number of'} "
                    f"finite numbers per point. Got {format_value(g)} instead."
                )
            v += _excess(g, lb, ub)
        # NaN in X (never from a family sample) must not count as feasible.
        return np.where(np.isnan(v), np.inf, v)

    def scipy_constraints(self):
        """The linear and nonlinear objects (``Bounds`` go separately)."""
        from scipy.optimize import Bounds

        return [c for c in self.objects if not isinstance(c, Bounds)]


def as_constraints(constraints, family, func):
    """``None``, the user's callable, or a :class:`ConstraintSet`."""
    if constraints is None or callable(constraints):
        return constraints
    from scipy.optimize import Bounds, LinearConstraint, NonlinearConstraint

    kinds = (LinearConstraint, NonlinearConstraint, Bounds)
    items = constraints if isinstance(constraints, (list, tuple)) else [constraints]
    if not items or not all(isinstance(c, kinds) for c in items):
        raise TypeError(
            f"The 'constraints' parameter of {func} must be None, a callable "
            f"X -> violation (n,), or a scipy {_KINDS} object or a list of them. "
            f"Got {format_value(constraints)} instead."
        )
    dim = getattr(family, "dim", None)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"The 'constraints' parameter of {func} takes scipy {_KINDS} objects "
            "only with a family of real vectors (one with a 'dim'). Got the "
            f"family {type(family).__name__} instead."
        )
    dim = int(dim)
    linear, nonlinear, bounds = [], [], None
    for item in items:
        if isinstance(item, LinearConstraint):
            A = np.asarray(item.A.toarray() if hasattr(item.A, "toarray") else item.A)
            A = np.atleast_2d(A.astype(np.float64))
            if A.ndim != 2 or A.shape[1] != dim:
                raise _error(
                    func,
                    f"a LinearConstraint whose A has {dim} columns (the family's "
                    "dimension)",
                    A,
                )
            if not np.all(np.isfinite(A)):
                raise _error(func, "a LinearConstraint with a finite A", A)
            linear.append((A, *_sides(item, A.shape[0], func, "LinearConstraint")))
        elif isinstance(item, NonlinearConstraint):
            sides = _sides(item, None, func, "NonlinearConstraint")
            nonlinear.append((item.fun, *sides))
        else:
            if bounds is not None:
                raise _error(func, "a list with at most one Bounds", constraints)
            bounds = _sides(item, dim, func, "Bounds")
    _check_feasible(linear, bounds, dim, func)
    return ConstraintSet(linear, nonlinear, bounds, list(items), dim)


def _check_feasible(linear, bounds, dim, func):
    """A linear program with a zero objective: is the polytope empty?"""
    if not linear:
        return
    from scipy.optimize import linprog

    A = np.vstack([a for a, _, _ in linear])
    lb = np.concatenate([lo for _, lo, _ in linear])
    ub = np.concatenate([hi for _, _, hi in linear])
    rows_ub = [A[np.isfinite(ub)], -A[np.isfinite(lb)]]
    rhs = [ub[np.isfinite(ub)], -lb[np.isfinite(lb)]]
    box = [(None, None)] * dim
    if bounds is not None:
        box = [
            (None if np.isinf(lo) else lo, None if np.isinf(hi) else hi)
            for lo, hi in zip(*bounds, strict=True)
        ]
    res = linprog(
        np.zeros(dim),
        A_ub=np.vstack(rows_ub),
        b_ub=np.concatenate(rhs),
        bounds=box,
        method="highs",
    )
    if res.status == 2:
        raise ValueError(
            f"The 'constraints' parameter of {func} must describe a non-empty "
            "feasible set. Got linear constraints (and bounds) that no point "
            "satisfies (scipy.optimize.linprog: infeasible)."
        )
