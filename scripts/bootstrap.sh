# Sourced by scripts/start and scripts/test: find Python, make .venv, install Meadow.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
# Holds the hash of the files that decide what is installed, and the extras installed.
STAMP="$VENV/.meadow-installed"

note() { printf '%s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# True when we may install system packages: as root, or through sudo without a password.
can_apt() {
    command -v apt-get >/dev/null 2>&1 || return 1
    [ "$(id -u)" -eq 0 ] && return 0
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null
}

apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

is_recent_python() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

find_python() {
    local candidate
    # PYTHON picks an interpreter explicitly; otherwise the oldest supported one wins,
    # since that is the version the pinned constraints are tested on.
    for candidate in ${PYTHON:-} python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && is_recent_python "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

make_venv() {
    local python
    python=$(find_python) || die "Meadow needs Python 3.11 or newer; none was found on PATH.
On Debian: apt-get install python3 python3-venv (bookworm ships 3.11),
or set PYTHON=/path/to/python3.11."
    note "Creating .venv with $("$python" --version 2>&1) ..."
    local output package
    output=$("$python" -m venv "$VENV" 2>&1) && return 0
    rm -rf "$VENV"
    # Debian ships venv's pip bootstrap (ensurepip) in a package of its own.
    grep -q ensurepip <<<"$output" || die "could not create .venv: $output"
    package="python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    can_apt || die "could not create .venv: install $package (apt-get install $package)"
    note "Installing $package ..."
    apt_install "$package" >/dev/null || die "could not install $package"
    "$python" -m venv "$VENV" || die "could not create .venv"
}

# install_meadow EXTRAS: install the project with these extras (e.g. "dev,server"),
# pinned by constraints.txt; does nothing when the same files were installed before.
install_meadow() {
    local wanted=$1 digest installed_digest installed_extras extras extra missing=""
    if [ -x "$VENV/bin/python" ] && ! is_recent_python "$VENV/bin/python"; then
        die ".venv does not run Python 3.11 or newer; remove it and run this again"
    fi
    [ -x "$VENV/bin/python" ] || make_venv

    digest=$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)
    installed_digest="" installed_extras=""
    if [ -f "$STAMP" ] && [ -x "$VENV/bin/meadow" ]; then
        read -r installed_digest installed_extras <"$STAMP" || true
    fi
    if [ "$digest" = "$installed_digest" ]; then
        for extra in ${wanted//,/ }; do
            [[ ",$installed_extras," == *",$extra,"* ]] || missing=1
        done
        [ -n "$missing" ] || return 0
    fi

    # Keep (and update) what an earlier run installed, say the dev tools, so that
    # .venv stays one consistent set of the pinned versions.
    extras=$(printf '%s\n' ${wanted//,/ } ${installed_extras//,/ } | sort -u | paste -sd,)
    note "Installing Meadow and its pinned dependencies into .venv ($extras) ..."
    rm -f "$STAMP"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet --no-input \
        -c "$ROOT/constraints.txt" -e "$ROOT[$extras]" || die "installing Meadow failed"
    printf '%s %s\n' "$digest" "$extras" >"$STAMP"
}
