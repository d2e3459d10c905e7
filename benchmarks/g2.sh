#!/usr/bin/env bash
# Benchmark G2 (issue 2): d = 2, Phi_R = 1/2 |u - u_0|^2_B with u_0 = (1, -0.5),
# B = [[0.5, 0.2], [0.2, 0.8]], rho_0 = N((-1.5, 1.5), [[1, -0.3], [-0.3, 0.6]]),
# box [-8, 8]^2, T = 2, Kalman-Wasserstein, BDF2, no field output.
#
# Usage: benchmarks/g2.sh CELLS_PER_AXIS DEGREE DT [RANKS] [extra prm lines]
# Prints one line:
#   cells dofs steps loop_seconds seconds_per_step l1_error l2_error
#   kl_relative_error (KL(rho_h||rho_inf) against the exact KL, relative)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kwfp=${KWFP:-$here/../build/kwfp}
cells=${1:?cells per axis}
degree=${2:?degree}
dt=${3:?time step}
ranks=${4:-1}
extra=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/g2.prm" <<PRM
set Dimension = 2
subsection Fokker-Planck equation
  set Diffusion matrix = Kalman-Wasserstein
end
subsection Potential
  set Type = quadratic
  subsection Quadratic
    set Minimizer u_0 = 1, -0.5
    set Covariance B  = 0.5, 0.2; 0.2, 0.8
  end
end
subsection Initial density
  set Type           = Gaussian
  set Mean m_0       = -1.5, 1.5
  set Covariance C_0 = 1.0, -0.3; -0.3, 0.6
end
subsection Mesh
  set Lower corner          = -8, -8
  set Upper corner          = 8, 8
  set Subdivisions          = $cells
  set Global refinements    = 0
  set Finite element degree = $degree
end
subsection Time stepping
  set Final time = 2
  set Time step  = $dt
  set Scheme     = BDF2
end
subsection Output
  set Directory = $work/out
  set Interval  = 0
end
$extra
PRM
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "$ranks" -gt 1 ]; then
  mpirun --oversubscribe -np "$ranks" "$kwfp" "$work/g2.prm" > "$work/log"
else
  "$kwfp" "$work/g2.prm" > "$work/log"
fi
dofs=$(sed -n 's/.* cells, \([0-9]*\) unknowns.*/\1/p' "$work/log")
line=$(sed -n 's/^kwfp: \([0-9]*\) steps in \([0-9.e+-]*\) s.*/\1 \2/p' "$work/log")
steps=${line% *}
seconds=${line#* }
last=$(tail -n 1 "$work/out/diagnostics.csv")
awk -F, -v cells="$cells" -v dofs="$dofs" -v steps="$steps" -v s="$seconds" '
  NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
  { l1 = $col["l1_error"]; l2 = $col["l2_error"]; kl = $col["kl"]; kle = $col["kl_exact"] }
  END {
    printf "cells %dx%d dofs %d steps %d loop_s %.3f s_per_step %.5f l1_error %.4e l2_error %.4e kl_rel_error %.4e\n",
      cells, cells, dofs, steps, s, s / steps, l1, l2, (kl - kle) / kle
  }' <(head -n 1 "$work/out/diagnostics.csv"; echo "$last")
