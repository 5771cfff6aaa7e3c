#!/usr/bin/env bash
# Run the test suite (installs what is missing first). Extra arguments go to pytest.
set -euo pipefail
BOOTSTRAP_TESTS=1  # also the programs the tests open the slide decks with
source "$(dirname "$0")/scripts/bootstrap.sh"
bootstrap || exit 1
cd "$ROOT"
exec "$PY" -m pytest "$@"
