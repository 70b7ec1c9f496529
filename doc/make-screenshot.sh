#!/usr/bin/env bash
# Takes doc/gui-overlay.png: `java -jar target/Inf_Net.jar gui` under Xvfb (Debian package xvfb), segmenting a
# phantom slice with the bundled model. Run from the repository root after `mvn package`.
set -euo pipefail
DISPLAY_NUM="${DISPLAY_NUM:-:97}"
Xvfb "$DISPLAY_NUM" -screen 0 1100x700x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB' EXIT
sleep 2
DISPLAY="$DISPLAY_NUM" timeout 300 java -jar target/Inf_Net.jar gui doc/screenshot.ijm \
    "$PWD/test-images/Imgs/phantom_03.png,$PWD/doc/gui-overlay.png"
ls -l doc/gui-overlay.png
