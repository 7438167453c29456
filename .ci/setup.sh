#!/usr/bin/env bash
# Shared install step for .ci/start and .ci/test: a Python >= 3.12 virtualenv in .venv with
# Flowdeck and its dev dependencies installed, then the designer's front end (frontend/) installed with npm and
# built into frontend/dist/. Quick when nothing changed: each step is skipped while its inputs match the stamp
# written after its last good run (pyproject.toml and the interpreter; package-lock.json; the files under frontend/).
#
#   bash .ci/setup.sh [--browser]   --browser: also make sure Debian's Chromium is at /usr/bin/chromium (the browser
#                                   tests drive it through Playwright; a browser Playwright downloads is never used)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=.venv
STAMP=$VENV/.flowdeck-install-stamp

say() { echo "flowdeck setup: $*" >&2; }

CHROMIUM=/usr/bin/chromium

ensure_chromium() {
    [ -x "$CHROMIUM" ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        say "ERROR: the browser tests need Debian's Chromium at $CHROMIUM, and installing it needs root and apt-get."
        say "Install it as root: apt-get update && apt-get install -y chromium"
        exit 1
    fi
    say "installing Debian's Chromium for the browser tests (about 20 s)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    [ -x "$CHROMIUM" ] || { say "ERROR: apt-get installed chromium but $CHROMIUM is missing"; exit 1; }
}

case "${1:-}" in
    --browser) ensure_chromium ;;
    '') ;;
    *) say "unknown option '$1' (only --browser)"; exit 2 ;;
esac

is_new_enough() {
    # Django 6 needs Python >= 3.12; the default python3 on Debian 12 is 3.11.
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
    local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv} candidates=() c
    [ -n "${FLOWDECK_PYTHON:-}" ] && candidates+=("$FLOWDECK_PYTHON")
    # The version pinned in .python-version first, then any other pyenv 3.12/3.13, then PATH.
    [ -f .python-version ] && candidates+=("$pyenv_root/versions/$(tr -d '[:space:]' < .python-version)/bin/python")
    for c in $(ls -d "$pyenv_root"/versions/3.12.* "$pyenv_root"/versions/3.13.* 2>/dev/null | sort -rV); do
        candidates+=("$c/bin/python")
    done
    candidates+=(python3.12 python3.13 python3)
    for c in "${candidates[@]}"; do
        if is_new_enough "$c"; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

if [ -x "$VENV/bin/python" ] && is_new_enough "$VENV/bin/python"; then
    :
else
    if ! PYTHON=$(find_python); then
        say "ERROR: no Python >= 3.12 found (tried \$FLOWDECK_PYTHON, pyenv 3.12.x/3.13.x, python3.12, python3.13, python3)."
        say "Install one (e.g. 'pyenv install 3.12') or set FLOWDECK_PYTHON=/path/to/python3.12."
        exit 1
    fi
    say "creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

want="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" --version 2>&1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    say "installing Flowdeck and its dependencies into $VENV (about 30 s on a fresh machine)"
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
    "$VENV/bin/python" -m pip install --quiet -e ".[dev]"
    "$VENV/bin/python" -m pip check >&2
    echo "$want" > "$STAMP"
    say "Python install done"
fi

# The designer's front end (frontend/): `npm ci` when package-lock.json (or Node) changed since the last install,
# `npm run build` (type check, then Vite into frontend/dist/, which Django serves) when any file under frontend/
# changed since the last build. Each step keeps a stamp; with nothing changed this costs a hash of a few files.
FRONTEND=frontend
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    say "ERROR: the designer (frontend/) needs Node.js >= 20.19 and npm to build, and 'npm' or 'node' is not on PATH."
    say "Install Node.js 20 LTS or newer (with npm), then run this again."
    exit 1
fi
INSTALL_STAMP=$FRONTEND/node_modules/.flowdeck-install-stamp
BUILD_STAMP=$FRONTEND/dist/.flowdeck-build-stamp
BUILD_LOG=$FRONTEND/dist/.flowdeck-build.log

want="$(sha256sum $FRONTEND/package-lock.json | cut -d' ' -f1) node $(node --version)"
if [ ! -f "$INSTALL_STAMP" ] || [ "$(cat "$INSTALL_STAMP")" != "$want" ]; then
    say "installing the designer's packages (npm ci in $FRONTEND/)"
    (cd $FRONTEND && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$INSTALL_STAMP"
fi

# Every file under frontend/ but the installed packages and the build output: sources, configs, the lock file.
sources_hash() {
    find $FRONTEND \( -path $FRONTEND/node_modules -o -path $FRONTEND/dist \) -prune -o -type f -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
want="$(sources_hash) node $(node --version)"
if [ ! -f "$BUILD_STAMP" ] || [ "$(cat "$BUILD_STAMP")" != "$want" ] || [ ! -f $FRONTEND/dist/.vite/manifest.json ]; then
    say "building the designer ($FRONTEND/ -> $FRONTEND/dist/)"
    log=$(mktemp)
    if ! (cd $FRONTEND && npm run --silent build) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        say "ERROR: the designer's build failed (npm run build in $FRONTEND/; output above)"
        exit 1
    fi
    mv "$log" "$BUILD_LOG"
    echo "$want" > "$BUILD_STAMP"
fi
