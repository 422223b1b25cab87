"""check_problem accepts the package's problems and catches broken ones."""

import networkx as nx
import numpy as np
import pytest

from cemethod.families import Bernoulli, Gaussian
from cemethod.problems import (
    Ackley,
    MaxCut,
    MixedQuadratic,
    Peaks,
    Rastrigin,
    Rosenbrock,
    Shekel,
)
from cemethod.testing import check_problem


@pytest.mark.parametrize(
    "problem",
    [
        MaxCut.synthetic(20, 10, rng=0),
        MaxCut.from_networkx(nx.les_miserables_graph()),
        Rastrigin(10),
        Rosenbrock(5),
        Ackley(3),
        Shekel(7),
        Peaks(),
        MixedQuadratic(),
    ],
    ids=repr,
)
def test_package_problems_pass(problem):
    check_problem(problem, n_samples=16, rng=1)


class Sphere:
    """A correct minimal problem; subclasses break one thing each."""

    direction = "minimize"
    optimum = 0.0
    optimal_solution = np.zeros(3)

    def __call__(self, X):
        return np.sum(np.asarray(X, dtype=float) ** 2, axis=1)

    def evaluate_one(self, x):
        return float(sum(v * v for v in x))

    def default_family(self):
        return Gaussian(np.ones(3), np.ones(3))

    def default_options(self):
        return {"n_samples": 50}


def test_minimal_problem_passes():
    check_problem(Sphere())


class BadDirection(Sphere):
    direction = "min"


class WrongShape(Sphere):
    def __call__(self, X):
        return super().__call__(X)[:, None]


class NotVectorized(Sphere):
    # Correct row by row, wrong in a batch (uses the first row only).
    def __call__(self, X):
        X = np.asarray(X, dtype=float)
        return np.full(X.shape[0], np.sum(X[0] ** 2))


class WrongReference(Sphere):
    def evaluate_one(self, x):
        return super().evaluate_one(x) + 1e-3


class WrongOptimum(Sphere):
    optimum = 1.0  # samples beat it


class WrongSolution(Sphere):
    optimal_solution = np.ones(3)


class SolutionShape(Sphere):
    optimal_solution = np.zeros(4)


class Infeasible(Sphere):
    def is_feasible(self, X):
        return np.all(np.asarray(X) > 0, axis=1)


class MutatesInput(Sphere):
    def __call__(self, X):
        X[...] = 0.0
        return np.zeros(X.shape[0])


class NaNValues(Sphere):
    def __call__(self, X):
        out = super().__call__(X)
        out[3] = np.nan
        return out


class NoFamily(Sphere):
    default_family = None


class BadFamily(Sphere):
    def default_family(self):
        return object()


class BadOptions(Sphere):
    def default_options(self):
        return [("n_samples", 50)]


class MaximizeOptimumTooLow(Sphere):
    direction = "maximize"
    optimum = 0.5  # any sample with |x|^2 > 0.5 beats it
    optimal_solution = None


@pytest.mark.parametrize(
    "problem, check",
    [
        (BadDirection(), "direction"),
        (WrongShape(), "values"),
        (NotVectorized(), "vectorized"),
        (WrongReference(), "vectorized"),
        (WrongOptimum(), "optimum"),
        (WrongSolution(), "optimum"),
        (SolutionShape(), "optimum"),
        (Infeasible(), "feasible"),
        (MutatesInput(), "values"),
        (NaNValues(), "values"),
        (NoFamily(), "default_family"),
        (BadFamily(), "default_family"),
        (BadOptions(), "default_options"),
        (MaximizeOptimumTooLow(), "optimum"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else v,
)
def test_broken_problems_are_caught(problem, check):
    with pytest.raises(AssertionError, match=rf"^check_problem\[{check}\]: "):
        check_problem(problem)


def test_broken_maxcut_is_caught():
    # A max-cut whose stated optimum is wrong (the true one is 28).
    C = [
        [0, 1, 3, 5, 6],
        [1, 0, 3, 6, 5],
        [3, 3, 0, 2, 2],
        [5, 6, 2, 0, 2],
        [6, 5, 2, 2, 0],
    ]
    with pytest.raises(AssertionError, match=r"check_problem\[optimum\]"):
        check_problem(MaxCut(C, optimum=29.0, optimal_solution=[1, 1, 0, 0, 0]))


def test_single_row_reference_when_no_evaluate_one():
    class Batch(Sphere):
        evaluate_one = None

    check_problem(Batch())

    class Binary:
        direction = "maximize"
        optimum = None

        def __call__(self, X):
            return np.asarray(X, dtype=float).sum(axis=1)

        def default_family(self):
            return Bernoulli(np.full(5, 0.5))

    check_problem(Binary())


def test_n_samples_is_validated():
    with pytest.raises(ValueError, match=r"'n_samples' parameter of check_problem"):
        check_problem(Sphere(), n_samples=0)
