#!/usr/bin/env bash
# CPU recipe of a prior-skip multi-class U-Net (base 8, 128 px), measured through the product: 5-fold CV + the
# all-50 model. Not the shipped multiclass-compact (it did not beat it; doc/accuracy.md).
#
#   bench/cv/multiclass_skip.sh PRIORS_DIR PRIOR_MODEL WORK [EPOCHS] [BUDGET_S]
#
# PRIORS_DIR: NAME.npy infection probability maps of the 50 doctor slices made by an infection model that never saw
# them (a pseudo-label-only model; train_gpu.py --worker infnet --score-all writes them), so every training prior is
# as imperfect as on unseen slices. PRIOR_MODEL: that same infection network as a project model folder
# (import-pytorch), which makes the priors when the fold models are scored through the product: each fold's U-Net
# is imported (bench/cv/multiclass-skip8.json), its 10 held-out slices segmented with `segment --multiclass` (ONNX
# Runtime, as a user runs it) and scored by java_cv.sh. Needs /tmp/infnet-cpu-data.pt (train_gpu.py --worker
# prepare), the venv of bench/python/setup_venv.sh and target/Inf_Net.jar. Leaves WORK/mc-all.pth (all 50 slices).
set -euo pipefail
cd "$(dirname "$0")/../.."
PRI=$1; PM=$2; W=$3; EP=${4:-40}; BUD=${5:-900}
PY=${PY:-/work/venv/bin/python}
D=../shared/covid-semiseg/TrainingSet
JAVA=(java -Dai.djl.offline=true -jar target/Inf_Net.jar)
mkdir -p "$W"
RECIPE=(--base 8 --side 128 --max-epochs "$EP" --budget "$BUD" --lr 1e-3 --batch 8 --aug 1 --dice 1 --prior-skip ${EXTRA:-})
bench/cv/multiclass_py_cv.sh "$PRI" "$W" "${RECIPE[@]}"   # the 5 fold models, mc-fF.pth, with their Python scores
rm -rf "$W/oof" && mkdir -p "$W/oof"
for f in 0 1 2 3 4; do
  rm -rf "$W/f$f" && mkdir -p "$W/f$f/Imgs"
  for n in $(python3 -c "import json; print(' '.join(json.load(open('bench/cv/folds.json'))['folds'][$f]))"); do
    ln -s "$(realpath "$D/MultiClassInfection-Train/Imgs/$n.jpg")" "$W/f$f/Imgs/$n.jpg"
  done
  "${JAVA[@]}" import-pytorch "$W/mc-f$f.pth" --arch bench/cv/multiclass-skip8.json --output "$W/f$f/model" \
    --name multiclass-compact >/dev/null
  "${JAVA[@]}" segment "$W/f$f/Imgs" --multiclass --model "$W/f$f/model" --prior-model "$PM" --output "$W/f$f/out" \
    >/dev/null
  "$PY" - "$W/f$f/out" "$W/oof" <<'PY'
import glob, os, sys
import numpy as np
from PIL import Image
for f in glob.glob(os.path.join(sys.argv[1], '*_prob.tif')):
    n, cls = os.path.basename(f)[:-len('_prob.tif')].rsplit('_', 1)
    p = np.asarray(Image.open(f), dtype=np.float32)
    Image.fromarray(np.clip(np.round(p * 255), 0, 255).astype(np.uint8)).save(
        os.path.join(sys.argv[2], f"{n}_{'con' if cls == 'consolidation' else 'ggo'}.png"))
PY
done
bench/cv/java_cv.sh "$W/oof" ggo
bench/cv/java_cv.sh "$W/oof" consolidation
[[ ${SKIP_ALL:-0} == 1 ]] || OMP_NUM_THREADS=2 "$PY" bench/python/gpu/train_gpu.py --data "$D" --out "$W" \
  --worker multiclass --fold -1 --prior-dir "$PRI" --device cpu --blob /tmp/infnet-cpu-data.pt --seed 19 \
  --tag mc-all --save "$W/mc-all.pth" "${RECIPE[@]}" 2>&1 | grep -v NNPACK
