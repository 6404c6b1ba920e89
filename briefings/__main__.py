"""Run the command line with python -m briefings."""

import sys

from .cli import main

sys.exit(main())
