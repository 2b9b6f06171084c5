"""``python -m optviz`` is the ``optviz`` command."""

import sys

from optviz.cli import main

sys.exit(main())
