"""The tables of published TSPLIB optima and the TSPLIB files shipped with
cemethod (package data ``cemethod/data/tsplib``)."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources

__all__ = [
    "example_names",
    "example_path",
    "published_optimum",
    "read_best_solutions",
    "read_text",
]

# The ATSP table of TSPLIB lists the instance of file kro124p.atsp as "kro124".
_ALIASES = {"kro124p": "kro124"}


def read_text(path, func: str) -> tuple[str, str]:
    """The text of ``path`` and a printable name for it."""
    if hasattr(path, "read_text") and not isinstance(path, (str, os.PathLike)):
        return path.read_text(), str(path)  # an importlib.resources Traversable
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"The 'path' parameter of {func} must be a str or os.PathLike. "
            f"Got {type(path).__name__} instead."
        )
    # utf-8-sig: a leading byte-order mark (Windows editors) is dropped
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        return f.read(), os.fspath(path)


def read_best_solutions(path) -> dict[str, int]:
    """Read a TSPLIB table of optima, lines ``name : value``.

    Examples
    --------
    >>> from cemethod.problems.tsp.tsplib import example_path, read_best_solutions
    >>> read_best_solutions(example_path("bestSolutions-tsp.txt"))["berlin52"]
    7542
    """
    text, where = read_text(path, "read_best_solutions")
    table = {}
    for row, raw in enumerate(text.splitlines()):
        if not raw.strip():
            continue
        name, sep, value = raw.partition(":")
        try:
            if not sep or not name.strip():
                raise ValueError
            table[name.strip()] = int(value)
        except ValueError:
            raise ValueError(
                f"read_best_solutions: file {where!r}, line {row + 1}: expected "
                f"'name : integer'. Got {raw!r} instead."
            ) from None
    return table


def _data_dir():
    return resources.files("cemethod").joinpath("data", "tsplib")


def example_names() -> list[str]:
    """File names of the TSPLIB instances shipped with cemethod.

    Examples
    --------
    >>> from cemethod.problems.tsp.tsplib import example_names
    >>> "berlin52.tsp" in example_names()
    True
    """
    return sorted(
        p.name
        for p in _data_dir().iterdir()
        if p.name.endswith((".tsp", ".atsp", ".tour"))
    )


def example_path(name: str):
    """Path (an importlib.resources Traversable) of a shipped file, e.g.
    ``"berlin52.tsp"``; see :func:`example_names`."""
    names = [*example_names(), "bestSolutions-tsp.txt", "bestSolutions-atsp.txt"]
    if name not in names:
        raise ValueError(
            f"The 'name' parameter of example_path must be one of {names}. "
            f"Got {name!r} instead."
        )
    return _data_dir().joinpath(name)


@lru_cache(maxsize=1)
def _optima() -> dict[str, dict[str, int]]:
    return {
        kind: read_best_solutions(example_path(f"bestSolutions-{kind.lower()}.txt"))
        for kind in ("TSP", "ATSP")
    }


def published_optimum(name: str, kind: str = "TSP") -> int | None:
    """The optimal tour length TSPLIB publishes for instance ``name``, or None.

    Looked up in the tables shipped with cemethod (``bestSolutions-tsp.txt``,
    ``bestSolutions-atsp.txt``); ``kind`` is ``"TSP"`` or ``"ATSP"``.

    Examples
    --------
    >>> from cemethod.problems.tsp.tsplib import published_optimum
    >>> published_optimum("st70"), published_optimum("ftv33", "ATSP")
    (675, 1286)
    >>> published_optimum("nosuch") is None
    True
    """
    if kind not in ("TSP", "ATSP"):
        raise ValueError(
            "The 'kind' parameter of published_optimum must be one of 'TSP', "
            f"'ATSP'. Got {kind!r} instead."
        )
    table = _optima()[kind]
    return table.get(name, table.get(_ALIASES.get(name, name)))
