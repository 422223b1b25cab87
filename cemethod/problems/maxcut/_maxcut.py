"""Max-cut: split the nodes of a weighted graph in two so that the total weight
of the edges between the two sides is as large as possible.

The CE treatment follows de Boer, Kroese, Mannor & Rubinstein (2005), "A
tutorial on the cross-entropy method", Ann. Oper. Res. 134:19-67, Section 3.1,
and Rubinstein & Kroese (2004), "The Cross-Entropy Method", Springer, Ch. 4:
a cut is a binary vector ``x`` (``x_i = 1``: node ``i`` on side V1), sampled
from independent Bernoulli coordinates.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from cemethod._validation import parameter_error
from cemethod.families import Bernoulli
from cemethod.problems.maxcut._synthetic import synthetic_instance
from cemethod.problems.maxcut._weights import (
    check_dense_weights,
    check_sparse_weights,
    dense_matrix,
    symmetric_csr,
)
from cemethod.problems.maxcut.dimacs import read_dimacs
from cemethod.problems.maxcut.gset import read_gset

__all__ = ["MaxCut"]


class MaxCut:
    """The max-cut problem on a weighted undirected graph (to maximize).

    Parameters
    ----------
    weights : array_like or scipy.sparse matrix of shape (n, n)
        Symmetric matrix of real edge weights (0 = no edge); the diagonal is
        ignored. A scipy.sparse matrix is kept sparse (as CSR; no dense n x n
        array is ever made), which large sparse graphs need: the G-set graphs
        (:meth:`from_gset`) are read that way.
    optimum : float, optional
        The known maximum cut value, when there is one.
    optimal_solution : array_like of shape (n,), optional
        A 0/1 vector attaining ``optimum``.

    Notes
    -----
    A solution is a 0/1 vector ``x`` of length ``n``; its cut value is
    ``sum_{i<j, x_i != x_j} w_ij = x^T W (1 - x)`` for a symmetric ``W``
    (de Boer et al. 2005, eq. (29)); ``x`` and ``1 - x`` are the same cut.

    The default family starts every node at ``p_i = 1/2``, node 0 included.
    de Boer et al. (2005), Section 3.1, fix node 0 on side V1 (``p_0 = 1``) to
    remove the symmetry ``x <-> 1 - x``; we measured that this creates a trap:
    on the synthetic instance (n = 400) the other nodes sometimes settle on the
    phase opposite to node 0, a 1-flip local optimum one node short of the
    maximum, in 3 runs of 10, and 0 of 20 with node 0 free, where the sampled
    population breaks the symmetry by itself. To fix node 0 anyway, pass
    ``Bernoulli(p)`` with ``p[0] = 1``: the objective accepts any 0/1 vector.

    Examples
    --------
    >>> import cemethod as ce
    >>> from cemethod.problems import MaxCut
    >>> C = [
    ...     [0, 1, 3, 5, 6],
    ...     [1, 0, 3, 6, 5],
    ...     [3, 3, 0, 2, 2],
    ...     [5, 6, 2, 0, 2],
    ...     [6, 5, 2, 2, 0],
    ... ]
    >>> problem = MaxCut(C)
    >>> problem([[1, 1, 0, 0, 0]])  # cut {0, 1} | {2, 3, 4}
    array([28.])
    >>> res = ce.maximize(
    ...     problem,
    ...     problem.default_family(),
    ...     vectorized=True,
    ...     rng=0,
    ...     **problem.default_options(),
    ... )
    >>> res.fun, res.x.tolist()
    (28.0, [1, 1, 0, 0, 0])
    """

    direction = "maximize"

    def __init__(self, weights, *, optimum=None, optimal_solution=None):
        func = "MaxCut"
        if sp.issparse(weights):
            self.weights = check_sparse_weights(weights, func)
        else:
            self.weights = check_dense_weights(weights, func)
        self._csr = self.weights if sp.issparse(self.weights) else None
        if optimum is not None and not (
            isinstance(optimum, numbers.Real) and np.isfinite(optimum)
        ):
            raise parameter_error(func, "optimum", "None or a finite number", optimum)
        self.optimum = None if optimum is None else float(optimum)
        if optimal_solution is not None:
            x = np.asarray(optimal_solution)
            if x.shape != (self.n_nodes,) or not np.all((x == 0) | (x == 1)):
                raise parameter_error(
                    func,
                    "optimal_solution",
                    f"a 0/1 vector of length {self.n_nodes}",
                    optimal_solution,
                )
            optimal_solution = x.astype(np.int8)
            optimal_solution.flags.writeable = False
        self.optimal_solution = optimal_solution

    def __repr__(self) -> str:
        return f"MaxCut(n_nodes={self.n_nodes}, optimum={self.optimum})"

    @property
    def n_nodes(self) -> int:
        """Number of nodes ``n`` (the length of a solution vector)."""
        return self.weights.shape[0]

    @property
    def is_sparse(self) -> bool:
        """True when ``weights`` is a scipy.sparse CSR matrix."""
        return sp.issparse(self.weights)

    @property
    def adjacency(self) -> sp.csr_matrix:
        """The weights as a CSR matrix (``weights`` itself when sparse, else
        made once from the dense matrix); the local searches run on it."""
        if self._csr is None:
            self._csr = check_sparse_weights(sp.csr_matrix(self.weights), "MaxCut")
        return self._csr

    @property
    def n_edges(self) -> int:
        """Number of node pairs ``i < j`` with a non-zero weight."""
        return int(self.adjacency.nnz // 2)

    @property
    def total_weight(self) -> float:
        """Sum of all edge weights (the cut value of a bipartite graph's
        bipartition)."""
        if self.is_sparse:
            return float(sp.triu(self.weights, 1).sum())
        return float(np.triu(self.weights, 1).sum())

    def edges(self):
        """``(edges, weights)``: the pairs ``i < j`` with a non-zero weight, an
        (m, 2) int array in row order, and their weights."""
        upper = sp.triu(self.adjacency, 1).tocoo()
        order = np.lexsort((upper.col, upper.row))
        pairs = np.column_stack([upper.row, upper.col]).astype(np.int64)[order]
        return pairs, upper.data[order].astype(float)

    # -- constructors -----------------------------------------------------
    @classmethod
    def from_edge_list(cls, edges, n_nodes=None, *, sparse=False, **kwargs) -> MaxCut:
        """From rows ``(i, j)`` or ``(i, j, weight)`` with integer nodes
        ``0..n-1``; repeated edges add up. With ``sparse=True`` the weights
        are held as a scipy.sparse CSR matrix (no dense n x n array).

        Examples
        --------
        >>> from cemethod.problems import MaxCut
        >>> MaxCut.from_edge_list([(0, 1, 2.0), (1, 2, 1.0)]).weights
        array([[0., 2., 0.],
               [2., 0., 1.],
               [0., 1., 0.]])
        """
        func = "MaxCut.from_edge_list"
        e = np.asarray(edges, dtype=float)
        if e.ndim != 2 or e.shape[1] not in (2, 3) or e.shape[0] == 0:
            raise parameter_error(
                func, "edges", "a non-empty list of (i, j) or (i, j, weight) rows", e
            )
        ij = e[:, :2]
        if not np.all(np.isfinite(ij)) or np.any(ij < 0) or np.any(ij != np.round(ij)):
            raise parameter_error(
                func, "edges", "rows whose nodes are non-negative integers", e
            )
        ij = ij.astype(np.intp)
        if n_nodes is None:
            n_nodes = int(ij.max()) + 1
        elif (
            not isinstance(n_nodes, numbers.Integral)
            or isinstance(n_nodes, bool)
            or n_nodes <= ij.max()
        ):
            raise parameter_error(
                func, "n_nodes", f"None or an int > {int(ij.max())}", n_nodes
            )
        if np.any(ij[:, 0] == ij[:, 1]):
            raise parameter_error(func, "edges", "edges between distinct nodes", e)
        if not isinstance(sparse, (bool, np.bool_)):
            raise parameter_error(func, "sparse", "a bool", sparse)
        w = e[:, 2] if e.shape[1] == 3 else np.ones(len(e))
        if sparse:
            return cls(symmetric_csr(int(n_nodes), ij, w), **kwargs)
        W = dense_matrix(func, int(n_nodes), 0.0)
        np.add.at(W, (ij[:, 0], ij[:, 1]), w)
        np.add.at(W, (ij[:, 1], ij[:, 0]), w)
        return cls(W, **kwargs)

    @classmethod
    def from_gset(cls, path, **kwargs) -> MaxCut:
        """From a G-set / rudy file (first line ``n m``, then ``m`` lines
        ``i j w`` with nodes numbered from 1), held sparse. The file is checked
        against its header (:func:`read_gset`); node ``i`` of the file is node
        ``i - 1`` of the problem. ``kwargs``: ``optimum``, ``optimal_solution``.

        Examples
        --------
        >>> import tempfile, os
        >>> from cemethod.problems import MaxCut
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = os.path.join(d, "square.txt")
        ...     with open(path, "w") as f:
        ...         _ = f.write("4 4\\n1 2 1\\n2 3 1\\n3 4 1\\n4 1 1\\n")
        ...     p = MaxCut.from_gset(path)
        >>> p.n_nodes, p.n_edges, p([[1, 0, 1, 0]])
        (4, 4, array([4.]))
        """
        graph = read_gset(path)
        W = symmetric_csr(graph.n_nodes, graph.edges, graph.weights)
        return cls(W, **kwargs)

    @classmethod
    def from_dimacs(cls, path, **kwargs) -> MaxCut:
        """From a DIMACS graph file (``c`` comments, ``p edge n m``, then
        ``m`` lines ``e i j [w]`` with nodes numbered from 1, weight 1 when
        left out), held sparse and checked against its problem line
        (:func:`~cemethod.problems.maxcut.read_dimacs`, with an example);
        node ``i`` of the file is node ``i - 1`` of the problem. ``kwargs``:
        ``optimum``, ``optimal_solution``."""
        graph = read_dimacs(path)
        W = symmetric_csr(graph.n_nodes, graph.edges, graph.weights)
        return cls(W, **kwargs)

    @classmethod
    def from_networkx(cls, graph, weight="weight", **kwargs) -> MaxCut:
        """From an undirected ``networkx`` graph; node ``i`` of the problem is
        the ``i``-th node of ``list(graph)``. Edges without the ``weight``
        attribute weigh 1.

        Examples
        --------
        >>> import networkx as nx
        >>> from cemethod.problems import MaxCut
        >>> MaxCut.from_networkx(nx.cycle_graph(4)).total_weight
        4.0
        """
        import networkx as nx  # optional dependency, imported on use

        if graph.is_directed():
            raise parameter_error(
                "MaxCut.from_networkx", "graph", "an undirected graph", graph
            )
        W = nx.to_numpy_array(graph, nodelist=list(graph), weight=weight)
        return cls(W, **kwargs)

    @classmethod
    def synthetic(cls, n, m, rng=None) -> MaxCut:
        """The synthetic instance of de Boer et al. (2005), Section 3.1.

        ``C = [[Z11, B12], [B21, Z22]]``: the diagonal blocks (sizes ``m`` and
        ``n - m``) are symmetric with U(0, 1) entries above the diagonal, the
        off-diagonal blocks are all ones. The block partition
        ``{0..m-1} | {m..n-1}`` cuts ``m (n - m)``. For ``m = n / 2`` this is
        the maximum: a cut of the complete graph has at most ``n^2 / 4`` edges,
        each of weight at most 1, and only the block partition cuts ``n^2 / 4``
        edges of weight 1 (almost surely). For other ``m`` a balanced cut can do
        better, so ``optimum`` is then None.

        Examples
        --------
        >>> from cemethod.problems import MaxCut
        >>> p = MaxCut.synthetic(6, 3, rng=0)
        >>> p.optimum, p(p.optimal_solution[None, :])
        (9.0, array([9.]))
        """
        W, optimum, block = synthetic_instance(n, m, rng)
        return cls(W, optimum=optimum, optimal_solution=block)

    # -- the objective -----------------------------------------------------
    def _check_X(self, X, func: str) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_nodes:
            raise parameter_error(
                func, "X", f"a 2-D array with {self.n_nodes} columns", X
            )
        return X

    def __call__(self, X) -> np.ndarray:
        """Cut values of the rows of ``X`` (0/1 vectors), shape ``(n,)``."""
        X = self._check_X(X, "MaxCut.__call__").astype(float)
        # x^T W (1 - x) row by row, one matrix product for the batch.
        if self.is_sparse:
            XW = np.asarray(self.weights @ X.T).T  # W symmetric: (W X^T)^T = X W
            return np.einsum("ij,ij->i", XW, 1.0 - X)
        return np.einsum("ij,ij->i", X @ self.weights, 1.0 - X)

    def evaluate_one(self, x) -> float:
        """Cut value of one 0/1 vector by summing the crossing edges (a
        reference for the vectorized ``__call__``)."""
        x = np.asarray(x)
        if x.shape != (self.n_nodes,):
            raise parameter_error(
                "MaxCut.evaluate_one", "x", f"a vector of length {self.n_nodes}", x
            )
        if self.is_sparse:
            upper = sp.triu(self.weights, 1).tocoo()
            return float(upper.data[x[upper.row] != x[upper.col]].sum())
        i, j = np.triu_indices(self.n_nodes, 1)
        return float(self.weights[i, j][x[i] != x[j]].sum())

    def is_feasible(self, X) -> np.ndarray:
        """True for rows of ``X`` whose entries are all 0 or 1."""
        X = self._check_X(X, "MaxCut.is_feasible")
        return np.all((X == 0) | (X == 1), axis=1)

    # -- CE defaults -------------------------------------------------------
    def default_family(self) -> Bernoulli:
        """Bernoulli with ``p_i = 1/2`` for every node."""
        return Bernoulli(np.full(self.n_nodes, 0.5))

    def default_options(self) -> dict:
        """CE settings that solve the literature instances: ``N = max(500, n)``
        samples, elite fraction 0.05, smoothing 0.5, stop after 5 unchanged
        levels. (de Boer et al. 2005, Section 3.1, use ``N = 1000``, rho = 0.1,
        alpha = 0.7 for ``n = 400``; these settings found the optimum of the
        synthetic instance in 20 runs of 20 and of 24 sparse bipartite graphs of
        24, where rho = 0.1, alpha = 0.7 found 18.)"""
        return {
            "n_samples": max(500, self.n_nodes),
            "elite_fraction": 0.05,
            "smoothing": 0.5,
            "patience": 5,
        }

    def local_search(self, X):
        """Greedy 1-flip local search: in each row, move the node whose move
        raises the cut most, until no single move raises it.

        Parameters
        ----------
        X : array_like of shape (n_nodes,) or (k, n_nodes)
            0/1 vectors (one or a batch; the rows are improved together).

        Returns
        -------
        X_improved : ndarray of int8, same shape as ``X``
            1-flip local optima.
        values : float or ndarray of shape (k,)
            Their cut values.

        Examples
        --------
        >>> from cemethod.problems import MaxCut
        >>> p = MaxCut.from_edge_list([(0, 1), (1, 2), (2, 3)])
        >>> x, value = p.local_search([0, 0, 0, 0])
        >>> x.tolist(), value
        ([0, 1, 0, 1], 3.0)
        """
        func = "MaxCut.local_search"
        X = np.asarray(X)
        single = X.ndim == 1
        X2 = self._check_X(X[None, :] if single else X, func)
        if not np.all((X2 == 0) | (X2 == 1)):
            raise parameter_error(func, "X", "an array of 0 and 1 entries", X)
        W = self.weights
        S = 1.0 - 2.0 * X2.astype(float)  # spins: +1 on side 0, -1 on side 1
        scale = abs(W).max() if self.is_sparse else np.abs(W).max()
        tol = 1e-12 * max(1.0, float(scale))
        H = (
            np.asarray(W @ S.T).T if self.is_sparse else S @ W
        )  # local fields (W s)_i, updated after each flip
        active = np.arange(S.shape[0])
        while active.size:
            # Gain of flipping node i: s_i (W s)_i, the same-side weight minus
            # the crossing weight at node i.
            gain = S[active] * H[active]
            best = np.argmax(gain, axis=1)
            improves = gain[np.arange(active.size), best] > tol
            active, best = active[improves], best[improves]
            old = S[active, best]
            S[active, best] = -old
            rows = W[best].toarray() if self.is_sparse else W[best]
            H[active] -= (2.0 * old)[:, None] * rows
        X2 = (S < 0).astype(np.int8)
        values = self(X2)
        return (X2[0], float(values[0])) if single else (X2, values)

    def tabu_options(self) -> dict:
        """CE settings of ``solve(polish="tabu")``: ``N = 20`` samples, elite
        fraction 0.25, smoothing 0.1, at most 150 iterations, stop when the
        level has not moved for 40. We measured on G-set graphs of 800 nodes
        (G2, G12, G15, G18) that these land within 0.4% of the best-known cuts
        in about 8 CPU seconds, where smoothing 0.3 to 0.5 settles too early (up
        to 1% below); the stall rule ends easy instances early (the planted
        400-node graph of de Boer et al.: 41 iterations, 2.3 s, optimal) and
        left the G-set cuts of G12 and G18 unchanged."""
        return {
            "n_samples": 20,
            "elite_fraction": 0.25,
            "smoothing": 0.1,
            "patience": 40,
            "maxiter": 150,
        }

    def tabu_search(self, x, *, max_steps=None, rng=None):
        """One-flip tabu search from the 0/1 vector ``x``: steepest ascent on
        gains kept up to date in O(degree) per flip, tenure ``n / 10 +
        U{0..10}``, aspiration, stop after ``max_steps`` steps (default
        ``50 n``) or ``5 n`` steps without a better cut (``_tabu`` module).

        Returns
        -------
        x_best : ndarray of int8
            The best cut met (never worse than ``x``).
        value : float
            Its cut value.

        Examples
        --------
        >>> from cemethod.problems import MaxCut
        >>> p = MaxCut.from_edge_list([(0, 1), (1, 2), (2, 3), (3, 0)])
        >>> x, value = p.tabu_search([0, 0, 0, 0], rng=0)
        >>> value, bool(x[0] != x[1] != x[2] != x[3])
        (4.0, True)
        """
        from cemethod.problems.maxcut._memetic import checked_tabu_search

        return checked_tabu_search(self, x, max_steps, rng)

    def solve(self, *, polish="tabu", rng=None, polish_elite=5, **options):
        """Run the cross-entropy method with the default family and options.

        Parameters
        ----------
        polish : "tabu" or bool, default="tabu"
            ``"tabu"`` (the default, the best results): the best
            ``polish_elite`` cuts of every iteration are replaced by the best
            cut of a tabu search of ``20 n`` steps from them
            (:meth:`tabu_search`), with the settings of :meth:`tabu_options`,
            and a tabu search of ``50 n`` steps polishes the outcome (G-set
            graphs of 800-2,000 nodes: within about 0.5% of the best-known cuts,
            see benchmarks/bench_maxcut.py). False: pure CE, the method of de
            Boer et al. (2005), with :meth:`default_options`: fast and exact on
            small or dense graphs with a clear optimum, but 2.5-16% below the
            best-known cuts on the G-set. True: every sampled cut is replaced by
            its 1-flip local optimum (:meth:`local_search`) before the CE
            update (the number of evaluations counts the sampled cuts only).
        rng : None, int or numpy.random.Generator
        polish_elite : int, default 5
            Cuts polished per iteration with ``polish="tabu"``.
        **options
            Settings of :class:`cemethod.CrossEntropyOptimizer`, overriding
            :meth:`default_options` (:meth:`tabu_options` with ``"tabu"``).

        Returns
        -------
        CEResult

        Examples
        --------
        >>> from cemethod.problems import MaxCut
        >>> p = MaxCut.synthetic(40, 20, rng=0)
        >>> p.solve(rng=0, maxiter=5).fun == p.optimum
        True
        >>> p.solve(polish=False, rng=0).fun == p.optimum  # pure CE
        True
        """
        from cemethod.optimize._optimizer import CrossEntropyOptimizer

        if isinstance(polish, str) and polish == "tabu":
            from cemethod.problems.maxcut._memetic import memetic_solve

            settings = {**self.tabu_options(), **options}
            return memetic_solve(self, rng=rng, polish_elite=polish_elite, **settings)
        if not isinstance(polish, (bool, np.bool_)):
            raise TypeError(
                "The 'polish' parameter of MaxCut.solve must be a bool or 'tabu'. "
                f"Got {polish!r} instead."
            )
        settings = {**self.default_options(), **options}
        opt = CrossEntropyOptimizer(
            self.default_family(), direction="maximize", rng=rng, **settings
        )
        while not opt.stop():
            X = opt.ask()
            if polish:
                X, values = self.local_search(X)
            else:
                values = self(X)
            opt.tell(X, values)
        return opt.result()
