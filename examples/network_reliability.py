"""Network reliability with the cross-entropy method.

1. The dodecahedron (20 nodes, 30 links, each failing with probability q):
   exact two-terminal unreliability, crude Monte Carlo, turnip (Gertsbakh &
   Shpungin 2010) and CE importance sampling (Hui, Bean, Kraetzl & Kroese 2005).
2. Network design (Kroese, Hui & Nariai 2007): which of 12 candidate links to
   buy under a budget; CE with simulated reliabilities against the optimum
   found by enumerating every design.

Run: python examples/network_reliability.py   (a few seconds)
"""

import time
import warnings

import networkx as nx
import numpy as np

import cemethod
from cemethod.problems import NetworkDesign, NetworkReliability

# -- 1. Estimating a tiny unreliability ------------------------------------------
graph = nx.dodecahedral_graph()
distance = nx.single_source_shortest_path_length(graph, 0)
target = max(distance, key=distance.get)  # a node at distance 5 from node 0
network = NetworkReliability(graph, source=0, target=target, q=1e-3)

exact = network.exact()  # frontier dynamic program
print(f"dodecahedron, q = 1e-3, terminals 0 and {target}")
print(f"  exact unreliability        {exact:.7e}")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "no sample reached gamma": the point here
    crude = network.crude_monte_carlo(100_000, rng=1)
print(
    f"  crude Monte Carlo (1e5)    {crude.estimate:.3e}  "
    "(the event is too rare to be seen)"
)

for method in ("turnip", "cross-entropy"):
    start = time.perf_counter()
    res = network.estimate(2000, n_final=80_000, rng=1, method=method)
    print(
        f"  {method:26s} {res.estimate:.7e}  relative error "
        f"{res.relative_error:.3f}, {res.n_evaluations} samples, "
        f"{time.perf_counter() - start:.2f} s, "
        f"|estimate - exact| / std error = "
        f"{abs(res.estimate - exact) / res.std_error:.2f}"
    )

# -- 2. Designing a network under a budget -----------------------------------------
design = NetworkDesign.example(n_simulations=1000, rng=0)
best_x, best_value = design.solve_by_enumeration()
start = time.perf_counter()
result = cemethod.maximize(
    design,
    design.default_family(),
    vectorized=True,
    constraints=design.constraints,
    n_samples=300,
    smoothing=0.3,
    rng=0,
)
found = result.x.astype(bool)
print("\nnetwork design: 12 candidate links, budget 21")
links = np.flatnonzero(best_x).tolist()
print(f"  enumeration optimum  links {links}, R = {best_value:.4f}")
print(
    f"  CE                   links {np.flatnonzero(found).tolist()}, "
    f"R = {design.exact_reliability(found):.4f} (simulated {result.fun:.3f}), "
    f"cost {design.cost(found)[0]:g}, {result.nfev} designs sampled, "
    f"{time.perf_counter() - start:.2f} s"
)
