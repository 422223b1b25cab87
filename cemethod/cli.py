"""The ``cemethod`` command.

``cemethod demo`` runs every capability that has landed on data shipped with the
package (or with scikit-learn) and prints a summary table. The library core never
imports scikit-learn or sklearn_ext; this command-line front end is the one place
that joins the two halves, and it imports them lazily.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

from cemethod import __version__
from cemethod._demo import DEMO_SECTIONS, DemoRow

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cemethod",
        description="The cross-entropy method and cross-entropy metrics.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    demo = sub.add_parser(
        "demo",
        help="run every capability on data shipped with the package",
        description=(
            "Run every capability on shipped data and print a summary table.\n"
            "Example: cemethod demo --seed 1 --json results.json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--seed", type=int, default=0, help="random seed (default 0), e.g. --seed 1"
    )
    demo.add_argument(
        "--json",
        metavar="PATH",
        help="also write all results as JSON to PATH, e.g. --json results.json",
    )
    demo.add_argument(
        "--quiet", action="store_true", help="print only the summary table"
    )
    return parser


def _format_table(rows: list[DemoRow]) -> str:
    header = ("capability", "result", "reference", "check", "seconds")
    cells = [header] + [
        (r.name, r.result, r.reference, "ok" if r.ok else "FAIL", f"{r.seconds:.2f}")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _write_json_atomically(path: str, payload: dict) -> None:
    """Write to a temporary file in the same folder, then rename: never half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cemethod-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _run_demo(args: argparse.Namespace) -> int:
    rows = []
    for section in DEMO_SECTIONS:
        start = time.perf_counter()
        row = section(seed=args.seed, verbose=not args.quiet)
        rows.append(row._replace(seconds=time.perf_counter() - start))
    print(_format_table(rows))
    if args.json:
        _write_json_atomically(
            args.json, {"seed": args.seed, "results": [r.as_dict() for r in rows]}
        )
    return 0 if all(r.ok for r in rows) else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cemethod`` command; returns the exit code."""
    args = _build_parser().parse_args(argv)
    if args.command == "demo":
        return _run_demo(args)
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse forbids it


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
