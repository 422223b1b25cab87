"""Sampling families for the cross-entropy method.

Each family is an immutable parametric distribution obeying the
:class:`SamplingFamily` protocol; ``fit`` is the cross-entropy update.

Imports cemethod._validation only (the optimizer and the problems build on it).
"""

from cemethod.families._base import SamplingFamily
from cemethod.families.allocation import SequentialAllocation
from cemethod.families.bernoulli import Bernoulli
from cemethod.families.categorical import Categorical
from cemethod.families.gaussian import Gaussian, MultivariateGaussian
from cemethod.families.mixture import GaussianMixture
from cemethod.families.permutation import Permutation
from cemethod.families.product import Product
from cemethod.families.scale import Exponential, Gamma
from cemethod.families.truncated import TruncatedGaussian
from cemethod.families.vmfn import VonMisesFisherNakagami

__all__ = [
    "Bernoulli",
    "Categorical",
    "Exponential",
    "Gamma",
    "Gaussian",
    "GaussianMixture",
    "MultivariateGaussian",
    "Permutation",
    "Product",
    "SamplingFamily",
    "SequentialAllocation",
    "TruncatedGaussian",
    "VonMisesFisherNakagami",
]
