#!/usr/bin/env bash
# Acknowledged durable edits per second, on disk and (same run, baseline) in memory; see docs/PERFORMANCE.md.
#
#   bench/run.sh [--count-fsyncs] [DurableEditsBenchmark options]
#   options (defaults): --seconds 5 --warmup 2 --sheets 1,10 --writers-per-sheet 2 --window 32
#                       --rounds 3 --serial-seconds 3 --store-seconds 2 --dir <java.io.tmpdir, normally /tmp>
#
# Compiles main and test classes into its own build directory (LIVEGRID_BENCH_BUILD_DIR, default
# target-bench, so it never disturbs another build), then runs dev.livegrid.bench.DurableEditsBenchmark
# on the test classpath: a server in the same JVM, its clients on 127.0.0.1, 21 connections at most.
# With the defaults a run takes about three minutes (the last half minute: the store alone, without
# server or clients; --store-seconds 0 leaves it out).
#
# BENCH_JAVA_OPTS (environment) is passed to the benchmark's JVM, e.g. to record a profile:
#   BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile" bench/run.sh --rounds 1
#
# --count-fsyncs runs the JVM under `perf stat` counting its fsync/fdatasync system calls (kernel
# tracepoints, 100 ms intervals; Debian package linux-perf) and prints the syncs inside each
# measured window, which gives the mean group-commit batch: acknowledged edits per sync (SQLite in
# WAL mode with synchronous=FULL syncs the WAL once per commit, plus checkpoints).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${LIVEGRID_BENCH_BUILD_DIR:-target-bench}
count_fsyncs=false
if [[ "${1:-}" == "--count-fsyncs" ]]; then
    count_fsyncs=true
    shift
fi

mkdir -p "$build"
if ! { mvn -B -q -ntp -Dlivegrid.buildDir="$build" test-compile &&
       mvn -B -q -ntp -Dlivegrid.buildDir="$build" dependency:build-classpath -Dmdep.includeScope=test \
           -Dmdep.outputFile="$build/bench.classpath"; } >"$build/bench-build.log" 2>&1; then
    cat "$build/bench-build.log" >&2
    exit 1
fi
classpath="$build/classes:$build/test-classes:$(cat "$build/bench.classpath")"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -version 2>&1 | head -1
echo "disk of /tmp: $(df -hT /tmp | awk 'NR==2 {print $1, $2, $3 " total"}')"

if ! $count_fsyncs; then
    exec java ${BENCH_JAVA_OPTS:-} -cp "$classpath" dev.livegrid.bench.DurableEditsBenchmark "$@"
fi

command -v perf >/dev/null || { echo "--count-fsyncs needs perf (apt-get install linux-perf)" >&2; exit 2; }
counts="$build/fsyncs.csv"
out="$build/bench-output.txt"
marker=200
perf stat -I 100 -x, -o "$counts" -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -- \
    java ${BENCH_JAVA_OPTS:-} -cp "$classpath" dev.livegrid.bench.DurableEditsBenchmark --sync-marker "$marker" "$@" | tee "$out"
# perf's clock starts at 0: the benchmark's first $marker syncs end at the epoch it prints as MARK.
mark=$(awk '/^MARK / {print $2; exit}' "$out")
offset=$(awk -F, -v m="$marker" -v mark="$mark" '
    $1 !~ /^#/ && NF > 3 { n += $2; if (n >= m) { printf "%.3f", mark - $1; exit } }' "$counts")
echo
echo "fsync + fdatasync calls of the benchmark's process inside each measured window (perf, 100 ms intervals):"
echo
echo "| phase | acked edits | seconds counted | syncs in them | acked edits per sync |"
echo "|---|---:|---:|---:|---:|"
grep '^PHASE ' "$out" | while read -r _ label start end acked; do
    # Only 100 ms intervals well inside the window (the clocks line up to about one interval); the
    # acknowledged edits are scaled to the time those intervals cover.
    awk -F, -v s="$start" -v e="$end" -v t0="$offset" -v l="$label" -v a="$acked" '
        $1 !~ /^#/ && NF > 3 { t = t0 + $1; if (t >= s + 0.3 && t <= e - 0.1) { n += $2; if (!seen[$1]++) k++ } }
        END { share = a * (k * 0.1) / (e - s)
              printf "| %s | %d | %.1f | %d | %s |\n", l, a, k * 0.1, n, (n > 0 ? sprintf("%.1f", share / n) : "-") }' "$counts"
done
