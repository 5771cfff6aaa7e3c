#!/usr/bin/env bash
# Run the test suite (installs what is missing first). Extra arguments go to pytest.
set -euo pipefail
BOOTSTRAP_TESTS=1  # also the programs the tests open the slide decks with
source "$(dirname "$0")/scripts/bootstrap.sh"
bootstrap || exit 1
cd "$ROOT"
# Lint and format first: seconds, and a failure names the file and line.
"$VENV/bin/ruff" check --quiet . || { echo "error: ruff check failed (fix the lines above; many fix with: .venv/bin/ruff check --fix .)" >&2; exit 1; }
"$VENV/bin/ruff" format --check --quiet . || { echo "error: files not formatted (run: .venv/bin/ruff format .)" >&2; exit 1; }
lint_js || { echo "error: ESLint failed on the page's or the deck's scripts (assets/; the lines above)" >&2; exit 1; }
exec "$PY" -m pytest "$@"
