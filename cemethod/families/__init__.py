"""Sampling families for the cross-entropy method.

Every family follows the :class:`SamplingFamily` protocol; a user's own family
is any object with the same methods that passes
:func:`cemethod.testing.check_family`.
"""

from ._base import SamplingFamily

# Continuous families
from .gaussian import Gaussian, MultivariateGaussian
from .scale import Exponential, Gamma
from .truncated import TruncatedGaussian

__all__ = [
    "Exponential",
    "Gamma",
    "Gaussian",
    "MultivariateGaussian",
    "SamplingFamily",
    "TruncatedGaussian",
]

# Discrete families
from .bernoulli import Bernoulli
from .categorical import Categorical
from .permutation import Permutation
from .product import Product

__all__ += ["Bernoulli", "Categorical", "Permutation", "Product"]
