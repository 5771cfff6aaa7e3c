#!/usr/bin/env bash
# Render the lesson. Run ./render.sh --help for everything it can do.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
bootstrap || exit 1
export RENDER_CWD="$PWD"  # a relative --out is relative to where the user stands
cd "$ROOT"
exec "$PY" -m renderer "$@"
