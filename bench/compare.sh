#!/usr/bin/env bash
# LiveGrid against its peers, same run, same machine: fan-out, echo, join and idle (docs/PERFORMANCE.md,
# "Fan-out, echo, join and idle: LiveGrid against its peers").
#
#   bench/compare.sh [--quick] [--modes echo,fanout,scale,join,idle,acks] [--servers go,tyrus,livegrid,livegrid-memory]
#
# Peers: the seed's Go server (gorilla/websocket echo + chat hub, bench/peers/go) and a bare Tyrus 2.2 /
# Grizzly server (dev.livegrid.bench.peers.BareTyrusServer); LiveGrid is its standalone jar, durable
# (SQLite in a temporary directory), and with --servers livegrid-memory also with data-dir=memory (fan-out
# only), and with --servers …,livegrid-payara the WAR on Payara Micro with data-dir=memory (echo and fan-out
# only: the WAR's path through the Jakarta WebSocket API, not the standalone server's frame channel; Payara
# Micro's jar is fetched from Maven Central by Maven). Each server runs as its own process, started fresh for every run, pinned to core 0 (taskset -c 0);
# the load generator (dev.livegrid.bench.load.LoadGenerator, on the test classpath) is pinned to core 1.
# Server JVMs get a fixed heap (-Xms2g -Xmx2g), except in the idle mode: there a heap that starts small
# and grows with need (-Xms32m -Xmx2g), so that RSS per connection measures what connections keep rather
# than how much of a fixed heap the handshakes' garbage touched. Every server pings its
# connections every 5 s. All traffic goes to 127.0.0.1.
#
# LiveGrid's own limits that would otherwise decide the result are raised, and the results say so:
# op-rate 1000000 (default 50 per connection), max-connections and max-connections-per-address 20000
# (defaults 10000 and 2000; the idle mode opens 10,000 from one address).
#
# Builds into its own directory (LIVEGRID_BENCH_COMPARE_BUILD_DIR, default target-bench-compare) with
# Maven, and the Go peer with Debian's golang-go and golang-github-gorilla-websocket-dev, which it installs
# with apt-get when missing (as root, or through sudo). Writes one JSON line per run to
# bench/results/<timestamp>.jsonl and prints the markdown table. The full run takes 11-12 minutes;
# --quick (shorter runs, 2,000 idle connections, no 2,000-viewer join) about 7.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${LIVEGRID_BENCH_COMPARE_BUILD_DIR:-target-bench-compare}
modes=echo,fanout,scale,join,idle,acks
servers=go,tyrus,livegrid,livegrid-memory
quick=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --modes) modes=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        *) echo "usage: bench/compare.sh [--quick] [--modes echo,fanout,scale,join,idle,acks] [--servers go,tyrus,livegrid,livegrid-memory]" >&2; exit 2 ;;
    esac
done
has() { [[ ",$1," == *",$2,"* ]]; }

# ---- build ----------------------------------------------------------------------------------------
mkdir -p "$build" bench/results
echo "building into $build ..."
if ! { mvn -B -q -ntp -Dlivegrid.buildDir="$build" package -DskipTests &&
       mvn -B -q -ntp -Dlivegrid.buildDir="$build" dependency:build-classpath -Dmdep.includeScope=test \
           -Dmdep.outputFile="$build/bench.classpath"; } >"$build/compare-build.log" 2>&1; then
    cat "$build/compare-build.log" >&2
    exit 1
fi
classpath="$build/classes:$build/test-classes:$(cat "$build/bench.classpath")"
if has "$servers" livegrid-payara; then
    payara_version=$(sed -n 's|.*<payara-micro.version>\(.*\)</payara-micro.version>.*|\1|p' pom.xml)
    if [[ ! -f $build/servers/payara-micro.jar ]] &&
        ! mvn -B -q -ntp dependency:copy -Dartifact="fish.payara.extras:payara-micro:$payara_version" \
            -DoutputDirectory="$build/servers" -Dmdep.stripVersion=true >>"$build/compare-build.log" 2>&1; then
        cat "$build/compare-build.log" >&2
        exit 1
    fi
fi

if has "$servers" go; then
    if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/github.com/gorilla/websocket ]]; then
        echo "installing Debian's golang-go and golang-github-gorilla-websocket-dev ..."
        as_root=(); [[ $(id -u) -eq 0 ]] || as_root=(sudo -n)
        "${as_root[@]}" apt-get install -y golang-go golang-github-gorilla-websocket-dev >"$build/apt.log" 2>&1 ||
            { cat "$build/apt.log" >&2; exit 1; }
    fi
    # GOPATH mode, offline: Debian installs gorilla/websocket's source under /usr/share/gocode.
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$PWD/$build/go-cache" \
        go build -o "$build/go-peer" bench/peers/go/main.go
fi

# ---- the machine ------------------------------------------------------------------------------------
# 10,000 connections need as many descriptors in the server and in the generator (each its own limit).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if has "$modes" idle && [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt 12000 ]]; then
    echo "ulimit -n is $(ulimit -n): the idle mode needs 12000 (raise the hard limit)" >&2
    exit 1
fi
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
    pin_server=(taskset -c 0); pin_generator=(taskset -c 1)
    pinning="server: taskset -c 0, generator: taskset -c 1"
else
    pin_server=(); pin_generator=()
    pinning="none (taskset missing or one core)"
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
results="bench/results/$(date -u +%Y-%m-%dT%H-%M-%S).jsonl"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(java -version 2>&1 | head -1); $(go version 2>/dev/null || echo 'no go')"
echo "commit $commit; pinning: $pinning; results: $results"

# ---- servers ----------------------------------------------------------------------------------------
server_pid=
data_dir=
context=
stop_server() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
    if [[ -n $data_dir ]]; then
        rm -rf "$data_dir"
        data_dir=
    fi
}
trap stop_server EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME: starts it on a fresh port, sets server_pid and port, waits until it accepts.
start_server() {
    port=$(free_port)
    context=
    local ready=
    local log="$build/server-$1.log"
    case "$1" in
        go)
            "${pin_server[@]}" "$build/go-peer" -addr "127.0.0.1:$port" -heartbeat 5s >"$log" 2>&1 &
            ;;
        tyrus)
            "${pin_server[@]}" java "${heap[@]}" -cp "$classpath" dev.livegrid.bench.peers.BareTyrusServer "$port" 5 >"$log" 2>&1 &
            ;;
        livegrid | livegrid-memory)
            if [[ $1 == livegrid ]]; then data_dir=$(mktemp -d); dir=$data_dir; else dir=memory; fi
            LIVEGRID_PORT=$port LIVEGRID_BIND=127.0.0.1 LIVEGRID_DATA_DIR=$dir LIVEGRID_OP_RATE=1000000 \
                LIVEGRID_MAX_CONNECTIONS=20000 LIVEGRID_MAX_CONNECTIONS_PER_ADDRESS=20000 LIVEGRID_PING_INTERVAL=5s \
                "${pin_server[@]}" java "${heap[@]}" -jar "$build/livegrid-standalone.jar" >"$log" 2>&1 &
            ;;
        livegrid-payara)
            # Payara Micro as the deployment tests start it: HTTP on 127.0.0.1, its grid on loopback.
            data_dir=$(mktemp -d); context=/livegrid; ready=/livegrid/api/sheets
            LIVEGRID_DATA_DIR=memory LIVEGRID_OP_RATE=1000000 LIVEGRID_MAX_CONNECTIONS=20000 \
                LIVEGRID_MAX_CONNECTIONS_PER_ADDRESS=20000 LIVEGRID_PING_INTERVAL=5s \
                "${pin_server[@]}" java "${heap[@]}" -Dhazelcast.config=src/test/resources/deploy/hazelcast-loopback.xml \
                -jar "$build/servers/payara-micro.jar" --deploy "$build/livegrid.war" --port "$port" --nocluster \
                --disablephonehome --prebootcommandfile src/test/resources/deploy/payara-preboot.asadmin \
                --unpackdir "$data_dir" >"$log" 2>&1 &
            ;;
    esac
    server_pid=$!
    for _ in $(seq 1 900); do
        if [[ -n $ready ]] && curl -fs -o /dev/null "http://127.0.0.1:$port$ready"; then
            sleep 1
            return 0
        elif [[ -z $ready ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            sleep 1 # let the JVM finish starting before its idle RSS is read
            return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "$1 did not start; its log:" >&2
    cat "$log" >&2
    exit 1
}

# run SERVER LABEL MODE-OPTIONS...: a fresh server, one generator run, one JSON line.
run() {
    local server=$1 label=$2
    shift 2
    heap=(-Xms2g -Xmx2g); [[ $label == idle ]] && heap=(-Xms32m -Xmx2g)
    start_server "$server"
    echo "  $server $label ($(cut -d' ' -f1 /proc/loadavg) load)"
    if ! "${pin_generator[@]}" java -Xms1g -Xmx1g -cp "$classpath" dev.livegrid.bench.load.LoadGenerator \
            --server "$server" --port "$port" --context "$context" --pid "$server_pid" --label "$label" --commit "$commit" \
            --pinning "$pinning" "$@" >>"$results" 2>"$build/generator.err"; then
        echo "  the generator failed on $server $label:" >&2
        cat "$build/generator.err" >&2
    fi
    stop_server
}

# ---- the runs ---------------------------------------------------------------------------------------
if $quick; then
    timing=(--warmup 1 --seconds 3); flood=(--seconds 5 --drain 10); idle=(--connections 2000 --hold 6); joins=(200)
else
    timing=(--warmup 3 --seconds 10); flood=(--seconds 10 --drain 20); idle=(--connections 10000 --hold 15); joins=(200 2000)
fi
started=$(date +%s)
for server in ${servers//,/ }; do
    echo "$server:"
    peer=true; [[ $server == livegrid* ]] && peer=false
    if has "$modes" echo && [[ $server != livegrid-memory ]]; then
        run "$server" echo --mode echo --connections 50 --bytes 100 "${timing[@]}"
    fi
    if has "$modes" fanout; then
        run "$server" fanout-rate --mode fanout --viewers 200 --writers 1 --writer rate --rate 200 "${timing[@]}"
        run "$server" fanout-closed --mode fanout --viewers 200 --writers 1 --writer closed --window 20 "${timing[@]}"
        run "$server" fanout-flood --mode fanout --viewers 200 --writers 1 --writer flood --bystander 10 "${flood[@]}"
    fi
    # How the fan-out maximum grows with the viewers of one room (200 is fanout-closed above).
    if has "$modes" scale && [[ $server != livegrid-memory && $server != livegrid-payara ]]; then
        for n in 50 1000; do
            run "$server" "scale-$n" --mode fanout --viewers "$n" --writers 1 --writer closed --window 20 "${timing[@]}"
        done
    fi
    # Acknowledged edits per second (a peer acknowledges nothing): one sheet, and ten.
    if has "$modes" acks && [[ $server == livegrid || $server == livegrid-memory ]]; then
        run "$server" acks-1 --mode acks --sheets 1 --writers 2 --window 32 "${timing[@]}"
        run "$server" acks-10 --mode acks --sheets 10 --writers 2 --window 32 "${timing[@]}"
    fi
    # A hub greets nobody and says nothing when someone joins: joins cost peers nothing to compare.
    if has "$modes" join && [[ $server == livegrid ]]; then
        for n in "${joins[@]}"; do
            run "$server" "join-$n" --mode join --viewers "$n" --spread 2 --quiet 1 --limit 60
        done
    fi
    if has "$modes" idle && [[ $server != livegrid-memory && $server != livegrid-payara ]]; then
        run "$server" idle --mode idle --rooms 100 "${idle[@]}"
    fi
done
echo
echo "$(wc -l <"$results") runs in $(( $(date +%s) - started )) s; load now $(cut -d' ' -f1-3 /proc/loadavg); results in $results"
echo
java -cp "$classpath" dev.livegrid.bench.load.CompareTable "$results"
