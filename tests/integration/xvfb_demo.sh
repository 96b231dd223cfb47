#!/usr/bin/env bash
# demo.xvfb: the terminal program's real window path. A private Xvfb on a free display
# (-displayfd: the server picks it), then the demo's gate sequence with `kiosk run`
# drawing into an X11 window (not the offscreen driver); the screenshots are read back
# from that window's renderer. Exit 77 (skipped) when Xvfb is not installed.
#
#   xvfb_demo.sh SOURCE_DIR BUILD_DIR OUT_DIR
set -euo pipefail
src=$1 build=$2 out=$3

if ! command -v Xvfb >/dev/null 2>&1; then
  echo "xvfb_demo: Xvfb not installed (apt-get install xvfb): skipped"
  exit 77
fi
mkdir -p "$out"
fifo=$out/displayfd
rm -f "$fifo"
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo" >"$out/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null; rm -f "$fifo"' EXIT
display=
if ! read -r -t 10 display <"$fifo" || [ -z "$display" ]; then
  echo "xvfb_demo: Xvfb did not start (log: $out/xvfb.log)" >&2
  exit 1
fi
echo "xvfb_demo: Xvfb on :$display"

unset WAYLAND_DISPLAY SDL_VIDEODRIVER SDL_RENDER_DRIVER
export DISPLAY=:$display SDL_AUDIODRIVER=dummy YH_DEMO_DIR=$out YH_DEMO_PAUSE=0
"$src/demo" --no-setup --build "$build" --steps gate --no-wait

# The terminal really drew into an X11 window.
if ! grep -q "video x11" "$out/kiosk-gate.log"; then
  echo "xvfb_demo: the terminal did not use the X11 video driver:" >&2
  grep "ui: ready" "$out/kiosk-gate.log" >&2 || true
  exit 1
fi
grep "ui: ready" "$out/kiosk-gate.log"
