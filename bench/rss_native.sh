#!/usr/bin/env bash
# Where RSS grows during `bench --rss`: runs it (trimming off, Native Memory Tracking on) and, after 100 and after
# 900 slices, takes the JVM's native-memory diff (baseline at 100) and the resident size of every anonymous mapping
# larger than 2 MB (Java heap, glibc arenas of 64 MB, thread stacks ...).
#   bench/rss_native.sh [OUT_DIR]      (needs target/Inf_Net.jar; about a minute on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/infnet-rss-native}"
mkdir -p "$OUT"
export OMP_NUM_THREADS=2
java -XX:NativeMemoryTracking=summary -Dinfnet.trimNativeHeap=false -Dai.djl.pytorch.num_threads=2 \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar target/Inf_Net.jar bench --rss 1000 --batch 4 > "$OUT/rss.txt" 2>&1 &
pid=$!
maps() {  # resident size of each anonymous mapping over 2 MB: start address, size MB, RSS MB
    python3 - "$pid" <<'PY'
import re, sys
cur = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(\S*)", line)
    if m:
        cur = (m.group(1), (int(m.group(2), 16) - int(m.group(1), 16)) >> 20, m.group(3) == "")
    elif line.startswith("Rss:") and cur[2] and int(line.split()[1]) > 2048:
        print(f"{cur[0]} {cur[1]} MB rss {int(line.split()[1]) >> 10} MB")
PY
}
until grep -q '^100,' "$OUT/rss.txt"; do sleep 0.3; done
jcmd "$pid" VM.native_memory baseline > /dev/null
maps > "$OUT/maps100.txt"
until grep -q '^900,' "$OUT/rss.txt"; do sleep 0.3; done
jcmd "$pid" VM.native_memory summary.diff > "$OUT/nmt_diff.txt"
maps > "$OUT/maps900.txt"
wait "$pid"
grep -v WARN "$OUT/rss.txt"
echo "== anonymous mappings after 100 | after 900 slices"
join -a1 -a2 <(sort "$OUT/maps100.txt") <(sort "$OUT/maps900.txt")
echo "== JVM native memory, 900 vs 100 slices"
grep -E '^Total|^-' "$OUT/nmt_diff.txt"
