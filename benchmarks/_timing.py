"""Small helpers shared by the benchmark scripts: medians of repeated timings, peaks."""

from __future__ import annotations

import platform
import statistics
import time
import tracemalloc

import numpy as np


def median_seconds(func, *, repeat: int = 5, number: int = 1) -> float:
    """Median wall time of ``number`` calls of ``func``, over ``repeat`` rounds."""
    func()  # warm-up: imports, caches, first-touch page faults
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def peak_bytes(func) -> int:
    """Peak memory allocated (Python and NumPy, via tracemalloc) during one call."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def machine_line() -> str:
    """One line naming the machine and the library versions a table was made with."""
    import scipy
    import sklearn

    return (
        f"{platform.processor() or platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )


def print_table(header, rows) -> None:
    """A plain Markdown table, so the output pastes into the README as it is."""
    cells = [tuple(header)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for k, row in enumerate(cells):
        print(
            "| "
            + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            + " |"
        )
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
