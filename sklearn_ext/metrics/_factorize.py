"""Integer codes of fixed-width string labels by hashing, in one compiled pass.

scikit-learn's ``LabelBinarizer`` (and ``np.unique``) sort the n labels to find the
classes, which for 1e6 strings costs more than the whole log loss. Here each label's
bytes (a numpy ``<U`` array viewed as uint32 code points) are hashed (FNV-1a) into
an open-addressing table of the distinct values, each hit checked against the
first row of its group, so the codes are exact whatever the collisions; the few
distinct values are then sorted, giving ``np.unique``'s classes and inverse.
Small inputs and inputs with many classes keep ``np.unique``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MIN_LABELS", "factorize_strings"]

MIN_LABELS = 1 << 15  # below this np.unique is fast enough (and numba is not loaded)
MAX_GROUPS = 4096  # more distinct values: np.unique
_kernel = None


def _compile():
    import numba

    @numba.njit(cache=True, nogil=True)
    def factorize(words, max_groups):
        n, width = words.shape
        cap = 16
        while cap < 4 * max_groups:
            cap *= 2
        mask = np.uint64(cap - 1)
        slots = np.full(cap, -1, dtype=np.int64)
        firsts = np.empty(max_groups, dtype=np.int64)
        codes = np.empty(n, dtype=np.intp)
        groups = 0
        for i in range(n):
            h = np.uint64(14695981039346656037)
            for j in range(width):
                h = (h ^ np.uint64(words[i, j])) * np.uint64(1099511628211)
            s = np.int64(h & mask)
            while True:
                k = slots[s]
                if k < 0:
                    if groups == max_groups:
                        return codes, firsts, -1
                    slots[s] = groups
                    firsts[groups] = i
                    codes[i] = groups
                    groups += 1
                    break
                r = firsts[k]
                same = True
                for j in range(width):
                    if words[r, j] != words[i, j]:
                        same = False
                        break
                if same:
                    codes[i] = k
                    break
                s = np.int64((np.uint64(s) + np.uint64(1)) & mask)
        return codes, firsts, groups

    return factorize


def factorize_strings(y: np.ndarray):
    """``np.unique(y, return_inverse=True)`` for a large 1-D ``<U`` array, or None.

    Returns None (use ``np.unique``) for small inputs, other dtypes, or more than
    ``MAX_GROUPS`` distinct values.
    """
    global _kernel
    if y.ndim != 1 or y.dtype.kind != "U" or y.shape[0] < MIN_LABELS:
        return None
    if y.dtype.itemsize == 0:
        return None
    if _kernel is None:
        _kernel = _compile()
    y = np.ascontiguousarray(y)
    words = y.view(np.uint32).reshape(y.shape[0], -1)
    codes, firsts, groups = _kernel(words, MAX_GROUPS)
    if groups < 0:
        return None
    uniques = y[firsts[:groups]]
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(groups, dtype=np.intp)
    rank[order] = np.arange(groups)
    return uniques[order], rank[codes]
