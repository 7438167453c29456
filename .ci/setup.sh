#!/usr/bin/env bash
# Shared install step for .ci/start and .ci/test: a Python >= 3.12 virtualenv in .venv with
# Flowdeck and its dev dependencies installed. Quick when nothing changed: the install is skipped
# while pyproject.toml and the interpreter match the stamp written after the last good install.
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
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0
fi

say "installing Flowdeck and its dependencies into $VENV (about 30 s on a fresh machine)"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VENV/bin/python" -m pip install --quiet -e ".[dev]"
"$VENV/bin/python" -m pip check >&2
echo "$want" > "$STAMP"
say "done"
