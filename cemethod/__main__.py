"""``python -m cemethod`` is the ``cemethod`` command."""

import sys

from cemethod.cli import main

sys.exit(main())
