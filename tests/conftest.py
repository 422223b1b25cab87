"""Shared fixtures: tiny private sampling families for the optimizer tests.

``ToyGaussian`` and ``ToyBernoulli`` obey the ``SamplingFamily`` protocol with
the textbook CE updates (de Boer et al. 2005: eq. (12) smoothing, elite mean
and standard deviation for the Gaussian, elite frequency for the Bernoulli).
They stand in for ``cemethod.families`` until the real families are merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True, eq=False)
class ToyGaussian:
    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "mean", np.asarray(self.mean, dtype=float))
        object.__setattr__(self, "std", np.asarray(self.std, dtype=float))

    def sample(self, n, rng):
        return self.mean + self.std * rng.standard_normal((n, self.mean.size))

    def log_pdf(self, x):
        z = (np.asarray(x) - self.mean) / self.std
        return -0.5 * np.sum(z**2 + np.log(2 * np.pi * self.std**2), axis=1)

    def fit(self, x, weights=None):
        x = np.asarray(x, dtype=float)
        w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
        mean = np.average(x, axis=0, weights=w)
        std = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
        return ToyGaussian(mean, std)

    def smooth(self, previous, alpha, std_alpha=None):
        beta = alpha if std_alpha is None else std_alpha
        return ToyGaussian(
            alpha * self.mean + (1 - alpha) * previous.mean,
            beta * self.std + (1 - beta) * previous.std,
        )

    def mode(self):
        return self.mean.copy()

    def is_degenerate(self, atol=1e-8):
        return bool(np.all(self.std <= atol))

    def dispersion(self):
        return float(self.std.max())


@dataclass(frozen=True, eq=False)
class ToyBernoulli:
    p: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "p", np.asarray(self.p, dtype=float))

    def sample(self, n, rng):
        return (rng.random((n, self.p.size)) < self.p).astype(np.int8)

    def log_pdf(self, x):
        x = np.asarray(x)
        with np.errstate(divide="ignore"):
            return np.sum(np.where(x == 1, np.log(self.p), np.log1p(-self.p)), axis=1)

    def fit(self, x, weights=None):
        x = np.asarray(x, dtype=float)
        w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
        return ToyBernoulli(np.average(x, axis=0, weights=w))

    def smooth(self, previous, alpha):
        return ToyBernoulli(alpha * self.p + (1 - alpha) * previous.p)

    def mode(self):
        return (self.p > 0.5).astype(np.int8)

    def is_degenerate(self, atol=1e-8):
        return bool(np.all(np.minimum(self.p, 1 - self.p) <= atol))

    def dispersion(self):
        p = np.clip(self.p, 1e-300, 1 - 1e-16)
        h = -(p * np.log(p) + (1 - p) * np.log1p(-p))
        return float(np.max(np.where((self.p > 0) & (self.p < 1), h, 0.0)))


@pytest.fixture
def toy_gaussian():
    """Factory ``toy_gaussian(mean, std)`` of a minimal Gaussian family."""
    return ToyGaussian


@pytest.fixture
def toy_bernoulli():
    """Factory ``toy_bernoulli(p)`` of a minimal Bernoulli family."""
    return ToyBernoulli
