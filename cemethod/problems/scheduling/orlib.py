"""Readers for the OR-Library weighted tardiness files (Beasley, "OR-Library:
distributing test problems by electronic mail", J. Oper. Res. Soc. 41 (1990);
instances of Crauwels, Potts & Van Wassenhove 1998).

``wtN.txt`` holds the instances one after another as whitespace-separated
integers: for each instance ``N`` processing times, then ``N`` weights, then
``N`` due dates. ``wtoptN.txt`` holds one optimal (or best known) value per line.
"""

from __future__ import annotations

import numbers
import os
from importlib import resources

import numpy as np

from cemethod._validation import parameter_error
from cemethod.problems.scheduling._tardiness import WeightedTardiness

__all__ = ["load_wt40", "read_orlib_wt", "read_orlib_wt_optima"]


def _integers(path, func):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"The 'path' parameter of {func} must be a path. Got {path!r} instead."
        )
    values = []
    try:
        with open(path, encoding="utf-8-sig") as f:  # a byte-order mark is dropped
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(
            f"{func}: {os.fspath(path)!s}: not a UTF-8 text file"
        ) from None
    for lineno, line in enumerate(text.splitlines(), 1):
        for tok in line.split():
            try:
                value = int(tok)
            except ValueError:
                raise ValueError(
                    f"{func}: {os.fspath(path)!s}, line {lineno}: expected an "
                    f"integer, got {tok!r}."
                ) from None
            if abs(value) >= 2**63:  # the array below is int64
                raise ValueError(
                    f"{func}: {os.fspath(path)!s}, line {lineno}: the integer "
                    f"{tok} does not fit in 64 bits."
                )
            values.append(value)
    return np.array(values, dtype=np.int64)


def read_orlib_wt_optima(path) -> np.ndarray:
    """Optimal values from an OR-Library ``wtoptN.txt`` file, shape (n_instances,).

    Examples
    --------
    >>> from cemethod.problems.scheduling.orlib import _data_path, read_orlib_wt_optima
    >>> read_orlib_wt_optima(_data_path("wtopt40.txt"))[:3].tolist()
    [913.0, 1225.0, 537.0]
    """
    return _integers(path, "read_orlib_wt_optima").astype(float)


def read_orlib_wt(path, n_jobs: int = 40, optima=None) -> list[WeightedTardiness]:
    """Instances of an OR-Library ``wtN.txt`` file.

    Parameters
    ----------
    path : str or path-like
        The instance file.
    n_jobs : int, default=40
        Jobs per instance (40, 50 or 100 in the OR-Library).
    optima : str, path-like or array_like, optional
        The matching ``wtoptN.txt`` file or the optimal values, stored as each
        problem's ``optimum``.

    Returns
    -------
    list of WeightedTardiness

    Raises
    ------
    ValueError
        When the file has a non-integer token (message names file and line), or
        its number of integers is not a multiple of ``3 * n_jobs``, or the
        number of optima differs from the number of instances.

    Examples
    --------
    >>> from cemethod.problems.scheduling.orlib import _data_path, read_orlib_wt
    >>> probs = read_orlib_wt(_data_path("wt40.txt"))
    >>> len(probs), probs[0].n_jobs
    (125, 40)
    >>> probs[0].processing[:3].tolist()
    [26.0, 24.0, 79.0]
    """
    func = "read_orlib_wt"
    if (
        not isinstance(n_jobs, numbers.Integral)
        or isinstance(n_jobs, bool)
        or n_jobs < 1
    ):
        raise parameter_error(func, "n_jobs", "a positive integer", n_jobs)
    values = _integers(path, func)
    n_jobs = int(n_jobs)
    block = 3 * n_jobs
    if values.size == 0 or values.size % block:
        raise ValueError(
            f"{func}: {os.fspath(path)!s} holds {values.size} integers, not a "
            f"positive multiple of 3 * n_jobs = {block}."
        )
    data = values.reshape(-1, 3, n_jobs)
    if optima is None:
        opt = [None] * data.shape[0]
    else:
        if isinstance(optima, (str, os.PathLike)):
            opt = read_orlib_wt_optima(optima)
        else:
            opt = np.asarray(optima, dtype=float)
        if opt.shape != (data.shape[0],):
            raise parameter_error(
                func, "optima", f"{data.shape[0]} values (one per instance)", opt
            )
    return [
        WeightedTardiness(p, w, d, optimum=o)
        for (p, w, d), o in zip(data, opt, strict=True)
    ]


def _data_path(name: str):
    return resources.files("cemethod") / "data" / "orlib" / name


def load_wt40() -> list[WeightedTardiness]:
    """The 125 OR-Library 40-job instances shipped with the package, each with
    its optimal value as ``optimum``; record ``k`` is OR-Library instance
    ``k + 1``.

    Instance 1 has processing times 26, 24, 79, ... and optimum 913; the
    optima read 913, 1225, 537, ... Some copies of ``wt40.txt`` in circulation
    (the project's shared one among them) start with instance 20 (processing
    times 100, 47, 68, ..., optimum 63229); the shipped file has it in its
    place after instance 19. The pairing is checked in
    tests/problems/scheduling/test_scheduling_orlib.py (the due dates of every
    record lie in the window of its (TF, RDD) group; heuristic and CE orders
    reach the listed values exactly and never go below one).

    Examples
    --------
    >>> from cemethod.problems import load_wt40
    >>> probs = load_wt40()
    >>> len(probs), probs[0].processing[:3].tolist(), probs[0].optimum
    (125, [26.0, 24.0, 79.0], 913.0)
    """
    with (
        resources.as_file(_data_path("wt40.txt")) as inst,
        resources.as_file(_data_path("wtopt40.txt")) as opt,
    ):
        return read_orlib_wt(inst, 40, optima=opt)
