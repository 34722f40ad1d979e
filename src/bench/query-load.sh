#!/usr/bin/env bash
# Load test of the query API (see docs/query-benchmarks.md): seeds BENCH_USERS users in Redis under the service's
# key prefix, then drives GetUserSegment and BatchGetUserSegments over gRPC (GrpcLoadDriver) and
# GET /v1/users/{id}/segment with wrk. The service must be running on HOST:PORT with the same Redis.
#   src/bench/query-load.sh            # 10,000 users, 20 s per run after a 5 s warm-up
set -euo pipefail
cd "$(dirname "$0")/../.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
PREFIX=${PREFIX:-shoal:}
USERS=${BENCH_USERS:-10000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
WARMUP=${WARMUP:-5}
CONCURRENCY=${CONCURRENCY:-64}
CHANNELS=${CHANNELS:-4}
BUILD=${BUILD_DIR:-target-query-bench}

./mvnw -B -q -Pbench -Dshoal.build.dir="$BUILD" -DskipTests test-compile
./mvnw -B -q -Pbench -Dshoal.build.dir="$BUILD" dependency:build-classpath -Dmdep.outputFile="$BUILD/cp.txt" \
  -Dmdep.includeScope=test
CP="$BUILD/test-classes:$BUILD/classes:$(cat "$BUILD/cp.txt")"

java -cp "$CP" io.shoal.bench.GrpcLoadDriver seed "${REDIS:-redis://127.0.0.1:6379}" "$PREFIX" "$USERS"

java -Xmx1g -cp "$CP" io.shoal.bench.GrpcLoadDriver "$HOST" "$PORT" get "$SECONDS_PER_RUN" "$WARMUP" \
  "$CONCURRENCY" "$CHANNELS" "$USERS"
java -Xmx1g -cp "$CP" io.shoal.bench.GrpcLoadDriver "$HOST" "$PORT" batch "$SECONDS_PER_RUN" "$WARMUP" 8 2 \
  "$USERS" 100
BENCH_USERS=$USERS wrk -t2 -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" --latency -s src/bench/query-users.lua \
  "http://$HOST:$PORT"
