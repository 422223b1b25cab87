"""Screening of the parameters that do not matter for a rare event.

Rubinstein & Kroese (2004), and Rubinstein & Kroese, "Simulation and the Monte
Carlo Method" (2nd ed., 2008), ch. 8 (the CE screening method): a
parameter whose relative perturbation ``|v_i - u_i| / |u_i|`` after a CE
update stays below a threshold ``delta`` is taken as irrelevant ("not a
bottleneck"): it is reset to its nominal value ``u_i`` and stays there at
every later level. Fewer free parameters means less noise in the likelihood
ratio, hence a smaller variance; the estimator stays unbiased because any
importance-sampling family is allowed.

The parameters of a family are read generically: the fields of a dataclass
family that hold 1-D float arrays (``Exponential.mean``, ``Gaussian.mean`` and
``Gaussian.std``, ``Bernoulli.p``, ...), recursively through ``Product``
parts. A nominal parameter equal to 0 (a Gaussian mean of 0) uses the
absolute perturbation ``|v_i|`` instead.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from cemethod._validation import format_value

__all__ = []


def _param_fields(family):
    """Names of the screenable fields and of the nested family fields."""
    if not dataclasses.is_dataclass(family):
        return None
    arrays, nested = [], []
    for f in dataclasses.fields(family):
        value = getattr(family, f.name)
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            if value.ndim != 1:
                return None
            arrays.append(f.name)
        elif (
            isinstance(value, tuple)
            and value
            and all(dataclasses.is_dataclass(p) for p in value)
        ):
            nested.append(f.name)
    return arrays, nested


def check_screenable(family, func: str) -> None:
    """Raise TypeError unless screening can read the family's parameters."""
    fields = _param_fields(family)
    ok = fields is not None and (fields[0] or fields[1])
    if ok:
        for name in fields[1]:
            for part in getattr(family, name):
                check_screenable(part, func)
        return
    raise TypeError(
        f"The 'screening' parameter of {func} needs a family whose parameters are "
        "1-D float arrays in dataclass fields (Exponential, Gaussian, Bernoulli, "
        f"Gamma, Product of them). Got {format_value(family)} instead."
    )


def screen(updated, nominal, frozen: dict, delta: float, path=()):
    """Reset the parameters of ``updated`` that moved less than ``delta``.

    ``frozen`` maps a field path to a boolean mask of the parameters already
    screened out; it is updated in place (a screened parameter stays
    nominal). Returns the new family.
    """
    arrays, nested = _param_fields(updated)
    changes = {}
    for name in arrays:
        v = getattr(updated, name)
        u = getattr(nominal, name)
        key = (*path, name)
        scale = np.where(u != 0, np.abs(u), 1.0)
        mask = frozen.get(key, np.zeros(u.shape, dtype=bool))
        mask = mask | (np.abs(v - u) / scale < delta)
        frozen[key] = mask
        if mask.any():
            changes[name] = np.where(mask, u, v)
    for name in nested:
        parts = tuple(
            screen(p, q, frozen, delta, (*path, name, i))
            for i, (p, q) in enumerate(
                zip(getattr(updated, name), getattr(nominal, name), strict=True)
            )
        )
        changes[name] = parts
    return dataclasses.replace(updated, **changes) if changes else updated


def n_screened(frozen: dict) -> int:
    """How many parameters have been reset to nominal."""
    return int(sum(int(m.sum()) for m in frozen.values()))
