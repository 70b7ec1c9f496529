#!/usr/bin/env bash
# Cross-validation scores with the project's own evaluator (the paper's toolbox protocol), per fold.
#
#   bench/cv/java_cv.sh OOF_DIR [CLASS]
#
# OOF_DIR holds one out-of-fold probability map per doctor-labelled slice (NAME.png, or NAME_ggo.png /
# NAME_con.png for CLASS ggo / consolidation), each predicted by the model of the fold that held NAME out
# (bench/python/gpu/train_gpu.py writes them). Folds: bench/cv/folds.json. Prints one line per fold and
# the mean and sample standard deviation over folds of meanDic, Sm, meanEm and MAE.
set -euo pipefail
cd "$(dirname "$0")/../.."
OOF=$(realpath "$1"); CLASS=${2:-}
D=../shared/covid-semiseg/TrainingSet
JAR=target/Inf_Net.jar
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
python3 - "$OOF" "$CLASS" "$TMP" "$D" <<'PY'
import json, os, sys
oof, cls, tmp, data = sys.argv[1:5]
folds = json.load(open('bench/cv/folds.json'))['folds']
gt = f'{data}/MultiClassInfection-Train/GT' if cls else f'{data}/LungInfection-Train/Doctor-label/GT'
suffix = {'': '', 'ggo': '_ggo', 'consolidation': '_con'}[cls]
pred_name = {'': '{}.png', 'ggo': '{}_ggo_prob.png', 'consolidation': '{}_consolidation_prob.png'}[cls]
for k, names in enumerate(folds):
    for sub in ('pred', 'gt'):
        os.makedirs(f'{tmp}/f{k}/{sub}', exist_ok=True)
    for n in names:
        # multi-class: the evaluator reads PRED/NAME_ggo.png etc. against the label image
        target = pred_name.format(n)
        os.symlink(f'{oof}/{n}{suffix}.png', f'{tmp}/f{k}/pred/{target}')
        os.symlink(os.path.realpath(f'{gt}/{n}.png'), f'{tmp}/f{k}/gt/{n}.png')
PY
for k in 0 1 2 3 4; do
  args=(evaluate --pred "$TMP/f$k/pred" --gt "$TMP/f$k/gt")
  [[ -n "$CLASS" ]] && args+=(--class "$CLASS")
  line=$(java -Dai.djl.offline=true -jar "$JAR" "${args[@]}" 2>/dev/null | grep '^meanDic')
  echo "fold $k: $line"
done | tee "$TMP/lines"
python3 - "$TMP/lines" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r'(\w+):([-\d.]+)', l)) for l in open(sys.argv[1])]
out = []
for key in ('meanDic', 'meanSen', 'meanSpe', 'Sm', 'meanEm', 'MAE'):
    v = [float(r[key]) for r in rows]
    out.append(f'{key} {statistics.mean(v):.3f} +- {statistics.stdev(v):.3f}')
print('5-fold CV (mean +- sd over folds): ' + '; '.join(out))
PY
