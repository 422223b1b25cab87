"""The options of the ``cemethod`` subcommands: argparse types and the common
options. Imports only the standard library, so that building the parser (and
``cemethod --help``) does not load numpy, scipy or numba."""

from __future__ import annotations

import argparse
import math

__all__ = ["ALL_COMMON", "InputError", "MissingExtra", "add_common_options", "elite"]


class InputError(Exception):
    """A user input (file or value) the command cannot use; the message names
    the file, the line and what was expected. Reported as a usage error (exit 2).
    """


class MissingExtra(InputError):
    """An optional dependency the options need is not installed: reported on one
    line naming the extra to install (exit 2), without the usage text."""


# -- argparse types --
def _int_at_least(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {low}, got {text!r}"
            ) from None
        if value < low:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {low}, got {text!r}"
            )
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


def int_between(low: int, high: int):
    """An argparse type: an integer in ``low..high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected an integer from {low} to {high}, got {text!r}"
            )
        return value

    parse.__name__ = f"integer in {low}..{high}"
    return parse


def _real_in(low: float, high: float | None, *, low_open: bool, what: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        ok = math.isfinite(value) and (value > low if low_open else value >= low)
        if high is not None:
            ok = ok and value <= high
        if not ok:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    parse.__name__ = what
    return parse


def elite(text: str) -> tuple[str, float | int]:
    """``--elite``: a fraction in (0, 1) of the samples, or a count >= 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if 0 < value < 1:
        return ("elite_fraction", value)
    if value >= 1 and value == int(value):
        return ("n_elite", int(value))
    raise argparse.ArgumentTypeError(
        f"expected a fraction in (0, 1) or a whole number >= 1, got {text!r}"
    )


positive_int = _int_at_least(1)
seed_int = nonnegative_int = _int_at_least(0)
smoothing_real = _real_in(0.0, 1.0, low_open=True, what="a number in (0, 1]")
positive_real = _real_in(0.0, None, low_open=True, what="a number > 0")
nonnegative_real = _real_in(0.0, None, low_open=False, what="a number >= 0")
probability = _real_in(0.0, 1.0, low_open=False, what="a probability in [0, 1]")


_COMMON_HELP = {
    "seed": "random seed, an integer >= 0 (default 0); e.g. --seed 7",
    "samples": "samples per CE iteration (default: the problem's own); "
    "e.g. --samples 2000",
    "elite": "elite size: a fraction of the samples in (0, 1) or a count >= 1 "
    "(default: the problem's own); e.g. --elite 0.05 or --elite 20",
    "smoothing": "smoothing alpha in (0, 1] of the CE update (default: the "
    "problem's own); e.g. --smoothing 0.7",
    "workers": "evaluate the samples in this many processes (default 1: in "
    "this process); e.g. --workers 2",
    "time-limit": "stop the CE iterations after this many seconds, within one "
    "evaluation (one per worker with --workers; the best answer so far is "
    "reported; starting up and a final polish come on top); e.g. --time-limit 30",
    "eval-timeout": "seconds one evaluation of a sample (one simulation, or "
    "one call on a batch of samples) may take; a longer one is stopped and "
    "the sample counted as a failure with the worst value (default: no "
    "limit); e.g. --eval-timeout 5",
    "json": "also write all results as JSON to PATH (written only when the run "
    "succeeds); e.g. --json result.json",
    "plot": "write PNG plots into the folder DIR, created if needed (needs "
    "matplotlib); e.g. --plot plots/",
    "quiet": "print only the summary, no progress on stderr; e.g. --quiet",
    "max-memory": "refuse inputs whose arrays are estimated to need more "
    "memory than this (default 2G, or the environment variable "
    "CEMETHOD_MAX_MEMORY); units K, M, G, T; e.g. --max-memory 8G",
}

_COMMON_TYPES = {
    "seed": seed_int,
    "samples": _int_at_least(2),
    "elite": elite,
    "smoothing": smoothing_real,
    "workers": positive_int,
    "time-limit": positive_real,
    "eval-timeout": positive_real,
}

_SECONDS = {"workers": "K", "time-limit": "SEC", "eval-timeout": "SEC"}
ALL_COMMON = (
    "seed", "samples", "elite", "smoothing", "workers", "time-limit", "eval-timeout",
)  # fmt: skip


def add_common_options(parser, names=ALL_COMMON, **help_overrides) -> None:
    """The optimizer options in ``names`` and always ``--json``, ``--plot``,
    ``--quiet``; ``help_overrides`` replaces a help text (key: name with ``_``)."""
    group = parser.add_argument_group("common options")
    for name in names:
        key = name.replace("-", "_")
        metavar = {"seed": "N", "samples": "N", "elite": "E", "smoothing": "ALPHA"}
        group.add_argument(
            f"--{name}",
            type=_COMMON_TYPES[name],
            default=0 if name == "seed" else None,
            metavar=metavar.get(name, _SECONDS.get(name)),
            help=help_overrides.get(key, _COMMON_HELP[name]),
        )
    group.add_argument("--json", metavar="PATH", help=_COMMON_HELP["json"])
    group.add_argument("--plot", metavar="DIR", help=_COMMON_HELP["plot"])
    group.add_argument("--quiet", action="store_true", help=_COMMON_HELP["quiet"])
    group.add_argument(
        "--max-memory",
        type=byte_count,
        metavar="BYTES",
        help=_COMMON_HELP["max-memory"],
    )


def byte_count(text: str) -> int:
    """``--max-memory``: ``8G``, ``512M``, ``3000000000`` (powers of 1024)."""
    from cemethod._limits import parse_bytes  # standard library only

    try:
        return parse_bytes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


byte_count.__name__ = "byte count"
