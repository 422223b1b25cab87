"""A small FASTA reader for the sequence alignment problem."""

from __future__ import annotations

import os
import re

__all__ = ["read_fasta"]

_SEQ_LINE = re.compile(r"^[A-Za-z*\-]+$")


def read_fasta(path) -> list[tuple[str, str]]:
    """Records of a FASTA file as ``(name, sequence)`` pairs, in file order.

    A record starts with a ``>`` header line (the name is the rest of that line,
    stripped); the sequence is the concatenation of the following lines with
    their whitespace removed. Blank lines and ``;`` comment lines are skipped.
    Sequences are returned as written (case kept).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    list of (str, str)

    Raises
    ------
    ValueError
        Naming the file and the line: sequence text before the first header,
        an empty header, a character that is not a letter, ``*`` or ``-``, a
        record without sequence, or a file without records.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cemethod.problems import read_fasta
    >>> d = tempfile.mkdtemp()
    >>> p = pathlib.Path(d) / "two.fa"
    >>> _ = p.write_text(">seq1 first\\nACGT\\nAC\\n>seq2\\nGGA\\n")
    >>> read_fasta(p)
    [('seq1 first', 'ACGTAC'), ('seq2', 'GGA')]
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"The 'path' parameter of read_fasta must be a path. Got {path!r} instead."
        )
    return [(name, seq) for name, seq, _ in _read_fasta_records(path)]


def _read_fasta_records(path) -> list[tuple[str, str, list[tuple[int, int, int]]]]:
    """:func:`read_fasta`'s records with where their letters are in the file:
    ``(name, sequence, spans)``, ``spans`` a ``(line, start, end)`` per sequence
    line (``sequence[start:end]`` is on that line, lines numbered from 1)."""
    where = os.fspath(path)
    records: list[tuple[str, str, list[tuple[int, int, int]]]] = []
    name, parts, spans, header_line, length = None, [], [], 0, 0

    def close():
        if name is not None:
            if not parts:
                raise ValueError(
                    f"read_fasta: {where}, line {header_line}: record {name!r} "
                    "has no sequence."
                )
            records.append((name, "".join(parts), spans))

    with open(path, encoding="utf-8-sig") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith(";"):
                continue
            if line.startswith(">"):
                close()
                name, parts, spans = line[1:].strip(), [], []
                header_line, length = lineno, 0
                if not name:
                    raise ValueError(
                        f"read_fasta: {where}, line {lineno}: empty header (a name "
                        "must follow '>')."
                    )
                continue
            if name is None:
                raise ValueError(
                    f"read_fasta: {where}, line {lineno}: sequence text before the "
                    "first '>' header."
                )
            seq = "".join(line.split())
            if not _SEQ_LINE.match(seq):
                bad = next(c for c in seq if not re.match(r"[A-Za-z*\-]", c))
                raise ValueError(
                    f"read_fasta: {where}, line {lineno}: invalid character {bad!r} "
                    "in a sequence (letters, '*' and '-' only)."
                )
            parts.append(seq)
            spans.append((lineno, length, length + len(seq)))
            length += len(seq)
    close()
    if not records:
        raise ValueError(f"read_fasta: {where}: no FASTA records ('>' headers) found.")
    return records
