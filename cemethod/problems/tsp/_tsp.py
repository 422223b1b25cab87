"""The travelling salesman problem (symmetric TSP and asymmetric ATSP) as a
ready problem for the cross-entropy optimizer (de Boer, Kroese, Mannor &
Rubinstein 2005, Section 4)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from cemethod._validation import check_int_at_least, check_real, parameter_error
from cemethod.families import Permutation
from cemethod.optimize._minimize import minimize
from cemethod.optimize._options import check_bool
from cemethod.problems.tsp._local_search import local_search, memetic_run
from cemethod.problems.tsp._matrix_checks import checked_distances
from cemethod.problems.tsp._polish import (
    final_kicks,
    iteration_kicks,
    memetic_options,
    polish_tour,
)
from cemethod.problems.tsp._prior import prior_matrix
from cemethod.problems.tsp._solution import TSPSolution
from cemethod.problems.tsp.tsplib import published_optimum, read_tsplib

__all__ = ["TSP"]

# Defaults of TSP.default_options / TSP.solve, measured with benchmarks/bench_tsp.py.
# N = budget / n^2: sampling a tour costs ~ n^2 / 2, so every n gets a similar
# cost per iteration; a symmetric TSP iterates longer (two orientations).
_SAMPLE_BUDGET_SYM, _SAMPLE_BUDGET_ASYM = 2.5e7, 8e7
_MIN_SAMPLES, _MAX_SAMPLES = 500, 30_000
_RHO = 0.01  # elite fraction, the tutorial's
_MIN_ELITE, _MAX_ELITE = 10, 300
_SMOOTHING = 0.7  # the tutorial's alpha
_N_POLISH_DEFAULT = 30
_POLISH_ELITE_DEFAULT = 5  # solve(polish=True): tours polished per iteration
_TEMPERATURE_SYM = 0.7  # distance prior of a symmetric TSP (see default_family)
_REVERSE_WEIGHT = 0.25  # Permutation.reverse_weight of a symmetric TSP
_PRIOR_NEIGHBOURS = 5  # distance_prior: scale = mean distance to 5 nearest
_PRIOR_FLOOR = 1e-6  # distance_prior: smallest weight before normalising


class TSP:
    """A symmetric travelling salesman problem: minimise the length of a tour.

    A sample is a permutation ``x`` of ``0..n-1``; its length is
    ``sum_k D[x[k], x[k+1]] + D[x[n-1], x[0]]`` (the closing edge included),
    de Boer et al. (2005), eq. (29).

    Parameters
    ----------
    distances : array_like, shape (n, n)
        Symmetric matrix of finite, non-negative distances, ``n >= 3``; the
        diagonal is never used. Integer matrices stay int64 (TSPLIB distances
        are integers), others become float64.
    name : str, optional
    optimum : float, optional
        The known optimal length, if any (see :meth:`from_tsplib`).

    Attributes
    ----------
    distances : ndarray, read-only
    n : int
    name : str or None
    optimum : int, float or None
    direction : str
        ``"minimize"``.

    Examples
    --------
    >>> import numpy as np
    >>> from cemethod.problems import TSP
    >>> tsp = TSP.from_tsplib(TSP.example_path("burma14.tsp"))
    >>> tsp.n, tsp.optimum
    (14, 3323)
    >>> tsp(np.arange(14)[None, :])
    array([4562])
    >>> sol = tsp.solve(rng=0, polish=True)
    >>> int(sol.length)
    3323
    """

    direction = "minimize"
    _symmetric = True

    def __init__(self, distances, name=None, optimum=None):
        cls = type(self).__name__
        D = checked_distances(cls, distances, self._symmetric)
        if name is not None and not isinstance(name, str):
            raise parameter_error(cls, "name", "None or a str", name)
        if optimum is not None and not (
            isinstance(optimum, numbers.Real)
            and not isinstance(optimum, bool)
            and math.isfinite(optimum)
        ):
            raise parameter_error(cls, "optimum", "None or a finite number", optimum)
        self._distances = D
        self.name = name
        self.optimum = optimum

    @classmethod
    def from_tsplib(cls, path, optimum="published"):
        """The problem of a TSPLIB ``.tsp`` or ``.atsp`` file.

        Parameters
        ----------
        path : str, os.PathLike or importlib.resources Traversable
        optimum : "published", number or None, default "published"
            ``"published"`` looks the instance's NAME up in the tables of
            optima TSPLIB publishes (shipped with cemethod).

        Returns
        -------
        TSP or ATSP
            An :class:`ATSP` when the file's TYPE is ATSP or this is called as
            ``ATSP.from_tsplib``, else a :class:`TSP`.
        """
        return cls._from_data(read_tsplib(path), optimum)

    @classmethod
    def _from_data(cls, data, optimum="published"):
        """:meth:`from_tsplib` on a file already read by :func:`read_tsplib`
        (for callers that also need its coordinates)."""
        if data.type == "TOUR":
            raise ValueError(
                f"The 'path' parameter of {cls.__name__}.from_tsplib must name a "
                f"TSP or ATSP file. Got a TOUR file {data.path!r} instead."
            )
        if isinstance(optimum, str):
            if optimum != "published":
                raise parameter_error(
                    f"{cls.__name__}.from_tsplib",
                    "optimum",
                    "'published', None or a number",
                    optimum,
                )
            optimum = published_optimum(data.name, data.type)
        from cemethod.problems.tsp._atsp import ATSP  # a subclass of TSP: import here

        kind = ATSP if (data.type == "ATSP" or cls is ATSP) else TSP
        return kind(data.distances, name=data.name, optimum=optimum)

    @staticmethod
    def example_path(name: str):
        """Path of a TSPLIB file shipped with cemethod (e.g. ``"berlin52.tsp"``);
        see :func:`cemethod.problems.tsp.tsplib.example_names`."""
        from cemethod.problems.tsp.tsplib import example_path

        return example_path(name)

    @property
    def distances(self) -> np.ndarray:
        """The (n, n) distance matrix (read-only)."""
        return self._distances

    @property
    def n(self) -> int:
        """Number of cities."""
        return self._distances.shape[0]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n={self.n}, name={self.name!r}, "
            f"optimum={self.optimum!r})"
        )

    def _tours(self, X, func: str, one: bool = False) -> np.ndarray:
        X = np.asarray(X)
        n = self.n
        if one:
            if X.ndim != 1:
                raise parameter_error(func, "tour", f"a 1-D array of {n} nodes", X)
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != n:
            raise parameter_error(
                func, "X", f"a 2-D array of tours with {n} columns", X
            )
        if X.dtype.kind not in "iu":
            if X.dtype.kind != "f" or not np.all(np.round(X) == X):
                raise parameter_error(func, "X", "an array of integers", X)
            X = X.astype(np.intp)
        if X.size and (X.min() < 0 or X.max() >= n):
            raise parameter_error(func, "X", f"tours of the nodes 0..{n - 1}", X)
        seen = np.zeros(X.shape, dtype=bool)
        seen[np.arange(X.shape[0])[:, None], X] = True
        if not seen.all():
            bad = X[~seen.all(axis=1)][0]
            raise parameter_error(
                func, "X", f"rows that are permutations of 0..{n - 1}", bad
            )
        return X

    def __call__(self, X) -> np.ndarray:
        """Lengths of the tours in the rows of ``X`` (closing edge included),
        shape ``(len(X),)``; int64 for integer distances."""
        return self._lengths(self._tours(X, f"{type(self).__name__}.__call__"))

    def _lengths(self, X) -> np.ndarray:
        """Lengths of the valid tours in the rows of ``X`` (no validation)."""
        return self._distances[X, np.roll(X, -1, axis=1)].sum(axis=1)

    def tour_length(self, tour):
        """Length of one tour (a permutation of ``0..n-1``)."""
        t = self._tours(tour, f"{type(self).__name__}.tour_length", one=True)
        return self._lengths(t)[0].item()

    def default_family(self, prior="distance", temperature=None) -> Permutation:
        """The initial sampling distribution of :meth:`solve`.

        Parameters
        ----------
        prior : {"distance", "uniform"}, default "distance"
            ``"uniform"``: every tour from city 0 equally likely (the tutorial's
            start, de Boer et al. 2005, Section 4). ``"distance"``: the
            transition matrix of :meth:`distance_prior`, which favours short
            edges. Both are a starting density for pure CE (no local search);
            ``"distance"`` measured better on every TSPLIB instance of
            ``benchmarks/bench_tsp.py``.
        temperature : float > 0, optional
            Passed to :meth:`distance_prior`. Default 0.7 for a symmetric
            :class:`TSP` and 1 for an :class:`ATSP` (measured over 10 seeds on
            st70, berlin52 and ry48p).

        Returns
        -------
        Permutation
            Starting at city 0; ``reverse_weight=0.25`` (each elite tour also
            counts walked backwards with weight 1/4) for a symmetric
            :class:`TSP` whose :meth:`default_options` sample at least ``n^2``
            tours (up to 70 cities), else 0; measured in docs/problems/tsp.rst.

        Examples
        --------
        >>> from cemethod.problems import TSP
        >>> tsp = TSP.from_tsplib(TSP.example_path("burma14.tsp"))
        >>> fam = tsp.default_family()
        >>> fam.n_nodes, fam.reverse_weight
        (14, 0.25)
        >>> int(fam.transition[0].argmax())  # city 7 is the nearest to city 0
        7
        """
        func = f"{type(self).__name__}.default_family"
        n = self.n
        enough = self.default_options()["n_samples"] >= n * n
        beta = _REVERSE_WEIGHT if self._symmetric and enough else 0.0
        if prior == "uniform":
            return Permutation.uniform(self.n, reverse_weight=beta)
        if prior != "distance":
            raise parameter_error(func, "prior", "'distance' or 'uniform'", prior)
        if temperature is None:
            temperature = _TEMPERATURE_SYM if self._symmetric else 1.0
        return Permutation(self.distance_prior(temperature), reverse_weight=beta)

    def distance_prior(self, temperature=1.0) -> np.ndarray:
        """Transition matrix favouring short edges:
        ``P[i, j] ~ exp(-(d_ij - min_k d_ik) / (temperature * s))``, where ``s``
        is the mean distance from a city to its 5 nearest neighbours, floored
        at ``1e-6`` (every tour stays possible), zero diagonal, rows
        normalised. A distance-informed start of the CE iterations, in the
        spirit of the nearest-neighbour tour; the CE update then forgets it
        at the rate of the smoothing.

        Parameters
        ----------
        temperature : float > 0, default 1
            Larger is closer to uniform.

        Returns
        -------
        ndarray of float64, shape (n, n)
            Row-stochastic with a zero diagonal.

        Examples
        --------
        >>> import numpy as np
        >>> from cemethod.problems import TSP
        >>> P = TSP([[0, 1, 4], [1, 0, 2], [4, 2, 0]]).distance_prior()
        >>> P.round(3)
        array([[0.   , 0.783, 0.217],
               [0.606, 0.   , 0.394],
               [0.298, 0.702, 0.   ]])
        """
        func = f"{type(self).__name__}.distance_prior"
        temperature = check_real(
            temperature,
            param="temperature",
            func=func,
            low=0.0,
            low_inclusive=False,
            high_inclusive=False,  # finite
        )
        return prior_matrix(
            self._distances, temperature, _PRIOR_NEIGHBOURS, _PRIOR_FLOOR
        )

    def default_options(self) -> dict:
        """CE settings measured to work on TSPLIB instances of 14 to 100 cities
        (``benchmarks/bench_tsp.py``), for ``minimize(..., **options)`` with
        :meth:`default_family`.

        The sample size is ``N = K / n^2`` within [500, 30000] (``K = 2.5e7``
        for a TSP, ``8e7`` for an ATSP: sampling a tour costs about ``n^2 / 2``,
        so an iteration costs about the same for every ``n``); the elite is
        ``rho = 0.01`` of it within [10, 300], smoothing 0.7 (the tutorial's,
        de Boer et al. 2005, Section 4), elitism on, and the tutorial's stall
        rule (the level unchanged for 5 iterations). :meth:`solve` with the
        polish uses fewer samples on large instances.

        Examples
        --------
        >>> import numpy as np
        >>> from cemethod.problems import TSP
        >>> opts = TSP(np.ones((70, 70)) - np.eye(70)).default_options()
        >>> opts["n_samples"], opts["n_elite"], opts["smoothing"]
        (5102, 51, 0.7)
        """
        n = self.n
        budget = _SAMPLE_BUDGET_SYM if self._symmetric else _SAMPLE_BUDGET_ASYM
        n_samples = int(np.clip(round(budget / (n * n)), _MIN_SAMPLES, _MAX_SAMPLES))
        return {
            "n_samples": n_samples,
            "n_elite": int(np.clip(round(_RHO * n_samples), _MIN_ELITE, _MAX_ELITE)),
            "smoothing": _SMOOTHING,
            "elitism": True,
            "patience": 5,
            "maxiter": 1000,
        }

    def polish(self, tour, max_moves=None, n_kicks=0, rng=None):
        """Local search from ``tour``: 2-opt and Or-opt (segments of 1 to 3
        cities, moved forwards or reversed) until no move shortens the tour;
        with ``n_kicks``, iterated local search (ILS) on top.

        Compiled, with the moves that add an edge to one of a city's 10
        nearest cities and don't-look bits (an ATSP: only moves that reverse
        nothing); up to 200 cities the exact 2-opt / Or-opt over all moves
        follows. A kick: a random double bridge (two adjacent blocks of up
        to 50 cities swapped), then the local search around it; the kicked
        tour is kept when it is not longer.

        Parameters
        ----------
        tour : array_like of int, shape (n,)
        max_moves : int, optional
            Only the exact best-improvement search, stopped after this many
            improving moves.
        n_kicks : int, default 0
            ILS kicks (0: local search only).
        rng : None, int or numpy.random.Generator
            Draws the kicks.

        Returns
        -------
        tour : ndarray of intp, shape (n,)
            Never longer than the input; a 2-opt and Or-opt local optimum
            unless ``max_moves`` stopped it (over all moves up to 200 cities,
            over the candidate moves above).
        length : int or float

        Examples
        --------
        >>> import numpy as np
        >>> from cemethod.problems import TSP
        >>> angle = 2 * np.pi * np.array([0, 3, 1, 4, 2, 5]) / 6
        >>> xy = np.column_stack([np.cos(angle), np.sin(angle)])
        >>> tsp = TSP(np.round(100 * np.linalg.norm(xy[:, None] - xy[None], axis=2)))
        >>> tsp.tour_length([0, 1, 2, 3, 4, 5])  # a zigzag across the hexagon
        1046.0
        >>> tour, length = tsp.polish([0, 1, 2, 3, 4, 5])
        >>> length  # the hexagon: 6 sides of 100
        600.0
        """
        func = f"{type(self).__name__}.polish"
        t = self._tours(tour, func, one=True)
        n_kicks = check_int_at_least(n_kicks, param="n_kicks", func=func, low=0)
        if max_moves is not None:
            max_moves = check_int_at_least(
                max_moves, param="max_moves", func=func, low=0
            )
            out, _ = local_search(self._distances, t[0], max_moves)
            return out, self._lengths(out[None])[0].item()
        seed = int(np.random.default_rng(rng).integers(2**31))
        out, length = polish_tour(self, t[0], n_kicks, seed)
        return out, length.item()

    def _polish_one(self, tour, n_kicks=0, seed=0):
        """Local search (or ILS) of one valid tour: (tour, numpy length)."""
        return polish_tour(self, tour, n_kicks, seed)

    def polish_result(
        self, result, *, n_polish=_N_POLISH_DEFAULT, n_kicks=None, rng=None
    ):
        """Polish the outcome of a CE run: a short ILS (``n`` kicks) from
        ``result.x``, ``result.x_mode`` and ``n_polish`` tours drawn from
        ``result.family``, then ILS with ``n_kicks`` kicks (default ``300 n``)
        from the shortest (ties: the earliest).

        Returns
        -------
        tour : ndarray of intp, shape (n,)
        length : int or float
            Never more than ``result.fun``.
        """
        func = f"{type(self).__name__}.polish_result"
        n_polish = check_int_at_least(n_polish, param="n_polish", func=func, low=0)
        if n_kicks is None:
            n_kicks = final_kicks(self.n)
        n_kicks = check_int_at_least(n_kicks, param="n_kicks", func=func, low=0)
        rng = np.random.default_rng(rng)
        starts = [np.asarray(result.x), np.asarray(result.x_mode)]
        if n_polish:
            starts.extend(result.family.sample(int(n_polish), rng))
        best = None
        for start in starts:
            start = np.asarray(start, dtype=np.intp)
            t = self._tours(start, func, one=True)[0]
            seed = int(rng.integers(2**31))
            tour, length = polish_tour(self, t, iteration_kicks(self.n), seed)
            if best is None or length < best[1]:
                best = (tour, length)
        if n_kicks:
            best = polish_tour(self, best[0], n_kicks, int(rng.integers(2**31)))
        return best[0], best[1].item()

    def solve(
        self,
        *,
        rng=None,
        polish=True,
        n_polish=_N_POLISH_DEFAULT,
        polish_elite=_POLISH_ELITE_DEFAULT,
        n_kicks=None,
        **options,
    ):
        """Run the CE optimizer with :meth:`default_family` and
        :meth:`default_options` (overridden by ``options``); with ``polish``,
        with the local search inside the loop and after it.

        Parameters
        ----------
        rng : None, int or numpy.random.Generator
        polish : bool, default True
            False: pure CE (:func:`cemethod.minimize`). True: a memetic CE
            (``polish_elite`` best tours of each iteration replaced by a short
            ILS, :meth:`polish` with ``n`` kicks, before the update; ``N =
            min(N, max(50, 5e6 / n^2))``, at most 50 iterations), then
            :meth:`polish_result` (ILS with ``n_kicks`` kicks).
        n_polish : int, default 30
            Tours drawn from the final distribution for :meth:`polish_result`.
        polish_elite : int, default 5
            Tours polished per iteration with ``polish=True``; 0 polishes only
            after the CE run. Ignored with ``polish=False``.
        n_kicks : int, optional
            Kicks of the final ILS; default ``300 n``.
        **options
            Passed to :func:`cemethod.minimize` (``n_samples``, ``smoothing``,
            ``time_limit``, ``callback``, ``progress``, ``workers``, ...).

        Returns
        -------
        TSPSolution
        """
        func = f"{type(self).__name__}.solve"
        polish = check_bool(polish, param="polish", func=func)
        polish_elite = check_int_at_least(
            polish_elite, param="polish_elite", func=func, low=0
        )
        rng = np.random.default_rng(rng)
        if polish:
            defaults = memetic_options(self, self.default_options())
        else:
            defaults = self.default_options()
        settings = {**defaults, **options}
        if polish and polish_elite > 0:
            seeds = np.random.default_rng(int(rng.integers(2**31)))
            kicks = iteration_kicks(self.n)

            def one(tour):
                return polish_tour(self, tour, kicks, int(seeds.integers(2**31)))

            res = memetic_run(
                self, self.default_family(), polish_elite, one, rng=rng, **settings
            )
        else:
            res = minimize(
                self, self.default_family(), vectorized=True, rng=rng, **settings
            )
        tour, length = np.asarray(res.x, dtype=np.intp), res.fun
        if polish:
            tour, length = self.polish_result(
                res, n_polish=n_polish, n_kicks=n_kicks, rng=rng
            )
        length = length.item() if hasattr(length, "item") else length
        if self._distances.dtype.kind == "i":
            length = int(length)
        error = None if not self.optimum else length / self.optimum - 1.0
        return TSPSolution(tour, length, res, polish, error)
