#!/usr/bin/env bash
# What running on a Redis Cluster costs (README "Redis Cluster"): replays the same Online Retail lines into the
# packaged service (role all, authentication off, a database and key prefix of its own) on a redis-server of its own
# and on a three-master Redis Cluster started here from the redis-server binary, alternating, and prints per run the
# replay's acknowledged events/s, the events/s until the pipeline has applied everything, and Redis's CPU per applied
# event (INFO cpu; on the cluster summed over the three masters, and apart: the master holding the segment state and
# the one holding the event log and the dedup marks, under shoal.redis.ingest-key-prefix's own hash tag).
#
#   scripts/bench-cluster.sh [LINES (30000)] [ROUNDS (2)]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-30000}
rounds=${2:-2}
data=../shared/data/online-retail/online-retail.csv.gz
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# A cluster node also opens its bus port (the port + 10000), so its port comes from 20000-49999 with both free.
node_port() {
    python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
while True:
    p = random.randint(20000, 49999)
    if free(p) and free(p + 10000):
        print(p); break
PY
}
redis_node() { # port, extra args...
    local port=$1; shift
    mkdir -p "$work/$port"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/$port" \
        --logfile "$work/$port/log" "$@" &
    local pid=$!
    pids+=("$pid")
    until redis-cli -p "$port" ping >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "redis-server on $port did not start: $work/$port/log" >&2; exit 1; }
        sleep 0.1
    done
}
cpu() { # ports...: used_cpu_user + used_cpu_sys summed, in seconds
    local total=0 p
    for p in "$@"; do
        total=$(redis-cli -p "$p" info cpu | tr -d '\r' | awk -F: -v t="$total" \
            '$1 == "used_cpu_user" || $1 == "used_cpu_sys" {t += $2} END {print t}')
    done
    echo "$total"
}

single=$(free_port)
redis_node "$single"
cluster=()
for _ in 1 2 3; do
    p=$(node_port)
    redis_node "$p" --cluster-enabled yes --cluster-config-file "$work/$p/nodes.conf"
    cluster+=("$p")
done
redis-cli --cluster create "${cluster[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >/dev/null
until redis-cli -p "${cluster[0]}" cluster info | grep -q cluster_state:ok; do sleep 0.2; done

master_of() { # key: the port of the cluster master holding its slot (the others answer MOVED)
    local p
    for p in "${cluster[@]}"; do
        if ! redis-cli -p "$p" exists "$1" | grep -q MOVED; then echo "$p"; return; fi
    done
}

run() { # mode, round
    local mode=$1 round=$2 http mgmt prefix ingest hosts type ports tag state_port="" ingest_port=""
    http=$(free_port); mgmt=$(free_port)
    tag="bench-cluster-$round-$$"
    if [ "$mode" = cluster ]; then
        prefix="{$tag}:"; hosts="redis://127.0.0.1:${cluster[0]}"; type=cluster; ports=("${cluster[@]}")
        state_port=$(master_of "${prefix}model")
        local i=0
        ingest="{$tag-ingest-$i}:"
        while [ "$(master_of "${ingest}events")" = "$state_port" ]; do i=$((i + 1)); ingest="{$tag-ingest-$i}:"; done
        ingest_port=$(master_of "${ingest}events")
    else
        prefix="$tag:"; ingest="$prefix"; hosts="redis://127.0.0.1:$single"; type=standalone; ports=("$single")
    fi
    java -Xmx1g -Dquarkus.http.port="$http" -Dquarkus.management.port="$mgmt" -Dshoal.auth.enabled=false \
        -Dquarkus.redis.hosts="$hosts" -Dquarkus.redis.client-type="$type" \
        -Dshoal.redis.key-prefix="$prefix" -Dshoal.redis.ingest-key-prefix="$ingest" \
        -Dshoal.database.create-if-missing=true \
        -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/shoal_${tag//-/_}" \
        -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/shoal_${tag//-/_}" \
        -jar "$jar" >"$work/service-$mode-$round.log" 2>&1 &
    local svc=$!
    pids+=("$svc")
    until curl -fsS "http://127.0.0.1:$mgmt/q/health/ready" >/dev/null 2>&1; do sleep 0.5; done
    local before start end applied state_before=0 ingest_before=0
    before=$(cpu "${ports[@]}")
    if [ -n "$state_port" ]; then state_before=$(cpu "$state_port"); ingest_before=$(cpu "$ingest_port"); fi
    start=$(date +%s.%N)
    java -cp "target/quarkus-app/app/*:target/quarkus-app/quarkus/generated-bytecode.jar:target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*" io.shoal.replay.ReplayCommand "$data" \
        --url "http://127.0.0.1:$http" --limit "$lines" >"$work/replay-$mode-$round.log" 2>&1
    until [ "$(curl -fsS "http://127.0.0.1:$mgmt/q/metrics" | awk '$1 == "shoal_pipeline_in_flight" {print int($2)}')" = "0" ]; do
        sleep 0.2
    done
    end=$(date +%s.%N)
    applied=$(redis-cli -c -p "${ports[0]}" hget "${prefix}stats:pipeline" events)
    local acked
    acked=$(awk '/mean/ {for (i = 1; i <= NF; i++) if ($i == "mean") print $(i + 1)}' "$work/replay-$mode-$round.log")
    local apart="-"
    if [ -n "$state_port" ]; then
        apart=$(printf '%.1f / %.1f' "$(echo "($(cpu "$state_port") - $state_before) * 1000000 / $applied" | bc -l)" \
            "$(echo "($(cpu "$ingest_port") - $ingest_before) * 1000000 / $applied" | bc -l)")
    fi
    printf '| %s | %s | %s | %.0f | %.1f | %s |\n' "$mode" "$applied" "$acked" \
        "$(echo "$applied / ($end - $start)" | bc -l)" \
        "$(echo "($(cpu "${ports[@]}") - $before) * 1000000 / $applied" | bc -l)" "$apart"
    kill "$svc"; wait "$svc" 2>/dev/null || true
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS shoal_${tag//-/_} WITH (FORCE)" >/dev/null
}

echo "| Redis | events applied | acknowledged events/s (replay) | applied events/s (first request to last applied) | Redis CPU µs per applied event | of which state master / ingest master |"
echo "|---|---:|---:|---:|---:|---:|"
for r in $(seq 1 "$rounds"); do
    run standalone "$r"
    run cluster "$r"
done
