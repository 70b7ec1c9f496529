#!/bin/sh
# Redraws doc/readme-picture.png (the README's first picture): a test image, the bundled model's infection
# overlaid with the ground truth, and the mask. Run from the project root after
# `mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f bench/pom.xml package -DskipTests` (the picture is drawn
# by the bench module, not the plugin jar).
set -e
IMG=${1:-phantom_05}
OUT=out/readme-picture
java -Dai.djl.pytorch.num_threads=1 -jar target/Inf_Net.jar segment "test-images/Imgs/$IMG.png" --output "$OUT"
java -jar bench/target/Inf_Net-bench.jar readme-picture "test-images/Imgs/$IMG.png" "$OUT/${IMG}_mask.png" \
    "test-images/GT/$IMG.png" doc/readme-picture.png
