"""Memory limit checked before allocation (issue 17, item 1).

Readers, constructors and solvers estimate the bytes they will need from the
sizes they were given (a TSPLIB DIMENSION, the lengths of two sequences, a
number of samples) and call :func:`check_memory` before allocating: above the
limit they raise :class:`SizeLimitError` naming the size, the estimate and how
to raise the limit, instead of numpy's raw ``MemoryError`` (or the operating
system killing the process).

The limit is 2 GiB unless raised: by the environment variable
``CEMETHOD_MAX_MEMORY`` (``8G``, ``512M``, ``3000000000``), by
:func:`set_max_memory`, or on the command line by ``--max-memory``. An estimate
counts the large arrays only (a lower bound on the peak, within a small factor).
"""

from __future__ import annotations

import os
import re

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "MAX_MEMORY_ENV",
    "SizeLimitError",
    "check_memory",
    "format_bytes",
    "max_memory",
    "parse_bytes",
    "set_max_memory",
]

DEFAULT_MAX_MEMORY = 2 << 30
MAX_MEMORY_ENV = "CEMETHOD_MAX_MEMORY"
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_override: int | None = None


class SizeLimitError(ValueError, MemoryError):
    """A size whose estimated memory is above the limit (:func:`max_memory`).

    A ``ValueError`` (the input is the problem) and a ``MemoryError`` (for code
    that already catches that)."""


def parse_bytes(text) -> int:
    """``"8G"``, ``"512M"``, ``"1.5GiB"``, ``"3000000000"`` as a byte count
    (units K, M, G, T are powers of 1024; a trailing ``B`` or ``iB`` is optional)."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        match = re.fullmatch(
            r"\s*(\d+(?:\.\d*)?)\s*([KMGT]?)(?:I?B)?\s*", str(text).upper()
        )
        if not match:
            raise ValueError(
                f"expected a byte count such as 8G, 512M or 3000000000, got {text!r}"
            )
        value = int(float(match.group(1)) * _UNITS[match.group(2)])
    if value <= 0:
        raise ValueError(f"expected a byte count > 0, got {text!r}")
    return value


def max_memory() -> int:
    """The limit in bytes: :func:`set_max_memory`'s, else ``CEMETHOD_MAX_MEMORY``,
    else 2 GiB."""
    if _override is not None:
        return _override
    text = os.environ.get(MAX_MEMORY_ENV)
    if text:
        try:
            return parse_bytes(text)
        except ValueError as exc:
            raise ValueError(
                f"the environment variable {MAX_MEMORY_ENV}: {exc}"
            ) from None
    return DEFAULT_MAX_MEMORY


def set_max_memory(limit) -> int | None:
    """Set the limit (bytes, or a text such as ``"8G"``; None: back to the
    environment variable or the default) and return the previous setting.

    Examples
    --------
    >>> from cemethod import set_max_memory
    >>> previous = set_max_memory("8G")
    >>> _ = set_max_memory(previous)
    """
    global _override
    previous = _override
    _override = None if limit is None else parse_bytes(limit)
    return previous


def format_bytes(n: float) -> str:
    """``16000000000`` -> ``"14.9 GiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n < 1024 or unit == "EiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return ""  # pragma: no cover (the loop returns)


def check_memory(func: str, size: str, estimate: float, what: str = "") -> None:
    """Refuse an allocation of about ``estimate`` bytes above :func:`max_memory`.

    ``size`` names the input that sets it (``"DIMENSION 20000"``, ``"n_samples
    = 1e12 samples of 5 values"``), ``what`` what the bytes are for.
    """
    limit = max_memory()
    if estimate <= limit:
        return
    purpose = f" for {what}" if what else ""
    gib = -(-int(estimate) // (1 << 30))
    example = f" (e.g. {MAX_MEMORY_ENV}={gib + 1}G)" if gib < 1024 else ""
    raise SizeLimitError(
        f"{func}: {size} needs about {format_bytes(estimate)}{purpose}, more than "
        f"the memory limit of {format_bytes(limit)}; if that much memory is "
        f"available, raise the limit: --max-memory on the command line, the "
        f"environment variable {MAX_MEMORY_ENV}{example} or "
        "cemethod.set_max_memory()"
    )
