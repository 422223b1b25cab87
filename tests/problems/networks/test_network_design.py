"""NetworkDesign (Kroese, Hui & Nariai 2007): CE over links under a budget.

The reference optimum comes from enumerating every design with its exact
reliability; the zeta-transform enumeration is checked against the frontier /
enumeration code design by design and against a hand computation.
"""

import numpy as np
import pytest

import cemethod
from cemethod.problems import NetworkDesign, exact_unreliability

CE_OPTIONS = {"n_samples": 300, "smoothing": 0.3}
EXAMPLE_OPTIMUM = [0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0]


def test_enumeration_agrees_with_exact_reliability_per_design():
    design = NetworkDesign.example(rng=0)
    x_best, value = design.solve_by_enumeration()
    assert x_best.tolist() == EXAMPLE_OPTIMUM
    assert value == pytest.approx(design.exact_reliability(x_best), rel=1e-12)
    bits, table = design._all_reliabilities()
    net = design.network
    rng = np.random.default_rng(0)
    for code in rng.choice(bits.shape[0], 150, replace=False):
        q = np.where(bits[code], net.q, 1.0)
        edges = [(u, v, qe) for (u, v), qe in zip(net.edges.tolist(), q, strict=True)]
        rel = 1 - exact_unreliability(edges, source=0, target=6, method="enumeration")
        assert table[code] == pytest.approx(rel, rel=1e-10, abs=1e-14)
    feasible = bits @ design.costs <= design.budget
    assert value == pytest.approx(table[feasible].max(), rel=1e-12)
    runner_up = np.sort(table[feasible])[-2]
    assert value - runner_up > 0.02  # a clear optimum for the CE test


def test_bridge_by_hand():
    links = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (0, 3)]
    design = NetworkDesign(links, 0, 3, 0.2, costs=[1, 1, 1, 1, 1, 3], budget=4)
    x, value = design.solve_by_enumeration()
    assert x.tolist() == [1, 1, 0, 1, 1, 0]  # two disjoint paths of two links
    assert value == pytest.approx(1 - (1 - 0.8**2) ** 2)


def test_simulated_reliability_and_constraints():
    design = NetworkDesign.example(n_simulations=20_000, rng=1)
    X = np.array([EXAMPLE_OPTIMUM, [1] * 12, [0] * 12])
    est = design(X)
    exact = [design.exact_reliability(x) for x in X]
    # Crude Monte Carlo with 20000 states: within 4 standard errors.
    se = np.sqrt(np.array(exact) * (1 - np.array(exact)) / 20_000)
    assert np.all(np.abs(est - exact) <= 4 * se + 1e-12)
    assert est[2] == 0.0
    np.testing.assert_allclose(design.constraints(X), [0.0, 47 - 21, 0.0])
    # Common random numbers: the estimate is a fixed function of the design.
    np.testing.assert_array_equal(design(X), est)


def test_all_terminal_design():
    square = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)]
    design = NetworkDesign(square, q=0.1, costs=[1, 1, 1, 1, 1], budget=3)
    x, value = design.solve_by_enumeration()
    assert x.sum() == 3  # a spanning tree is all a budget of 3 buys
    assert value == pytest.approx(0.9**3)


def test_validation():
    links = [(0, 1), (1, 2)]
    with pytest.raises(ValueError, match="'costs'"):
        NetworkDesign(links, 0, 2, 0.1, costs=[1], budget=1)
    with pytest.raises(ValueError, match="'costs'"):
        NetworkDesign(links, 0, 2, 0.1, costs=[1, -1], budget=1)
    with pytest.raises(ValueError, match="'budget'"):
        NetworkDesign(links, 0, 2, 0.1, costs=[1, 1], budget=-1)
    with pytest.raises(ValueError, match="'n_simulations'"):
        NetworkDesign(links, 0, 2, 0.1, costs=[1, 1], budget=1, n_simulations=0)
    design = NetworkDesign(links, 0, 2, 0.1, costs=[1, 1], budget=1)
    with pytest.raises(ValueError, match="'X'"):
        design([[1, 2]])


def _ce_finds_optimum(seed):
    design = NetworkDesign.example(n_simulations=1000, rng=seed)
    res = cemethod.maximize(
        design,
        design.default_family(),
        vectorized=True,
        constraints=design.constraints,
        rng=seed,
        **CE_OPTIONS,
    )
    return res.x.tolist() == EXAMPLE_OPTIMUM


def test_ce_finds_the_optimum_fast():
    assert sum(_ce_finds_optimum(seed) for seed in range(3)) >= 2


@pytest.mark.slow
def test_ce_finds_the_optimum_in_8_of_10_seeds():
    assert sum(_ce_finds_optimum(seed) for seed in range(10)) >= 8
