"""log_loss off the C-ordered integer path: Fortran order, object labels, pandas
categoricals and ``labels=`` give the very bits of the C-ordered / fixed-width /
integer input, and of scikit-learn (issue 18 item 4)."""

import warnings

import numpy as np
import pytest
import sklearn.metrics

from sklearn_ext import metrics
from sklearn_ext.metrics._factorize import MIN_LABELS
from sklearn_ext.metrics._fused_scan import MIN_CELLS, scan_probabilities
from sklearn_ext.metrics._labels import encode_labels


def _probabilities(rng, n, k, dtype=np.float64):
    p = rng.gamma(1.0, size=(n, k))
    return (p / p.sum(axis=1, keepdims=True)).astype(dtype)


def _targets(rng, n, k):
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)
    return y


def _same(a, b):
    """Equal bit for bit (floats) or element for element (arrays)."""
    if isinstance(a, float):
        return isinstance(b, float) and a == b
    return np.array_equal(a, b)


def _keyword_cases(rng, n, k):
    w = rng.uniform(0, 3, size=n)
    w[rng.integers(0, n, size=10)] = 0.0
    return [
        {},
        {"sample_weight": w},
        {"normalize": False},
        {"normalize": False, "sample_weight": w},
        {"labels": np.arange(k)},
        {"labels": np.arange(k), "sample_weight": w, "normalize": False},
    ]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fortran_order_gives_the_bits_of_c_order_and_of_sklearn(dtype, seed):
    rng = np.random.default_rng(seed)
    k = 3 + 4 * seed
    n = MIN_CELLS // k + 37 * seed + 5  # above the scan's threshold, ragged block
    proba_c = _probabilities(rng, n, k, dtype)
    proba_c[:3] = 0.0
    proba_c[:3, 0] = 1.0  # clipping at eps and at 1 - eps
    proba_f = np.asfortranarray(proba_c)
    assert proba_f.flags.f_contiguous and not proba_f.flags.c_contiguous
    y = _targets(rng, n, k)
    for kwargs in _keyword_cases(rng, n, k):
        ours_c = metrics.log_loss(y, proba_c, **kwargs)
        ours_f = metrics.log_loss(y, proba_f, **kwargs)
        assert _same(ours_c, ours_f), kwargs
        assert ours_f == sklearn.metrics.log_loss(y, proba_f, **kwargs), kwargs
    none_c = metrics.log_loss(y, proba_c, reduction="none")
    assert none_c.dtype == dtype
    np.testing.assert_array_equal(
        none_c, metrics.log_loss(y, proba_f, reduction="none")
    )
    assert metrics.d2_log_loss_score(y, proba_f) == sklearn.metrics.d2_log_loss_score(
        y, proba_c
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fortran_scan_row_sums_are_the_sequential_sums(dtype):
    # Rows that do not sum to one, so that the summation order shows in the last
    # bits; the reference is a left-to-right numpy sum over the columns.
    rng = np.random.default_rng(4)
    n, k = MIN_CELLS // 9 + 3, 9
    proba = rng.uniform(0, 2 / k, size=(n, k)).astype(dtype)
    y = _targets(rng, n, k)
    sums = np.zeros(n, dtype=dtype)
    for j in range(k):
        sums = sums + proba[:, j]
    by_rows = scan_probabilities(proba, y)
    by_columns = scan_probabilities(np.asfortranarray(proba), y)
    np.testing.assert_array_equal(by_columns[0], proba[np.arange(n), y])
    assert by_columns[1:] == by_rows[1:] == (True, sums.min(), sums.max())


@pytest.mark.parametrize(
    ("bad", "message"),
    [(np.nan, "finite"), (np.inf, "finite"), (-0.25, r"\[0, 1\]"), (1.5, r"\[0, 1\]")],
)
@pytest.mark.parametrize("row", [0, -1])
def test_fortran_order_rejects_bad_values_anywhere(bad, message, row):
    rng = np.random.default_rng(5)
    n, k = MIN_CELLS // 4 + 1, 4
    proba = np.asfortranarray(_probabilities(rng, n, k))
    proba[row, k - 1 if row else 0] = bad
    with pytest.raises(ValueError, match=f"'y_proba' parameter of log_loss.*{message}"):
        metrics.log_loss(_targets(rng, n, k), proba)


def test_fortran_order_warns_as_c_order():
    rng = np.random.default_rng(6)
    n, k = MIN_CELLS // 4 + 1, 4
    proba = _probabilities(rng, n, k)
    y = _targets(rng, n, k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rows that sum to 1: no warning
        metrics.log_loss(y, np.asfortranarray(proba))
    proba[n // 2] *= 0.9
    with pytest.warns(UserWarning, match="do not sum to one"):
        ours = metrics.log_loss(y, np.asfortranarray(proba))
    with pytest.warns(UserWarning):
        assert ours == sklearn.metrics.log_loss(y, proba)


NAMES = np.array(["b", "a", "ccc", "\u00e9t\u00e9", "a ", "A", "z" * 12], dtype=object)


def _object_strings(rng, n=MIN_LABELS + 101, names=NAMES):
    y = names[rng.integers(0, len(names), size=n)]
    y[: len(names)] = names
    return y


def _assert_unique_encoding(y, **kwargs):
    """encode_labels against np.unique run on the same array (the old route)."""
    idx, classes = encode_labels(y, func="log_loss", **kwargs)
    ref_classes, ref_idx = np.unique(np.asarray(y), return_inverse=True)
    assert classes.dtype == ref_classes.dtype
    assert [type(c) for c in classes] == [type(c) for c in ref_classes]
    np.testing.assert_array_equal(classes, ref_classes)
    np.testing.assert_array_equal(idx, ref_idx)
    return classes


@pytest.mark.parametrize(
    "names",
    [
        ["a", "b", "c"],  # width 1: uint32 words
        ["ab", "ba", "a", "b"],  # width 2: uint64 words
        ["class0", "class1", "class10", "class2"],
        ["\u4e00a", "\u4e01a", "a\u4e00", "\U0001f600"],  # high code points
        [f"s{i:04d}" for i in range(3000)],  # many groups, collisions
        [chr(0x4E00 + i) + "abc" for i in range(3000)],  # differ in one word only
        [chr(0x4E00 + i) + "abcd" for i in range(3000)],  # the same, uint32
        ["abc" + chr(0x4E00 + i) for i in range(3000)],  # in the last word only
        ["abcd" + chr(0x4E00 + i) for i in range(3000)],
        # code points 2**14 apart: FNV's low bits collide, the slots are shared
        ["abc" + chr(0x100 + (i << 14)) for i in range(60)],
        [chr(0x100 + (i << 14)) + "abc" for i in range(60)],
        ["abcd" + chr(0x100 + (i << 14)) for i in range(60)],
        [f"s{i:05d}" for i in range(5000)],  # more than MAX_GROUPS: np.unique
    ],
)
def test_fixed_width_strings_encode_as_np_unique(names):
    rng = np.random.default_rng(15)
    names = np.array(names)
    y = names[rng.integers(0, len(names), size=MIN_LABELS + 9)]
    y[: len(names)] = names
    _assert_unique_encoding(y)
    _assert_unique_encoding(y[::-1])  # not contiguous


def test_object_strings_encode_as_np_unique():
    rng = np.random.default_rng(7)
    _assert_unique_encoding(_object_strings(rng))
    # a trailing NUL is kept by objects (a fixed-width array would drop it)
    names = np.array(["a", "a\x00", "b"], dtype=object)
    classes = _assert_unique_encoding(_object_strings(rng, names=names))
    assert classes.tolist() == ["a", "a\x00", "b"]
    many = np.array([f"c{i}" for i in range(5000)], dtype=object)
    _assert_unique_encoding(_object_strings(rng, names=many))


def test_object_strings_give_the_bits_of_fixed_width_strings_and_sklearn():
    rng = np.random.default_rng(8)
    y_obj = _object_strings(rng)
    y_str = y_obj.astype(str)
    n, k = y_obj.shape[0], len(NAMES)
    proba = _probabilities(rng, n, k)
    ordered = sorted(NAMES.tolist())
    cases = [
        *_keyword_cases(rng, n, k)[:4],
        {"labels": ordered},
        {"labels": np.array(ordered, dtype=object)},
        {"labels": np.array(ordered)},
    ]
    for kwargs in cases:
        ours = metrics.log_loss(y_obj, proba, **kwargs)
        assert ours == metrics.log_loss(y_str, proba, **kwargs), kwargs
        assert ours == sklearn.metrics.log_loss(y_obj, proba, **kwargs), kwargs
    per_class = metrics.log_loss_per_class(y_obj, proba)
    assert per_class.labels.dtype == object
    assert per_class.labels.tolist() == ordered
    np.testing.assert_array_equal(
        per_class.loss, metrics.log_loss_per_class(y_str, proba).loss
    )


def test_object_strings_against_labels_keep_the_errors():
    rng = np.random.default_rng(9)
    y = _object_strings(rng)
    proba = _probabilities(rng, y.shape[0], len(NAMES))
    short = sorted([*sorted(NAMES.tolist())[:-1], "not there"])
    with pytest.raises(ValueError, match="must only contain values listed"):
        metrics.log_loss(y, proba, labels=short)
    with pytest.raises(ValueError, match="must only contain values listed"):
        metrics.log_loss(y, proba, labels=list(range(len(NAMES))))
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        unsorted = metrics.log_loss(y, proba, labels=NAMES.tolist())
    assert unsorted == metrics.log_loss(y, proba)


@pytest.mark.parametrize(
    "values",
    [
        [0, 1, 2, 3],
        [-7, 4, 11, 2],
        [10**12, -(10**12), 0],  # wide range: np.unique on int64
        [2**70, 1, 0],  # beyond int64: the object route
    ],
)
def test_object_ints_encode_as_np_unique(values):
    rng = np.random.default_rng(10)
    y = np.empty(MIN_LABELS + 7, dtype=object)
    y[:] = [values[i] for i in rng.integers(0, len(values), size=y.shape[0])]
    y[: len(values)] = values
    classes = _assert_unique_encoding(y)
    assert all(type(c) is int for c in classes)


def test_object_ints_give_the_bits_of_int64_labels():
    rng = np.random.default_rng(11)
    n, k = MIN_LABELS + 55, 6
    y = _targets(rng, n, k)
    y_obj = y.astype(object)
    proba = _probabilities(rng, n, k)
    for kwargs in _keyword_cases(rng, n, k):
        ours = metrics.log_loss(y_obj, proba, **kwargs)
        # scikit-learn refuses object ints ("Unknown label type"): the int64 peer
        assert ours == sklearn.metrics.log_loss(y, proba, **kwargs), kwargs
    assert metrics.log_loss_per_class(y_obj, proba).labels.dtype == object


@pytest.mark.parametrize(
    "mixed",
    [
        [1, 2.0, 3],  # numbers of two types: np.unique merges by value
        [True, False, True],  # bool is not int here
        [np.str_("a"), "b", "c"],  # numpy strings: not exactly str
    ],
)
def test_mixed_object_labels_keep_np_unique(mixed):
    y = np.empty(MIN_LABELS + 3, dtype=object)
    y[:] = [mixed[i % len(mixed)] for i in range(y.shape[0])]
    _assert_unique_encoding(y)


def test_object_labels_of_incomparable_types_still_fail_clearly():
    y = np.array(["a", 1] * (MIN_LABELS // 2 + 1), dtype=object)
    proba = np.full((y.shape[0], 2), 0.5)
    with pytest.raises(ValueError, match=r"'y_true'.*one comparable type"):
        metrics.log_loss(y, proba)


def _category(pd, rng, categories, n=MIN_LABELS + 77, present=None):
    present = categories if present is None else present
    values = [present[i] for i in rng.integers(0, len(present), size=n)]
    values[: len(present)] = present
    return pd.Series(pd.Categorical(values, categories=categories))


@pytest.mark.parametrize(
    ("categories", "present"),
    [
        (["b", "a", "ccc", "a "], None),  # not sorted
        (["z", "m", "a", "unused", "b"], ["z", "m", "a", "b"]),  # one never seen
        ([30, -2, 7, 11], None),  # integer categories
        ([5, 3, 1], [5, 1]),
    ],
)
def test_pandas_category_gives_the_bits_of_its_values(categories, present):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(12)
    y = _category(pd, rng, categories, present=present)
    values = np.asarray(y)
    classes = _assert_unique_encoding(y)
    proba = _probabilities(rng, y.shape[0], classes.shape[0])
    w = rng.uniform(0, 2, size=y.shape[0])
    for kwargs in ({}, {"sample_weight": w}, {"normalize": False}):
        ours = metrics.log_loss(y, proba, **kwargs)
        assert ours == metrics.log_loss(values, proba, **kwargs), kwargs
        assert ours == sklearn.metrics.log_loss(y, proba, **kwargs), kwargs
    lab = sorted(classes.tolist())
    assert metrics.log_loss(y, proba, labels=lab) == metrics.log_loss(values, proba)
    np.testing.assert_array_equal(
        metrics.log_loss_per_class(y, proba).labels, np.unique(values)
    )


def test_pandas_category_with_missing_values_behaves_as_its_values():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(13)
    y = _category(pd, rng, ["a", "b", "c"])
    y.iloc[5] = None
    assert y.cat.codes.min() < 0
    proba = _probabilities(rng, y.shape[0], 3)
    errors = []
    for labels in (y, np.asarray(y)):
        with pytest.raises(ValueError, match="'y_true'") as info:
            metrics.log_loss(labels, proba)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_labels_given_as_a_shifted_range():
    rng = np.random.default_rng(14)
    n, k = 5000, 5
    y = _targets(rng, n, k) + 3
    proba = _probabilities(rng, n, k)
    labels = np.arange(3, 3 + k)
    w = rng.uniform(0, 2, size=n)
    for kwargs in ({}, {"sample_weight": w}, {"normalize": False}):
        expected = sklearn.metrics.log_loss(y, proba, labels=labels, **kwargs)
        assert metrics.log_loss(y, proba, labels=labels, **kwargs) == expected
    # torch keeps the order given: a reversed range is looked up, not shifted
    reversed_labels = labels[::-1]
    brute = -np.log(proba[np.arange(n), (3 + k - 1) - y])
    np.testing.assert_array_equal(
        metrics.log_loss(
            y, proba, labels=reversed_labels, reduction="none", convention="torch"
        ),
        brute,
    )
    for outside in (2, 3 + k):
        y_bad = y.copy()
        y_bad[17] = outside
        with pytest.raises(ValueError, match=rf"must only contain.*\[{outside}\]"):
            metrics.log_loss(y_bad, proba, labels=labels)
