#!/usr/bin/env bash
# Installs what the test suite needs when it is missing, so `make test`
# passes on a fresh Debian machine with Go. Idempotent and quiet when all
# is there.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# axe-core, the accessibility checker the browser tests inject into pages.
# It lives in .cache/npm (gitignored); the project itself has no package.json.
axe_version=4.14.1
axe="$root/.cache/npm/node_modules/axe-core/axe.min.js"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ! -e "$axe" ] && ! command -v npm >/dev/null 2>&1; then need+=(npm); fi
# Box-drawing glyphs and a monospace face for screenshots of the theme.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -gt 0 ]; then
  echo "test-deps: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test-deps: need root or sudo to install ${need[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -e "$axe" ]; then
  echo "test-deps: installing axe-core@$axe_version into .cache/npm" >&2
  npm install --prefix "$root/.cache/npm" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "axe-core@$axe_version" >/dev/null
fi
