#!/usr/bin/env bash
# Lints Dockerfile.native and src/main/docker/Dockerfile.worker with dockerfilelint (npm), installed on first use
# into the build directory (never committed). No Docker engine is needed.
#
#   scripts/lint-dockerfiles.sh            # build dir "target"
#   SHOAL_BUILD_DIR=target-ci scripts/lint-dockerfiles.sh
#
# Exits non-zero when the linter reports a problem or cannot be installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="${SHOAL_BUILD_DIR:-target}/tools/dockerfilelint"
version="1.8.0"
linter="$tools/node_modules/.bin/dockerfilelint"

if [[ ! -x "$linter" ]]; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "dockerfilelint@$version" >&2
fi

status=0
for dockerfile in Dockerfile.native src/main/docker/Dockerfile.worker; do
    echo "dockerfilelint $dockerfile"
    if ! "$linter" -o cli "$dockerfile"; then
        status=1
    fi
done
exit "$status"
