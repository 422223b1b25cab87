"""Shared fixtures: the sampling families used by the optimizer tests.

``toy_gaussian`` and ``toy_bernoulli`` were private stand-ins while the families
were being written; they now return the real :class:`cemethod.families.Gaussian`
and :class:`cemethod.families.Bernoulli` (same constructor arguments, the same
textbook CE updates of de Boer et al. 2005).
"""

from __future__ import annotations

import pytest

from cemethod.families import Bernoulli, Gaussian


@pytest.fixture
def toy_gaussian():
    """Factory ``toy_gaussian(mean, std)``: :class:`cemethod.families.Gaussian`."""
    return Gaussian


@pytest.fixture
def toy_bernoulli():
    """Factory ``toy_bernoulli(p)``: :class:`cemethod.families.Bernoulli`."""
    return Bernoulli
