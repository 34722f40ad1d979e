#!/usr/bin/env bash
# Embedding throughput on a CUDA GPU: builds with -Pgpu (ONNX Runtime with the CUDA execution provider), embeds the
# distinct Online Retail titles on the GPU for --seconds and prints sentences/s, then checks the GPU vectors against
# the CPU path (minimum cosine >= 0.9999, exit 1 otherwise). Goal on an H200: >= 50,000 sentences/s for short titles.
#   scripts/bench-gpu.sh [--device gpu|cpu|auto] [--batch 1024] [--workers 2] [--seconds 20]
# Needs ../shared/data/online-retail and the NVIDIA driver with CUDA 12 and cuDNN 9 libraries that ONNX Runtime
# 1.21 loads. --device cpu runs the same measurement without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
args="$*"
[ -n "$args" ] || args="--device gpu"
./mvnw -B -q -Pbench,gpu -DskipTests test-compile exec:exec -Dbench.main=io.shoal.bench.EmbedThroughput \
    -Djmh.args="$args"
