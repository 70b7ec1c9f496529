#!/usr/bin/env bash
# Issue 21's side-by-side run, one after the other on the same machine (about 10 min on 2 quiet cores):
# Java on ONNX Runtime (fp32, int8) and on PyTorch against the Python original (PyTorch CPU), per-slice inference
# of the paper's Inf-Net and the bundled compact model, the end-to-end 300-slice volume, and RSS over 1000 slices.
#
#   bench/issue21.sh            # needs bench/target/Inf_Net-bench.jar and the venv of bench/python/setup_venv.sh
#
# Every step prints its own lines (`figure,...` where the bench has them); the whole log goes to OUT/log.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-/work/venv}"
OUT="${OUT:-/tmp/infnet-issue21-$(date -u +%Y%m%dT%H%M%SZ)}"
JAR=bench/target/Inf_Net-bench.jar
RUNS="${RUNS:-10}"; SLICES="${SLICES:-300}"; RSS_SLICES="${RSS_SLICES:-1000}"
mkdir -p "$OUT"
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
J=(java -Dai.djl.pytorch.num_threads=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
step() {
    local name=$1; shift
    echo "== $name: $* (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
    { /usr/bin/time -f "== $name: wall %e s, user %U s, sys %S s, max RSS %M kB" "$@" 2>&1 || echo "== $name exited $?"; } \
        | tee "$OUT/$name.txt"
}
{
lscpu | grep -E "Model name|^CPU\(s\)|Flags" | cut -c1-120
step infer-java "${J[@]}" -jar "$JAR" bench --model infnet-compact --arch infnet-res2net50 --batch 1,4 \
    --runs "$RUNS" --warmup 2 --engine onnx,pytorch
step infer-java-int8 "${J[@]}" -Dinfnet.onnx.precision=int8 -jar "$JAR" bench --model infnet-compact \
    --arch infnet-res2net50 --batch 1,4 --runs "$RUNS" --warmup 2 --engine onnx
step infer-python "$VENV/bin/python" bench/python/bench_infer.py --threads 2 --runs "$RUNS" --warmup 2 \
    --batches 1,4 --skip-train
step volume-onnx "${J[@]}" -jar "$JAR" bench --volume "$SLICES" --format nifti --batch 4 --engine onnx
step volume-onnx-int8 "${J[@]}" -Dinfnet.onnx.precision=int8 -jar "$JAR" bench --volume "$SLICES" --format nifti \
    --batch 4 --engine onnx
step volume-pytorch "${J[@]}" -jar "$JAR" bench --volume "$SLICES" --format nifti --batch 4 --engine pytorch
step rss-onnx "${J[@]}" -jar "$JAR" bench --rss "$RSS_SLICES" --batch 4 --engine onnx
step rss-pytorch "${J[@]}" -jar "$JAR" bench --rss "$RSS_SLICES" --batch 4 --engine pytorch
} 2>&1 | tee "$OUT/log.txt"
echo "log: $OUT/log.txt"
