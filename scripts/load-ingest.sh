#!/usr/bin/env bash
# Ingest load test: single-event and 100-event requests to POST /v1/events, and 100-message Segment batches to
# POST /v1/batch (the same events as "Product Viewed"), against a running service, with wrk.
# Usage: scripts/load-ingest.sh [URL] ; env DURATION (default 20s), CONNECTIONS (default 32), THREADS (default 2),
# MANAGEMENT_URL (health; default http://127.0.0.1:9000), SHOAL_API_KEY (a key with events:write). A benchmark runs
# the service with SHOAL_AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0, or the per-key rate limit is what it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:-http://127.0.0.1:8080}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
MANAGEMENT_URL=${MANAGEMENT_URL:-http://127.0.0.1:9000}
curl -fsS "$MANAGEMENT_URL/q/health/ready" >/dev/null || { echo "no ready service at $MANAGEMENT_URL (./shoal serve)" >&2; exit 1; }
run=$(date +%s)
for scenario in "1 native" "100 native" "100 segment"; do
    read -r per format <<<"$scenario"
    echo "== $per event(s) per request ($format), $CONNECTIONS connections, $THREADS threads, $DURATION"
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s scripts/ingest.lua "$URL" -- "$per" "load-$run-$per-$format" \
        "$format" | grep -E 'requests/s|latency p50|Socket errors'
done
