"""Small named graphs from the reliability literature, as plain edge lists.

They need no graph library, so the demo and the tests can use them with the
runtime dependencies alone.
"""

from __future__ import annotations

__all__ = ["dodecahedron"]

# networkx.dodecahedral_graph(): 20 nodes, 30 edges, every node of degree 3
# (the test suite checks this list against networkx).
_DODECAHEDRON_EDGES = (
    (0, 1), (0, 10), (0, 19), (1, 2), (1, 8), (2, 3), (2, 6), (3, 4), (3, 19),
    (4, 5), (4, 17), (5, 6), (5, 15), (6, 7), (7, 8), (7, 14), (8, 9), (9, 10),
    (9, 13), (10, 11), (11, 12), (11, 18), (12, 13), (12, 16), (13, 14), (14, 15),
    (15, 16), (16, 17), (17, 18), (18, 19),
)  # fmt: skip


def dodecahedron() -> tuple[list[tuple[int, int]], int, int]:
    """The dodecahedron graph with two terminals at graph distance 5.

    This is the test network of Hui, Bean, Kraetzl & Kroese (2005): with every
    edge failing independently with probability q, the two-terminal
    unreliability is 2.0060181e-9 at q = 1e-3.

    Returns
    -------
    edges : list of (int, int)
        The 30 edges.
    source, target : int
        Nodes 0 and 15, five edges apart.

    Examples
    --------
    >>> from cemethod.problems import NetworkReliability, dodecahedron
    >>> edges, s, t = dodecahedron()
    >>> len(edges), s, t
    (30, 0, 15)
    >>> f"{NetworkReliability(edges, s, t, q=1e-3).exact():.7e}"
    '2.0060181e-09'
    """
    return list(_DODECAHEDRON_EDGES), 0, 15
