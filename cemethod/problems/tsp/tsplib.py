"""Reader for TSPLIB files: ``.tsp``, ``.atsp`` and ``.opt.tour``.

Follows G. Reinelt, "TSPLIB 95" (Universitaet Heidelberg, 1995), the format
description of the library (Reinelt 1991, ORSA J. Comput. 3:376-384). Distances
are the integers its Section 2 defines (``_distances`` below); the published
optima of the library are for exactly these integer distances.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from cemethod._limits import check_memory
from cemethod.problems.tsp._distances import (
    COORD_DIMENSION,
    EXPLICIT_FORMATS,
    coordinate_distances,
    explicit_matrix,
    explicit_size,
)
from cemethod.problems.tsp._tables import (
    example_names,
    example_path,
    published_optimum,
    read_best_solutions,
    read_text,
)

__all__ = [
    "TSPLIBFile",
    "example_names",
    "example_path",
    "published_optimum",
    "read_best_solutions",
    "read_tsplib",
]

_TYPES = ("TSP", "ATSP", "TOUR")
_KEYWORDS = (
    "NAME",
    "TYPE",
    "COMMENT",
    "DIMENSION",
    "CAPACITY",
    "EDGE_WEIGHT_TYPE",
    "EDGE_WEIGHT_FORMAT",
    "EDGE_DATA_FORMAT",
    "NODE_COORD_TYPE",
    "DISPLAY_DATA_TYPE",
)
_SECTIONS = (
    "NODE_COORD_SECTION",
    "EDGE_WEIGHT_SECTION",
    "DISPLAY_DATA_SECTION",
    "TOUR_SECTION",
    "FIXED_EDGES_SECTION",
)


@dataclass(frozen=True, eq=False)
class TSPLIBFile:
    """Contents of a TSPLIB file, as returned by :func:`read_tsplib`.

    Attributes
    ----------
    name, type, comment : str
        The NAME (without a trailing ``.tsp``/``.atsp``/``.opt.tour``), TYPE
        (``"TSP"``, ``"ATSP"`` or ``"TOUR"``) and COMMENT entries.
    dimension : int
        Number of nodes (the tour length for a TOUR file).
    edge_weight_type, edge_weight_format : str or None
        As in the file (e.g. ``"EUC_2D"``, ``"EXPLICIT"`` / ``"FULL_MATRIX"``).
    distances : ndarray of int64, shape (n, n), or None
        ``distances[i, j]`` is the TSPLIB distance from node ``i + 1`` to node
        ``j + 1``; the diagonal is 0 for coordinate types and as in the file
        for explicit matrices. None for a TOUR file.
    coordinates : ndarray of float64, shape (n, 2) or (n, 3), or None
        NODE_COORD_SECTION (or DISPLAY_DATA_SECTION when that is all there is).
    tour : ndarray of intp, shape (n,), or None
        The first tour of a TOUR_SECTION, 0-based.
    fixed_edges : ndarray of intp, shape (k, 2)
        FIXED_EDGES_SECTION, 0-based (empty when absent).
    path : str
        The file read.
    """

    name: str
    type: str
    comment: str
    dimension: int
    edge_weight_type: str | None
    edge_weight_format: str | None
    distances: np.ndarray | None
    coordinates: np.ndarray | None
    tour: np.ndarray | None
    fixed_edges: np.ndarray
    path: str


class _Lines:
    """The file as lines of tokens with a (line, token) cursor, for section data
    that wraps lines freely."""

    def __init__(self, text: str, path: str):
        self.lines = [line.split() for line in text.splitlines()]
        self.path = path
        self.row = 0  # line of the next token
        self.col = 0  # index of the next token in its line

    def error(self, row: int, expected: str, got) -> ValueError:
        return ValueError(
            f"read_tsplib: file {self.path!r}, line {row + 1}: expected {expected}. "
            f"Got {got!r} instead."
        )

    def peek(self):
        """The next token and its line (skipping ended lines), or (None, row)."""
        while self.row < len(self.lines) and self.col >= len(self.lines[self.row]):
            self.row += 1
            self.col = 0
        if self.row >= len(self.lines):
            return None, len(self.lines) - 1
        return self.lines[self.row][self.col], self.row

    def take(self, expected: str):
        """The next data token and its line; EOF or the end of the file is an
        error naming what was ``expected``."""
        tok, row = self.peek()
        if tok is None or (tok == "EOF" and self.col == 0):
            raise self.error(row, expected, "end of file" if tok is None else tok)
        self.col += 1
        return tok, row

    def end_line(self) -> None:
        """A section ended: nothing else may follow on its last line."""
        if self.col == 0:
            return
        line = self.lines[self.row]
        if self.col < len(line):
            raise self.error(self.row, "the end of the section", line[self.col])
        self.row += 1
        self.col = 0


def _number(lines: _Lines, tok: str, row: int, kind: type, expected: str):
    try:
        return kind(tok)
    except ValueError:
        raise lines.error(row, expected, tok) from None


def _split_keyword(line: list[str], raw: str):
    """``KEY : value`` / ``KEY: value`` / ``KEY :value`` -> (KEY, value)."""
    key, sep, value = raw.partition(":")
    if not sep:
        return line[0], None
    return key.strip(), value.strip()


def read_tsplib(path) -> TSPLIBFile:
    """Read a TSPLIB ``.tsp``, ``.atsp`` or ``.opt.tour`` file.

    Supports the TYPEs TSP, ATSP and TOUR; the EDGE_WEIGHT_TYPEs EXPLICIT,
    EUC_2D, EUC_3D, MAN_2D, MAN_3D, MAX_2D, MAX_3D, CEIL_2D, GEO and ATT, with
    the distance functions of TSPLIB 95, Section 2; and the EXPLICIT formats
    FULL_MATRIX, UPPER_ROW, LOWER_ROW, UPPER_DIAG_ROW, LOWER_DIAG_ROW,
    UPPER_COL, LOWER_COL, UPPER_DIAG_COL and LOWER_DIAG_COL.

    Parameters
    ----------
    path : str, os.PathLike or importlib.resources Traversable

    Returns
    -------
    TSPLIBFile

    Raises
    ------
    ValueError
        For a malformed or unsupported file; the message names the file, the
        line and what was expected there.

    Examples
    --------
    >>> from cemethod.problems.tsp.tsplib import example_path, read_tsplib
    >>> data = read_tsplib(example_path("burma14.tsp"))
    >>> data.name, data.type, data.edge_weight_type, data.dimension
    ('burma14', 'TSP', 'GEO', 14)
    >>> data.distances[0, :4]
    array([  0, 153, 510, 706])
    """
    text, where = read_text(path, "read_tsplib")
    lines = _Lines(text, where)
    spec: dict[str, tuple[str, int]] = {}
    comments: list[str] = []
    sections: dict[str, object] = {}
    while lines.row < len(lines.lines):
        row = lines.row
        line = lines.lines[row]
        if not line:
            lines.row += 1
            continue
        if line[0] == "EOF":
            break
        raw = " ".join(line)
        key, value = _split_keyword(line, raw)
        lines.row += 1
        if key in _SECTIONS and not value:
            if key in sections:
                raise lines.error(row, f"{key} at most once", raw)
            if value is None and len(line) > 1:  # data on the keyword's line
                lines.row, lines.col = row, 1
            sections[key] = _read_section(lines, key, spec, row)
            lines.end_line()
            continue
        if key not in _KEYWORDS or value is None:
            raise lines.error(
                row,
                "a specification line 'KEYWORD : value' or a data section "
                f"(keywords: {', '.join(_KEYWORDS)}; sections: "
                f"{', '.join(_SECTIONS)}, EOF)",
                raw,
            )
        if key == "COMMENT":
            comments.append(value)
        elif key in spec:
            raise lines.error(row, f"{key} at most once", raw)
        else:
            _check_spec(lines, key, value, row)
            spec[key] = (value, row)
    return _assemble(lines, spec, comments, sections)


def _check_spec(lines: _Lines, key: str, value: str, row: int) -> None:
    if key == "TYPE" and value not in _TYPES:
        raise lines.error(row, f"TYPE one of {', '.join(_TYPES)}", value)
    if key == "DIMENSION":
        dim = _number(lines, value, row, int, "DIMENSION an integer >= 2")
        if dim < 2:
            raise lines.error(row, "DIMENSION an integer >= 2", value)
    if key == "EDGE_WEIGHT_TYPE" and value not in ("EXPLICIT", *COORD_DIMENSION):
        supported = ", ".join(["EXPLICIT", *COORD_DIMENSION])
        raise lines.error(row, f"EDGE_WEIGHT_TYPE one of {supported}", value)
    if key == "EDGE_WEIGHT_FORMAT" and value not in (*EXPLICIT_FORMATS, "FUNCTION"):
        supported = ", ".join([*EXPLICIT_FORMATS, "FUNCTION"])
        raise lines.error(row, f"EDGE_WEIGHT_FORMAT one of {supported}", value)


def _dimension(lines: _Lines, spec, row: int, section: str) -> int:
    if "DIMENSION" not in spec:
        raise lines.error(row, f"a DIMENSION line before {section}", section)
    return int(spec["DIMENSION"][0])


def _check_dimension_memory(lines: _Lines, spec, key: str, n: int) -> None:
    """Refuse a DIMENSION whose arrays cannot fit, before any is allocated:
    an n x n int64 distance matrix and, from coordinates, the (n, n, 3) float
    differences it is computed from; a tour needs n entries."""
    if key == "TOUR_SECTION":
        estimate, what = 16.0 * n, "the tour"
    else:
        estimate, what = 32.0 * n * n, f"the {n} x {n} distance matrix"
    check_memory(
        "read_tsplib",
        f"file {lines.path!r}, line {spec['DIMENSION'][1] + 1}: DIMENSION {n}",
        estimate,
        what,
    )


def _read_section(lines: _Lines, key: str, spec, row: int):
    n = _dimension(lines, spec, row, key)
    _check_dimension_memory(lines, spec, key, n)
    if key in ("NODE_COORD_SECTION", "DISPLAY_DATA_SECTION"):
        return _read_coordinates(lines, key, spec, n)
    if key == "EDGE_WEIGHT_SECTION":
        fmt = spec.get("EDGE_WEIGHT_FORMAT", (None, 0))[0]
        if fmt not in EXPLICIT_FORMATS:
            raise lines.error(
                row, "an EDGE_WEIGHT_FORMAT line before EDGE_WEIGHT_SECTION", fmt
            )
        size = explicit_size(fmt, n)
        what = f"{size} integer edge weights ({fmt}, n = {n})"
        weights = np.empty(size, dtype=np.int64)
        for k in range(size):
            tok, r = lines.take(what)
            weights[k] = _number(lines, tok, r, int, "an integer edge weight")
        return explicit_matrix(weights, fmt, n)
    if key == "TOUR_SECTION":
        return _read_tour(lines, n)
    # FIXED_EDGES_SECTION: pairs "i j", then -1
    ends = []
    while True:
        tok, r = lines.take("FIXED_EDGES_SECTION: pairs of nodes, then -1")
        node = _number(lines, tok, r, int, f"a node number in 1..{n} or -1")
        if node == -1:
            break
        if not 1 <= node <= n:
            raise lines.error(r, f"a node number in 1..{n} or -1", tok)
        ends.append(node - 1)
    if len(ends) % 2:
        raise lines.error(r, "an even number of nodes (pairs) before -1", tok)
    return np.array(ends, dtype=np.intp).reshape(-1, 2)


def _read_coordinates(lines: _Lines, key: str, spec, n: int) -> np.ndarray:
    ewt = spec.get("EDGE_WEIGHT_TYPE", ("", 0))[0]
    three_d = spec.get("NODE_COORD_TYPE", ("", 0))[0] == "THREED_COORDS"
    three_d = three_d or COORD_DIMENSION.get(ewt, 2) == 3
    dim = 3 if three_d and key == "NODE_COORD_SECTION" else 2
    what = f"{key}: {n} lines 'node x y{' z' if dim == 3 else ''}'"
    coords = np.full((n, dim), np.nan)
    for _ in range(n):
        tok, r = lines.take(what)
        node = _number(lines, tok, r, int, f"a node number in 1..{n}")
        if not 1 <= node <= n or not np.isnan(coords[node - 1, 0]):
            raise lines.error(r, f"each node number in 1..{n} once", tok)
        for c in range(dim):
            tok, r = lines.take(what)
            coords[node - 1, c] = _number(lines, tok, r, float, "a coordinate")
        if lines.col < len(lines.lines[r]):
            raise lines.error(
                r, f"{dim} coordinates per node", " ".join(lines.lines[r])
            )
    return coords


def _read_tour(lines: _Lines, n: int) -> np.ndarray:
    """The first tour of a TOUR_SECTION. TSPLIB 95 ends each tour with -1 and
    the section with one more -1; files with a single tour often omit it, so
    the section ends at the first line that does not start with a number."""
    what = f"a tour: node numbers 1..{n}, each once, then -1"
    nodes = []
    seen = np.zeros(n, dtype=bool)
    while True:
        tok, r = lines.take(what)
        node = _number(lines, tok, r, int, what)
        if node == -1:
            break
        if not 1 <= node <= n or seen[node - 1]:
            raise lines.error(r, what, tok)
        seen[node - 1] = True
        nodes.append(node - 1)
    if len(nodes) != n:
        raise lines.error(r, f"{n} nodes before -1 (found {len(nodes)})", "-1")
    while True:  # further tours (skipped) and the optional final -1
        tok, r = lines.peek()
        try:
            node = int(tok)
        except (TypeError, ValueError):
            break
        lines.take(what)
        if node == -1:
            break
        while node != -1:
            tok, r = lines.take(what)
            node = _number(lines, tok, r, int, what)
    return np.array(nodes, dtype=np.intp)


def _assemble(lines: _Lines, spec, comments, sections) -> TSPLIBFile:
    last = max(0, len(lines.lines) - 1)
    for key in ("TYPE", "DIMENSION"):
        if key not in spec:
            raise lines.error(last, f"a {key} line", "end of file")
    kind = spec["TYPE"][0]
    n = int(spec["DIMENSION"][0])
    ewt = spec.get("EDGE_WEIGHT_TYPE", (None, 0))[0]
    coords = sections.get("NODE_COORD_SECTION")
    distances = tour = None
    if kind == "TOUR":
        if "TOUR_SECTION" not in sections:
            raise lines.error(last, "a TOUR_SECTION in a TOUR file", "end of file")
        tour = sections["TOUR_SECTION"]
    else:
        if ewt is None:
            raise lines.error(last, "an EDGE_WEIGHT_TYPE line", "end of file")
        if ewt == "EXPLICIT":
            if "EDGE_WEIGHT_SECTION" not in sections:
                raise lines.error(last, "an EDGE_WEIGHT_SECTION", "end of file")
            distances = sections["EDGE_WEIGHT_SECTION"]
        else:
            if coords is None:
                raise lines.error(
                    last, f"a NODE_COORD_SECTION for {ewt}", "end of file"
                )
            distances = coordinate_distances(coords, ewt)
        tour = sections.get("TOUR_SECTION")
    if coords is None:
        coords = sections.get("DISPLAY_DATA_SECTION")
    name = spec.get("NAME", (os.path.basename(lines.path), 0))[0]
    for suffix in (".opt.tour", ".tour", ".tsp", ".atsp"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return TSPLIBFile(
        name=name,
        type=kind,
        comment="\n".join(comments),
        dimension=n,
        edge_weight_type=ewt,
        edge_weight_format=spec.get("EDGE_WEIGHT_FORMAT", (None, 0))[0],
        distances=distances,
        coordinates=coords,
        tour=tour,
        fixed_edges=sections.get(
            "FIXED_EDGES_SECTION", np.empty((0, 2), dtype=np.intp)
        ),
        path=lines.path,
    )
