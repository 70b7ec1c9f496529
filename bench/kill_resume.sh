#!/usr/bin/env bash
# Issue 7: a training run killed with SIGKILL at a random moment resumes from its last checkpoint and ends with
# the same validation numbers as an uninterrupted run of the same seed.
#   bench/kill_resume.sh            (after mvn package; env: JAR, DATA, OUT, EPOCHS, SEED)
# Prints both runs' history rows and the meanDice difference.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/Inf_Net.jar}
DATA=${DATA:-../shared/covid-semiseg/TrainingSet/LungInfection-Train/Doctor-label}
OUT=${OUT:-/tmp/infnet-kill-resume}
EPOCHS=${EPOCHS:-3}
SEED=${SEED:-7}
ARGS=(train --data "$DATA" --val-count 10 --arch infnet-compact --init models/infnet-compact --epochs "$EPOCHS"
      --batch 8 --lr 1e-4 --scales 1 --seed "$SEED" --checkpoint-minutes 0.25)
rm -rf "$OUT" && mkdir -p "$OUT"

t0=$(date +%s)
java -jar "$JAR" "${ARGS[@]}" --output "$OUT/a" > "$OUT/a.log" 2>&1
ta=$(( $(date +%s) - t0 ))
echo "uninterrupted run: ${ta} s"

# once the second run has written its first checkpoint (a timed one or an epoch's), kill it at a random moment
# within the first two thirds of what the uninterrupted run took from there on
java -jar "$JAR" "${ARGS[@]}" --output "$OUT/b" > "$OUT/b1.log" 2>&1 &
pid=$!
t1=$(date +%s)
until grep -qE "^checkpoint at|^[0-9]+,[0-9.e-]+," "$OUT/b1.log" || ! kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
left=$(( ta - ($(date +%s) - t1) ))
sleep $(( RANDOM % ((left > 3 ? left : 3) * 2 / 3) ))
delay=$(( $(date +%s) - t1 ))
if ! kill -0 "$pid" 2>/dev/null; then
  echo "run B ended before the kill (after ${delay} s): not a kill test, run the script again" >&2
  exit 1
fi
kill -9 "$pid" || true
wait "$pid" 2>/dev/null || true
echo "killed after ${delay} s; last progress before the kill:"
grep -E "checkpoint|epoch [0-9]+ step" "$OUT/b1.log" | tail -2 | sed 's/^/  /'
ls "$OUT/b" | tr '\n' ' '; echo
java -jar "$JAR" "${ARGS[@]}" --output "$OUT/b" > "$OUT/b2.log" 2>&1
grep -E "resumed" "$OUT/b2.log" | sed 's/^/  /' || echo "  (no checkpoint had been written: started from scratch)"

echo "history A:"; sed 's/^/  /' "$OUT/a/history.csv"
echo "history B (killed + resumed):"; sed 's/^/  /' "$OUT/b/history.csv"
python3 - "$OUT/a/history.csv" "$OUT/b/history.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))[-1]
b = list(csv.DictReader(open(sys.argv[2])))[-1]
key = next(k for k in a if k.lower().startswith("val") and "dic" in k.lower() and "05" not in k)
d = abs(float(a[key]) - float(b[key]))
print(f"final {key}: uninterrupted {float(a[key]):.4f}, killed+resumed {float(b[key]):.4f}, |diff| {d:.4f} "
      f"({'within' if d <= 0.005 else 'NOT within'} 0.005)")
PY
