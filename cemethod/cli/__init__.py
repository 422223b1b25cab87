"""The ``cemethod`` command: parser, one module per command family, input readers,
progress lines and the demo.

It may import everything: the core, the problems and sklearn_ext.
"""

from cemethod.cli._main import main

__all__ = ["main"]
