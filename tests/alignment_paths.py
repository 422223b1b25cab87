"""Brute force shared by the alignment tests: every path through the edit graph."""


def all_paths(m, n):
    """Every move sequence from (0, 0) to (m, n): 0 diag, 1 down, 2 right."""
    if m == 0 and n == 0:
        yield ()
        return
    if m and n:
        for rest in all_paths(m - 1, n - 1):
            yield (0, *rest)
    if m:
        for rest in all_paths(m - 1, n):
            yield (1, *rest)
    if n:
        for rest in all_paths(m, n - 1):
            yield (2, *rest)


def padded(paths, length):
    """Move sequences as the rows of an int8 array, padded with -1."""
    import numpy as np

    out = np.full((len(paths), length), -1, dtype=np.int8)
    for r, p in enumerate(paths):
        out[r, : len(p)] = p
    return out
