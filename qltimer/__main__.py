"""``python -m qltimer``: the same as the ``qltimer`` command."""

import sys

from qltimer.cli import main

sys.exit(main())
