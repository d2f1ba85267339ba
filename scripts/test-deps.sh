#!/usr/bin/env bash
# Installs what the test suite needs when it is missing, so `make test`
# passes on a fresh Debian machine with Go. Idempotent and quiet when all
# is there.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# npm packages live in .cache/npm (gitignored); the project itself has no
# package.json.
# - axe-core, the accessibility checker the browser tests inject into pages.
# - vnu-jar, the Nu HTML Checker that validates every page of the example
#   log (internal/e2e/vnu_test.go); it runs on Java.
axe_version=4.14.1
axe="$root/.cache/npm/node_modules/axe-core/axe.min.js"
vnu_version=26.9.27
vnu="$root/.cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if { [ ! -e "$axe" ] || [ ! -e "$vnu" ]; } && ! command -v npm >/dev/null 2>&1; then need+=(npm); fi
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
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

# Both packages are installed together whenever one is missing: without a
# package.json, npm removes what an install does not name.
if [ ! -e "$axe" ] || [ ! -e "$vnu" ]; then
  echo "test-deps: installing axe-core@$axe_version and vnu-jar@$vnu_version into .cache/npm" >&2
  # --ignore-scripts: vnu-jar's install script only fetches a Java, which
  # apt has provided; axe-core has none that matter.
  npm install --prefix "$root/.cache/npm" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error \
    "axe-core@$axe_version" "vnu-jar@$vnu_version" >/dev/null
  for f in "$axe" "$vnu"; do
    [ -e "$f" ] || { echo "test-deps: npm ran but $f is missing" >&2; exit 1; }
  done
fi
