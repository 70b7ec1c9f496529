#!/usr/bin/env bash
# Cross-validation scores of an infection network trained WITHOUT any doctor-labelled slice (pseudo labels only):
# every one of the 50 doctor slices is then out of sample, so one model's maps serve all five folds.
#
#   bench/cv/pth_cv.sh WEIGHTS.pth WORKDIR [ARCH]      # ARCH: infnet-compact (default) or a model.json template
#
# Imports the state dict with the product's `import-pytorch`, segments the doctor slices with the product's
# `segment` (ONNX Runtime, as a user runs it), converts the probability maps to 8-bit PNG (bench/cv/Combine.java,
# T = 1: unchanged) and scores them with bench/cv/java_cv.sh. Needs `mvn package` (target/Inf_Net.jar, target/lib).
set -euo pipefail
cd "$(dirname "$0")/../.."
PTH=$1; W=$2; ARCH=${3:-infnet-compact}
D=../shared/covid-semiseg/TrainingSet/LungInfection-Train/Doctor-label
rm -rf "$W"; mkdir -p "$W"
java -Dai.djl.offline=true -jar target/Inf_Net.jar import-pytorch "$PTH" --arch "$ARCH" --output "$W/model" \
  --name infnet-compact >/dev/null
java -Dai.djl.offline=true -jar target/Inf_Net.jar segment "$D/Imgs" --model "$W/model" --output "$W/pred" >/dev/null
java -cp "$(ls target/lib/ij-*.jar)" bench/cv/Combine.java "$W/oof" 1 "$W/pred" >/dev/null
bench/cv/java_cv.sh "$W/oof"
