#!/usr/bin/env bash
# Recommendation API load test: GET /v1/users/{id}/recommendations at a fixed rate (open loop) for the Online
# Retail customers the running service has seen (replay some first: ./shoal replay ../shared/data/online-retail/
# online-retail.csv.gz --limit 50000). Goal (issue 15): p99 < 10 ms at 1,000 calls/s on 2 cores.
# Usage: scripts/load-recommend.sh [URL] ; env RATE (default 1000), DURATION_S (default 20), LINES (default 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:-http://127.0.0.1:8080}
RATE=${RATE:-1000}
DURATION_S=${DURATION_S:-20}
LINES=${LINES:-50000}
DATA=${SHOAL_DATA:-../shared/data}/online-retail/online-retail.csv.gz
MANAGEMENT_URL=${MANAGEMENT_URL:-http://127.0.0.1:9000}
curl -fsS "$MANAGEMENT_URL/q/health/ready" >/dev/null || { echo "no ready service at $MANAGEMENT_URL (./shoal serve)" >&2; exit 1; }
users=$(mktemp)
trap 'rm -f "$users"' EXIT
# CustomerID (7th column, "17850.0") of the first LINES lines, as the replay maps it ("17850").
{ zcat "$DATA" || true; } | head -n "$((LINES + 1))" | tail -n +2 | awk -F, '{ id = $(NF - 1); sub(/\.0$/, "", id); if (id != "") print id }' \
    | sort -u > "$users"
echo "== $(wc -l <"$users") shoppers, $RATE calls/s for ${DURATION_S} s"
# Warm-up (JIT, connections), then the measured run.
node scripts/load-recommend.mjs "$URL" "$RATE" 5 "$users" >/dev/null
node scripts/load-recommend.mjs "$URL" "$RATE" "$DURATION_S" "$users"
