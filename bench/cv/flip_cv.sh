#!/usr/bin/env bash
# Test-time left-right flip study (issue 17): CV of a model's maps of the 50 doctor slices, of the maps of the
# mirrored slices mirrored back, and of the logit mean of both. Valid for a model that never trained on a doctor
# slice (every map is then out of fold).
#
#   bench/cv/flip_cv.sh [MODEL] [WORK]      # MODEL: a model name or folder (default infnet-compact)
#
# Mirrors the slices losslessly (bench/cv/Combine.java mirror), segments both sets with the product's `segment`,
# combines with Combine.java (flip:DIR mirrors back) and scores with bench/cv/java_cv.sh. Needs `mvn package`.
set -euo pipefail
cd "$(dirname "$0")/../.."
M=${1:-infnet-compact}; W=${2:-/tmp/flip-cv}
D=../shared/covid-semiseg/TrainingSet/LungInfection-Train/Doctor-label/Imgs
IJ=$(ls target/lib/ij-*.jar)
rm -rf "$W"; mkdir -p "$W"
java -cp "$IJ" bench/cv/Combine.java mirror "$D" "$W/mirrored"
for s in plain:"$D" flipped:"$W/mirrored"; do
  java -Dai.djl.offline=true -jar target/Inf_Net.jar segment "${s#*:}" --model "$M" --output "$W/pred-${s%%:*}" >/dev/null
done
for c in "plain $W/pred-plain" "flipped flip:$W/pred-flipped" "mean $W/pred-plain flip:$W/pred-flipped"; do
  set -- $c; name=$1; shift
  java -cp "$IJ" bench/cv/Combine.java "$W/oof-$name" 1 "$@" >/dev/null
  echo "== $name"; bench/cv/java_cv.sh "$W/oof-$name"
done
