#!/usr/bin/env bash
# Several LiveGrid servers on one PostgreSQL (cluster mode): acknowledged edits per second on one sheet
# and on twelve with 1, 2 and 3 servers, and edit → viewer latency with the writer and the viewers on
# different servers (docs/PERFORMANCE.md, "Several servers on one PostgreSQL").
#
#   bench/cluster.sh [--quick] [--nodes 1,2,3] [--rounds R] [--runs acks-1,acks-12,acks-12-own,cross]
#
# Builds into its own directory (LIVEGRID_BENCH_CLUSTER_BUILD_DIR, default target-bench-cluster) with
# Maven, starts a throwaway PostgreSQL from Debian's binaries (/usr/lib/postgresql/<major>/bin: initdb
# into a fresh directory under the build directory, pg_ctl on a free port of 127.0.0.1, trust
# authentication, user livegrid; as root the server runs as the postgres user through runuser), and
# stops it and deletes its directory when the script ends, however it ends.
#
# For each number of servers N (a fresh database for each N and round, so that no run sees another's
# sheets): N standalone jars as processes (-Xms512m -Xmx512m, a free port of 127.0.0.1 each,
# LIVEGRID_OP_RATE=1000000 so that the per-connection rate limit does not decide the result; the
# connection limits, 2000 per address, are far above these runs' 101 connections at most), the first
# alone and the others once it serves, waits until each logs "LiveGrid serving", then runs the load generator (dev.livegrid.bench.load.LoadGenerator, on the test
# classpath) against them:
#   acks-1       1 sheet, 6 writers × 16 edits unanswered, writer i on server i mod N;
#   acks-12      12 sheets, 2 writers each × 16, writer i on server i mod N (with N ≥ 2 every sheet
#                has writers on two servers, as behind a round-robin load balancer);
#   acks-12-own  12 sheets, 1 writer each × 32, sheet s on server s mod N (each sheet written through
#                one server only, as behind a load balancer that sends a sheet's users to one server);
#   cross        1 writer at 200 edits/s on the first server, 50 viewers on the second (on the first
#                when N = 1) and 50 more on the first, each group timed apart.
# Server CPU is summed over the N processes; PostgreSQL's (postmaster and backends) is measured apart;
# each server's GET /metrics is read at the start and end of every measured window (commits found
# behind, ops adopted from other servers, commit counts and batch sizes). Then the servers get SIGTERM.
# Nothing is pinned: PostgreSQL, the N server JVMs and the generator share the machine's cores.
#
# PostgreSQL runs with its defaults (fsync and synchronous_commit on, deadlock_timeout 1 s) and
# log_lock_waits=on; after every run one more JSON line ("db-log") counts the errors PostgreSQL logged
# during it by message (deadlocks among them) and the lock waits longer than deadlock_timeout.
# BENCH_PG_OPTIONS adds settings to its command line as they are (e.g. "-c deadlock_timeout=10ms"); its
# log is kept with the servers' (target-bench-cluster/logs-<timestamp>/).
#
# Writes one JSON line per run (and one per server set: warnings and errors in their logs) to
# bench/results/cluster-<timestamp>.jsonl and prints the markdown table. All traffic goes to
# 127.0.0.1. The full run (10 s windows, 2 rounds: 1,2,3 then 3,2,1 servers) takes about 7.5 minutes;
# --quick (5 s windows, 1 round) about 2.5 (each with a built Maven repository).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${LIVEGRID_BENCH_CLUSTER_BUILD_DIR:-target-bench-cluster}
quick=false
nodes_list=1,2,3
rounds=
runs=acks-1,acks-12,acks-12-own,cross
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --nodes) nodes_list=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "usage: bench/cluster.sh [--quick] [--nodes 1,2,3] [--rounds R] [--runs acks-1,acks-12,acks-12-own,cross]" >&2
           exit 2 ;;
    esac
done
if $quick; then
    timing=(--warmup 2 --seconds 5); rounds=${rounds:-1}
else
    timing=(--warmup 3 --seconds 10); rounds=${rounds:-2}
fi

# ---- build ----------------------------------------------------------------------------------------
mkdir -p "$build" bench/results
build=$(cd "$build" && pwd)
echo "building into $build ..."
if ! { mvn -B -q -ntp -Dlivegrid.buildDir="$build" package -DskipTests &&
       mvn -B -q -ntp -Dlivegrid.buildDir="$build" dependency:build-classpath -Dmdep.includeScope=test \
           -Dmdep.outputFile="$build/bench.classpath"; } >"$build/cluster-build.log" 2>&1; then
    cat "$build/cluster-build.log" >&2
    exit 1
fi
classpath="$build/classes:$build/test-classes:$(cat "$build/bench.classpath")"

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $pg_bin || ! -x $pg_bin/initdb || ! -x $pg_bin/pg_ctl ]]; then
    echo "no PostgreSQL server binaries in /usr/lib/postgresql/<major>/bin: install Debian's postgresql" >&2
    exit 1
fi

# ---- everything started here is stopped at exit ---------------------------------------------------
pg_dir=$build/cluster-pg
pg_data=$pg_dir/data
run_as=()
[[ $(id -u) -eq 0 ]] && run_as=(runuser -u postgres --)
server_pids=()
stop_servers() {
    local pid
    for pid in "${server_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${server_pids[@]}"; do
        # SIGTERM asks for an orderly stop; a server still there after 30 s is killed.
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    server_pids=()
}
cleanup() {
    stop_servers
    [[ -n ${logs:-} && -f $pg_dir/postgres.log ]] && cp "$pg_dir/postgres.log" "$logs/postgres.log"
    if [[ -f $pg_data/postmaster.pid ]]; then
        "${run_as[@]}" "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 60 >/dev/null 2>&1 ||
            kill -KILL "$(head -1 "$pg_data/postmaster.pid")" 2>/dev/null || true
    fi
    rm -rf "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- PostgreSQL -----------------------------------------------------------------------------------
rm -rf "$pg_dir"
mkdir -p "$pg_dir"
[[ ${#run_as[@]} -gt 0 ]] && chown postgres: "$pg_dir"
(cd "$pg_dir" && "${run_as[@]}" "$pg_bin/initdb" -D "$pg_data" --auth=trust -U livegrid --encoding=UTF8 --locale=C \
    --no-sync --no-instructions) >"$build/cluster-initdb.log" 2>&1 || { cat "$build/cluster-initdb.log" >&2; exit 1; }
pg_port=$(free_port)
(cd "$pg_dir" && "${run_as[@]}" "$pg_bin/pg_ctl" start -W -D "$pg_data" -l "$pg_dir/postgres.log" \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir -c log_lock_waits=on ${BENCH_PG_OPTIONS:-}") >/dev/null
ready=false
for _ in $(seq 1 450); do
    if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U livegrid -d postgres; then
        ready=true
        break
    fi
    sleep 0.2
done
if ! $ready; then
    echo "PostgreSQL did not accept connections on 127.0.0.1:$pg_port within 90 s; its log:" >&2
    cat "$pg_dir/postgres.log" >&2
    exit 1
fi
pg_pid=$(head -1 "$pg_data/postmaster.pid")
psql() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U livegrid "$@"; }
pg_version=$(psql -d postgres -At -c 'SHOW server_version')
pg_settings=$(psql -d postgres -At -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'deadlock_timeout')")

# ---- the machine ----------------------------------------------------------------------------------
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
stamp=$(date -u +%Y-%m-%dT%H-%M-%S)
results="bench/results/cluster-$stamp.jsonl"
logs="$build/logs-$stamp"
mkdir -p "$logs"
pinning="none: PostgreSQL, the servers and the generator share $(nproc) cores"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(java -version 2>&1 | head -1); PostgreSQL $pg_version on 127.0.0.1:$pg_port ($pg_settings)"
echo "commit $commit; $pinning; results: $results; server logs: $logs"

# ---- servers --------------------------------------------------------------------------------------
ports=()
# start_server I N DATABASE ROUND: the I-th of N jars on DATABASE, on a fresh port (appended to ports).
start_server() {
    local i=$1 n=$2 database=$3 round=$4 port
    port=$(free_port)
    mkdir -p "$logs/r$round-n$n-server$i"
    (cd "$logs/r$round-n$n-server$i" &&
        exec env LIVEGRID_PORT="$port" LIVEGRID_BIND=127.0.0.1 \
            LIVEGRID_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/$database" LIVEGRID_JDBC_USER=livegrid \
            LIVEGRID_OP_RATE=1000000 java -Xms512m -Xmx512m -jar "$build/livegrid-standalone.jar") \
        >"$logs/r$round-n$n-server$i.log" 2>&1 &
    server_pids+=($!)
    ports+=("$port")
}

# await_server I N ROUND: waits until the I-th server logs "LiveGrid serving"; exits with its log if it does not.
await_server() {
    local i=$1 n=$2 round=$3
    local log="$logs/r$round-n$n-server$i.log"
    for _ in $(seq 1 600); do
        grep -q "LiveGrid serving http://" "$log" && return 0
        kill -0 "${server_pids[$((i - 1))]}" 2>/dev/null || break
        sleep 0.2
    done
    echo "server $i of $n did not start within 120 s; its log:" >&2
    cat "$log" >&2
    exit 1
}

# start_servers N DATABASE ROUND: N jars on DATABASE; waits until every one serves. The first starts
# alone and creates the tables in the fresh database; the others start together once it serves (servers
# started at the same moment on an empty database race to create the tables, and one of them exits).
start_servers() {
    local n=$1 database=$2 round=$3 i
    ports=()
    server_pids=()
    start_server 1 "$n" "$database" "$round"
    await_server 1 "$n" "$round"
    for i in $(seq 2 "$n"); do
        start_server "$i" "$n" "$database" "$round"
    done
    for i in $(seq 2 "$n"); do
        await_server "$i" "$n" "$round"
    done
}

# log_report N ROUND: one JSON line on what the servers of this set logged at WARNING or above.
log_report() {
    python3 - "$1" "$2" "$logs" "$commit" >>"$results" <<'EOF'
import json, re, sys
n, round_, logs, commit = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
servers = []
for i in range(1, n + 1):
    path = f"{logs}/r{round_}-n{n}-server{i}.log"
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    bad = [l for l in lines if re.search(r"\b(WARNING|WARN|SEVERE|ERROR)\b|Exception", l)]
    servers.append({"log": path, "lines": len(lines), "warnings_or_errors": len(bad), "first": bad[:5],
                    "stopped": any("LiveGrid stopped" in l for l in lines)})
print(json.dumps({"label": "server-logs", "nodes": n, "round": round_, "commit": commit, "servers": servers}))
EOF
}

# run N ROUND LABEL MODE-OPTIONS...: one generator run against the running servers, one JSON line
# (unless --runs leaves LABEL out).
run() {
    local n=$1 round=$2 label=$3
    shift 3
    [[ ",$runs," == *",$label,"* ]] || return 0
    local port_list pid_list
    port_list=$(IFS=,; echo "${ports[*]}")
    pid_list=$(IFS=,; echo "${server_pids[*]}")
    echo "  $label ($(cut -d' ' -f1 /proc/loadavg) load)"
    local log_from
    log_from=$(stat -c %s "$pg_dir/postgres.log")
    if ! java -Xms1g -Xmx1g -cp "$classpath" dev.livegrid.bench.load.LoadGenerator \
            --server livegrid --ports "$port_list" --pids "$pid_list" --db-pid "$pg_pid" --metrics on \
            --label "$label" --round "$round" --commit "$commit" --pinning "$pinning" "$@" \
            >>"$results" 2>"$build/generator.err"; then
        echo "  the generator failed on $label with $n servers:" >&2
        cat "$build/generator.err" >&2
    fi
    db_log_report "$n" "$round" "$label" "$log_from"
}

# db_log_report N ROUND LABEL OFFSET: one JSON line on what PostgreSQL logged from OFFSET on (during the run).
db_log_report() {
    python3 - "$@" "$pg_dir/postgres.log" "$commit" "$pg_settings" >>"$results" <<'EOF'
import json, re, sys
n, round_, of, offset, path, commit, settings = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]),
                                                 sys.argv[5], sys.argv[6], sys.argv[7])
with open(path, "rb") as f:
    f.seek(offset)
    text = f.read().decode("utf-8", "replace")
errors = {}
for m in re.finditer(r"ERROR:  (.*)", text):
    message = re.sub(r"\d+", "N", m.group(1).strip())
    errors[message] = errors.get(message, 0) + 1
# Lock waits longer than deadlock_timeout, by what was waited for: a sheet's row (the transaction that
# holds its row lock, or the tuple lock of the queue behind it), or the lock every NOTIFYing transaction
# holds from before its commit until after it (AccessExclusiveLock on object 0 of class 1262, pg_database:
# commits that notify go one at a time).
waits = {"row": 0, "notify": 0, "other": 0}
for m in re.finditer(r"still waiting for (.*?) after", text):
    what = m.group(1)
    kind = "row" if what.startswith("ShareLock on transaction") or what.startswith("ExclusiveLock on tuple") else \
        "notify" if "object 0 of class 1262 of database 0" in what else "other"
    waits[kind] += 1
print(json.dumps({"label": "db-log", "of": of, "nodes": n, "round": round_, "commit": commit, "settings": settings,
                  "deadlocks": text.count("ERROR:  deadlock detected"),
                  "lock_waits_over_deadlock_timeout": sum(waits.values()), "lock_waits_by_kind": waits,
                  "errors": errors}))
EOF
}

# ---- the runs -------------------------------------------------------------------------------------
started=$(date +%s)
order=${nodes_list//,/ }
reversed=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
for round in $(seq 1 "$rounds"); do
    # Odd rounds go up in servers, even rounds down, so that a drift in the machine's load over the run
    # does not always favour the same N.
    sequence=$order; (( round % 2 == 0 )) && sequence=$reversed
    for n in $sequence; do
        database="livegrid_r${round}_n${n}"
        psql -d postgres -c "CREATE DATABASE $database"
        start_servers "$n" "$database" "$round"
        echo "round $round, $n server(s) on ports ${ports[*]} (pids ${server_pids[*]}):"
        run "$n" "$round" acks-1 --mode acks --sheets 1 --writers 6 --window 16 "${timing[@]}"
        run "$n" "$round" acks-12 --mode acks --sheets 12 --writers 2 --window 16 "${timing[@]}"
        run "$n" "$round" acks-12-own --mode acks --sheets 12 --writers 1 --window 32 --spread sheets "${timing[@]}"
        viewer_port=${ports[0]}; [[ $n -ge 2 ]] && viewer_port=${ports[1]}
        run "$n" "$round" cross --mode fanout --writers 1 --writer rate --rate 200 --viewers 50 \
            --viewer-port "$viewer_port" --local-viewers 50 "${timing[@]}"
        stop_servers
        log_report "$n" "$round"
        psql -d postgres -c "DROP DATABASE $database WITH (FORCE)"
    done
done
echo
echo "$(grep -c '"results"' "$results") runs in $(( $(date +%s) - started )) s; load now $(cut -d' ' -f1-3 /proc/loadavg); results in $results"
echo
java -cp "$classpath" dev.livegrid.bench.load.ClusterTable "$results"
