"""Single-machine total weighted tardiness on OR-Library wt40 instances by the
cross-entropy method (position-by-job "node placement" family), plain and with
the local-search polish, against the published optima.
Run: python examples/scheduling_wt40.py
"""

from cemethod.problems import load_wt40

problems = load_wt40()
for k in (1, 11):  # OR-Library instance numbers, counted from 1
    prob = problems[k - 1]
    res = prob.solve(rng=k)  # plain CE
    order, value, _ = prob.local_search(res.x)  # what polish="final" adds
    best = prob.solve(rng=k, polish=True)  # interchange sweeps on every sample too
    print(
        f"instance {k:3d}: optimum {prob.optimum:8g}  CE {res.fun:8g}  "
        f"+ descent {value:8g}  polish=True {best.fun:8g}"
    )
print("job order of the last one:", best.x.tolist())
