"""Sampling families for the cross-entropy method."""

from cemethod.families._base import SamplingFamily

__all__ = ["SamplingFamily"]

# Discrete families
from cemethod.families.bernoulli import Bernoulli
from cemethod.families.categorical import Categorical
from cemethod.families.permutation import Permutation
from cemethod.families.product import Product

__all__ += ["Bernoulli", "Categorical", "Permutation", "Product"]
