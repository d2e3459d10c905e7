#!/usr/bin/env bash
# Accuracy of the ensemble against the closed form (4.11) (issue 3): G2's
# linear Gaussian problem (see benchmarks/g2.sh), eks-gradient, Euler-Maruyama
# with dt = 0.002, T = 2, seed 1, J = 1e3, 1e4, 1e5, without and with the
# finite-ensemble (ALDI) correction. Prints the Euclidean error of the
# ensemble mean and the Frobenius error of the ensemble covariance at T
# (the columns mean_error, cov_error of particles.csv), and for scale the
# Monte Carlo standard errors sqrt(tr B / J) and sqrt(sum (B_ii B_kk + B_ik^2) / J).
#
# Usage: benchmarks/particles_accuracy.sh [RANKS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kwfp=${KWFP:-$here/../build/kwfp}
ranks=${1:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
printf "%7s %5s %12s %12s %12s %12s\n" J ALDI mean_error cov_error se_mean se_cov
for J in 1000 10000 100000; do
  for aldi in false true; do
    cat > "$work/run.prm" <<PRM
set Solver = particles
subsection Time stepping
  set Final time = 2
end
subsection Particles
  set Method = eks-gradient
  set Finite-ensemble correction = $aldi
  set Ensemble size = $J
  set Time step = 0.002
  set Statistics interval = 1000
  set Output interval = 0
end
subsection Output
  set Directory = $work/out
end
PRM
    mpirun --oversubscribe -np "$ranks" "$kwfp" "$work/run.prm" > /dev/null
    python3 - "$work/out/particles.csv" "$J" "$aldi" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = rows[-1]
J = int(sys.argv[2])
B = [[0.5, 0.2], [0.2, 0.8]]
se_mean = math.sqrt((B[0][0] + B[1][1]) / J)
se_cov = math.sqrt(sum(B[i][i] * B[k][k] + B[i][k] ** 2 for i in range(2) for k in range(2)) / J)
print("%7d %5s %12.3e %12.3e %12.3e %12.3e" % (J, sys.argv[3], float(last["mean_error"]),
      float(last["cov_error"]), se_mean, se_cov))
PY
  done
done
