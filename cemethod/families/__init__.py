"""Sampling families for the cross-entropy method.

Every family follows the :class:`SamplingFamily` protocol; a user's own family
is any object with the same methods that passes
:func:`cemethod.testing.check_family`.
"""

from cemethod.families._base import SamplingFamily

# Discrete families
from cemethod.families.bernoulli import Bernoulli
from cemethod.families.categorical import Categorical

# Continuous families
from cemethod.families.gaussian import Gaussian, MultivariateGaussian
from cemethod.families.permutation import Permutation
from cemethod.families.product import Product
from cemethod.families.scale import Exponential, Gamma
from cemethod.families.truncated import TruncatedGaussian

__all__ = [
    "Bernoulli",
    "Categorical",
    "Exponential",
    "Gamma",
    "Gaussian",
    "MultivariateGaussian",
    "Permutation",
    "Product",
    "SamplingFamily",
    "TruncatedGaussian",
]
