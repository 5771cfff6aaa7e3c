"""``python -m renderer`` (what render.sh runs)."""

import sys

from renderer.cli import main

if __name__ == "__main__":
    sys.exit(main())
