#!/usr/bin/env bash
# The table editor on a big sheet in headless Chromium, this build's page against a peer's — by
# default the page as it was before rows were virtualised — in the same run (docs/PERFORMANCE.md,
# "The table editor on a big sheet"):
#
#   bench/page.sh [ROWS] [COLS] [SECONDS] [PEER_COMMIT]      (defaults 10000 20 5 356b3f9)
#
# Builds this checkout's standalone jar into target-bench-compare and the peer's in a git worktree
# (target-bench-page-peer), then runs dev.livegrid.bench.PageProfile: for each jar a server on
# 127.0.0.1 with sheets in memory, a ROWS x COLS sheet filled through the Java client, Debian's
# Chromium opening it, scrolling it for SECONDS and typing into a cell for SECONDS while another
# client sends 100 edits a second. Writes bench/results/page-<timestamp>.jsonl and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
cols=${2:-20}
seconds=${3:-5}
peer=${4:-356b3f9}
build=${LIVEGRID_BENCH_COMPARE_BUILD_DIR:-target-bench-compare}
peer_tree=target-bench-page-peer
mkdir -p "$build" bench/results
log="$build/page-build.log"
if ! { mvn -B -q -ntp -Dlivegrid.buildDir="$build" -DskipTests package &&
       mvn -B -q -ntp -Dlivegrid.buildDir="$build" dependency:build-classpath -Dmdep.includeScope=test \
           -Dmdep.outputFile="$build/bench.classpath"; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
if [[ ! -f "$peer_tree/target/livegrid-standalone.jar" || "$(git -C "$peer_tree" rev-parse HEAD 2>/dev/null)" != "$(git rev-parse "$peer")" ]]; then
    git worktree remove --force "$peer_tree" 2>/dev/null || rm -rf "$peer_tree"
    git worktree add --detach "$peer_tree" "$peer" >/dev/null
    (cd "$peer_tree" && mvn -B -q -ntp -DskipTests package) >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
classpath="$build/classes:$build/test-classes:$(cat "$build/bench.classpath")"
results=bench/results/page-$(date -u +%Y%m%dT%H%M%SZ).jsonl
echo "$(chromium --version 2>/dev/null); $(nproc) cores; ${rows}x${cols}, ${seconds} s per phase; peer $peer" >&2
java -Xmx1g -Djava.util.logging.config.file=/dev/null -cp "$classpath" dev.livegrid.bench.PageProfile \
    "$rows" "$cols" "$seconds" "this=$build/livegrid-standalone.jar" "peer=$peer_tree/target/livegrid-standalone.jar" \
    | tee "$results"
python3 - "$results" <<'PY'
import json, sys
rows = {r["label"]: r for r in map(json.loads, open(sys.argv[1]))}
this, peer = rows["this"], rows["peer"]
for r in (this, peer):
    if "gave_up" in r:
        print(f"{r['label']}: {r['gave_up']}")
if "gave_up" in peer:
    peer = {"open_ms": 0, "dom_rows_at_open": 0, "scroll": {}, "typing": {"frozen": True, "no_answer_within_s": "-"}}
def line(name, a, b):
    ratio = f"{a / b:.2f}x" if b else "-"
    print(f"| {name} | {a} | {b} | {ratio} |")
print("| measure | this page | peer page | this / peer |")
print("|---|---|---|---|")
line("open: welcome to first screen (ms)", this["open_ms"], peer["open_ms"])
line("rows in the DOM at open", this["dom_rows_at_open"], peer["dom_rows_at_open"])
for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "over_20ms_pct"):
    line(f"scroll frame {k}", this["scroll"].get(k, 0), peer["scroll"].get(k, 0))
def typing(row, k, frames=False):
    t = row["typing"]
    if t.get("frozen"):
        return f"froze (no answer within {t['no_answer_within_s']} s)"
    return (t["frames"] if frames else t).get(k, 0)
for k in ("p50_ms", "p95_ms", "max_ms", "over_20ms_pct"):
    a, b = typing(this, k, True), typing(peer, k, True)
    line(f"typing under 100 edits/s: frame {k}", a, b if isinstance(b, (int, float)) else 0) if isinstance(a, (int, float)) and isinstance(b, (int, float)) else print(f"| typing under 100 edits/s: frame {k} | {a} | {b} | - |")
for k in ("key_lag_p50_ms", "key_lag_p95_ms", "key_lag_max_ms", "longtask_ms_total"):
    a, b = typing(this, k), typing(peer, k)
    line(f"typing: {k}", a, b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) else print(f"| typing: {k} | {a} | {b} | - |")
PY
