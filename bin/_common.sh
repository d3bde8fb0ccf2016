# Shared by bin/serve and bin/test: a Python 3.11+ virtualenv with pinned packages,
# and the few Debian packages the project needs. Sourced, never run directly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Install Debian packages that are missing (as root, or through sudo).
need_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Create the virtualenv and install the pinned requirements when they changed.
ensure_venv() {
  local requirements="$1"
  local python
  python="$(command -v python3.11 || command -v python3)"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Lessonbox needs Python 3.11 or newer; $python is $("$python" --version)." >&2
    exit 1
  fi
  if [ ! -x "$PY" ]; then
    "$python" -c 'import ensurepip, venv' 2>/dev/null || need_debian_packages python3-venv
    say "Creating the virtualenv in .venv"
    "$python" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)"
  if [ ! -e "$stamp" ]; then
    say "Installing Python packages from $requirements"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    rm -f "$VENV"/.requirements-* && touch "$stamp"
  fi
}

# The sandbox's own Python (pandas, numpy, matplotlib), readable by the unprivileged
# users sandboxes run as, plus bubblewrap and libseccomp.
ensure_sandbox_runtime() {
  need_debian_packages bubblewrap libseccomp2
  local dir="${SANDBOX_RUNTIME_DIR:-$("$PY" config/paths.py)}"
  local stamp="$dir/.requirements-$(sha256sum requirements-sandbox.txt | cut -c1-16)"
  [ -e "$stamp" ] && return 0
  local base=/usr/bin/python3
  if ! [ -x "$base" ] || ! "$base" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    base="$(command -v python3.11 || command -v python3)"
  fi
  "$base" -c 'import ensurepip, venv' 2>/dev/null || need_debian_packages python3-venv
  say "Creating the sandbox's Python environment in $dir"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  "$base" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-sandbox.txt
  # A font cache built once: matplotlib in a fresh sandbox then skips its font scan.
  MPLCONFIGDIR="$dir/mplconfig" "$dir/bin/python" -c 'import matplotlib.pyplot'
  chmod -R a+rX "$dir"
  if [ "$(id -u)" -eq 0 ]; then  # sandboxes then run as other users, who must reach it
    "$PY" -c 'import sys; from pathlib import Path; from config.paths import searchable_by_others as ok; sys.exit(0 if ok(Path(sys.argv[1])) else f"{sys.argv[1]} is in a folder other users cannot enter, so sandboxes cannot reach it; set SANDBOX_RUNTIME_DIR to a folder outside it (e.g. /opt/lessonbox-sandbox).")' "$dir"
  fi
  touch "$stamp"
}
