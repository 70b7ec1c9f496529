#!/usr/bin/env bash
# A real Spark standalone cluster on this machine (loopback only): a master and two workers as separate JVMs,
# started from the Spark jars of this module's Maven dependencies (no Spark distribution needed), and the cohort
# job submitted to it with SparkSubmit (spark-submit's class) on a synthetic cohort of phantom CT volumes:
#   A. one worker;  B. two workers;  C. two workers, one of them killed (kill -9, with its executor) mid-job.
# Prints volumes per minute for A and B, and checks that C completes with every row and that the tables (less
# seconds/reused/paths) and the NIfTI outputs (sha256) of A, B and C are identical.
#
# usage: spark/run-standalone.sh [VOLUMES=16] [SIZE=128] [SLICES=10]     (needs `mvn install` of the core first)
# Work folder: spark/target/standalone (logs in logs/, outputs in out-A, out-B, out-C).
set -euo pipefail
cd "$(dirname "$0")"
N=${1:-16}; SIZE=${2:-128}; SLICES=${3:-10}
HERE=$PWD
W=$HERE/target/standalone
rm -rf "$W"; mkdir -p "$W/logs"

echo "== build: module jar and its runtime class path"
mvn -B -ntp -q package -DskipTests
# compile scope: the core and its libraries, and Spark itself (provided scope, as a cluster provides it)
mvn -B -ntp -q dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile="$W/classpath.txt"
# the phantom generator is test code (the core's test jar, PhantomCohort among this module's test classes)
mvn -B -ntp -q dependency:build-classpath -DincludeScope=test -Dmdep.outputFile="$W/test-classpath.txt"
export SPARK_HOME=$W/spark-home SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 OMP_NUM_THREADS=1
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
tr ':' '\n' < "$W/classpath.txt" | while read -r j; do ln -sf "$j" "$SPARK_HOME/jars/"; done
APP=$SPARK_HOME/jars/Inf_Net-spark-0.1.0-SNAPSHOT.jar
ln -sf "$HERE/target/Inf_Net-spark-0.1.0-SNAPSHOT.jar" "$APP"
cat > "$SPARK_HOME/conf/log4j2.properties" <<'LOG'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
logger.sched.name = org.apache.spark.scheduler
logger.sched.level = info
logger.deploy.name = org.apache.spark.deploy
logger.deploy.level = info
logger.cluster.name = org.apache.spark.scheduler.cluster
logger.cluster.level = info
LOG
CP="$SPARK_HOME/conf:$SPARK_HOME/jars/*"
echo "runtime class path: $(ls "$SPARK_HOME/jars" | wc -l) jars, $(du -shL "$SPARK_HOME/jars" | cut -f1)" \
  "(of which Spark's own: $(ls "$SPARK_HOME/jars" | grep -c '^spark-') spark-* jars)"
OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # FILE PATTERN SECONDS
  for _ in $(seq 1 "$3"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done
  echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1
}

echo "== phantom cohort: $N volumes of ${SIZE}x${SIZE}x${SLICES}"
java -Xmx1g -cp "$HERE/target/test-classes:$(cat "$W/test-classpath.txt")" org.infnet.spark.PhantomCohort "$W/cohort" "$N" "$SIZE" "$SLICES"

echo "== master on spark://127.0.0.1:7077"
java -Xmx512m -cp "$CP" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 --webui-port 18080 \
  > "$W/logs/master.log" 2>&1 &
PIDS+=($!)
wait_for "$W/logs/master.log" "I have been elected leader" 60

WORKER_PIDS=()
start_worker() { # INDEX
  java -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
    --work-dir "$W/work$1" --webui-port $((18080 + $1)) spark://127.0.0.1:7077 > "$W/logs/worker$1.log" 2>&1 &
  WORKER_PIDS[$1]=$!
  PIDS+=($!)
  wait_for "$W/logs/worker$1.log" "Successfully registered with master" 60
  echo "worker $1 up (pid ${WORKER_PIDS[$1]})"
}

submit() { # NAME: runs the job into out-NAME, driver log in logs/driver-NAME.log
  java -Xmx1g $OPENS -Dai.djl.offline=true -cp "$CP" org.apache.spark.deploy.SparkSubmit \
    --master spark://127.0.0.1:7077 --deploy-mode client --class org.infnet.spark.CohortJob \
    --executor-memory 1536m --conf spark.executor.cores=1 \
    --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
    --conf "spark.executor.extraJavaOptions=-Dai.djl.pytorch.num_threads=1 -Dai.djl.offline=true -Djava.awt.headless=true" \
    --conf spark.executorEnv.OMP_NUM_THREADS=1 \
    "$APP" --manifest "$W/cohort/manifest.csv" --output "$W/out-$1" --threads 1 > "$W/logs/driver-$1.log" 2>&1
}

start_worker 1
echo "== A: one worker"
submit A
grep "^cohort:" "$W/logs/driver-A.log"

start_worker 2
echo "== B: two workers"
submit B
grep "^cohort:" "$W/logs/driver-B.log"

echo "== C: two workers, worker 2 killed (kill -9, and its executor) once 3 volumes are done"
submit C &
DRIVER=$!
for _ in $(seq 1 600); do
  [ "$(find "$W/out-C/volumes" -name done.json 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.2
done
EXEC=$(pgrep -P "${WORKER_PIDS[2]}" || true)
echo "$(date +%T) kill -9 worker 2 (pid ${WORKER_PIDS[2]}) and its executor (pid ${EXEC:-none});" \
  "volumes done so far: $(find "$W/out-C/volumes" -name done.json | wc -l) of $N"
kill -9 "${WORKER_PIDS[2]}" $EXEC
wait "$DRIVER"
echo "driver exit status 0"
grep "^cohort:" "$W/logs/driver-C.log"
echo "-- driver log lines about the lost executor:"
grep -E "Lost executor|is now LOST|Executor lost|failed because|Resubmitted" "$W/logs/driver-C.log" \
  | cut -c1-260 | head -12 || true
TASK=$(grep -oE "task [0-9]+\.0 in stage [0-9.]+ \(TID [0-9]+\) failed because" "$W/logs/driver-C.log" | head -1 \
  | grep -oE "^task [0-9]+" | cut -d' ' -f2 || true)
if [ -n "$TASK" ]; then grep -E "(Starting|Finished) task $TASK\.[0-9]+ in stage 2\.0" "$W/logs/driver-C.log" | cut -c1-200 || true; fi

echo "== comparison"
for r in A B C; do
  java -Xmx1g $OPENS -cp "$CP" org.infnet.spark.TableCsv "$W/out-$r" 2>"$W/logs/table-$r.log" > "$W/table-$r.csv"
  (cd "$W/out-$r/volumes" && find . -name '*.nii.gz' | sort | xargs sha256sum) > "$W/sha256-$r.txt"
  echo "$r: $(($(wc -l < "$W/table-$r.csv") - 1)) rows, $(grep -c ',$' "$W/table-$r.csv" || true) without error" \
    "(error is the last column), $(wc -l < "$W/sha256-$r.txt") NIfTI outputs"
done
diff "$W/table-A.csv" "$W/table-B.csv" && echo "tables A and B identical"
diff "$W/table-A.csv" "$W/table-C.csv" && echo "tables A and C identical"
diff "$W/sha256-A.txt" "$W/sha256-B.txt" && echo "NIfTI outputs A and B identical (sha256)"
diff "$W/sha256-A.txt" "$W/sha256-C.txt" && echo "NIfTI outputs A and C identical (sha256)"
echo "-- table C (first rows):"; head -4 "$W/table-C.csv" | cut -c1-400
