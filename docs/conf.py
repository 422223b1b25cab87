"""Sphinx configuration for the cemethod documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``;
check the worked examples: ``python -m sphinx -W -b doctest docs docs/_build/doctest``.
"""

import os
import sys

# Build from a checkout without installing: the repository root on sys.path.
sys.path.insert(0, os.path.abspath(".."))

project = "cemethod"
author = "cemethod developers"
copyright = "2026, cemethod developers"

import cemethod  # noqa: E402

release = cemethod.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# numpydoc: no per-class member tables (autosummary stub noise); docstrings checked
# by Sphinx itself with -W.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"

# The doctest builder runs the ``.. doctest::`` blocks of the guide and problem pages.
doctest_global_setup = "import importlib.util\n\nimport numpy as np"
doctest_test_doctest_blocks = ""  # docstring examples: pytest --doctest-modules

myst_heading_anchors = 3

html_theme = "alabaster"
html_static_path = []
