#!/usr/bin/env bash
# Set-up shared by ./demo and tests/run: install the Debian packages that are missing
# (apt-get, as root), then configure and build. Safe to run again: it installs nothing
# that is there and rebuilds only what changed.
#
#   tools/setup.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$top/build"}
shift || true

# Every package the project builds, tests or runs with (README "Dependencies" says why).
packages=(
  build-essential cmake pkg-config git
  pcscd libpcsclite-dev vsmartcard-vpcd
  libssl-dev openssl
  libsqlite3-dev sqlite3
  libcurl4-openssl-dev
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-noto-cjk
  libespeak-ng-dev espeak-ng-data
  libgpiod-dev gpiod
  check
  libjansson-dev libevent-dev zlib1g-dev
  postgresql libpq-dev
  xvfb xauth
  chromium poppler-utils
  clang libclang-rt-14-dev
  procps iproute2 stress-ng
  softhsm2 libengine-pkcs11-openssl libp11-kit-dev
  debhelper fakeroot dpkg-dev lintian scdoc man-db cage xinit
)

# Node for the console's browser test: Debian's nodejs and npm unless a node with its npm
# is there already (a NodeSource nodejs bundles npm and conflicts with Debian's).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=sudo; else
      echo "setup: need root to install packages: ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The console's browser test drives Chromium with puppeteer-core (tests/browser/package.json,
# pinned by its lock file); npm ci fetches it once, when node_modules is missing.
if [ ! -d "$top/tests/browser/node_modules" ]; then
  echo "setup: npm ci in tests/browser (puppeteer-core for the console's browser test)"
  (cd "$top/tests/browser" && npm ci --no-audit --no-fund --loglevel=error) ||
    echo "setup: npm ci failed: the browser test will be skipped" >&2
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$jobs"
