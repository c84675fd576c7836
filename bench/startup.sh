#!/usr/bin/env bash
# How long an embedded LiveGrid takes to start in a test suite, against a bare Tyrus/Grizzly server
# (docs/PERFORMANCE.md, "Embedded start-up"):
#
#   bench/startup.sh [JVMS] [STARTS_PER_JVM]      (defaults 5 and 20)
#
# Each of JVMS fresh JVMs per server starts, uses (one echo over a WebSocket) and stops STARTS_PER_JVM
# servers in a row (dev.livegrid.bench.StartupTime): the first start pays for class loading, as the
# first test class of a suite does; the others are what every later class pays. The JVMs are pinned to
# core 0 and alternate between the two servers. Builds into target-bench-compare (as compare.sh does);
# writes bench/results/startup-<timestamp>.jsonl and prints the medians over the JVMs.
set -euo pipefail
cd "$(dirname "$0")/.."
jvms=${1:-5}
starts=${2:-20}
build=${LIVEGRID_BENCH_COMPARE_BUILD_DIR:-target-bench-compare}
mkdir -p "$build" bench/results
if ! { mvn -B -q -ntp -Dlivegrid.buildDir="$build" test-compile &&
       mvn -B -q -ntp -Dlivegrid.buildDir="$build" dependency:build-classpath -Dmdep.includeScope=test \
           -Dmdep.outputFile="$build/bench.classpath"; } >"$build/startup-build.log" 2>&1; then
    cat "$build/startup-build.log" >&2
    exit 1
fi
classpath="$build/classes:$build/test-classes:$(cat "$build/bench.classpath")"
results=bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ).jsonl
echo "$(java -version 2>&1 | head -1); $(nproc) cores; $jvms JVMs x $starts starts per server" >&2
for ((i = 1; i <= jvms; i++)); do
    for server in tyrus livegrid; do
        taskset -c 0 java -Xms256m -Xmx256m -Djava.util.logging.config.file=/dev/null -cp "$classpath" \
            dev.livegrid.bench.StartupTime "$server" "$starts" 2>/dev/null | tee -a "$results"
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| server | first start (median of JVMs) | later starts: median | later starts: p90 |")
print("|---|---|---|---|")
for server in ("tyrus", "livegrid"):
    r = [x for x in rows if x["server"] == server]
    m = lambda k: statistics.median(x[k] for x in r)
    print(f"| {server} | {m('first_ms'):.0f} ms | {m('later_median_ms'):.1f} ms | {m('later_p90_ms'):.1f} ms |")
PY
