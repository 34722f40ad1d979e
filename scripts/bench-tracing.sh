#!/usr/bin/env bash
# What traces cost on the acknowledgement path: the packaged service (role all) under scripts/load-ingest.sh, once with
# the OpenTelemetry SDK off (the default), on with every trace kept (sampler ratio 1.0) and on with 10% (the chart's
# default), exported over
# OTLP/HTTP to a local sink that accepts and discards them. Numbers go to BENCHMARKS.md.
# Usage: scripts/bench-tracing.sh ; env DURATION (default 15s), PORT (default 18095). Needs wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
PORT=${PORT:-18095}
SINK_PORT=$((PORT + 1))
db=shoal_bench_tracing
prefix=shoal-bench-tracing:
[ -f target/quarkus-app/quarkus-run.jar ] || ./shoal build

python3 - "$SINK_PORT" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200); self.send_header('Content-Type', 'application/x-protobuf'); self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Sink).serve_forever()
PY
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT

measure() { # label, extra JVM flags...
    local label=$1; shift
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
    redis-cli --scan --pattern "$prefix*" | xargs -r -d "\n" -n 500 redis-cli unlink >/dev/null
    # authentication off: this measures tracing's cost, not the credential check's
    java -Dquarkus.http.port="$PORT" -Dquarkus.management.port="$((PORT + 2))" -Dshoal.auth.enabled=false \
        -Dshoal.redis.key-prefix="$prefix" \
        -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/$db" \
        -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$db" \
        -Dshoal.segmentation.enabled=false -Dshoal.ingest.max-in-flight=5000000 -Dshoal.ingest.max-in-flight-bytes=64G "$@" \
        -jar target/quarkus-app/quarkus-run.jar >"target/bench-tracing-$label.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$((PORT + 2))/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
    echo "== tracing $label"
    MANAGEMENT_URL="http://127.0.0.1:$((PORT + 2))" DURATION=$DURATION scripts/load-ingest.sh "http://127.0.0.1:$PORT"
    kill -TERM $pid; wait $pid 2>/dev/null || true
}

otlp=(-Dquarkus.otel.sdk.disabled=false -Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf
    -Dquarkus.otel.exporter.otlp.traces.endpoint="http://127.0.0.1:$SINK_PORT")
measure off
measure on-all "${otlp[@]}" -Dquarkus.otel.traces.sampler.arg=1.0
measure on-10pct "${otlp[@]}" -Dquarkus.otel.traces.sampler.arg=0.1
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
redis-cli --scan --pattern "$prefix*" | xargs -r -d "\n" -n 500 redis-cli unlink >/dev/null
