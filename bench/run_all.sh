#!/usr/bin/env bash
# Java port vs the Python original, measured back to back in one run, as one table.
#
#   bench/run_all.sh                 # full run (about 30-40 min on 2 quiet cores); run nothing else meanwhile
#   SMOKE=1 bench/run_all.sh         # tiny sizes, checks that every step runs (numbers meaningless)
#
# Needs bench/target/Inf_Net-bench.jar (+ bench/target/lib; `mvn -B -ntp -q install -DskipTests` then
# `mvn -B -ntp -q -f bench/pom.xml package -DskipTests`) and the developer venv of
# bench/python/setup_venv.sh (PyTorch CPU, never a build dependency; VENV=/work/venv by default).
# Both sides run on 2 threads: OMP_NUM_THREADS=2 and MKL_NUM_THREADS=2 for both processes, DJL's
# ai.djl.pytorch.num_threads=2 for Java, torch.set_num_threads(2) for Python; inter-op threads are left at
# each engine's default (both print the counts they use).
#
# Figures (each side prints them as `figure,KEY,VALUE[,note]` lines):
#   infer_ms_b1.ARCH / infer_ms_best.ARCH   ms per 352x352 slice, batch 1 / fastest of batches 1 and 4, median
#                                           of RUNS after 3 warm-up runs. Java times its whole predictor path
#                                           (resize, encode, network, resize back), Python the network alone.
#   volume_slices_per_s.FORMAT.ARCH         end to end `segment` of a SLICES-slice 512x512 volume (Java only)
#   rss_ratio.ARCH                          RSS after RSS_SLICES / after RSS_SLICES/10 segmented slices, measured as
#                                           the process runs (no forced collection; Java only)
#   rss_peak_ratio.ARCH                     peak RSS over the last RSS_SLICES/10 slices / over the first (Java only)
#   train_img_per_s.ARCH.SIDE               training images/s at each scale (batch TRAIN_BATCH, median of STEPS
#                                           steps after 1 warm-up); .multiscale = one 0.75/1/1.25 iteration
# The full Inf-Net is the paper's network (random weights: timing does not depend on them); the compact model
# is the bundled default (no Python counterpart). Raw outputs and the table go to OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-/work/venv}"
OUT="${OUT:-/tmp/infnet-bench-$(date -u +%Y%m%dT%H%M%SZ)}"
JAR="${JAR:-bench/target/Inf_Net-bench.jar}"
if [[ "${SMOKE:-0}" == "1" ]]; then
    RUNS=2; SLICES=12; RSS_SLICES=16; TRAIN_BATCH=1; STEPS=1; JSCALES=0.25,0.5; PYSIDES=96,192
else
    RUNS="${RUNS:-20}"; SLICES="${SLICES:-300}"; RSS_SLICES="${RSS_SLICES:-1000}"; TRAIN_BATCH="${TRAIN_BATCH:-4}"
    STEPS="${STEPS:-4}"; JSCALES=0.75,1,1.25; PYSIDES=256,352,448
fi
[[ -f "$JAR" ]] || { echo "missing $JAR: run mvn -B -ntp -q install -DskipTests; mvn -B -ntp -q -f bench/pom.xml package -DskipTests" >&2; exit 1; }
[[ -x "$VENV/bin/python" ]] || { echo "missing $VENV: run bench/python/setup_venv.sh" >&2; exit 1; }
mkdir -p "$OUT"
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
JAVA=(java -Dai.djl.pytorch.num_threads=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$JAR" bench)

step() {  # step NAME COMMAND...: runs, tees to OUT/NAME.txt; a failing step is reported, the others still run
    local name=$1; shift
    echo "== $name: $* (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
    { "$@" 2>&1 || echo "== $name exited with status $?"; } | tee "$OUT/$name.txt"
}
step java-infer "${JAVA[@]}" --model infnet-compact --arch infnet-res2net50 --batch 1,4 --runs "$RUNS" --warmup 3
step java-volume "${JAVA[@]}" --volume "$SLICES" --format nifti --batch 1,4
step java-volume-png "${JAVA[@]}" --volume "$SLICES" --format png --batch 4
step java-rss "${JAVA[@]}" --rss "$RSS_SLICES" --batch 4
step java-train "${JAVA[@]}" --train --arch infnet-compact --arch infnet-res2net50 --train-batch "$TRAIN_BATCH" \
    --steps "$STEPS" --warmup 1 --scales "$JSCALES"
step python "$VENV/bin/python" bench/python/bench_infer.py --threads 2 --runs "$RUNS" --warmup 3 --batches 1,4 \
    --train-steps "$STEPS" --train-batch "$TRAIN_BATCH" --scales "$PYSIDES"

cat "$OUT"/java-*.txt | grep '^figure,' > "$OUT/java.fig" || true
grep '^figure,' "$OUT/python.txt" > "$OUT/python.fig" || true
{
    echo "| figure | Java | Python | Java/Python | Java faster? |"
    echo "| --- | --- | --- | --- | --- |"
    awk -F, 'NR == FNR { py[$2] = $3; next }
        {
            key = $2; j = $3; note = (NF > 3 ? " (" $4 ")" : "")
            if (key in py) {
                r = j / py[key]
                faster = (key ~ /^infer_ms/ ? r < 1 : r > 1) ? "yes" : "no"
                printf "| %s | %s%s | %s | %.2f | %s |\n", key, j, note, py[key], r, faster
            } else {
                printf "| %s | %s%s | - | - | |\n", key, j, note
            }
        }' "$OUT/python.fig" "$OUT/java.fig"
} > "$OUT/table.md"
echo
echo "threads: OMP_NUM_THREADS=$OMP_NUM_THREADS, Java -Dai.djl.pytorch.num_threads=2, Python torch.set_num_threads(2)"
grep -h -m1 -E '^engine |^torch ' "$OUT/java-infer.txt" "$OUT/python.txt" || true
cat "$OUT/table.md"
echo "(raw outputs in $OUT)"
