"""Parameter checks with one message format, shared by cemethod and sklearn_ext.

Messages name the function, the parameter, the rule and the offending value
(house rule 2 of DESIGN.md), e.g.::

    The 'elite_fraction' parameter of minimize must be a real number in (0, 1].
    Got 1.5 instead.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_choice", "check_real", "format_value", "parameter_error"]


def format_value(value, limit: int = 6) -> str:
    """A short, readable rendering of an offending value for an error message."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()
        shown = ", ".join(repr(v) for v in flat[:limit].tolist())
        more = ", ..." if flat.size > limit else ""
        return f"array([{shown}{more}]) of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parameter_error(func: str, param: str, rule: str, value) -> ValueError:
    """The ValueError of house rule 2: function, parameter, rule and value."""
    return ValueError(
        f"The {param!r} parameter of {func} must be {rule}. "
        f"Got {format_value(value)} instead."
    )


def check_choice(value, choices, *, param: str, func: str):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        rule = "one of " + ", ".join(repr(c) for c in choices)
        raise parameter_error(func, param, rule, value)
    return value


def check_real(
    value,
    *,
    param: str,
    func: str,
    low: float = -math.inf,
    high: float = math.inf,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float after checking it is a real number in range."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = not math.isnan(value)
        ok = ok and (value >= low if low_inclusive else value > low)
        ok = ok and (value <= high if high_inclusive else value < high)
    if not ok:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        raise parameter_error(
            func, param, f"a real number in {left}{low}, {high}{right}", value
        )
    return value


def check_int_at_least(value, *, param: str, func: str, low: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= low``."""
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise parameter_error(func, param, f"an integer >= {low}", value)
    return int(value)


def check_open_unit(value, *, param: str, func: str) -> float:
    """Return ``value`` as a float after checking it is a real number in (0, 1)."""
    return check_real(
        value,
        param=param,
        func=func,
        low=0.0,
        high=1.0,
        low_inclusive=False,
        high_inclusive=False,
    )


def check_confidence_level(value, *, func: str) -> float:
    """Return ``confidence_level`` as a float after checking it is in (0, 1)."""
    return check_open_unit(value, param="confidence_level", func=func)
