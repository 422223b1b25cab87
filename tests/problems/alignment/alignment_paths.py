"""Helpers shared by the alignment tests: every path through the edit graph
(brute force), random DNA, and the share of seeds where CE reaches the DP
optimum."""

import numpy as np

from cemethod.problems import SequenceAlignment, align_dp


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
    out = np.full((len(paths), length), -1, dtype=np.int8)
    for r, p in enumerate(paths):
        out[r, : len(p)] = p
    return out


def random_dna(rng, n):
    """A random DNA string of length ``n``."""
    return "".join(rng.choice(list("ACGT"), n))


def hit_rate(length, seeds, **kwargs):
    """Share of ``seeds`` where ``SequenceAlignment(a, b, **kwargs).solve(rng=
    seed)`` reaches the :func:`align_dp` optimum, for random DNA ``a``, ``b`` of
    ``length`` drawn from ``default_rng(1000 + seed)``; CE never beats it."""
    hits = []
    for seed in seeds:
        rng = np.random.default_rng(1000 + seed)
        a, b = random_dna(rng, length), random_dna(rng, length)
        res = SequenceAlignment(a, b, **kwargs).solve(rng=seed)
        ref = align_dp(a, b, **kwargs)[0]
        assert res.fun <= ref + 1e-12
        hits.append(np.isclose(res.fun, ref))
    return np.mean(hits)
