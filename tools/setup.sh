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

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$jobs"
