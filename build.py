"""Build, check or preview the site: `python build.py ARGS` is `briefings ARGS`."""

import sys

from briefings.cli import main

if __name__ == "__main__":
    sys.exit(main())
