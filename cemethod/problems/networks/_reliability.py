"""Network reliability estimation: the cross-entropy method, turnip, splitting.

Hui, Bean, Kraetzl & Kroese (2005), "The cross-entropy method for network
reliability estimation", Annals of Operations Research 134, 101-118. The CE
estimator below is the default; turnip (``_turnip``: Gertsbakh & Shpungin
2010) and generalized splitting (``_splitting``: Botev et al. 2013) need no
importance-sampling law at all and are ``method="turnip"`` / ``"splitting"``.

Edges fail independently, edge ``e`` with probability ``q_e``. The quantity
of interest is the *un*reliability ``l = P(S(X) = 1)``, ``S(X) = 1`` when the
failure indicators ``X_e ~ Bernoulli(q_e)`` disconnect the source from the
target (or, all-terminal, leave the graph disconnected).

The CE estimator (``NetworkReliability.estimate(method="cross-entropy")``) is
importance sampling with the family of the crude estimator, independent Bernoulli
failure probabilities ``p`` (Hui et al. 2005). ``S`` is binary, so the multilevel
algorithm has nothing to grade: from the nominal law (``q = 1e-3``) almost
every sample has ``S = 0`` and the elite quantile never moves. The standard
way out for a 0/1 performance is to start the CE iterations at a reference
law under which the event is no longer rare and update at the event itself
(de Boer, Kroese, Mannor & Rubinstein 2005, eq. (10) with ``gamma`` fixed).
The start here comes from the minimum cuts: for small ``q`` the network fails
almost only through its lightest cuts (weights ``-log q_e``), and the start
gives each edge its share of them (:meth:`NetworkReliability.cut_start`).
Every sample is drawn from a defensive mixture with that start (Hesterberg
1995), so no minimum cut is lost by the updates.

A graded alternative was tried and rejected: the merge process (Elperin,
Gertsbakh & Lomonosov 1991) gives edge ``e`` an ``Exp(-log q_e)`` birth time
``Y_e`` (so ``P(Y_e > 1) = q_e``) and the connection time ``T(Y)``
(:meth:`NetworkReliability.connection_time`) is continuous with
``{T > 1} = {S = 1}``. Multilevel CE on ``T`` with an exponential family
(``merge_family``) stalls or drifts onto one of several equally likely cuts:
on the dodecahedron, where the two cuts around the terminals carry half of
``l`` each, it returned estimates off by many orders of magnitude with
degenerate weights; the product family cannot recover a cut it has lost.
"""

from __future__ import annotations

import numpy as np

from cemethod._validation import (
    check_choice,
    check_int_at_least,
    parameter_error,
)
from cemethod.families import Bernoulli
from cemethod.problems.networks._connectivity import (
    MAX_ENUMERATION_EDGES,
    disconnected,
    enumerate_unreliability,
)
from cemethod.problems.networks._cuts import (
    lightest_cuts,
    start_probabilities,
)
from cemethod.problems.networks._estimate import run_estimate
from cemethod.problems.networks._exact import (
    MAX_STATES,
    ExactCost,
    _exact,
    check_max_states,
    exact_cost,
)
from cemethod.problems.networks._graphs import _Shown, as_network, minimax_distances
from cemethod.problems.networks._nodes import check_node_q, usable_failures

__all__ = ["NetworkReliability"]


def _check_batch(X, m, func, param="X"):
    X = np.asarray(X)
    if X.ndim == 1 and X.size == m:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != m:
        raise parameter_error(func, param, f"an array of shape (n, {m})", X)
    return X


class NetworkReliability:
    """Two-terminal, k-terminal or all-terminal unreliability of a network with
    unreliable links.

    Parameters
    ----------
    graph : networkx graph, edge list or matrix
        The network; see :func:`cemethod.problems.as_network`.
    source, target : node label, optional
        The terminals (labels of ``graph``). Both None (and no ``terminals``):
        all-terminal.
    q : float, array_like of shape (m,), str or None
        Edge failure probabilities (None when ``graph`` carries them).
    terminals : sequence of node labels, optional
        k-terminal reliability: the probability that the working links leave
        some of these (at least two, distinct) apart. Not with ``source``.
        ``exact()`` enumerates for k-terminal sets of 3 or more (up to 22
        links); the estimators take any set.
    node_q : float, array_like of shape (n_nodes,) or dict, optional
        Node failure probabilities (an array in the order of
        ``network.labels``; a dict ``label -> probability``, other nodes
        perfect). A failed node takes its links down; a failed terminal is a
        failed network. Then ``score`` takes the links' then the nodes'
        failure indicators, ``exact()`` enumerates (up to 22 links and
        nodes) and ``estimate()`` runs generalized splitting; CE's cut
        mixture and turnip work on link failures only.

    Attributes
    ----------
    network : Network
        The normalised graph (``n_nodes``, ``edges``, ``q``, ``labels``).
    n_edges : int
    direction : str
        ``"maximize"``: the score is the disconnection indicator.

    Notes
    -----
    ``score(X)`` is the indicator ``S`` of the module docstring; the rare-event
    formulation is ``l = P(S(X) >= 1)`` with ``X ~ default_family()``.
    ``connection_time(Y)`` is the graded merge-process score ``T`` and
    ``merge_family()`` its nominal exponential law; ``P(T(Y) >= 1) = l``.

    Examples
    --------
    >>> bridge = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]
    >>> rel = NetworkReliability(bridge, source=0, target=3, q=0.1)
    >>> round(rel.exact(), 6)
    0.02152
    >>> rel.score([[1, 1, 0, 0, 0], [1, 0, 0, 0, 0]])
    array([1., 0.])
    >>> res = rel.crude_monte_carlo(20000, rng=0)
    >>> abs(res.estimate - 0.02152) < 4 * res.std_error
    True
    """

    direction = "maximize"

    def __init__(
        self, graph, source=None, target=None, q=None, *, terminals=None, node_q=None
    ):
        func = "NetworkReliability"
        self.network = as_network(graph, q, func=func)
        net = self.network
        self.node_q = check_node_q(net, node_q, func)  # None: perfect nodes
        self._terminals = None  # k-terminal with k >= 3: their node indices
        if terminals is not None:
            if source is not None or target is not None:
                raise parameter_error(
                    func, "terminals", "given without 'source' and 'target'", terminals
                )
            found = self._terminal_set(terminals, func)
            if len(found) == 2:
                source, target = (net.labels[i] for i in found)
            elif len(found) < net.n_nodes:  # every node: all-terminal
                self._terminals = found
        self.source, self.target = net.terminals(source, target, func=func)
        if net.n_edges == 0:
            raise parameter_error(
                func, "graph", "a graph with at least one edge", graph
            )

    def _terminal_set(self, terminals, func):
        if isinstance(terminals, (str, bytes)) or not hasattr(terminals, "__len__"):
            raise parameter_error(
                func, "terminals", "a sequence of at least 2 node labels", terminals
            )
        found = tuple(
            self.network.node_index(t, func=func, param="terminals") for t in terminals
        )
        if len(found) < 2 or len(set(found)) != len(found):
            raise parameter_error(
                func, "terminals", "at least 2 distinct node labels", terminals
            )
        return found

    @property
    def terminals(self) -> tuple:
        """The labels of the nodes that must stay joined (all nodes: all-terminal)."""
        return tuple(self.network.labels[i] for i in self._terminal_nodes())

    @property
    def n_edges(self) -> int:
        return self.network.n_edges

    @property
    def n_components(self) -> int:
        """The links, plus the nodes when they fail (``node_q``)."""
        return self.n_edges + (0 if self.node_q is None else self.network.n_nodes)

    @property
    def q(self) -> np.ndarray:
        return self.network.q

    # -- scores ---------------------------------------------------------------
    def connection_time(self, Y) -> np.ndarray:
        """Merge-process connection time for a batch of edge birth times.

        ``Y`` has shape ``(n, m)``; the result ``(n,)`` is the smallest ``tau``
        such that the edges born by ``tau`` (``Y_e <= tau``) connect the
        terminals (all-terminal: span the graph). A minimax path length,
        computed by label-correcting sweeps vectorized over the batch.
        """
        self._links_only("NetworkReliability.connection_time")
        Y = _check_batch(Y, self.n_edges, "NetworkReliability.connection_time", "Y")
        net = self.network
        terminals = self._terminal_nodes()
        d = minimax_distances(net.n_nodes, net.edges, Y, terminals[0])
        return d[terminals].max(axis=0)

    def score(self, X) -> np.ndarray:
        """1.0 where the failure indicators ``X`` (n, n_components) disconnect,
        else 0.0 (with ``node_q``: the links' columns, then the nodes')."""
        X = _check_batch(X, self.n_components, "NetworkReliability.score")
        if not np.all((X == 0) | (X == 1)):
            raise parameter_error(
                "NetworkReliability.score", "X", "an array of 0/1 failure indicators", X
            )
        terminals = np.array(self._terminal_nodes(), dtype=np.int64)
        x = np.ascontiguousarray(X, dtype=np.int8)
        if self.node_q is not None:
            x = np.ascontiguousarray(usable_failures(self.network.edges, x))
        return disconnected(
            self.network.n_nodes, self.network.edges, x, terminals
        ).astype(float)

    __call__ = score

    def default_family(self) -> Bernoulli:
        """The nominal law of the failure indicators, ``Bernoulli(q)`` (with
        ``node_q``: the links' then the nodes' probabilities)."""
        if self.node_q is None:
            return Bernoulli(self.q)
        return Bernoulli(np.concatenate([self.q, self.node_q]))

    def merge_family(self):
        """The nominal law of the merge-process birth times.

        Independent exponentials with means ``-1 / log(q_e)``, so that
        ``P(Y_e > 1) = q_e``. Needs ``0 < q_e < 1`` for every edge.
        """
        from cemethod.families import Exponential

        self._links_only("NetworkReliability.merge_family")
        q = self.q
        if not np.all((q > 0) & (q < 1)):
            raise parameter_error(
                "NetworkReliability.merge_family",
                "q",
                "strictly between 0 and 1 for every edge (contract perfect links "
                "and delete dead ones first)",
                q,
            )
        return Exponential(-1.0 / np.log(q))

    # -- answers --------------------------------------------------------------
    def exact(self, method="auto", *, max_states=MAX_STATES) -> float:
        """Exact unreliability.

        Parameters
        ----------
        method : {"auto", "enumeration", "frontier"}, default="auto"
            See :func:`exact_unreliability`.
        max_states : float or None, default=25_000_000
            Refuse, before any work, when the estimated cost (states to visit)
            is above this; None: no limit. The cost grows like the Bell
            numbers of the frontier width of the best edge order found, so
            with the edges' layout and the terminals' placement, not just
            their number (see :func:`exact_unreliability`, Notes).

        Raises
        ------
        ValueError
            The estimate is above ``max_states``; the message names the size,
            the estimate, how to raise the limit, and :meth:`estimate`.
        """
        func = "NetworkReliability.exact"
        check_choice(
            method, ("auto", "enumeration", "frontier"), param="method", func=func
        )
        limit = check_max_states(max_states, func)
        if self.node_q is not None:  # node failures: enumeration only
            if self.n_components > MAX_ENUMERATION_EDGES:
                raise parameter_error(
                    func,
                    "node_q",
                    f"None for an exact value of more than {MAX_ENUMERATION_EDGES} "
                    f"links and nodes (node failures are enumerated; this network "
                    f"has {self.n_components}); use estimate()",
                    _Shown("node failure probabilities"),
                )
            return enumerate_unreliability(
                self.network, self._terminal_nodes(), self.node_q
            )
        if self._terminals is not None:  # k-terminal, k >= 3: enumeration only
            if self.n_edges > MAX_ENUMERATION_EDGES:
                raise parameter_error(
                    func,
                    "terminals",
                    f"two terminals or all nodes for an exact value of more than "
                    f"{MAX_ENUMERATION_EDGES} links (k-terminal sets are enumerated; "
                    f"this network has {self.n_edges}); use estimate()",
                    self.terminals,
                )
            return enumerate_unreliability(self.network, self._terminals)
        return _exact(self.network, self.source, self.target, method, func, limit)

    def exact_cost(self, method="auto"):
        """What :meth:`exact` would run and its estimated cost, without running it.

        Returns an ``ExactCost`` with ``method`` ("none", "enumeration" or
        "frontier"), ``states`` (the estimate; ``exact`` refuses when it is
        above ``max_states``), ``qualifier`` ("exactly", "at most", "at
        least"), ``detail`` (frontier width and edge order) and ``seconds`` (at
        the measured worst rate). Takes milliseconds on a 10 x 10 grid.

        Examples
        --------
        >>> import networkx as nx
        >>> rel = NetworkReliability(nx.grid_2d_graph(10, 10), (0, 0), (9, 9), 1e-3)
        >>> cost = rel.exact_cost()
        >>> cost.method, cost.qualifier, cost.states <= 25_000_000
        ('frontier', 'at most', True)
        """
        func = "NetworkReliability.exact_cost"
        check_choice(
            method, ("auto", "enumeration", "frontier"), param="method", func=func
        )
        if self._terminals is not None or self.node_q is not None:
            m = self.n_components
            detail = (
                f"enumeration of the 2^{m} link and node states (node failures: "
                "up to 22)"
                if self.node_q is not None
                else f"enumeration of the 2^{m} edge states (k-terminal: up to 22 "
                "links)"
            )
            return ExactCost("enumeration", 2**m, "exactly", detail)
        return exact_cost(self.network, self.source, self.target, method)

    def crude_monte_carlo(self, n_samples=100_000, rng=None):
        """Crude Monte Carlo estimate of the unreliability (a ``RareEventResult``)."""
        from cemethod import crude_monte_carlo

        n_samples = check_int_at_least(
            n_samples, param="n_samples", func="NetworkReliability.crude_monte_carlo"
        )
        return crude_monte_carlo(
            self.score,
            1.0,
            self.default_family(),
            direction="greater",
            n_samples=n_samples,
            rng=rng,
        )

    def estimate(
        self,
        n_samples=1000,
        *,
        method="auto",
        n_iterations=3,
        n_final=None,
        smoothing=0.7,
        defensive=0.2,
        confidence_level=0.95,
        rng=None,
    ):
        """Estimate of the unreliability by CE importance sampling or turnip.

        ``method="cross-entropy"`` (what ``"auto"`` runs) is CE importance
        sampling with a product of Bernoulli failure probabilities ``p``, the CE
        family of the crude estimator (Hui et al. 2005), mixed with a cut
        mixture that fails one of the light cuts (see ``defensive``): it starts
        from the minimum cuts (see Notes) and is refined by ``n_iterations`` CE
        updates at the event itself; ``n_final`` samples give the estimate.
        ``"turnip"`` averages the exact conditional unreliability given the
        order in which the links are repaired in the merge process (Elperin,
        Gertsbakh & Lomonosov 1991; Gertsbakh & Shpungin 2010, ch. 9): no
        likelihood ratio and no cut list, at the cost of more samples for the
        same error on sparse networks. ``"permutation"`` is permutation Monte
        Carlo without the turnip refinement (much noisier on rare events).
        ``"splitting"`` is generalized splitting (Botev, L'Ecuyer, Rubino,
        Simard & Tuffin 2013): ``n_samples`` pilot chains place the levels,
        then ``n_final`` independent runs give an unbiased estimate; no
        likelihood ratio, no cut list.

        Parameters
        ----------
        n_samples : int, default=1000
            Samples per CE iteration.
        method : {"auto", "cross-entropy", "turnip", "permutation", "splitting"}
            Default ``"auto"``.
            ``"auto"`` runs cross-entropy: measured side by side on grids,
            complete graphs, the dodecahedron, chains of diamonds and random
            graphs (benchmarks/bench_reliability.py), it reaches a given
            relative error at less CPU than turnip, which degenerates on large
            sparse networks with reliable links.
        n_iterations : int, default=3
            CE updates of ``p`` (CE only).
        n_final : int, optional
            Samples of the final importance-sampling run, orders drawn by
            turnip and permutation Monte Carlo, or splitting runs (default
            ``10 * n_samples``).
        smoothing : float, default=0.7
            ``alpha`` of the update ``p <- alpha p_new + (1 - alpha) p``
            (de Boer et al. 2005, eq. (12)).
        defensive : float in [0, 1), default=0.2
            Weight ``beta`` of the cut mixture in the defensive mixture
            ``(1 - beta) Bernoulli(p) + beta cuts`` from which every sample is
            drawn (Hesterberg 1995). ``cuts`` fails one of the light cuts
            (the lightest cut through each link), chosen with probability
            ``P(C) / sum P``, the other links at their nominal ``q``: a term
            with a listed cut failed weighs at most ``sum P / beta``, and every
            light cut keeps being sampled even when the CE updates of ``p``
            drift onto some of them (as on complete graphs, where a product of
            Bernoulli laws cannot hold both terminal stars).
        confidence_level : float, default=0.95
        rng : None, int or numpy.random.Generator

        Returns
        -------
        RareEventResult
            ``method`` names the method that ran. CE: ``n_evaluations`` counts
            the CE iterations and the final run, ``family`` is the final
            ``Bernoulli(p)``, ``levels`` holds the event level 1.0 once per CE
            iteration. Turnip and permutation Monte Carlo: ``n_evaluations`` is
            the number of orders, ``family`` None, ``levels`` empty.
            Splitting: ``n_evaluations`` counts Gibbs sweeps (pilot and runs),
            ``levels`` holds the pilot's levels (the last is 1.0).

        Notes
        -----
        Start: with edge weights ``w_e = -log q_e``, a cut ``C`` fails with
        probability ``exp(-w(C))``. Let ``c*`` be the minimum cut weight and
        ``c_e = w_e + mincut(G - e)`` the lightest cut through ``e``; then
        ``p_e = max(q_e, exp(-(c_e - c*)) / 2)``: one half on every minimum
        cut, geometrically less on heavier ones. The event is then frequent,
        and *every* minimum cut is sampled.

        Why not the multilevel algorithm: ``S`` is binary, so its quantiles do
        not grade the levels, and the graded merge-process score (the time
        ``T`` at which the terminals join when edge ``e`` is born at an
        ``Exp(-log q_e)`` time, :meth:`connection_time`) lets the levels drift
        onto one of several equally likely cuts (the dodecahedron has two,
        around each terminal): the product family cannot hold both modes once
        one is lost, and the estimate misses half of ``l`` with a small
        reported error. Starting at the cuts keeps all of them.

        CE update (de Boer et al. 2005, eq. (10) with ``gamma`` fixed at the
        event): ``p_e = sum W S X_e / sum W S``, ``W = f(X; q) / f(X; p)``. As
        ``S`` is increasing in the failures, the optimum ``P(X_e = 1 | S = 1)``
        is at least ``q_e`` (Harris inequality), so ``p`` is kept ``>= q``.

        Examples
        --------
        >>> import networkx as nx
        >>> rel = NetworkReliability(nx.dodecahedral_graph(), 0, 15, q=1e-3)
        >>> res = rel.estimate(2000, rng=0)
        >>> exact = rel.exact()
        >>> bool(abs(res.estimate - exact) < 3 * res.std_error)
        True
        >>> bool(res.relative_error < 0.1)
        True
        """
        return run_estimate(
            self, n_samples, method, n_iterations, n_final, smoothing, defensive,
            confidence_level, rng,
        )  # fmt: skip

    def _links_only(self, func):
        if self.node_q is not None:
            raise parameter_error(
                func,
                "node_q",
                "None (this works on link failures only)",
                _Shown("node failure probabilities"),
            )

    def _terminal_nodes(self) -> list[int]:
        if self._terminals is not None:
            return list(self._terminals)
        if self.source is None:
            return list(range(self.network.n_nodes))
        return [self.source, self.target]

    def _cut_terminals(self):
        """The terminals for lightest_cuts (None: all-terminal)."""
        if self._terminals is None and self.source is None:
            return None
        return self._terminal_nodes()

    def cut_start(self) -> np.ndarray:
        """The starting failure probabilities of :meth:`estimate` (see its Notes)."""
        self._links_only("NetworkReliability.cut_start")
        cuts = lightest_cuts(self.network, self._cut_terminals())
        return start_probabilities(self.q, *cuts)
