"""The DIMACS graph format (the edge format of the DIMACS challenges).

Johnson & Trick (eds., 1996), "Cliques, Coloring, and Satisfiability: Second
DIMACS Implementation Challenge", the format of its graphs: comment lines
``c ...``, one problem line ``p edge n m`` (``p col n m`` in the coloring
instances) before any edge, then ``m`` edge lines ``e i j`` with nodes numbered
``1..n``. Weighted max-cut instances add the weight as a fourth field,
``e i j w`` (weight 1 when it is left out).

:func:`read_dimacs` checks the body against the problem line (edge count, node
range) and refuses a file that contradicts it, naming the file, the line and
the rule; :func:`looks_like_dimacs` is the format sniff of ``cemethod maxcut``.
This module parses only; :meth:`MaxCut.from_dimacs` builds the problem.
"""

from __future__ import annotations

import os

import numpy as np

from cemethod.problems.maxcut.gset import (
    GsetGraph,
    _checked_edge,
    _data_lines,
    _int,
    _show,
    check_graph_memory,
)

__all__ = ["looks_like_dimacs", "read_dimacs"]

_PROBLEM_WORDS = ("edge", "col")


def _body(path):
    """(line number, tokens) of the lines that are not blank or comments."""
    return ((n, t) for n, t in _data_lines(path) if t[0] != "c")


def looks_like_dimacs(path) -> bool:
    """True when the first line of ``path`` that is not blank or a ``c``
    comment starts with ``p`` and a problem word (``edge`` or ``col``)."""
    first = next(_body(path), None)
    return first is not None and len(first[1]) >= 2 and first[1][0] == "p"


def _problem_line(path, first):
    if first is None:
        raise ValueError(f"{path}: no problem line, expected 'p edge n m'")
    number, tokens = first
    size = [_int(t) for t in tokens[2:]]
    if (
        len(tokens) != 4
        or tokens[0] != "p"
        or tokens[1] not in _PROBLEM_WORDS
        or None in size
        or size[0] < 2
        or size[1] < 0
    ):
        raise ValueError(
            f"{path}, line {number}: expected the DIMACS problem line 'p edge n m' "
            f"(before any edge; n >= 2 nodes, m >= 0 edges), got {_show(tokens)}"
        )
    return size


def read_dimacs(path) -> GsetGraph:
    """Read a DIMACS graph file: ``c`` comments, ``p edge n m``, then ``m``
    lines ``e i j`` or ``e i j w``.

    Rules, each checked with an error naming the file and the line: the
    problem line comes first (after comments) and is ``p edge n m`` or
    ``p col n m`` with integers ``n >= 2``, ``m >= 0``; every other line is an
    edge ``e i j [w]`` with nodes that are integers in ``1..n``, two different
    nodes and a finite weight; there are exactly ``m`` of them. An edge given
    twice counts twice (weights add up in :meth:`MaxCut.from_dimacs`).

    Returns
    -------
    GsetGraph
        ``(n_nodes, edges, weights)`` with nodes renumbered ``0..n-1``, as
        :func:`read_gset` returns them.

    Raises
    ------
    ValueError
        The file is missing, not text, or breaks one of the rules.

    Examples
    --------
    >>> import tempfile, os
    >>> from cemethod.problems.maxcut import read_dimacs
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "g.col")
    ...     with open(path, "w") as f:
    ...         _ = f.write("c a path\\np edge 3 2\\ne 1 2\\ne 2 3 -1\\n")
    ...     g = read_dimacs(path)
    >>> g.n_nodes, g.edges.tolist(), g.weights.tolist()
    (3, [[0, 1], [1, 2]], [1.0, -1.0])
    """
    path = os.fspath(path)
    lines = _body(path)
    first = next(lines, None)
    n, m = _problem_line(path, first)
    check_graph_memory("read_dimacs", path, first[0], n, m, "problem line")
    edges = np.empty((m, 2), dtype=np.int64)
    weights = np.empty(m, dtype=np.float64)
    k = 0
    for number, tokens in lines:
        if tokens[0] != "e" or len(tokens) not in (3, 4):
            raise ValueError(
                f"{path}, line {number}: expected an edge line 'e i j' or "
                f"'e i j w', got {_show(tokens)}"
            )
        if k == m:
            raise ValueError(
                f"{path}, line {number}: the problem line (line {first[0]}) "
                f"declares {m} edges, but this line is edge {m + 1}"
            )
        weight = tokens[3] if len(tokens) == 4 else "1"
        edges[k], weights[k] = _checked_edge(
            path, number, tokens, tokens[1:3], weight, n,
            "the problem line's n; DIMACS",
        )  # fmt: skip
        k += 1
    if k != m:
        raise ValueError(
            f"{path}, line {first[0]}: the problem line declares {m} edges, but "
            f"the file has {k} edge lines"
        )
    return GsetGraph(n, edges, weights)
