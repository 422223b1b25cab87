"""The final run of ``method="auto"``: a defensive mixture, and its sample kept.

A fitted Gaussian mixture underweights or narrows the component of a minor
failure region (a level's few effective points on it); its tails are then
lighter than the target's there, the likelihood ratios of the final run are
heavy-tailed, and the estimate is usually too small with a normal interval
that does not show it (issue 13: the four-branch system, 2 of its 4 branches
hold 21% of the probability, 60% coverage of the 95% interval). The final run
of each of the two runs therefore draws from a *defensive* mixture (Hesterberg
1995, "Weighted average importance sampling and defensive mixture
distributions", Technometrics 37(2); Owen & Zhou 2000, JASA 95):

    q = (1 - a) g + a sum_j (1 / K) N(m_j, max(C_j, Sigma_0)),

``g = sum_j w_j N(m_j, C_j)`` the fitted family (``K`` components), ``Sigma_0``
the nominal covariance and ``max`` the Loewner maximum (each component widened
to at least the nominal spread in every direction, in the nominal's whitened
coordinates). The defensive part gives every component the same share,
whatever its fitted weight (the least determined parameter), and a widened
component bounds the ratio ``f / q`` on the half-space beyond its mean (with
``C = Sigma_0`` the ratio is ``exp(-m'x + |m|^2 / 2)`` there, at most
``exp(-|m|^2 / 2)``). The price is bounded: since ``q >= (1 - a) g``, the
variance per sample is at most ``sigma_g^2 / (1 - a) + a l^2 / (1 - a)``
(Owen & Zhou 2000, their Theorem 2 with a general second component):
``a = 0.2`` costs at most 25% of variance where ``g`` was good already.

The two runs' final samples are then pooled by the balance heuristic over
their two samplers (``_replicas.combine_runs``); ``capture`` hands a run's
final sample back to ``_auto`` without an option of the public function.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses

import numpy as np

__all__ = ["DEFENSIVE_SHARE", "capture", "defensive", "take", "widened"]

DEFENSIVE_SHARE = 0.2

_SINK = contextvars.ContextVar("cemethod_final_sample", default=None)


@dataclasses.dataclass
class FinalSample:
    """What one run's final importance-sampling run drew: ``X``, the signed
    scores ``s``, the sampler, the signed target, and the level hits (for
    ``_collapse.missed_share``)."""

    X: np.ndarray | None = None
    s: np.ndarray | None = None
    sampler: object = None
    target: float = float("nan")
    hits: list = dataclasses.field(default_factory=list)

    def keep(self, X, s, sampler, target, hits):
        self.X, self.s, self.sampler, self.target = X, s, sampler, target
        self.hits = list(hits)

    @property
    def filled(self) -> bool:
        return self.X is not None


@contextlib.contextmanager
def capture():
    """Within the block, the next ``estimate_rare_event`` run draws its final
    sample from the defensive mixture and stores it in the yielded
    :class:`FinalSample`."""
    sink = FinalSample()
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def take():
    """The :class:`FinalSample` of an enclosing ``capture``, or None; cleared,
    so a score function that itself estimates a probability is not affected."""
    sink = _SINK.get()
    if sink is not None:
        _SINK.set(None)
    return sink


def _nominal_cov(nominal):
    from cemethod.rare_event._replicas import _as_components

    _, _, covs = _as_components(nominal)
    return covs[0]


def widened(cov, nominal_cov):
    """The Loewner maximum of ``cov`` and ``nominal_cov`` (positive definite):
    the eigenvalues of ``cov`` in the whitened coordinates of ``nominal_cov``
    raised to at least 1."""
    chol = np.linalg.cholesky(nominal_cov)
    inv = np.linalg.inv(chol)
    lam, vec = np.linalg.eigh(inv @ cov @ inv.T)
    inner = (vec * np.maximum(lam, 1.0)) @ vec.T
    out = chol @ inner @ chol.T
    return 0.5 * (out + out.T)


def defensive(family, nominal, share=DEFENSIVE_SHARE):
    """``(1 - share) family + share * (equal mixture of its components, each
    widened to at least the nominal covariance)`` as a ``GaussianMixture``;
    ``family`` is a ``Gaussian``, ``MultivariateGaussian`` or
    ``GaussianMixture``."""
    from cemethod.families import GaussianMixture
    from cemethod.rare_event._replicas import _as_components

    weights, means, covs = _as_components(family)
    base = _nominal_cov(nominal)
    k = weights.size
    wide = np.stack([widened(c, base) for c in covs])
    return GaussianMixture(
        np.concatenate([(1 - share) * weights / weights.sum(), np.full(k, share / k)]),
        np.concatenate([means, means]),
        np.concatenate([covs, wide]),
    )
