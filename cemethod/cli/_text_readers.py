"""Readers of saved predictions (``cemethod evaluate``) and of sequences
(``cemethod align``); every error names the file, the line and what was expected.
"""

from __future__ import annotations

import csv
import io
import os
import re

import numpy as np

from cemethod.cli._common import InputError, check_input_file
from cemethod.cli._readers import _is_number, _read_text, _shorten

__all__ = ["locate", "read_predictions", "read_sequence"]


# -- predictions (evaluate) --
def _csv_rows(path):
    handle = io.StringIO(_read_text(path, newline=""), newline="")
    rows = [
        (number, [c.strip() for c in row])
        for number, row in enumerate(csv.reader(handle), 1)
        if row and any(c.strip() for c in row)
    ]
    if not rows:
        raise InputError(f"{path}: the file is empty")
    return rows


def _true_labels(true_path):
    rows = _csv_rows(true_path)
    for number, row in rows:
        if len(row) != 1 or not row[0]:
            raise InputError(
                f"{true_path}, line {number}: expected one label per line, got "
                f"{_shorten(','.join(row))!r}"
            )
    return [number for number, _ in rows], [row[0] for _, row in rows]


def _drop_true_header(lines, values, known):
    """The first line is a header when it is not a label: not a class name of
    the header of y_proba, or (without one) not among the other lines' labels."""
    if len(values) > 1 and values[0] not in known:
        return lines[1:], values[1:]
    return lines, values


def read_predictions(true_path, proba_path):
    """``y_true`` (one label per line) and ``y_proba`` (a row of probabilities
    per sample, optional header of class names); see docs/cli.md.

    Returns ``(y_true, y_proba, labels)`` for ``cross_entropy_report``.
    """
    prob_rows = _csv_rows(proba_path)
    lines, values = _true_labels(true_path)
    header, header_line = None, prob_rows[0][0]
    first = prob_rows[0][1]
    numeric = all(_is_number(c) for c in first)
    if numeric:
        # numeric class names: a header when y_proba has one row more than labels
        n_labels = len(_drop_true_header(lines, values, set(values[1:]))[1])
        numeric_header = len(prob_rows) == n_labels + 1 and all(map(_is_int, first))
    if not numeric or numeric_header:
        header = first
        if len(set(header)) != len(header) or not all(header):
            raise InputError(
                f"{proba_path}, line {header_line}: expected a header of "
                f"distinct, non-empty class names, got {','.join(header)!r}"
            )
        prob_rows = prob_rows[1:]
    if not prob_rows:
        raise InputError(f"{proba_path}: a header but no predictions")
    width = len(header) if header else len(prob_rows[0][1])
    proba = []
    for number, row in prob_rows:
        try:
            row_values = [float(c) for c in row]
            ok = len(row_values) == width and all(0 <= v <= 1 for v in row_values)
        except ValueError:
            ok = False
        if not ok:
            got = _shorten(",".join(row))
            raise InputError(
                f"{proba_path}, line {number}: expected {width} comma-separated "
                f"probabilities in [0, 1] (one per class), got {got!r}"
            )
        proba.append(row_values)
    binary_named = header is not None and len(header) == 1
    known = set(header) if header and not binary_named else set(values[1:])
    lines, values = _drop_true_header(lines, values, known)
    if binary_named:
        # one column headed by a class name: the probability of that class in
        # a binary problem
        classes = sorted(set(values))
        if len(classes) != 2 or header[0] not in classes:
            raise InputError(
                f"{proba_path}, line {header_line}: a single column named "
                f"{header[0]!r} is the probability of that class in a binary "
                f"problem, but {true_path} has the classes {', '.join(classes)}"
            )
        other = classes[0] if classes[1] == header[0] else classes[1]
        header = [other, header[0]]
        proba = [[1.0 - p[0], p[0]] for p in proba]
    elif header:
        for number, label in zip(lines, values, strict=True):
            if label not in known:
                raise InputError(
                    f"{true_path}, line {number}: expected a class named in the "
                    f"header of {proba_path} ({', '.join(header)}), got {label!r}"
                )
    if len(values) != len(proba):
        raise InputError(
            f"{true_path}: expected one label per row of {proba_path} "
            f"({len(proba)} rows), got {len(values)} labels"
        )
    labels = header
    if all(_is_int(v) for v in values) and (
        header is None or all(map(_is_int, header))
    ):
        values = [int(v) for v in values]
        labels = None if header is None else [int(v) for v in header]
    proba = np.array(proba, dtype=float)
    if labels is not None and proba.ndim == 2 and len(labels) == proba.shape[1]:
        # scikit-learn's rule: the columns follow the sorted labels.
        order = sorted(range(len(labels)), key=labels.__getitem__)
        labels, proba = [labels[i] for i in order], proba[:, order]
    return np.array(values), proba, labels


def _is_int(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", text) is not None


# -- sequences --


def read_sequence(arg: str):
    """A FASTA file (its first record) or a literal sequence.

    Returns ``(name, sequence, source)`` where ``source`` locates each letter
    for error messages: ``(path, [(line, first index, last index), ...])`` or
    None for a literal.
    """
    from cemethod.problems.alignment.fasta import _SEQ_LINE

    if os.path.exists(arg):
        return _fasta_first(check_input_file(arg))
    if _SEQ_LINE.match(arg):  # the sequence itself, as a FASTA line
        return arg, arg, None
    raise InputError(f"{arg}: no such file, and not a literal sequence (letters only)")


def _fasta_first(path):
    from cemethod.problems.alignment.fasta import _read_fasta_records

    try:
        records = _read_fasta_records(path)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except ValueError as exc:
        raise InputError(str(exc).removeprefix("read_fasta: ")) from None
    name, seq, spans = records[0]
    return name, seq, (path, spans, len(records))


def locate(source, index: int) -> str:
    """``"file, line L"`` of the letter at ``index`` of a sequence read from a file."""
    path, spans, _ = source
    for number, lo, hi in spans:
        if lo <= index < hi:
            return f"{path}, line {number}"
    return path
