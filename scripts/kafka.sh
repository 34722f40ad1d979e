#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker) for local runs and the Kafka tests.
#
#   scripts/kafka.sh start    fetch the broker jars once (Maven Central, into target/kafka/lib), format
#                             target/kafka-data, start the broker on 127.0.0.1 and wait until it answers;
#                             prints KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:PORT
#   scripts/kafka.sh stop     stop it (SIGTERM, then SIGKILL after 20 s) and remove its data
#   scripts/kafka.sh status   print the bootstrap address and exit 0 when it runs, exit 1 when it does not
#   scripts/kafka.sh kill     SIGKILL the broker and keep its data and port (fault tests: a broker crash)
#   scripts/kafka.sh resume   start a killed broker again on the same port and data
#
# Idempotent: start on a running broker only prints its address. Environment: KAFKA_PORT (default: a free port),
# KAFKA_PARTITIONS (default partitions of auto-created topics, 6), KAFKA_HEAP (default -Xmx512m).
set -euo pipefail
cd "$(dirname "$0")/.."

home=target/kafka
lib=$home/lib
data=target/kafka-data
pid_file=$home/kafka.pid
port_file=$home/kafka.port
log_file=$home/kafka.log

running() {
    [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

answers() { # port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fetch() {
    if [[ -f $lib/.complete ]]; then return 0; fi
    echo "kafka: fetching the broker jars from Maven Central into $lib" >&2
    rm -rf "$lib"
    ./mvnw -B -q -f scripts/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$lib" >&2
    touch "$lib/.complete"
}

start() {
    if running; then
        echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(cat "$port_file")"
        return 0
    fi
    fetch
    local port=${KAFKA_PORT:-$(free_port)}
    local controller
    controller=$(free_port)
    rm -rf "$data"
    mkdir -p "$data" "$home"
    cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$PWD/$data
num.partitions=${KAFKA_PARTITIONS:-6}
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    local cp="$lib/*"
    java -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" \
        -c "$home/server.properties" >"$log_file" 2>&1
    launch "$port"
}

launch() { # port: runs the formatted broker of $home/server.properties and waits until it answers
    local port=$1 cp="$lib/*"
    # shellcheck disable=SC2086
    nohup java ${KAFKA_HEAP:--Xmx512m} -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "$cp" kafka.Kafka "$home/server.properties" >>"$log_file" 2>&1 &
    echo $! >"$pid_file"
    echo "$port" >"$port_file"
    for _ in $(seq 1 120); do
        if answers "$port"; then
            echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port"
            return 0
        fi
        if ! running; then break; fi
        sleep 0.5
    done
    echo "kafka: the broker did not come up; see $log_file" >&2
    tail -20 "$log_file" >&2 || true
    stop >/dev/null
    return 1
}

stop() {
    if running; then
        local pid
        pid=$(cat "$pid_file")
        kill "$pid"
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        echo "kafka: stopped" >&2
    fi
    rm -f "$pid_file" "$port_file"
    rm -rf "$data"
}

kill_broker() {
    if running; then
        local pid
        pid=$(cat "$pid_file")
        kill -9 "$pid"
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        echo "kafka: killed (data and port kept; scripts/kafka.sh resume)" >&2
    fi
    rm -f "$pid_file"
}

resume() {
    if running; then
        echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(cat "$port_file")"
        return 0
    fi
    if [[ ! -f $port_file || ! -d $data ]]; then
        echo "kafka: nothing to resume (no killed broker); use start" >&2
        return 1
    fi
    launch "$(cat "$port_file")"
}

status() {
    if running && answers "$(cat "$port_file")"; then
        echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(cat "$port_file")"
        return 0
    fi
    echo "kafka: not running" >&2
    return 1
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    kill) kill_broker ;;
    resume) resume ;;
    *) echo "usage: $0 start|stop|status|kill|resume" >&2; exit 2 ;;
esac
