# Sourced by render.sh and test.sh: make sure this machine can render, quickly
# when nothing is missing. Installs the Debian packages manim needs and a
# virtualenv (.venv) with the exact versions in requirements.lock.
#
# After sourcing: $PY is the virtualenv's python; the project root is on its path.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# Debian packages, and why:
#   libpango1.0-dev libcairo2-dev pkg-config  build ManimPango/pycairo (manim's text and drawing)
#   texlive-latex-base texlive-latex-recommended texlive-latex-extra
#   texlive-fonts-recommended dvisvgm           LaTeX for every formula and number (MathTex)
#   fonts-dejavu-core                           the one text font, so frames match on every machine
#   ffmpeg                                      ffprobe/ffmpeg to join sections and inspect videos
#   espeak-ng                                   the fallback narration voice (--voice espeak)
#   npm (only when no 'npm' command exists)     fetches the pinned reveal.js once for --slides' HTML deck
SYSTEM_PACKAGES=(
  libpango1.0-dev libcairo2-dev pkg-config
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended dvisvgm
  fonts-dejavu-core ffmpeg
  espeak-ng
)
# Commands whose Debian package is installed only when the command is missing
# (a machine may have them from elsewhere, e.g. npm with another Node.js).
SYSTEM_COMMANDS=(npm:npm)
# For the tests only (test.sh sets BOOTSTRAP_TESTS=1): the real programs that open the slide decks.
#   chromium             headless browser for the HTML deck (playwright drives it; no browser download)
#   libreoffice-impress  opens the PowerPoint deck and converts it to PDF
#   poppler-utils        pdfinfo/pdftotext/pdftoppm read the PDFs
#   parallel             GNU parallel runs the jobs of --print-jobs (a test of the multi-machine recipe)
TEST_PACKAGES=(chromium libreoffice-impress poppler-utils parallel)

bootstrap_system() {
  local missing=() pkg wanted=("${SYSTEM_PACKAGES[@]}") item
  [ "${BOOTSTRAP_TESTS:-0}" = 1 ] && wanted+=("${TEST_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  for item in "${SYSTEM_COMMANDS[@]}"; do
    command -v "${item%%:*}" >/dev/null 2>&1 || missing+=("${item#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get update && sudo $cmd" >&2
    return 1
  fi
  echo "setup: installing system packages: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive $cmd -qq >&2 || {
      echo "error: could not install system packages; try: apt-get update && $cmd" >&2
      return 1
    }
}

bootstrap_python() {
  local python_bin="${PYTHON:-python3.11}"
  command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
  local stamp="$VENV/.lock-sha256"
  local want
  want="$( (sha256sum "$ROOT/requirements.lock" | cut -d' ' -f1; "$python_bin" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
  if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setup: creating $VENV with the pinned packages (a few minutes, once)" >&2
  rm -rf "$VENV"
  "$python_bin" -m venv "$VENV" || {
    echo "error: could not create a virtualenv; install Debian's python3-venv (apt-get install python3-venv)" >&2
    return 1
  }
  "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.lock" >&2 || {
    echo "error: pip could not install requirements.lock (see above)" >&2
    return 1
  }
  # The project's packages (backprop_core, scenes, renderer) import from the repo itself.
  "$PY" -c 'import site, sys; open(site.getsitepackages()[0] + "/backprop-lesson.pth", "w").write(sys.argv[1] + "\n")' "$ROOT"
  echo "$want" >"$stamp"
}

# For the tests only: ESLint for the page's and the deck's scripts (assets/**/*.js), the
# versions pinned in scripts/eslint/package-lock.json (with their integrity), installed
# once with npm ci into .cache/eslint/ (15 MB, about 10 s) and again only when the lock changes.
ESLINT_DIR="$ROOT/.cache/eslint"
ESLINT="$ESLINT_DIR/node_modules/eslint/bin/eslint.js"

bootstrap_js_lint() {
  local stamp="$ESLINT_DIR/.lock-sha256" want
  want="$(sha256sum "$ROOT/scripts/eslint/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$ESLINT" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setup: installing the pinned ESLint into $ESLINT_DIR (once)" >&2
  mkdir -p "$ESLINT_DIR" && cp "$ROOT/scripts/eslint/package.json" "$ROOT/scripts/eslint/package-lock.json" "$ESLINT_DIR/" &&
    (cd "$ESLINT_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || {
      echo "error: npm ci could not install ESLint (scripts/eslint/package-lock.json); see above" >&2
      return 1
    }
  echo "$want" >"$stamp"
}

# ./test.sh's check of the scripts, as ruff's of the Python.
lint_js() {
  (cd "$ROOT" && NODE_PATH="$ESLINT_DIR/node_modules" node "$ESLINT" --config scripts/eslint/eslint.config.cjs \
    --max-warnings 0 "assets/**/*.js")
}

bootstrap() {
  bootstrap_system && bootstrap_python || return 1
  if [ "${BOOTSTRAP_TESTS:-0}" = 1 ]; then bootstrap_js_lint || return 1; fi
}
