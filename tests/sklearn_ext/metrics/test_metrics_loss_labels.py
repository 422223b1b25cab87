"""Encoding of y_true (every path of _labels.encode_labels) against scikit-learn."""

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.preprocessing import LabelBinarizer

from sklearn_ext.metrics import log_loss
from sklearn_ext.metrics._labels import encode_labels


def _reference_idx(y, labels=None):
    lb = LabelBinarizer().fit(y if labels is None else labels)
    t = lb.transform(y)
    t = np.append(1 - t, t, axis=1) if t.shape[1] == 1 else t
    return t.argmax(axis=1), lb.classes_


@pytest.mark.parametrize(
    "y",
    [
        np.array([0, 1, 1, 0]),  # already 0..K-1: no copy
        np.array([-1, 1, 1, -1]),  # two values: no counting
        np.array([5, 6, 6, 5]),
        np.array([3, 9, 4, 3, 9]),  # lookup table
        np.array([10**12, -(10**12), 0, 0]),  # wide range: sorting
        np.array([2, 0, 1], dtype=np.uint8),
        np.array([2, 0, 1], dtype=np.int16),
        np.array([1.0, 0.0, 2.0]),
        np.array([True, False, True]),
        np.array(["b", "a", "c", "a"]),
        np.array(["b", "a", "c", "a"], dtype=object),
    ],
)
def test_inferred_classes_match_label_binarizer(y):
    idx, classes = encode_labels(y, func="f")
    ref_idx, ref_classes = _reference_idx(y)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_array_equal(classes, ref_classes)
    k = len(ref_classes)
    p = np.random.default_rng(0).dirichlet(np.ones(k), len(y))
    assert log_loss(y, p) == skm.log_loss(y, p)


@pytest.mark.parametrize(
    ("y", "labels"),
    [
        (np.array([3, 1, 3]), [1, 2, 3]),  # table, class 2 absent
        (np.array([10**12, 0]), [0, 5, 10**12]),  # wide range: sorted search
        (np.array(["x", "z"]), ["x", "y", "z"]),
    ],
)
def test_given_sorted_labels_match_sklearn(y, labels):
    idx, _ = encode_labels(y, labels, func="f")
    np.testing.assert_array_equal(idx, _reference_idx(y, labels)[0])
    p = np.random.default_rng(1).dirichlet(np.ones(3), len(y))
    assert log_loss(y, p, labels=labels) == skm.log_loss(y, p, labels=labels)


@pytest.mark.parametrize(
    ("y", "labels"),
    [
        (np.array([3, 4]), [1, 2, 3]),
        (np.array([10**12, 7]), [0, 10**12]),
        (np.array(["x", "w"]), ["x", "y"]),
        (np.array([1, 2]), ["1", "2"]),
    ],
)
def test_labels_missing_from_labels_are_reported(y, labels):
    with pytest.raises(ValueError, match=r"'y_true'.*'labels'"):
        encode_labels(y, labels, func="f")


def test_given_order_is_kept():
    idx, classes = encode_labels(np.array(["b", "a", "c"]), ["c", "a", "b"], func="f")
    np.testing.assert_array_equal(idx, [2, 1, 0])
    assert classes.tolist() == ["c", "a", "b"]


def test_bad_targets():
    with pytest.raises(ValueError, match=r"'y_true'.*single class"):
        encode_labels(np.array([4, 4]), func="f")
    with pytest.raises(ValueError, match=r"'y_true'.*continuous"):
        encode_labels(np.array([0.5, 1.0]), func="f")
    with pytest.raises(ValueError, match=r"exactly one 1"):
        encode_labels(np.array([[1, 1], [0, 1]]), func="f")
    with pytest.raises(ValueError, match=r"'labels'.*duplicates"):
        encode_labels(np.array([0, 1]), [0, 1, 1], func="f")
    with pytest.raises(ValueError, match=r"'y_true'.*one comparable type"):
        encode_labels(np.array([1, "a"], dtype=object), func="f")
    with pytest.raises(ValueError, match=r"'y_true'.*'labels'.*'z'"):
        encode_labels(np.array(["x", "z"], dtype=object), ["x", "y"], func="f")
