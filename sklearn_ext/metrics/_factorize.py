"""Integer codes of fixed-width string labels by hashing, in one compiled pass.

scikit-learn's ``LabelBinarizer`` (and ``np.unique``) sort the n labels to find the
classes, which for 1e6 strings costs more than the whole log loss. Here each label's
bytes (a numpy ``<U`` array viewed as 64-bit words, or as uint32 code points when
its width is odd) are hashed (FNV-1a, its high half folded into the low bits that
pick the slot) into
an open-addressing table of the distinct values, each hit checked against the
first row of its group, so the codes are exact whatever the collisions; the few
distinct values are then sorted, giving ``np.unique``'s classes and inverse.
Small inputs and inputs with many classes keep ``np.unique``.

Object arrays (of Python ``str`` or ``int``) and pandas categoricals get the same
result without sorting n Python objects (``np.unique`` on 1e6 object strings takes
seconds): strings through a dict of the distinct values, ints as int64, and a
categorical through its codes and its few categories. Only inputs whose entries
all have one exact type take these routes, so ``np.unique``'s classes and inverse
are reproduced exactly; anything else (mixed types, NaN, subclasses) keeps it.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MIN_LABELS",
    "factorize_categorical",
    "factorize_str_list",
    "factorize_strings",
    "python_ints_as_int64",
    "python_scalar_type",
]

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
            h ^= h >> np.uint64(32)  # the low bits alone ignore the words' high bits
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
    word = np.uint64 if y.dtype.itemsize % 8 == 0 else np.uint32
    words = y.view(word).reshape(y.shape[0], -1)
    codes, firsts, groups = _kernel(words, MAX_GROUPS)
    if groups < 0:
        return None
    uniques = y[firsts[:groups]]
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(groups, dtype=np.intp)
    rank[order] = np.arange(groups)
    return uniques[order], rank[codes]


def python_scalar_type(y: np.ndarray):
    """``str`` or ``int`` for a large 1-D object array of only that exact type.

    Returns None for other arrays, small ones, or entries of mixed or other types
    (``bool``, numpy scalars and subclasses included: ``type(v) is str`` or ``int``).
    """
    if y.ndim != 1 or y.dtype != object or y.shape[0] < MIN_LABELS:
        return None
    kinds = set(map(type, y))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    return kind if kind is str or kind is int else None


def factorize_str_list(values: list):
    """``np.unique(y, return_inverse=True)`` for y an object array of ``values``.

    ``values`` are Python strings; the classes come back as an object array, sorted
    by Python's ``<``, which is what numpy's object sort compares with.
    """
    first = {}
    codes = np.fromiter(
        (first.setdefault(v, len(first)) for v in values),
        dtype=np.intp,
        count=len(values),
    )
    distinct = list(first)
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.intp)
    rank[order] = np.arange(len(distinct))
    return np.array([distinct[i] for i in order], dtype=object), rank[codes]


def python_ints_as_int64(y: np.ndarray):
    """An object array of Python ints as int64, or None if one does not fit."""
    try:
        return y.astype(np.int64)
    except OverflowError:
        return None


def factorize_categorical(y_true):
    """``(idx, classes)`` of a large pandas categorical Series from its codes, or None.

    Equal to ``np.unique(np.asarray(y_true), return_inverse=True)`` (the route of
    any other input): the classes are the categories that occur, sorted. None for
    anything that is not such a Series, missing values (code -1), categories that
    are not integers or Python strings, or fewer than two classes present.
    """
    dtype = getattr(y_true, "dtype", None)
    if getattr(dtype, "name", None) != "category" or not hasattr(y_true, "cat"):
        return None
    codes = np.asarray(y_true.cat.codes)
    if codes.ndim != 1 or codes.shape[0] < MIN_LABELS or codes.min() < 0:
        return None
    values = np.asarray(y_true.cat.categories)
    if values.dtype != np.asarray(y_true.iloc[:1]).dtype:
        return None  # np.asarray(y_true) would not hold the categories as they are
    if values.dtype.kind == "O":
        if set(map(type, values.tolist())) != {str}:
            return None
    elif values.dtype.kind not in "iU":
        return None
    present = np.bincount(codes, minlength=values.shape[0]) > 0
    used = values[present]
    classes, inverse = np.unique(used, return_inverse=True)
    if classes.shape[0] != used.shape[0] or classes.shape[0] < 2:
        return None
    remap = np.full(values.shape[0], -1, dtype=np.intp)
    remap[present] = inverse.reshape(-1)
    return remap[codes], classes
