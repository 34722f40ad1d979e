#!/usr/bin/env bash
# Events/s through Kafka: one ingest and WORKERS worker processes from the packaged jar, EVENTS events of USERS
# users posted 100 per request by CLIENTS parallel curl loops; prints the ingest rate (202 = broker has them) and
# the end-to-end rate (until the workers' stages have applied every event). Needs Redis, PostgreSQL and
# scripts/kafka.sh start. Example: EVENTS=20000 WORKERS=1 scripts/kafka/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${EVENTS:-20000} users=${USERS:-500} workers=${WORKERS:-1} clients=${CLIENTS:-4}
eval "export $(scripts/kafka.sh status)"
run=tp$(date +%s)
prefix="shoal-tp-$run:"
topic="tp-$run.behavior-events"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE shoal_$run"
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS shoal_$run WITH (FORCE)" || true
    redis-cli --scan --pattern "$prefix*" | xargs -r redis-cli unlink >/dev/null
}
trap cleanup EXIT
start() { # role port
    SHOAL_KAFKA_TOPIC=$topic SHOAL_KAFKA_CONSUMER_GROUP=$run QUARKUS_PROFILE=prod,$1 java -Xmx1g \
        -Dquarkus.http.port="$2" -Dquarkus.management.port="$(($2 + 1000))" -Dshoal.auth.enabled=false \
        -Dshoal.redis.key-prefix="$prefix" \
        -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/shoal_$run" \
        -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/shoal_$run" \
        -jar target/quarkus-app/quarkus-run.jar >"target/kafka/tp-$1-$2.log" 2>&1 &
    pids+=($!)
}
start ingest 18180
for w in $(seq 1 "$workers"); do start worker $((18180 + w)); done
for p in $(seq 18180 $((18180 + workers))); do
    until curl -sf "localhost:$((p + 1000))/q/health/ready" >/dev/null; do sleep 0.5; done
done
texts=("glass star frosted t-light holder" "white hanging heart t-light holder" "red retrospot cake stand"
    "jumbo bag red retrospot" "assorted colour bird ornament" "regency cakestand 3 tier")
mkdir -p "target/kafka/tp-$run"
requests=$((events / 100))
for r in $(seq 0 $((requests - 1))); do
    body="["
    for i in $(seq 0 99); do
        n=$((r * 100 + i))
        [[ $i -gt 0 ]] && body+=","
        body+="{\"eventId\":\"$run-$n\",\"userId\":\"u$((n % users))\",\"type\":\"view\",\"text\":\"${texts[$((n % 6))]}\"}"
    done
    echo "$body]" >"target/kafka/tp-$run/$r.json"
done
t0=$(date +%s.%N)
ls "target/kafka/tp-$run"/*.json | xargs -P "$clients" -I{} curl -sf -o /dev/null -XPOST localhost:18180/v1/events \
    -H 'Content-Type: application/json' --data-binary @{}
t1=$(date +%s.%N)
until [[ $(redis-cli hget "${prefix}stats:pipeline" events) == "$events" ]]; do sleep 0.2; done
t2=$(date +%s.%N)
rm -rf "target/kafka/tp-$run"
python3 - "$events" "$t0" "$t1" "$t2" "$workers" <<'PY'
import sys
n, t0, t1, t2, w = int(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5]
print(f"{n} events, {w} worker(s): ingest {n / (t1 - t0):,.0f} events/s (202 after acks=all), "
      f"end to end {n / (t2 - t0):,.0f} events/s ({t2 - t0:.1f} s)")
PY
