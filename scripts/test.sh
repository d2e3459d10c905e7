#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite with CTest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install_dependencies.sh"
bash "$top/scripts/build.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$top/build"
# The soak test (label slow) runs only when asked: scripts/test.sh -L slow
if [ "$#" -eq 0 ]; then set -- -LE slow; fi
ctest -j "$(nproc)" --output-on-failure "$@"
