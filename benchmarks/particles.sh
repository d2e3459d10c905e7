#!/usr/bin/env bash
# Particle benchmark (issue 3): particle-steps per second of eks-gradient
# with the finite-ensemble correction, Euler-Maruyama, symmetric square root
# noise, on a Gaussian target:
#   d = 2  : G2's Phi_R (u_0 = (1, -0.5), B = [[0.5, 0.2], [0.2, 0.8]]),
#            J = 1e3, 1e4, 1e5
#   d = 100: B tridiagonal (1 on the diagonal, 0.3 beside it), J = 1e4
# Each run's time loop (forward/gradient evaluations, moments, update,
# random numbers; no output) is timed by kwfp itself.
#
# Usage: [PARTICLE_SPECS='d J steps|...'] benchmarks/particles.sh [RANKS]
# Prints: d J steps loop_seconds particle_steps_per_second
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kwfp=${KWFP:-$here/../build/kwfp}
ranks=${1:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

write_prm() { # d J steps
  local d=$1 J=$2 steps=$3
  python3 - "$d" > "$work/problem.prm" <<'PY'
import sys
d = int(sys.argv[1])
if d == 2:
    u0, B, m0, C0 = "1, -0.5", "0.5, 0.2; 0.2, 0.8", "-1.5, 1.5", "1, -0.3; -0.3, 0.6"
else:
    row = lambda i: ", ".join("1" if i == j else ("0.3" if abs(i - j) == 1 else "0") for j in range(d))
    B = "; ".join(row(i) for i in range(d))
    u0 = ", ".join("1" for _ in range(d))
    m0 = ", ".join("0" for _ in range(d))
    C0 = "; ".join(", ".join("2" if i == j else "0" for j in range(d)) for i in range(d))
print(f"""set Dimension = {d}
subsection Potential
  subsection Quadratic
    set Minimizer u_0 = {u0}
    set Covariance B = {B}
  end
end
subsection Initial density
  set Mean m_0 = {m0}
  set Covariance C_0 = {C0}
end""")
PY
  cat > "$work/run.prm" <<PRM
set Solver = particles
include $work/problem.prm
subsection Particles
  set Method = eks-gradient
  set Finite-ensemble correction = true
  set Ensemble size = $J
  set Time step = 0.001
  set Number of steps = $steps
  set Statistics interval = $steps
  set Output interval = 0
end
subsection Output
  set Directory = $work/out
end
PRM
}

printf "%4s %7s %6s %12s %24s\n" d J steps loop_seconds particle_steps_per_second
# PARTICLE_SPECS: the runs as "d J steps" separated by '|'
IFS='|' read -r -a specs <<< "${PARTICLE_SPECS:-2 1000 5000|2 10000 1000|2 100000 100|100 10000 20}"
for spec in "${specs[@]}"; do
  set -- $spec
  write_prm "$1" "$2" "$3"
  line=$(mpirun --oversubscribe -np "$ranks" "$kwfp" "$work/run.prm" | grep "particles done")
  seconds=$(echo "$line" | sed -E 's/.* in ([0-9.e+-]+) s .*/\1/')
  rate=$(echo "$line" | sed -E 's/.*\(([0-9.e+-]+) particle-steps.*/\1/')
  printf "%4s %7s %6s %12.4f %24.4g\n" "$1" "$2" "$3" "$seconds" "$rate"
done
