"""Sampling families for the cross-entropy method.

Every family follows the :class:`SamplingFamily` protocol; a user's own family
is any object with the same methods that passes
:func:`cemethod.testing.check_family`.
"""

from cemethod.families._base import SamplingFamily

__all__ = ["SamplingFamily"]

# Discrete families
from cemethod.families.bernoulli import Bernoulli
from cemethod.families.categorical import Categorical
from cemethod.families.permutation import Permutation
from cemethod.families.product import Product

__all__ += ["Bernoulli", "Categorical", "Permutation", "Product"]

# Continuous families
from cemethod.families.gaussian import Gaussian, MultivariateGaussian
from cemethod.families.scale import Exponential, Gamma
from cemethod.families.truncated import TruncatedGaussian

__all__ += [
    "Exponential",
    "Gamma",
    "Gaussian",
    "MultivariateGaussian",
    "TruncatedGaussian",
]
