"""The G-set (rudy) graph format of the max-cut benchmarks.

Helmberg & Rendl (2000), "A spectral bundle method for semidefinite
programming", SIAM J. Optim. 10:673-696, published their test graphs (made with
G. Rinaldi's ``rudy`` generator) in this format: a first line ``n m`` (nodes,
edges), then ``m`` lines ``i j w``, one per edge, with nodes numbered
``1..n`` and integer weights (``+1`` or ``+1/-1`` in the G-set).

:func:`read_gset` checks the body against the header (edge count, node range)
and refuses a file that contradicts it, naming the file, the line and the rule;
:func:`looks_like_gset` is the format sniff the ``cemethod maxcut`` command
uses. This module parses only; :meth:`MaxCut.from_gset` builds the problem.
"""

from __future__ import annotations

import math
import os
from typing import NamedTuple

import numpy as np

from cemethod._limits import check_memory

__all__ = ["GsetGraph", "looks_like_gset", "read_gset", "write_gset"]


class GsetGraph(NamedTuple):
    """The content of a G-set file, nodes renumbered from 0.

    Attributes
    ----------
    n_nodes : int
        ``n`` of the header.
    edges : ndarray of shape (m, 2), int64
        The edges ``(i - 1, j - 1)`` in file order.
    weights : ndarray of shape (m,), float64
        Their weights.
    """

    n_nodes: int
    edges: np.ndarray
    weights: np.ndarray


def _data_lines(path):
    """(line number, tokens) of the non-blank lines of ``path``."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such file")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file") from None
    for number, raw in enumerate(text.splitlines(), 1):
        tokens = raw.split()
        if tokens:
            yield number, tokens


def check_graph_memory(func, path, number, n: int, m: int, header: str) -> None:
    """Refuse a declared size whose arrays cannot fit, before allocating them:
    the m edges read (24 bytes each), their symmetric CSR matrix (2 m entries
    of 24 bytes) and the per-node arrays (16 bytes each)."""
    check_memory(
        func,
        f"{path}, line {number}: {n} nodes and {m} edges (the {header})",
        72.0 * m + 16.0 * n,
        "the edges and their sparse weight matrix",
    )


def _int(token: str) -> int | None:
    try:
        return int(token)
    except ValueError:
        return None


def _show(tokens) -> str:
    text = " ".join(tokens)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _checked_edge(path, number, tokens, ends, weight, n, numbering):
    """``((i - 1, j - 1), w)`` of the edge of line ``number``, whose nodes are
    the tokens ``ends`` (integers in ``1..n``, two different ones) and weight
    the token ``weight`` (a finite number); ``numbering`` names where ``n``
    comes from and the format, for the error."""
    i, j = (_int(t) for t in ends)
    for node in (i, j):
        if node is None or not 1 <= node <= n:
            raise ValueError(
                f"{path}, line {number}: expected nodes that are integers in "
                f"1..{n} ({numbering} numbers nodes from 1), got {_show(tokens)}"
            )
    if i == j:
        raise ValueError(
            f"{path}, line {number}: expected an edge between two different "
            f"nodes, got the loop {_show(tokens)}"
        )
    try:
        w = float(weight)
    except ValueError:
        w = math.nan
    if not math.isfinite(w):
        raise ValueError(
            f"{path}, line {number}: expected a finite number as the weight "
            f"w, got {weight!r}"
        )
    return (i - 1, j - 1), w


def looks_like_gset(path) -> bool:
    """True when the first non-blank line of ``path`` is two integers ``n m``
    with ``n >= 2`` and the next one has three fields (``i j w``): the shape
    of a G-set file. Such a file must be read with :func:`read_gset`; a plain
    edge list reader would take the header for an edge."""
    lines = _data_lines(path)
    first = next(lines, None)
    second = next(lines, None)
    if first is None or second is None or len(first[1]) != 2:
        return False
    n, m = (_int(t) for t in first[1])
    return (
        n is not None and m is not None and n >= 2 and m >= 1 and (len(second[1]) == 3)
    )


def read_gset(path) -> GsetGraph:
    """Read a G-set / rudy file: ``n m``, then ``m`` lines ``i j w``.

    Rules, each checked with an error naming the file and the line: the header
    is two integers ``n >= 2`` and ``m >= 0``; every edge line has three
    fields, nodes that are integers in ``1..n``, two different nodes and a
    finite number as weight; there are exactly ``m`` edge lines. Blank lines
    are skipped. An edge given twice (either way round) counts twice and its
    weights add up in :meth:`MaxCut.from_gset`.

    Returns
    -------
    GsetGraph
        ``(n_nodes, edges, weights)`` with nodes renumbered ``0..n-1``.

    Raises
    ------
    ValueError
        The file is missing, not text, or breaks one of the rules.

    Examples
    --------
    >>> import tempfile, os
    >>> from cemethod.problems.maxcut import read_gset
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "g.txt")
    ...     with open(path, "w") as f:
    ...         _ = f.write("3 2\\n1 2 1\\n2 3 -1\\n")
    ...     g = read_gset(path)
    >>> g.n_nodes, g.edges.tolist(), g.weights.tolist()
    (3, [[0, 1], [1, 2]], [1.0, -1.0])
    """
    path = os.fspath(path)
    lines = _data_lines(path)
    first = next(lines, None)
    if first is None:
        raise ValueError(f"{path}: empty file, expected a G-set header 'n m'")
    number, tokens = first
    header = [_int(t) for t in tokens]
    if len(tokens) != 2 or None in header or header[0] < 2 or header[1] < 0:
        raise ValueError(
            f"{path}, line {number}: expected the G-set header 'n m' (two "
            f"integers: n >= 2 nodes, m >= 0 edges), got {_show(tokens)}"
        )
    n, m = header
    check_graph_memory("read_gset", path, number, n, m, "header 'n m'")
    edges = np.empty((m, 2), dtype=np.int64)
    weights = np.empty(m, dtype=np.float64)
    k = 0
    for number, tokens in lines:
        if k == m:
            raise ValueError(
                f"{path}, line {number}: the header (line {first[0]}) declares "
                f"{m} edges, but this line is edge {m + 1}"
            )
        if len(tokens) != 3:
            raise ValueError(
                f"{path}, line {number}: expected an edge 'i j w' (three "
                f"fields), got {len(tokens)} fields {_show(tokens)}"
            )
        edges[k], weights[k] = _checked_edge(
            path, number, tokens, tokens[:2], tokens[2], n, "the header's n; G-set"
        )
        k += 1
    if k != m:
        raise ValueError(
            f"{path}, line {first[0]}: the header declares {m} edges, but the "
            f"file has {k} edge lines"
        )
    return GsetGraph(n, edges, weights)


def write_gset(path, n_nodes: int, edges, weights) -> None:
    """Write a graph in the G-set format (the inverse of :func:`read_gset`):
    ``edges`` are 0-based pairs, written 1-based; integral weights are written
    as integers."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"{int(n_nodes)} {len(edges)}\n")
        for (i, j), w in zip(edges.tolist(), weights.tolist(), strict=True):
            text = str(int(w)) if float(w).is_integer() else repr(w)
            handle.write(f"{i + 1} {j + 1} {text}\n")
