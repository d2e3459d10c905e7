#!/usr/bin/env bash
# SIGTERM during a finite-element, a particle and a Gaussian-closure run:
# exit code 5, a
# message, and complete outputs (every diagnostics row whole and the steps
# consecutive, solution.pvd closed and naming only files that exist, the
# final files written). A run that breaks down (plain Galerkin on a
# correlated drift: C(rho) stops being SPD at step 2): exit code 3, the
# message names the step and the last good state, which is in solution.pvd
# and density_final.csv.
# usage: interrupt_and_failure.sh KWFP WORK
set -u
kwfp=$1
work=$2
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
new_work_dir "$work"

# Whole CSV rows: as many fields as the header on every line.
check_csv_complete() {
  local file=$1
  [ -s "$file" ] || { fail "$file missing"; return; }
  awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$file" ||
    fail "$file has a row with a different number of fields"
  tail -c 1 "$file" | od -An -c | grep -q '\\n' || fail "$file does not end with a newline"
}

# solution.pvd closed, every file it names present.
check_pvd() {
  local dir=$1
  grep -q '</VTKFile>' "$dir/solution.pvd" || fail "$dir/solution.pvd not closed"
  for f in $(grep -o 'file="[^"]*"' "$dir/solution.pvd" | sed 's/file="//; s/"$//'); do
    [ -s "$dir/$f" ] || fail "$dir/solution.pvd names $f, which is missing"
  done
}


# 1. Finite elements: G2, Q1 64^2, 4000 steps (far more than run in time).
cat > fe.prm << 'PRM'
subsection Mesh
  set Subdivisions = 64
  set Global refinements = 0
  set Finite element degree = 1
end
subsection Time stepping
  set Final time = 20
  set Time step = 0.005
end
subsection Output
  set Directory = fe_out
  set Interval = 20
end
PRM
interrupt_run fe.prm fe_out/diagnostics.csv 30
[ "$rc" -eq 5 ] || fail "finite elements: exit code $rc, expected 5: $(cat fe.prm.err)"
grep -q "interrupted by signal 15" fe.prm.err || fail "finite elements: no interruption message: $(cat fe.prm.err)"
check_csv_complete fe_out/diagnostics.csv
rows=$(($(wc -l < fe_out/diagnostics.csv) - 1))
last_step=$(tail -n 1 fe_out/diagnostics.csv | cut -d, -f1)
[ "$last_step" -eq $((rows - 1)) ] || fail "finite elements: $rows rows but last step $last_step"
[ "$last_step" -lt 4000 ] || fail "finite elements: not interrupted (step $last_step)"
check_pvd fe_out
for f in posterior.csv density_final.csv kl_decay.csv; do
  [ -s "fe_out/$f" ] || fail "finite elements: fe_out/$f missing"
done
echo "finite elements: interrupted after step $last_step, exit code $rc"

# 2. Particles: eks-gradient, J = 2000, 1e6 steps.
cat > particles.prm << 'PRM'
set Solver = particles
subsection Time stepping
  set Final time = 10000
end
subsection Particles
  set Ensemble size = 2000
  set Time step = 0.01
  set Statistics interval = 10
  set Output interval = 0
end
subsection Output
  set Directory = particles_out
end
PRM
interrupt_run particles.prm particles_out/particles.csv 20
[ "$rc" -eq 5 ] || fail "particles: exit code $rc, expected 5: $(cat particles.prm.err)"
check_csv_complete particles_out/particles.csv
[ -s particles_out/ensemble_final.csv ] || fail "particles: ensemble_final.csv missing"
echo "particles: interrupted, $(($(wc -l < particles_out/particles.csv) - 1)) rows, exit code $rc"

# 2b. The Gaussian closure alone: 1e10 fixed steps (far more than run in
# time); it stops after the step in which the signal came, gaussian.csv
# whole.
cat > closure.prm << 'PRM'
set Solver = Gaussian
subsection Time stepping
  set Final time = 1e6
end
subsection Gaussian closure
  set Adaptive time step = false
  set Time step = 1e-4
  set Output interval = 100
end
subsection Output
  set Directory = closure_out
end
PRM
interrupt_run closure.prm closure_out/gaussian.csv 20
[ "$rc" -eq 5 ] || fail "closure: exit code $rc, expected 5: $(cat closure.prm.err)"
grep -q "interrupted by signal 15" closure.prm.err || fail "closure: no interruption message: $(cat closure.prm.err)"
check_csv_complete closure_out/gaussian.csv
closure_time=$(tail -n 1 closure_out/gaussian.csv | cut -d, -f2)
awk -v t="$closure_time" 'BEGIN { exit !(t > 0 && t < 1e6) }' ||
  fail "closure: last row at t = $closure_time, expected 0 < t < 1e6"
echo "closure: interrupted at t = $closure_time, exit code $rc"

# 2c. The closure alone, resumed: 2e5 fixed steps to T = 20 (about 2 s),
# stopped by SIGTERM after 20 rows, then kwfp --resume: gaussian.csv the
# same, byte for byte, as a run that was not interrupted.
sed "s|Final time = 1e6|Final time = 20|; s|closure_out|closure_ref|" \
  closure.prm > closure_ref.prm
"$kwfp" closure_ref.prm > closure_ref.out 2> closure_ref.err ||
  fail "closure reference run: $(cat closure_ref.err)"
sed "s|closure_ref|closure_resumed|" closure_ref.prm > closure_resumed.prm
interrupt_run closure_resumed.prm closure_resumed/gaussian.csv 20
[ "$rc" -eq 5 ] || fail "closure (resumed case): exit code $rc, expected 5"
[ -d closure_resumed/checkpoint ] || fail "closure: no checkpoint written"
stopped=$(($(wc -l < closure_resumed/gaussian.csv) - 1))
"$kwfp" --resume closure_resumed > closure_resume.out 2> closure_resume.err
rc=$?
[ $rc -eq 0 ] || fail "closure resume: exit code $rc: $(cat closure_resume.err)"
grep -q "resumed from the checkpoint" closure_resume.out ||
  fail "closure resume: no 'resumed' line"
[ "$stopped" -lt "$(($(wc -l < closure_ref/gaussian.csv) - 1))" ] ||
  fail "closure: the run was not interrupted before its end"
cmp -s closure_ref/gaussian.csv closure_resumed/gaussian.csv ||
  fail "closure: the resumed gaussian.csv differs from the uninterrupted one"
echo "closure: stopped after $stopped rows, resumed: gaussian.csv identical"

# 2e. The closure alone with 'Output/Checkpoint interval = 1000': killed
# by SIGKILL (no chance to write anything) once a periodic checkpoint exists
# and rows after it were written, then kwfp --resume: it continues from the
# last periodic checkpoint (a multiple of 1000 steps) and gaussian.csv is
# that of the uninterrupted run (2c, without checkpoints) byte for byte.
sed "s|closure_ref|closure_killed|; s|^subsection Output|subsection Output\n  set Checkpoint interval = 1000|" \
  closure_ref.prm > closure_killed.prm
"$kwfp" closure_killed.prm > closure_killed.out 2> closure_killed.err &
pid=$!
for _ in $(seq 1 600); do
  [ -s closure_killed/checkpoint/state.bin ] &&
    [ "$(wc -l < closure_killed/gaussian.csv)" -ge 40 ] && break
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.02
done
kill -KILL "$pid" 2> /dev/null
wait "$pid"
rc=$?
[ "$rc" -eq 137 ] || fail "closure (killed case): exit code $rc, expected 137 (SIGKILL before the end)"
killed_rows=$(($(wc -l < closure_killed/gaussian.csv) - 1))
"$kwfp" --resume closure_killed > closure_killed_resume.out 2> closure_killed_resume.err
rc=$?
[ $rc -eq 0 ] || fail "closure resume after SIGKILL: exit code $rc: $(cat closure_killed_resume.err)"
resumed_step=$(sed -n 's/.*resumed from the checkpoint at step \([0-9]*\),.*/\1/p' closure_killed_resume.out)
[ -n "$resumed_step" ] && [ "$resumed_step" -gt 0 ] && [ $((resumed_step % 1000)) -eq 0 ] ||
  fail "closure after SIGKILL: resumed at step '$resumed_step', expected a positive multiple of 1000"
cmp -s closure_ref/gaussian.csv closure_killed/gaussian.csv ||
  fail "closure: gaussian.csv resumed after SIGKILL differs from the uninterrupted one"
echo "closure: killed (SIGKILL) with $killed_rows rows, resumed from the periodic checkpoint at step $resumed_step: gaussian.csv identical"

# 2d. The same with a Gaussian-mixture closure whose weights evolve
# (Mixture weight flow = Fisher-Rao): the checkpoint carries the weights,
# and the resumed gaussian.csv (with its component_k_weight columns) is
# that of the uninterrupted run byte for byte.
cat > mixture_ref.prm << 'PRM'
set Solver = Gaussian
subsection Potential
  set Type = Gaussian mixture
  subsection Gaussian mixture
    set Weights = 0.3, 0.7
  end
end
subsection Time stepping
  set Final time = 10
end
subsection Gaussian closure
  set Adaptive time step  = false
  set Time step           = 1e-4
  set Output interval     = 100
  set Mixture weights     = 0.5, 0.5
  set Mixture means       = -1, 0; 1, 0
  set Mixture covariances = 1, 0; 0, 1 | 1, 0; 0, 1
  set Mixture weight flow = Fisher-Rao
end
subsection Output
  set Directory = mixture_ref
end
PRM
"$kwfp" mixture_ref.prm > mixture_ref.out 2> mixture_ref.err ||
  fail "mixture reference run: $(cat mixture_ref.err)"
head -n 1 mixture_ref/gaussian.csv | grep -q ",component_1_weight,.*,component_2_weight," ||
  fail "mixture: no component_k_weight columns: $(head -n 1 mixture_ref/gaussian.csv)"
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i ~ /_weight$/) w[++n] = i; next }
  { s = 0; for (j = 1; j <= n; ++j) s += $w[j]; if (s - 1 > 1e-15 || 1 - s > 1e-15) exit 1 }
  END { if ($w[1] == 0.5) exit 1 }' mixture_ref/gaussian.csv ||
  fail "mixture: the weights do not sum to 1 on every row, or did not move"
sed "s|mixture_ref|mixture_resumed|" mixture_ref.prm > mixture_resumed.prm
interrupt_run mixture_resumed.prm mixture_resumed/gaussian.csv 20
[ "$rc" -eq 5 ] || fail "mixture (resumed case): exit code $rc, expected 5"
stopped=$(($(wc -l < mixture_resumed/gaussian.csv) - 1))
"$kwfp" --resume mixture_resumed > mixture_resume.out 2> mixture_resume.err
rc=$?
[ $rc -eq 0 ] || fail "mixture resume: exit code $rc: $(cat mixture_resume.err)"
[ "$stopped" -lt "$(($(wc -l < mixture_ref/gaussian.csv) - 1))" ] ||
  fail "mixture: the run was not interrupted before its end"
cmp -s mixture_ref/gaussian.csv mixture_resumed/gaussian.csv ||
  fail "mixture: the resumed gaussian.csv differs from the uninterrupted one"
echo "mixture (Fisher-Rao weights): stopped after $stopped rows, resumed: gaussian.csv identical"

# 3. A breakdown: the last good state is written.
cat > failure.prm << 'PRM'
subsection Potential
  set Type = quadratic
  subsection Quadratic
    set Minimizer u_0 = 3, 3
    set Covariance B = 0.01, 0.009; 0.009, 0.01
  end
end
subsection Initial density
  set Type = Gaussian
  set Mean m_0 = 0, 0
  set Covariance C_0 = 1, 0; 0, 1
end
subsection Mesh
  set Lower corner = -5, -5
  set Upper corner = 6, 6
  set Subdivisions = 32
  set Global refinements = 0
  set Finite element degree = 1
  set Stabilization = none
end
subsection Time stepping
  set Final time = 0.05
  set Time step = 0.002
end
subsection Output
  set Directory = failure_out
  set Interval = 0
end
PRM
"$kwfp" failure.prm > failure.out 2> failure.err
rc=$?
[ "$rc" -eq 3 ] || fail "breakdown: exit code $rc, expected 3: $(cat failure.err)"
grep -q "last good state" failure.err || fail "breakdown: message does not point to the last good state: $(cat failure.err)"
grep -q "\[step [0-9]" failure.err || fail "breakdown: message does not name the step: $(cat failure.err)"
check_csv_complete failure_out/diagnostics.csv
check_pvd failure_out
grep -q 'timestep="0.002"' failure_out/solution.pvd || fail "breakdown: solution.pvd lacks the last good state (t = 0.002)"
[ -s failure_out/density_final.csv ] || fail "breakdown: density_final.csv missing"
echo "breakdown: $(cat failure.err)"

finish
