"""The shared parameter checks: one message format naming function, rule and value."""

import numpy as np
import pytest

from cemethod._validation import check_choice, check_real, parameter_error
from sklearn_ext.metrics._validation import (
    check_array_finite,
    check_base,
    check_probabilities,
    check_sample_weight,
    reduce_losses,
)


def test_message_names_function_parameter_rule_and_value():
    err = parameter_error("minimize", "elite_fraction", "a real number in (0, 1]", 1.5)
    assert str(err) == (
        "The 'elite_fraction' parameter of minimize must be a real number in "
        "(0, 1]. Got 1.5 instead."
    )


@pytest.mark.parametrize("value", [0.0, 1.5, float("nan"), "0.5", True, None])
def test_check_real_rejects_out_of_range_and_non_numbers(value):
    with pytest.raises(ValueError, match="'alpha' parameter of f"):
        check_real(value, param="alpha", func="f", low=0, low_inclusive=False, high=1)


def test_check_real_accepts_bounds_as_declared():
    assert check_real(1, param="a", func="f", low=0, high=1) == 1.0
    assert check_real(np.float32(0.5), param="a", func="f", low=0, high=1) == 0.5


def test_check_choice():
    assert check_choice("sum", ("mean", "sum"), param="reduction", func="f") == "sum"
    with pytest.raises(ValueError, match=r"one of 'mean', 'sum'\. Got 'max'"):
        check_choice("max", ("mean", "sum"), param="reduction", func="f")


@pytest.mark.parametrize("base", [0, -2, 1, float("inf"), "2", True])
def test_check_base_rejects(base):
    with pytest.raises(ValueError, match="'base' parameter"):
        check_base(base, func="entropy")


def test_check_base_accepts_none_and_positive_numbers():
    assert check_base(None, func="f") is None
    assert check_base(2, func="f") == 2.0
    assert check_base(0.5, func="f") == 0.5


def test_array_checks_show_the_offending_values():
    with pytest.raises(ValueError, match=r"finite.*nan"):
        check_array_finite([0.1, np.nan], param="p", func="f")
    with pytest.raises(ValueError, match=r"\[0, 1\].*1\.5"):
        check_probabilities([0.1, 1.5], param="p", func="f")
    with pytest.raises(ValueError, match="non-empty"):
        check_array_finite([], param="p", func="f")
    with pytest.raises(ValueError, match="an array of numbers"):
        check_array_finite(["a", "b"], param="p", func="f")
    assert check_probabilities(np.float32([0.5]), param="p", func="f").dtype == (
        np.float32
    )


def test_sample_weight_checks():
    assert check_sample_weight(None, 3, func="f") is None
    with pytest.raises(ValueError, match="length n_samples=3"):
        check_sample_weight([1, 2], 3, func="f")
    with pytest.raises(ValueError, match=r"non-negative.*-1"):
        check_sample_weight([1, -1, 2], 3, func="f")
    with pytest.raises(ValueError, match="not all zero"):
        check_sample_weight([0, 0, 0], 3, func="f")


def test_reduce_losses_matches_numpy_average():
    losses = np.array([0.5, 1.0, 2.0])
    w = np.array([1.0, 2.0, 3.0])
    assert reduce_losses(losses, "mean", w) == np.average(losses, weights=w)
    assert reduce_losses(losses, "sum", w) == 0.5 + 2.0 + 6.0
    assert reduce_losses(losses, "none") is losses


def test_format_value_handles_object_and_string_arrays():
    from cemethod._validation import format_value

    assert format_value(np.array(["a", None], dtype=object)) == (
        "array(['a', None]) of shape (2,)"
    )
    assert format_value(np.arange(10)) == (
        "array([0, 1, 2, 3, 4, 5, ...]) of shape (10,)"
    )
