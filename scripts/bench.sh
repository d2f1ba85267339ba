#!/usr/bin/env bash
# make bench: time shiplog and Debian's Hugo on generated 1k and 10k corpora.
# BIG=1 make bench adds 100,000 entries; SIZES=… and RUNS=… choose others.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v hugo >/dev/null 2>&1; then
  echo "bench: installing Debian's hugo for the comparison" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends hugo >/dev/null || echo "bench: hugo could not be installed; its rows will say so" >&2
fi
go run ./bench/run -sizes "${SIZES:-1000,10000}" -runs "${RUNS:-5}" ${BIG:+-big}
