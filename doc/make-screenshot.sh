#!/usr/bin/env bash
# Takes the GUI screenshots under doc/: the ImageJ window of `java -jar target/Inf_Net.jar gui` (gui-window.png),
# the Segment Lung Infection dialog (gui-dialog.png) and a result with overlay, lung outline, mask, probability,
# Results table and ROI Manager (gui-overlay.png). Needs Xvfb, xdotool and ImageMagick (Debian: xvfb xdotool
# imagemagick). Run from the repository root after `mvn package`. Fails if the ImageJ window is not its normal
# size (it was 1x1 pixel once).
set -euo pipefail
DISPLAY_NUM="${DISPLAY_NUM:-:97}"
IMAGE="${1:-$PWD/test-images/Imgs/phantom_04.png}"
Xvfb "$DISPLAY_NUM" -screen 0 1600x900x24 >/dev/null 2>&1 &
XVFB=$!
export DISPLAY="$DISPLAY_NUM"
sleep 2
READY=$(mktemp -u)
java -jar target/Inf_Net.jar gui doc/screenshot.ijm "$IMAGE,$READY" >/tmp/infnet-gui.log 2>&1 &
JAVA=$!
trap 'kill $JAVA 2>/dev/null; kill $XVFB' EXIT
wait_for() { # window name regex, seconds
    for _ in $(seq 1 "$2"); do
        id=$(xdotool search --name "$1" 2>/dev/null | head -1 || true)
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 1
    done
    echo "no window '$1' after $2 s" >&2; return 1
}
ij=$(wait_for '^ImageJ$' 60)
sleep 2
geometry=$(xdotool getwindowgeometry "$ij" | sed -n 's/.*Geometry: //p')
echo "ImageJ window: $geometry"
w=${geometry%x*}; h=${geometry#*x}
[ "$w" -ge 300 ] && [ "$h" -ge 50 ] || { echo "ImageJ window is $geometry: not its normal size" >&2; exit 1; }
import -window "$ij" doc/gui-window.png
dialog=$(wait_for '^Segment Lung Infection$' 60)
sleep 2
import -window "$dialog" doc/gui-dialog.png
# no window manager under Xvfb: click OK (bottom right of the dialog) rather than sending keys
pos=$(xdotool getwindowgeometry "$dialog" | sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p')
size=$(xdotool getwindowgeometry "$dialog" | sed -n 's/.*Geometry: \([0-9]*\)x\([0-9]*\).*/\1 \2/p')
read -r dx dy <<<"$pos"; read -r dw dh <<<"$size"
xdotool mousemove $((dx + dw - 38)) $((dy + dh - 22)) click 1
for _ in $(seq 1 120); do [ -f "$READY" ] && break; sleep 1; done
[ -f "$READY" ] || { echo "the startup macro did not finish; windows:" >&2; xdotool search --name . getwindowname %@ >&2; exit 1; }
rm -f "$READY"
sleep 10 # windows moved by the macro are repainted slowly without a window manager
import -window root doc/gui-overlay.png
ls -l doc/gui-window.png doc/gui-dialog.png doc/gui-overlay.png
