#!/usr/bin/env bash
# Quick 5-fold CV of one multi-class recipe in Python only (no import, no Java): trains the 5 fold U-Nets
# (2 at a time, 1 thread each) and prints GGO / consolidation meanDic per fold and mean +- sd, scored by the
# toolbox port in train_gpu.py on maps made as train_gpu.py makes them (logits resized, then sigmoid). For
# choosing between recipes; the chosen one is then measured through the product by multiclass_skip.sh.
#
#   bench/cv/multiclass_py_cv.sh PRIORS_DIR WORK [train_gpu.py multiclass options ...]   (seed 20 + fold unless --seed)
set -euo pipefail
cd "$(dirname "$0")/../.."
PRI=$1; W=$2; shift 2
PY=${PY:-/work/venv/bin/python}
mkdir -p "$W"
run() {  # fold, then the recipe's options
  local f=$1; shift
  OMP_NUM_THREADS=1 "$PY" bench/python/gpu/train_gpu.py --data ../shared/covid-semiseg/TrainingSet --out "$W" \
    --worker multiclass --fold "$f" --prior-dir "$PRI" --device cpu --blob /tmp/infnet-cpu-data.pt --tag "mc-f$f" \
    --save "$W/mc-f$f.pth" --oof "$W/oof-python" --seed $((20 + f)) "$@" 2>&1 | grep -v NNPACK
}
for f in 0 1 2 3 4; do run $f "$@" & if [[ $f == 1 || $f == 3 ]]; then wait; fi; done; wait
"$PY" - "$W" <<'PY'
import json, sys
import numpy as np
folds = json.load(open('bench/cv/folds.json'))['folds']
per = []
for f, names in enumerate(folds):
    s = json.load(open(f'{sys.argv[1]}/mc-f{f}.pth.json'))['scores']
    per.append([np.mean([s[n][c] for n in names]) for c in (0, 1)])
per = np.array(per)
for c, name in enumerate(('GGO', 'consolidation')):
    print(f'{name}: ' + ' / '.join(f'{v:.3f}' for v in per[:, c]) +
          f'  CV {per[:, c].mean():.3f} +- {per[:, c].std(ddof=1):.3f}')
PY
