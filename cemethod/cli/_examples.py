"""The example files shipped inside the package (cemethod/data), for
``cemethod examples [--copy DIR]`` and for the ``--help`` examples: an input file
name that does not exist in the current folder but is the name of a shipped file
is read from the package (with a note on stderr), so that every example of the
help texts runs as printed from any folder after a plain ``pip install``.

Standard library only (the parser and ``--help`` must stay fast).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["DATA", "INPUTS", "resolve_inputs", "run_examples", "shipped_files"]

DATA = Path(__file__).resolve().parents[1] / "data"

# the argparse destinations that name input files
INPUTS = ("file", "graph", "config", "seq1", "seq2", "y_true", "y_proba")

_ABOUT = {
    "maxcut5.txt": "maxcut: edge list 'u v weight', 5 nodes (de Boer et al. 2005)",
    "maxcut5.csv": "maxcut: the same graph as a .csv weight matrix",
    "bridge.txt": "reliability: the bridge network, 'u v q' per link "
    "(--source 0 --target 3)",
    "line.json": "buffer: a 3-machine production line with 6 buffer slots",
    "seq1.fasta": "align: a short DNA sequence (FASTA)",
    "seq2.fasta": "align: a second DNA sequence (FASTA)",
    "jobs.csv": "schedule: jobs with columns p,w,d",
    "wt40.txt": "schedule: OR-Library wt40, 125 instances of 40 jobs (--instance K)",
    "wtopt40.txt": "schedule: the optimal values of wt40, one a line",
    "y_true.csv": "evaluate: labels, one a line",
    "y_proba.csv": "evaluate: predicted probabilities, a column per class",
}


def shipped_files() -> dict[str, Path]:
    """{file name: path} of every shipped data file (names are unique)."""
    files = {}
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and not path.name.startswith((".", "__")):
            files.setdefault(path.name, path)
    return files


def _about(name: str) -> str:
    if name in _ABOUT:
        return _ABOUT[name]
    if name.endswith((".tsp", ".atsp")):
        return "tsp: a TSPLIB instance (published optimum known)"
    if name.endswith(".opt.tour"):
        return "tsp: the optimal tour of a TSPLIB instance"
    return "tsp: published optima of TSPLIB instances"


def resolve_inputs(args) -> None:
    """Replace an input file name that is missing here but shipped with the
    package by the shipped file (a note goes to stderr)."""
    files = None
    for dest in INPUTS:
        value = getattr(args, dest, None)
        if not isinstance(value, str) or os.path.exists(value):
            continue
        if os.path.dirname(value):
            continue  # a path the user spelled out: report it missing
        files = shipped_files() if files is None else files
        if value in files:
            setattr(args, dest, str(files[value]))
            if not getattr(args, "quiet", False):
                print(
                    f"{value}: not in this folder; using the example file shipped "
                    f"with cemethod ({files[value]})",
                    file=sys.stderr,
                )


def run_examples(args) -> int:
    """``cemethod examples``: list the shipped files, or copy them into a folder."""
    files = shipped_files()
    if args.copy is None:
        width = max(map(len, files))
        print(f"Example files shipped with cemethod (in {DATA}):")
        for name in files:
            print(f"  {name.ljust(width)}  {_about(name)}")
        print("Copy them here with 'cemethod examples --copy .'; the commands also")
        print("find them by name, e.g. 'cemethod tsp burma14.tsp'.")
        return 0
    target = Path(args.copy)
    if target.exists() and not target.is_dir():
        print(
            f"cemethod examples: {target} exists and is not a folder", file=sys.stderr
        )
        return 2
    target.mkdir(parents=True, exist_ok=True)
    copied = kept = 0
    for name, path in files.items():
        dest = target / name
        if dest.exists():
            kept += 1  # never overwrite the user's file
            continue
        shutil.copyfile(path, dest)
        copied += 1
    note = f" ({kept} already there, left as they were)" if kept else ""
    print(f"copied {copied} example files into {target}{note}")
    return 0
