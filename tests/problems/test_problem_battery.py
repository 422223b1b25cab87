"""check_problem runs on every optimization problem the package ships (rule 7).

The noisy problems (buffer allocation, network design) are left out: their value
is a simulation, which their own tests check against the exact Markov chain and
the exact reliability.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from cemethod import problems as P
from cemethod.testing import check_problem


def _problems():
    rng = np.random.default_rng(0)
    values = rng.integers(1, 30, size=12)
    weights = rng.integers(1, 20, size=12)
    yield "MaxCut synthetic", P.MaxCut.synthetic(20, 10, rng=0)
    dense = P.MaxCut.synthetic(20, 10, rng=0)
    yield (
        "MaxCut sparse",
        P.MaxCut(sp.csr_matrix(dense.weights), optimum=dense.optimum),
    )
    yield "Rastrigin", P.Rastrigin(4)
    yield "Rosenbrock", P.Rosenbrock(3)
    yield "Ackley", P.Ackley(3)
    yield "Griewank", P.Griewank(3)
    yield "Levy", P.Levy(3)
    yield "Shekel", P.Shekel(5)
    yield "Peaks", P.Peaks()
    yield "MixedQuadratic", P.MixedQuadratic()
    yield "Knapsack", P.Knapsack(values, weights, int(weights.sum() // 2))
    yield "WeightedTardiness", P.load_wt40()[1]
    yield "SequenceAlignment", P.SequenceAlignment("ACGTTGCA", "ACTTGGCA")
    yield (
        "SequenceAlignment local",
        P.SequenceAlignment(
            "TTACGTTGCA", "GACTTGGC", gap_open=3.0, gap_extend=1.0, mode="local"
        ),
    )
    yield "TSP burma14", P.TSP.from_tsplib(P.TSP.example_path("burma14.tsp"))
    yield "ATSP br17", P.TSP.from_tsplib(P.TSP.example_path("br17.atsp"))


PROBLEMS = dict(_problems())


@pytest.mark.parametrize("name", PROBLEMS)
def test_every_problem_passes_check_problem(name):
    check_problem(PROBLEMS[name], n_samples=32, rng=1)
