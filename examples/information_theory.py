"""Entropy, cross-entropy and KL divergence of discrete distributions, in bits.

A source with probabilities p, encoded with a prefix code of lengths l_i: the mean code
length is the cross-entropy H(p, q) with q_i = 2**-l_i, and it exceeds the entropy H(p)
by exactly KL(p || q). Run: python examples/information_theory.py
"""

import numpy as np

from sklearn_ext import metrics

p = np.array([0.35, 0.35, 0.1, 0.1, 0.04, 0.04, 0.01, 0.01])
q = 2.0 ** -np.array([2, 2, 3, 3, 4, 4, 5, 5])

h = metrics.entropy(p, base=2)
ce = metrics.cross_entropy(p, q, base=2)
kl = metrics.kl_divergence(p, q, base=2)
print(f"H(p)      = {h:.3f} bits")
print(f"H(p, q)   = {ce:.3f} bits (the mean code length)")
print(f"KL(p||q)  = {kl:.3f} bits = H(p, q) - H(p) = {ce - h:.3f}")
print(
    f"reversed source: H(p[::-1], q) = {metrics.cross_entropy(p[::-1], q, base=2):.3f}"
)
print(f"JS(p, q)  = {metrics.js_divergence(p, q, base=2):.3f} bits (symmetric, <= 1)")
