"""The travelling salesman problem with the cross-entropy method: a TSPLIB
instance shipped with cemethod, pure CE, then the local-search polish.

Run: python examples/tsp_tsplib.py
"""

import cemethod as ce
from cemethod.problems import TSP

tsp = TSP.from_tsplib(TSP.example_path("ulysses22.tsp"))
print(f"{tsp.name}: {tsp.n} cities, published optimum {tsp.optimum}")

# Pure CE: random tours from a node-transition matrix that the elite refits,
# starting from a matrix that favours short edges (TSP.distance_prior).
res = ce.minimize(
    tsp, tsp.default_family(), vectorized=True, rng=0, **tsp.default_options()
)
error = 100 * (res.fun / tsp.optimum - 1)
print(f"CE:        length {res.fun:.0f} ({error:.2f} % above), ", end="")
print(f"{res.nit} iterations, {res.nfev} tours evaluated")

# CE with 2-opt / Or-opt inside the loop (the 5 best tours of each iteration
# are polished before the update), then from its final distribution.
sol = tsp.solve(rng=0, polish=True)
print(f"CE+polish: length {sol.length} ({100 * sol.relative_error:.2f} % above)")
print("tour:", " ".join(str(city + 1) for city in sol.tour))  # TSPLIB numbers from 1
