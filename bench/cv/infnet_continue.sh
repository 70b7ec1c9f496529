#!/usr/bin/env bash
# Continue training the bundled infection model on the 1600 pseudo-labelled slices, resumable across sessions,
# then score it by 5-fold CV through the product. This is how CPU-only sessions add epochs to `infnet-compact`.
#
#   bench/cv/infnet_continue.sh RUN_DIR BUDGET_SECONDS [more train_gpu.py options, e.g. --lr 1e-4 --seed 4]
#
# Starts from RUN_DIR/cont.pth.partial when an interrupted run left one there (same machine), else from the committed
# weights models/infnet-compact/model.safetensors (a new machine: the last shipped model). Checkpoints every 20
# minutes. After an interruption pass the budget still wanted (RUN_DIR/resume.json holds the seconds already
# trained); the learning rate then follows a new warm-up and cosine over that budget. Options given after BUDGET
# override the ones below (argparse keeps the last), e.g. --seed 4 for a new sample order. At the end
# RUN_DIR/cont.pth holds the weights, RUN_DIR/cont.pth.json the epochs and loss history, and RUN_DIR/cv the
# product's CV table (bench/cv/pth_cv.sh: import-pytorch, segment on ONNX Runtime, java_cv.sh).
# Ship the weights only when that table beats the shipped model's (models/infnet-compact/README.md), with
#   java -jar target/Inf_Net.jar import-pytorch RUN_DIR/cont.pth --arch infnet-compact --output models/infnet-compact
# Needs bench/python/setup_venv.sh (/work/venv) and `mvn package`; makes the data blob when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
R=$1; B=$2; shift 2
PY=${PY:-/work/venv/bin/python}
BLOB=${BLOB:-/tmp/infnet-cpu-data.pt}
DATA=../shared/covid-semiseg/TrainingSet
mkdir -p "$R"
[[ -f $BLOB ]] || "$PY" bench/python/gpu/train_gpu.py --worker prepare --data "$DATA" --out "$R/prep" --blob "$BLOB"
INIT=models/infnet-compact/model.safetensors
if [[ -f $R/cont.pth.partial ]]; then
  mv "$R/cont.pth.partial" "$R/resume.pth"; cp "$R/cont.pth.partial.json" "$R/resume.json" 2>/dev/null || true
  INIT=$R/resume.pth
fi
echo "[infnet_continue] from $INIT for ${B} s"
"$PY" bench/python/gpu/train_gpu.py --worker infnet --arch infnet-compact --source pseudo --score-all \
  --init "$INIT" --budget "$B" --lr 1e-4 --batch 16 --aug 0.5 --seed 3 --checkpoint-minutes 20 --device cpu \
  --data "$DATA" --out "$R" --blob "$BLOB" --tag cont --save "$R/cont.pth" --oof "$R/oof-python" "$@" \
  2>&1 | grep --line-buffered -v NNPACK
bench/cv/pth_cv.sh "$R/cont.pth" "$R/cv" | tee "$R/cv.txt"
