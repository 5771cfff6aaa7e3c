"""``python -m renderer`` (what render.sh runs)."""

import sys

from renderer import syntax_error

if __name__ == "__main__":
    try:
        # The renderer imports the project's shared modules (scenes/manifest.py,
        # scenes/style.py...): a syntax error there is the user's edit, not a bug to trace.
        from renderer.cli import main
    except SyntaxError as exc:
        print(f"./render.sh: error: {syntax_error(exc)}\nnothing was rendered", file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
