"""The vectorizable exp of the EM kernels against numpy's exp."""

import numba
import numpy as np

from cemethod.families._vector_math import exp_nonpositive


@numba.njit
def exp_all(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = exp_nonpositive(x[i])
    return out


def test_exp_is_within_one_ulp_of_numpy_on_its_range():
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            -rng.exponential(1.0, 20000),
            -rng.exponential(50.0, 20000),
            -rng.uniform(0, 708, 20000),
            [0.0, -0.0, -1e-300, -5e-324, -1e-16, -np.log(2) / 2, -700.0, -708.0],
        ]
    )
    got, want = exp_all(x), np.exp(x)
    assert np.all(np.abs(got - want) <= np.spacing(want))
    assert exp_all(np.array([0.0]))[0] == 1.0  # exactly: the top term of a sum


def test_below_minus_708_it_returns_exp_of_minus_708():
    # (where libm's result goes subnormal and then 0; the kernels only add
    # such terms to sums >= 1)
    got = exp_all(np.array([-708.5, -745.0, -1e4, -np.inf]))
    assert np.all(np.abs(got - np.exp(-708.0)) <= np.spacing(np.exp(-708.0)))
