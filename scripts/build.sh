#!/usr/bin/env bash
# Configure and build kwfp: Release in build/ (the default), or Debug in
# build-debug/ (scripts/build.sh Debug: deal.II's Assert checks on).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
type=${1:-Release}
case "$type" in
  Release) dir="$top/build" ;;
  Debug) dir="$top/build-debug" ;;
  *) echo "scripts/build.sh: the build type must be Release or Debug, not '$type'" >&2; exit 1 ;;
esac
cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE="$type"
cmake --build "$dir" -j "$(nproc)"
