#!/usr/bin/env bash
# Install what is missing, build, and run the main example (benchmark G2 in
# 2-D): output/gaussian_2d/solution.pvd opens in ParaView.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install_dependencies.sh"
bash "$top/scripts/build.sh"
cd "$top"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$top/build/kwfp" prm/gaussian_2d.prm
echo "kwfp: open $top/output/gaussian_2d/solution.pvd in ParaView"
