#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite with CTest:
# the Release build (build/) with every test but the soak test, then a Debug
# build (build-debug/, deal.II's Assert checks on) with the subset labelled
# debug. With arguments, only the Release suite runs, with those ctest
# arguments (e.g. scripts/test.sh -L slow for the soak test).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install_dependencies.sh"
bash "$top/scripts/build.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$top/build"
if [ "$#" -gt 0 ]; then
  ctest -j "$(nproc)" --output-on-failure "$@"
  exit
fi
ctest -j "$(nproc)" --output-on-failure -LE slow
bash "$top/scripts/build.sh" Debug
cd "$top/build-debug"
ctest -j "$(nproc)" --output-on-failure -L debug
