#!/usr/bin/env bash
# kwfp against the FEniCSx peer of issue 23 (../shared/peers/fenicsx_kw2d.py:
# Q2, Galerkin, BDF2, PETSc GMRES rtol 1e-12 with ILU(0) in RCM ordering
# rebuilt every step). For each target (benchmarks/prm/bench_*.prm hold kwfp's
# side of the peer's problems) kwfp (the whole process, 1 rank, no fields,
# diagnostics.csv every 0.05 in time) and the peer (its time loop, JIT and
# set-up excluded) run alternately N times; then kwfp alone with the
# preconditioner chosen by hand (Jacobi, ILU, AMG) and with 'Stabilization =
# none'. Prints markdown tables (doc/performance.md, "Against the FEniCSx peer
# (issue 23)"): medians with their range, the ratio peer/kwfp, kwfp's ms per
# step and the share of the flux correction in it (from its TimerOutput
# summary), GMRES iterations per step of both, and the largest differences of
# the mean and covariance at T between kwfp and the peer (target 2e-4).
#
# Usage: benchmarks/peer.sh [--install] [--quick] [options of peer_bench.py]
#   --quick            N = 1, banana 64^2 only, no rows by hand (about 2 minutes)
#   -n N               runs per target (default 3)
#   --targets LIST     of g2_128,banana_64,banana_128,bimodal_64 (default all)
#   --hand-targets L   targets of the rows by hand (default banana_64,bimodal_64)
#   --hand-n N         runs per row by hand (default 1)
#   --budget S         no further kwfp run of a configuration once its runs
#                      took S seconds (default 200; the table says n)
#   --json FILE        every run's figures
#   --install          install python3-dolfinx and python3-scipy with apt-get
#                      first if they are missing (Debian 12, as root)
# Environment: KWFP (the executable, default build/kwfp), PEER (the script,
# default ../shared/peers/fenicsx_kw2d.py next to the repository),
# PEER_PYTHON (a python3 with dolfinx, default /usr/bin/python3).
#
# Not part of the CI tests. At the baseline of doc/performance.md the full run
# took 29 minutes on 2 cores shared with compilers (19 CPU-minutes, so about 20
# on a quiet machine; kwfp's banana runs are two thirds of it); it shrinks as
# kwfp gets faster. The executable may be rebuilt during a run: the output
# names its build time and sha256 at the start and warns if it changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${PEER_PYTHON:-/usr/bin/python3}
install=false
args=()
for a in "$@"; do
  if [ "$a" = "--install" ]; then install=true; else args+=("$a"); fi
done
if ! "$py" -c "import dolfinx, scipy" 2>/dev/null; then
  if $install; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "peer.sh: installing python3-dolfinx python3-scipy needs root" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q python3-dolfinx python3-scipy
  else
    echo "peer.sh: $py cannot import dolfinx and scipy; run with --install (as root) or" >&2
    echo "  apt-get install -y python3-dolfinx python3-scipy" >&2
    exit 2
  fi
fi
exec "$py" "$here/peer_bench.py" "${args[@]}"
