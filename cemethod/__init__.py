"""cemethod: the cross-entropy method for optimization and rare-event estimation.

See https://doi.org/10.1007/s10479-005-5724-z (de Boer, Kroese, Mannor & Rubinstein
2005, "A tutorial on the cross-entropy method") for the method this package implements.

Subpackages: ``optimize`` (the ask / tell optimizer), ``rare_event`` (rare-event
estimation), ``families`` (sampling families), ``problems`` (one folder per problem),
``cli`` (the command) and ``testing`` (conformance checks); docs/architecture.md has
the map and the import rules.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0.dev0"

# The public names load their subpackage on first use (PEP 562), so that
# ``import cemethod`` and ``cemethod --help`` stay fast: numpy, scipy and numba
# are imported only when a function that needs them is used.
_LAZY = {
    "CEResult": "optimize",
    "CrossEntropyOptimizer": "optimize",
    "HonestValue": "optimize",
    "Selection": "optimize",
    "WorkerDied": "optimize",
    "maximize": "optimize",
    "minimize": "optimize",
    "minimize_with_restarts": "optimize",
    "ConfidenceInterval": "rare_event",
    "RareEventResult": "rare_event",
    "crude_monte_carlo": "rare_event",
    "estimate_rare_event": "rare_event",
    "SizeLimitError": "_limits",
    "set_max_memory": "_limits",
}
_SUBPACKAGES = ("cli", "families", "optimize", "problems", "rare_event", "testing")

__all__ = [
    "CEResult",
    "CrossEntropyOptimizer",
    "HonestValue",
    "Selection",
    "WorkerDied",
    "__version__",
    "maximize",
    "minimize",
    "minimize_with_restarts",
]

# Rare-event estimation
__all__ += [
    "ConfidenceInterval",
    "RareEventResult",
    "crude_monte_carlo",
    "estimate_rare_event",
]

# The memory limit checked before large allocations
__all__ += ["SizeLimitError", "set_max_memory"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))
