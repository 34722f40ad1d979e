#!/usr/bin/env bash
# Proves once, from this checkout, that every command a new user types works: ./mvnw quarkus:dev (creates its own
# database, serves the Dev UI, reloads a code change) and each subcommand of ./shoal help. Run by .ci/run after the
# tests; each check uses its own database, key prefix and port, and removes them. `./shoal evaluate` is proven by
# EvaluateCommandIT (part of the tests), with an empty embedding cache as a new user has.
set -euo pipefail
cd "$(dirname "$0")/.."

PG="psql -h 127.0.0.1 -U postgres -d postgres -tAq"
run="$(date +%s)$$"
DATA=${SHOAL_DATA_DIR:-../shared/data}/online-retail/online-retail.csv.gz
PIDS=()
CLEAN_DBS=()
CLEAN_PREFIXES=()
PROBE=src/main/java/io/shoal/devcheck

say() { printf '\033[1mcheck:\033[0m %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$PROBE"
    for db in "${CLEAN_DBS[@]}"; do $PG -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
    for p in "${CLEAN_PREFIXES[@]}"; do
        redis-cli --scan --pattern "$p*" | xargs -r -d "\n" -n 500 redis-cli unlink >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() { # management port, seconds, log
    for _ in $(seq 1 "$2"); do
        curl -fsS "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1 && return 0
        sleep 1
    done
    tail -40 "$3" >&2
    fail "nothing ready on port $1 after $2 s (log $3)"
}

# Every subcommand ./shoal help lists has a check below (a new subcommand without one fails here).
listed=$(./shoal help | awk '/^  [a-z-]+ /{print $1}' | sort | tr '\n' ' ')
checked="bench bench-ack bench-cold build dead-letters demo evaluate hash-key help load-test rec-check replay serve "
[ "$listed" = "$checked" ] || fail "./shoal help lists [$listed] but this script checks [$checked]"
say "./shoal help lists: $listed"

say "./shoal build"
./shoal build
[ -f target/quarkus-app/quarkus-run.jar ] || fail "./shoal build left no target/quarkus-app/quarkus-run.jar"

say "./shoal hash-key"
out=$(./shoal hash-key check-key-123)
grep -q "$(printf '%s' check-key-123 | sha256sum | cut -c1-64)" <<<"$out" || { echo "$out" >&2; fail "./shoal hash-key"; }

say "./shoal demo --limit 3000 --keep-running (provisions its own key; the dashboard stays up)"
port=$(free_port)
out=$(env -u SHOAL_AUTH_API_KEYS -u SHOAL_API_KEY QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    ./shoal demo --limit 3000 --port "$port" --keep-running 2>&1) || { echo "$out" >&2; fail "./shoal demo"; }
demo_pid=$(sed -n 's/.*stop it with: kill \([0-9][0-9]*\).*/\1/p' <<<"$out")
[ -n "$demo_pid" ] || { echo "$out" >&2; fail "./shoal demo --keep-running printed no pid to stop"; }
demo_key=$(sed -n 's/.*dashboard: http.*#key=\(shoal_[A-Za-z0-9_-]*\).*/\1/p' <<<"$out")
curl -fsS -o /dev/null "http://127.0.0.1:$port/dashboard/" \
    || { kill "$demo_pid"; fail "./shoal demo --keep-running: the dashboard is not served after the demo"; }
curl -fsS -o /dev/null -H "Authorization: Bearer $demo_key" "http://127.0.0.1:$port/v1/dashboard/map" \
    || { kill "$demo_pid"; fail "./shoal demo --keep-running: the dashboard's data is not served with the key"; }
kill "$demo_pid"
for _ in $(seq 1 60); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 1; done
grep -q "Shoal demo report" <<<"$out" || { echo "$out" >&2; fail "./shoal demo printed no report"; }
grep -Eq "accepted [1-9]" <<<"$out" || fail "./shoal demo accepted nothing"
grep -q "export SHOAL_API_KEY=shoal_" <<<"$out" || { echo "$out" >&2; fail "./shoal demo printed no API key"; }
grep -q "dashboard: http://127.0.0.1:$port/dashboard/#key=shoal_" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal demo printed no dashboard URL"; }

say "./shoal bench --limit 8000 (its own redis-server, database shoal_bench)"
CLEAN_DBS+=("shoal_bench")
port=$(free_port)
out=$(env -u SHOAL_AUTH_API_KEYS -u SHOAL_API_KEY QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    ./shoal bench --limit 8000 --seconds 2 --port "$port" --redis-port "$(free_port)" 2>&1) \
    || { echo "$out" >&2; fail "./shoal bench"; }
grep -Eq "Redis CPU per applied event \(INFO cpu, [1-9][0-9]* events\) \| [0-9.]+ µs" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal bench printed no Redis CPU per event"; }
grep -Eq "ratio \(goal >= 0.4\) \| [0-9]+\.[0-9]+" <<<"$out" || { echo "$out" >&2; fail "./shoal bench printed no GET ratio"; }
grep -Eq "end to end, warm cache \([1-9][0-9]* events: .*\| [1-9][0-9]* events/s" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal bench printed no end-to-end rate (were the events of its second pass accepted?)"; }
grep -Eq "pipeline alone, warm cache .* \| [1-9][0-9]* events/s" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal bench printed no pipeline-alone rate"; }

say "./shoal bench-ack --seconds 2 --rounds 1 (the floor app and Shoal, its own redis-server)"
CLEAN_DBS+=("shoal_bench_ack")
out=$(env -u SHOAL_AUTH_API_KEYS -u SHOAL_API_KEY QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    ./shoal bench-ack --seconds 2 --rounds 1 --port "$(free_port)" --floor-port "$(free_port)" \
    --redis-port "$(free_port)" 2>&1) || { echo "$out" >&2; fail "./shoal bench-ack"; }
grep -Eq "^\| 100 \| 1 \| [1-9][0-9]* \([0-9.]+\) \| [1-9][0-9]* \([0-9.]+\) \| [0-9.]+ \|" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal bench-ack printed no 100-event row"; }
grep -Eq "p50 / p99 / max \(goal p99 < 25 ms\) \| [0-9.]+ / [0-9.]+ / [0-9.]+ ms" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal bench-ack printed no open-loop p99"; }

say "scripts/bench-cluster.sh 3000 1 (one redis-server against a three-master Redis Cluster, both its own)"
out=$(scripts/bench-cluster.sh 3000 1 2>&1) || { echo "$out" >&2; fail "scripts/bench-cluster.sh"; }
for mode in standalone cluster; do
    grep -Eq "^\| $mode \| [1-9][0-9]* \| [0-9,]+ \| [1-9][0-9]* \| [0-9.]+ \|" <<<"$out" \
        || { echo "$out" >&2; fail "scripts/bench-cluster.sh printed no $mode row"; }
done
grep -Eq "^\| cluster .* \| [0-9.]+ / [0-9.]+ \|$" <<<"$out" \
    || { echo "$out" >&2; fail "scripts/bench-cluster.sh printed no state / ingest master split"; }

say "./shoal bench-cold --seconds 2 (with and without cold texts waiting beside the log)"
CLEAN_DBS+=("shoal_bench_cold")
out=$(env -u SHOAL_AUTH_API_KEYS -u SHOAL_API_KEY QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    ./shoal bench-cold --seconds 2 --port "$(free_port)" 2>&1) || { echo "$out" >&2; fail "./shoal bench-cold"; }
for w in 1024 0; do
    grep -Eq "^\| $w \| [1-9][0-9]* \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|" <<<"$out" \
        || { echo "$out" >&2; fail "./shoal bench-cold printed no row for max-cold-waiting=$w"; }
done

say "./shoal rec-check --cutoff 2011-01-01 (the recommendations' hold-out through a running service)"
CLEAN_DBS+=("shoal_rec_check")
CLEAN_PREFIXES+=("shoal-rec-check:")
out=$(env -u SHOAL_AUTH_API_KEYS -u SHOAL_API_KEY QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    ./shoal rec-check --cutoff 2011-01-01 --port "$(free_port)" 2>&1) || { echo "$out" >&2; fail "./shoal rec-check"; }
for s in blended segment personal global; do
    grep -Eq "^$s +0\.[0-9]{3} +0\.[0-9]{3} +[01]\.[0-9]{3}$" <<<"$out" \
        || { echo "$out" >&2; fail "./shoal rec-check printed no $s row"; }
done
grep -Eq "learned before 2011-01-01, .* [1-9][0-9,]* customers \(0 unknown to the service" <<<"$out" \
    || { echo "$out" >&2; fail "./shoal rec-check scored no customer the service knew"; }

say "./shoal serve (own database, created; an operator's admin key), then replay, dead-letters, load-test"
port=$(free_port)
mport=$(free_port)
export SHOAL_API_KEY="check-admin-$run"
export SHOAL_AUTH_API_KEYS="ops:$(printf '%s' "$SHOAL_API_KEY" | sha256sum | cut -c1-64):admin"
db="shoal_cmdcheck_$run"
prefix="shoal-cmdcheck-$run:"
CLEAN_DBS+=("$db")
CLEAN_PREFIXES+=("$prefix")
log=$(mktemp -t shoal-serve-XXXX.log)
SHOAL_PG_DATABASE=$db SHOAL_REDIS_KEY_PREFIX=$prefix QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport \
    SHOAL_AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0 setsid ./shoal serve >"$log" 2>&1 &
PIDS+=($!)
wait_ready "$mport" 180 "$log"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/segments")
[ "$code" = "401" ] || fail "./shoal serve answered $code without a credential (401 expected)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $SHOAL_API_KEY" "http://127.0.0.1:$port/v1/segments")
[ "$code" = "200" ] || fail "./shoal serve answered $code with the operator's admin key"
[ "$($PG -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ] || fail "./shoal serve did not create $db"
./shoal replay "$DATA" --limit 2000 --url "http://127.0.0.1:$port" >/dev/null
./shoal dead-letters list --url "http://127.0.0.1:$port"
# The dashboard: the page is static (no credential), its data needs the key.
curl -fsS "http://127.0.0.1:$port/dashboard/" | grep -q "dashboard.js" || fail "./shoal serve serves no dashboard page"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $SHOAL_API_KEY" "http://127.0.0.1:$port/v1/dashboard/map")
[ "$code" = "200" ] || fail "the dashboard's map answered $code with the operator's key"
out=$(MANAGEMENT_URL="http://127.0.0.1:$mport" DURATION=2s CONNECTIONS=8 ./shoal load-test "http://127.0.0.1:$port") || { echo "$out" >&2; fail "./shoal load-test"; }
echo "$out" >&2
grep -q "events/s: [1-9]" <<<"$out" || fail "./shoal load-test reported no rate"

say "./mvnw quarkus:dev (own database shoal_devcheck_$run, created; Dev UI; live reload)"
port=$(free_port)
mport=$(free_port)
db="shoal_devcheck_$run"
CLEAN_DBS+=("$db")
CLEAN_PREFIXES+=("shoal-devcheck-$run:")
[ -z "$($PG -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ] || fail "$db exists before the check"
log=$(mktemp -t shoal-dev-XXXX.log)
SHOAL_DEV_DATABASE=$db SHOAL_DEV_KEY_PREFIX="shoal-devcheck-$run:" \
    setsid ./mvnw -B quarkus:dev -Dquarkus.http.port="$port" -Dquarkus.management.port="$mport" -Ddebug=false \
    </dev/null >"$log" 2>&1 &
PIDS+=($!)
wait_ready "$mport" 300 "$log"
[ "$($PG -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ] || fail "dev mode did not create $db"
! grep -E "ERROR|Unrecognized configuration key" "$log" || fail "dev mode logged errors (above)"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/dev-ui/")
[ "$code" = "200" ] || fail "Dev UI answered $code"
mkdir -p "$PROBE"
cat >"$PROBE/ReloadProbe.java" <<'JAVA'
package io.shoal.devcheck;

@jakarta.ws.rs.Path("/dev-reload-probe")
@jakarta.annotation.security.PermitAll
public class ReloadProbe {
    @jakarta.ws.rs.GET
    public String get() {
        return "reloaded";
    }
}
JAVA
# The first request after the change triggers the reload; a request that arrives while the application restarts
# may be cut off, so ask again until the new endpoint answers (or 3 minutes have passed).
body=""
for _ in $(seq 1 90); do
    body=$(curl -s --max-time 60 "http://127.0.0.1:$port/dev-reload-probe" || true)
    [ "$body" = "reloaded" ] && break
    sleep 2
done
[ "$body" = "reloaded" ] || { tail -40 "$log" >&2; fail "live reload did not serve the new endpoint (got: $body)"; }
grep -q "Live reload total time" "$log" || fail "dev mode served the new endpoint without a live reload?"
say "all commands work"
