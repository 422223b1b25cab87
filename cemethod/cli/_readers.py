"""Readers of the simple text formats of the ``cemethod`` subcommands.

Every error is an :class:`InputError` naming the file, the line and what was
expected there (see docs/cli.md for the formats).
"""

from __future__ import annotations

import json
import math
import os
import re

import numpy as np

from cemethod.cli._common import InputError, check_input_file

__all__ = [
    "read_buffer_config",
    "read_edge_list",
    "read_graph",
    "read_jobs_csv",
    "read_matrix_csv",
]


def _read_text(path, newline=None) -> str:
    """The whole text of the input file ``path`` (``newline`` as for ``open``)."""
    check_input_file(path)
    try:
        with open(path, encoding="utf-8-sig", newline=newline) as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None


def _lines(path):
    """(line number, stripped text) of the lines that carry data: blank lines
    and ``#`` comments (whole lines or line ends) skipped."""
    out = []
    for number, raw in enumerate(_read_text(path).splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append((number, line))
    if not out:
        raise InputError(f"{path}: no data lines (only blanks or # comments)")
    return out


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _real(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(token)
    return value


# -- graphs --
def read_edge_list(path, third: str = "weight", max_edges=None):
    """Lines ``u v [third]`` with integer node ids >= 0 (and below 2^63).

    Returns ``(edges, values, line_numbers)``: an (m, 2) int array, a list of
    the third column (None where a line has two columns) and each edge's line.
    With ``max_edges``, a line beyond that many edges is an error naming the
    option ``--max-edges`` that raises the limit.
    """
    expected = f"expected 'u v [{third}]' with integer node ids >= 0"
    edges, values, where = [], [], []
    for number, line in _lines(path):
        if max_edges is not None and len(edges) >= max_edges:
            raise InputError(
                f"{path}, line {number}: more than {max_edges} edges, the limit "
                f"--max-edges {max_edges}; raise it if the graph is meant to be "
                f"this large, e.g. --max-edges {2 * max_edges}"
            )
        tokens = line.split()
        ok = len(tokens) in (2, 3)
        if ok:
            try:
                u, v = int(tokens[0]), int(tokens[1])
                ok = 0 <= u < 1 << 63 and 0 <= v < 1 << 63  # int64 ids
                value = _real(tokens[2]) if len(tokens) == 3 else None
            except ValueError:
                ok = False
        if not ok:
            raise InputError(
                f"{path}, line {number}: {expected} and a number {third}, "
                f"got {_shorten(line)!r}"
            )
        if u == v:
            raise InputError(
                f"{path}, line {number}: expected an edge between two different "
                f"nodes, got the loop {_shorten(line)!r}"
            )
        edges.append((u, v))
        values.append(value)
        where.append(number)
    return np.array(edges, dtype=np.int64), values, where


def read_matrix_csv(path, what: str = "weight"):
    """A square matrix of numbers, one comma-separated row per line."""
    rows, where = [], []
    for number, line in _lines(path):
        cells = [c.strip() for c in line.split(",")]
        try:
            rows.append([_real(c) for c in cells])
        except ValueError:
            raise InputError(
                f"{path}, line {number}: expected comma-separated {what} numbers "
                f"(a row of a square matrix), got {_shorten(line)!r}"
            ) from None
        where.append(number)
    n = len(rows)
    for row, number in zip(rows, where, strict=True):
        if len(row) != n:
            raise InputError(
                f"{path}, line {number}: expected {n} numbers (the file has {n} "
                f"rows, so the matrix is {n} x {n}), got {len(row)}"
            )
    a = np.array(rows, dtype=float)
    bad = np.argwhere(a != a.T)
    if bad.size:
        i, j = bad[0]
        raise InputError(
            f"{path}, line {where[i]}: expected a symmetric matrix, got entry "
            f"({i}, {j}) = {a[i, j]:g} but ({j}, {i}) = {a[j, i]:g}"
        )
    return a, where


def is_matrix_file(path) -> bool:
    return str(path).lower().endswith(".csv")


# Bytes a graph file may take per edge allowed by max_edges: a line "u v q"
# with long ids and a full-precision q is under 60 bytes.
_BYTES_PER_EDGE = 100


def read_graph(path, third: str, max_edges=None):
    """A graph file: a ``.csv`` square matrix, else an edge list.

    With ``max_edges`` (the command's ``--max-edges``), a file larger than
    ``100 * max_edges`` bytes is refused before it is read, and an edge list
    with more edges at the first line beyond them.
    """
    if max_edges is not None:
        check_input_file(path)
        size = os.path.getsize(path)
        if size > _BYTES_PER_EDGE * max_edges:
            raise InputError(
                f"{path}: {size} bytes, more than the {_BYTES_PER_EDGE * max_edges} "
                f"a graph of --max-edges {max_edges} edges may take "
                f"({_BYTES_PER_EDGE} bytes an edge); raise the limit if the graph "
                f"is meant to be this large, e.g. --max-edges "
                f"{-(-size // _BYTES_PER_EDGE)}"
            )
    if is_matrix_file(path):
        matrix, where = read_matrix_csv(path, third)
        return "matrix", matrix, None, where
    return ("edges", *read_edge_list(path, third, max_edges))


# -- scheduling --
_JOB_COLUMNS = {
    "p": "p",
    "processing": "p",
    "processing_time": "p",
    "w": "w",
    "weight": "w",
    "weights": "w",
    "d": "d",
    "due": "d",
    "due_date": "d",
}


def read_jobs_csv(path):
    """Jobs as CSV rows ``p,w,d`` (header naming the columns optional)."""
    lines = _lines(path)
    first = [c.strip().lower() for c in lines[0][1].split(",")]
    order = ["p", "w", "d"]
    if not all(_is_number(c) for c in first):
        names = [_JOB_COLUMNS.get(c) for c in first]
        if len(first) != 3 or sorted(n or "?" for n in names) != ["d", "p", "w"]:
            raise InputError(
                f"{path}, line {lines[0][0]}: expected the header 'p,w,d' "
                f"(processing time, weight, due date; any order), got "
                f"{_shorten(lines[0][1])!r}"
            )
        order = names
        lines = lines[1:]
    if not lines:
        raise InputError(f"{path}: a header but no jobs")
    table = {k: [] for k in "pwd"}
    for number, line in lines:
        cells = [c.strip() for c in line.split(",")]
        try:
            values = [_real(c) for c in cells]
            ok = len(values) == 3 and min(values) >= 0
            ok = ok and values[order.index("p")] > 0
        except ValueError:
            ok = False
        if not ok:
            raise InputError(
                f"{path}, line {number}: expected three numbers "
                f"'{','.join(order)}' (processing time > 0, weight and due date "
                f">= 0), got {_shorten(line)!r}"
            )
        for key, value in zip(order, values, strict=True):
            table[key].append(value)
    return table["p"], table["w"], table["d"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- buffer allocation --
_BUFFER_KEYS = {
    "buffer_allocation": {
        "required": ("service_rates", "total_buffer"),
        "optional": ("failure_rates", "repair_rates"),
    },
    "throughput_maximization": {
        "required": (),
        "optional": ("n_stations", "total_rate", "total_buffer"),
    },
}
_SIMULATION_KEYS = ("horizon", "warmup", "replications")


def _key_line(text: str, key: str) -> int:
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def read_buffer_config(path) -> dict:
    """A JSON object describing a production line (see docs/cli.md)."""
    text = _read_text(path)
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}, line {exc.lineno}: expected a JSON object ({exc.msg})"
        ) from None
    except RecursionError:  # the decoder recurses once a level
        raise InputError(
            f"{path}: expected a JSON object of plain keys, numbers and lists, "
            "got arrays or objects nested too deeply to read"
        ) from None
    if not isinstance(config, dict):
        raise InputError(f"{path}, line 1: expected a JSON object {{...}}")
    problem = config.get("problem", "buffer_allocation")
    if problem not in _BUFFER_KEYS:
        raise InputError(
            f'{path}, line {_key_line(text, "problem")}: expected "problem" to be '
            f"one of {', '.join(repr(k) for k in _BUFFER_KEYS)}, got {problem!r}"
        )
    spec = _BUFFER_KEYS[problem]
    allowed = {"problem", *spec["required"], *spec["optional"], *_SIMULATION_KEYS}
    for key in config:
        if key not in allowed:
            raise InputError(
                f"{path}, line {_key_line(text, key)}: unknown key {key!r} for "
                f"problem {problem!r}; expected one of {', '.join(sorted(allowed))}"
            )
    for key in spec["required"]:
        if key not in config:
            raise InputError(f"{path}: expected the key {key!r} (it is required)")
    out = {"problem": problem}
    for key, value in config.items():
        if key == "problem":
            continue
        line = _key_line(text, key)
        if key.endswith("_rates"):
            ok = (
                isinstance(value, list)
                and len(value) >= 2
                and all(_nonneg(v) for v in value)
            )
            if not ok:
                raise InputError(
                    f"{path}, line {line}: expected {key!r} to be a list of at "
                    f"least 2 numbers >= 0, one per machine, got {value!r}"
                )
            out[key] = [float(v) for v in value]
        elif key in ("total_buffer", "n_stations", "total_rate", "replications"):
            low = 0 if key == "total_buffer" else 1
            if not (isinstance(value, int) and not isinstance(value, bool)) or (
                value < low
            ):
                raise InputError(
                    f"{path}, line {line}: expected {key!r} to be an integer "
                    f">= {low}, got {value!r}"
                )
            out[key] = value
        else:  # horizon, warmup
            if not _nonneg(value) or (key == "horizon" and value <= 0):
                rule = "> 0" if key == "horizon" else ">= 0"
                raise InputError(
                    f"{path}, line {line}: expected {key!r} to be a number {rule}, "
                    f"got {value!r}"
                )
            out[key] = float(value)
    rates = [k for k in ("service_rates", "failure_rates", "repair_rates") if k in out]
    sizes = {len(out[k]) for k in rates}
    if len(sizes) > 1:
        raise InputError(
            f"{path}, line {_key_line(text, rates[-1])}: expected "
            f"{', '.join(rates)} to have one entry per machine (the same length), "
            f"got lengths {[len(out[k]) for k in rates]}"
        )
    if "service_rates" in out and min(out["service_rates"]) <= 0:
        raise InputError(
            f"{path}, line {_key_line(text, 'service_rates')}: expected service "
            f"rates > 0, got {config['service_rates']!r}"
        )
    return out


def _nonneg(v) -> bool:
    return (
        isinstance(v, (int, float))
        and not isinstance(v, bool)
        and math.isfinite(v)
        and v >= 0
    )
