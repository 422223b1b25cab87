"""Single-machine total weighted tardiness on OR-Library wt40 instances by the
cross-entropy method (position-by-job "node placement" family), with and without
the local-search polish, against the published optima.
Run: python examples/scheduling_wt40.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from cemethod.problems import load_wt40

problems = load_wt40()
for k in (1, 11):
    prob = problems[k]
    res = prob.solve(rng=k)  # solve(rng=k, polish=True) does both steps
    order, value, _ = prob.local_search(res.x)
    gap = (value - prob.optimum) / max(prob.optimum, 1.0)
    print(
        f"instance {k:3d}: optimum {prob.optimum:8g}  CE {res.fun:8g}  "
        f"CE + polish {value:8g}  (gap {100 * gap:.2f} %, {res.nit} iterations)"
    )
print("job order of the last one:", order.tolist())
