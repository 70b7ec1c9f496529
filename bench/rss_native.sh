#!/usr/bin/env bash
# Where RSS grows during `bench --rss`: runs it with Native Memory Tracking and a 4 s pause after each sample, and in
# the pauses after slices A and B reads the resident size of every mapping (/proc/PID/smaps) and the JVM's
# native-memory diff. Prints the mappings whose RSS changed by more than 1 MB: the Java heap (the one large anonymous
# mapping at a low address), glibc arenas (64 MB-aligned anonymous mappings), libraries (named) ...
#   bench/rss_native.sh [OUT_DIR]      needs bench/target/Inf_Net-bench.jar; env: BATCH (4), N (1000), A (N/10), B (N - N/10),
#                                      GC (set: full collections before each sample, `--gc`),
#                                      TRIM (set: the allocator's free memory trimmed after each sample, `--trim`)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/infnet-rss-native}"
BATCH="${BATCH:-4}"; N="${N:-1000}"; A="${A:-$((N / 10))}"; B="${B:-$((N - N / 10))}"
mkdir -p "$OUT"
export OMP_NUM_THREADS=2
java -XX:NativeMemoryTracking=summary -Dai.djl.pytorch.num_threads=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -jar bench/target/Inf_Net-bench.jar bench --rss "$N" --batch "$BATCH" ${GC:+--gc} ${TRIM:+--trim} --pause 4000 > "$OUT/rss.txt" 2>&1 &
pid=$!
maps() {  # every mapping: start address, size KB, RSS KB, name (anon when none)
    python3 - "$pid" <<'PY'
import re, sys
cur = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(\S*)", line)
    if m:
        cur = (m.group(1), (int(m.group(2), 16) - int(m.group(1), 16)) >> 10, m.group(3) or "anon")
    elif line.startswith("Rss:"):
        print(cur[0], cur[1], line.split()[1], cur[2])
PY
}
until grep -q "^$A," "$OUT/rss.txt"; do sleep 0.2; done
jcmd "$pid" VM.native_memory baseline > /dev/null
maps > "$OUT/mapsA.txt"
until grep -q "^$B," "$OUT/rss.txt"; do sleep 0.2; done
jcmd "$pid" VM.native_memory summary.diff > "$OUT/nmt_diff.txt"
maps > "$OUT/mapsB.txt"
wait "$pid"
grep -v WARN "$OUT/rss.txt"
echo "== mappings whose RSS changed by more than 1 MB between slices $A and $B (in a pause)"
python3 - "$OUT/mapsA.txt" "$OUT/mapsB.txt" <<'PY'
import sys
def load(f):
    return {a: (int(s), int(r), n.strip()) for a, s, r, n in (l.split(None, 3) for l in open(f))}
a, b = load(sys.argv[1]), load(sys.argv[2])
for k in sorted(set(a) | set(b)):
    sa, ra, n = a.get(k, (0, 0, ""))
    sb, rb, nb = b.get(k, (0, 0, ""))
    if abs(rb - ra) > 1024:
        print(f"{k} {n or nb} size {max(sa, sb) >> 10} MB: RSS {ra >> 10} -> {rb >> 10} MB")
print(f"all mappings: RSS {sum(v[1] for v in a.values()) >> 10} -> {sum(v[1] for v in b.values()) >> 10} MB")
PY
echo "== JVM native memory, slice $B vs slice $A"
grep -E '^Total|^-' "$OUT/nmt_diff.txt"
