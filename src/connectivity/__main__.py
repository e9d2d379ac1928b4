"""``python -m connectivity``: the same as the ``connectivity`` command."""

import sys

from connectivity.cli.entry import main

sys.exit(main())
