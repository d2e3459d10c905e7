#!/usr/bin/env bash
# Benchmark G2 (issue 2): d = 2, Phi_R = 1/2 |u - u_0|^2_B with u_0 = (1, -0.5),
# B = [[0.5, 0.2], [0.2, 0.8]], rho_0 = N((-1.5, 1.5), [[1, -0.3], [-0.3, 0.6]]),
# box [-8, 8]^2, T = 2, Kalman-Wasserstein, BDF2, no field output.
# With G2_DIMENSION=3, its 3-D extension (issue 7): a third coordinate with
# u_0 = 0, B_33 = 0.6, m_0 = 0.5, C_0,33 = 0.8, uncorrelated, box [-8, 8]^3.
#
# Usage: benchmarks/g2.sh CELLS_PER_AXIS DEGREE DT [RANKS] [extra prm lines]
# Environment: G2_DIMENSION (2 or 3), G2_KEEP=FILE (copy diagnostics.csv
# there), G2_KEEP_DENSITY=FILE (copy density_final.csv there), KWFP (the
# executable).
# Prints one line of name-value pairs:
#   cells dofs steps wall_s (the whole process) loop_s s_per_step l1_error
#   l2_error kl_rel_error (KL(rho_h||rho_inf) against the exact KL,
#   relative) matvec_ms (one product with the final system matrix)
#   peak_mb_max peak_mb_sum (peak resident memory: largest rank, all ranks)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kwfp=${KWFP:-$here/../build/kwfp}
cells=${1:?cells per axis}
degree=${2:?degree}
dt=${3:?time step}
ranks=${4:-1}
extra=${5:-}
dim=${G2_DIMENSION:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$dim" = 3 ]; then
  u0="1, -0.5, 0" B="0.5, 0.2, 0; 0.2, 0.8, 0; 0, 0, 0.6"
  m0="-1.5, 1.5, 0.5" C0="1.0, -0.3, 0; -0.3, 0.6, 0; 0, 0, 0.8"
  lower="-8, -8, -8" upper="8, 8, 8"
else
  u0="1, -0.5" B="0.5, 0.2; 0.2, 0.8" m0="-1.5, 1.5" C0="1.0, -0.3; -0.3, 0.6"
  lower="-8, -8" upper="8, 8"
fi
cat > "$work/g2.prm" <<PRM
set Dimension = $dim
subsection Fokker-Planck equation
  set Diffusion matrix = Kalman-Wasserstein
end
subsection Potential
  set Type = quadratic
  subsection Quadratic
    set Minimizer u_0 = $u0
    set Covariance B  = $B
  end
end
subsection Initial density
  set Type           = Gaussian
  set Mean m_0       = $m0
  set Covariance C_0 = $C0
end
subsection Mesh
  set Lower corner          = $lower
  set Upper corner          = $upper
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
start=$(date +%s.%N)
if [ "$ranks" -gt 1 ]; then
  mpirun --oversubscribe -np "$ranks" "$kwfp" "$work/g2.prm" > "$work/log"
else
  "$kwfp" "$work/g2.prm" > "$work/log"
fi
wall=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
[ -n "${G2_KEEP:-}" ] && cp "$work/out/diagnostics.csv" "$G2_KEEP"
[ -n "${G2_KEEP_DENSITY:-}" ] && cp "$work/out/density_final.csv" "$G2_KEEP_DENSITY"
dofs=$(sed -n 's/.* cells, \([0-9]*\) unknowns.*/\1/p' "$work/log" | head -n 1)
line=$(sed -n 's/^kwfp: \([0-9]*\) steps in \([0-9.e+-]*\) s.*/\1 \2/p' "$work/log")
steps=${line% *}
seconds=${line#* }
matvec=$(sed -n 's/^kwfp: one product with the system matrix takes \([0-9.e+-]*\) ms.*/\1/p' "$work/log")
peak=$(sed -n 's/^kwfp: peak resident memory \([0-9.e+-]*\) MB on the largest rank, \([0-9.e+-]*\) MB.*/\1 \2/p' "$work/log")
last=$(tail -n 1 "$work/out/diagnostics.csv")
awk -F, -v cells="$cells" -v dim="$dim" -v dofs="$dofs" -v steps="$steps" -v s="$seconds" \
  -v wall="$wall" -v matvec="${matvec:-0}" -v peak="${peak:-0 0}" '
  NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
  { l1 = $col["l1_error"]; l2 = $col["l2_error"]; kl = $col["kl"]; kle = $col["kl_exact"] }
  END {
    split(peak, p, " ")
    printf "cells %d^%d dofs %d steps %d wall_s %.3f loop_s %.3f s_per_step %.5f l1_error %.4e l2_error %.4e kl_rel_error %.4e matvec_ms %.4f peak_mb_max %.0f peak_mb_sum %.0f\n",
      cells, dim, dofs, steps, wall, s, s / steps, l1, l2, (kl - kle) / kle, matvec, p[1], p[2]
  }' <(head -n 1 "$work/out/diagnostics.csv"; echo "$last")
