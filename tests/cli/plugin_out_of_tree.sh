#!/usr/bin/env bash
# Plugin libraries ('Additional shared libraries'), as a user builds one:
# cmake --install of this build into a fresh prefix, examples/plugin/
# configured out of tree with find_package(kwfp) and built, and the
# installed kwfp run with the plugin's 'tutorial-map' against the same
# map as muparser expressions (prm/eks_nonlinear_2d.prm):
# - derivative-free EKS (only G): the same ensemble moments to 1e-13
#   relative (the two evaluate the same formulas with the same libm);
# - eks-gradient (the plugin's exact Jacobian against central differences
#   of the expressions, whose error is about cbrt(eps)^2 = 4e-11 relative
#   per evaluation, round-off eps/h as much): within 1e-9 relative after
#   200 fixed steps of the contracting dynamics (observed: 9e-12);
# - a missing library, and a plugin loaded twice under two names that
#   registers a taken name: exit 2 naming 'Additional shared libraries',
#   nothing written;
# - with MPIRUN, a library that loads on rank 0 but not on rank 1 (found
#   through LD_LIBRARY_PATH on one only): exit 2 on both, the rank named,
#   no hang (before, rank 1 stopped silently and rank 0 waited for it).
# usage: plugin_out_of_tree.sh BUILD_DIR WORK SOURCE_DIR [MPIRUN]
set -u
build=$1
work=$2
source_dir=$3
mpirun=${4:-}
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
new_work_dir "$work"

cmake --install "$build" --prefix "$work/prefix" > install.log 2>&1 ||
  { cat install.log; fail "cmake --install failed"; finish; }
kwfp=$work/prefix/bin/kwfp
[ -x "$kwfp" ] || fail "no installed kwfp"
[ -f "$work/prefix/include/kwfp/forward_model/forward_model_factory.h" ] ||
  fail "headers not installed"
[ -f "$work/prefix/lib/cmake/kwfp/kwfpConfig.cmake" ] ||
  fail "kwfpConfig.cmake not installed"

# Out of tree: only the installed prefix is named.
if ! cmake -S "$source_dir/examples/plugin" -B plugin-build \
  -DCMAKE_PREFIX_PATH="$work/prefix" > configure.log 2>&1 ||
  ! cmake --build plugin-build > build.log 2>&1; then
  cat configure.log build.log
  fail "the example plugin did not configure or build"
  finish
fi
plugin=$work/plugin-build/tutorial_map.so
[ -f "$plugin" ] || { fail "no $plugin"; finish; }

# run_pair METHOD DT ADAPTIVE: the plugin and the expression runs of eks_nonlinear_2d
# with step DT, adaptive or not (the adaptive step needs a method with a
# forward map; a fixed DT small enough for the gradient flow, whose
# stiffness is about 40 at the start)
run_pair() {
  local dt=$2 adaptive=$3
  sed "s|set Time step  *= 0.1$|set Time step = $dt|;
       s|output/eks_nonlinear_2d|out_expr_$1|;
       s|set Method  *= eks$|set Method = $1|;
       s|set Adaptive time step  *= true|set Adaptive time step = $adaptive|" \
    "$source_dir/prm/eks_nonlinear_2d.prm" > "expr_$1.prm"
  { echo "set Additional shared libraries = $plugin"
    sed "s|set Time step  *= 0.1$|set Time step = $dt|;
         s|set Forward model  *= expression|set Forward model = tutorial-map|;
         s|output/eks_nonlinear_2d|out_plugin_$1|;
         s|set Method  *= eks$|set Method = $1|;
         s|set Adaptive time step  *= true|set Adaptive time step = $adaptive|" \
      "$source_dir/prm/eks_nonlinear_2d.prm"; } > "plugin_$1.prm"
  grep -q "tutorial-map" "plugin_$1.prm" || fail "plugin_$1.prm: no model"
  grep -q "Method = $1" "plugin_$1.prm" || fail "plugin_$1.prm: no method"
  grep -q "Time step = $dt" "plugin_$1.prm" || fail "plugin_$1.prm: dt"
  grep -q "Adaptive time step = $adaptive" "plugin_$1.prm" ||
    fail "plugin_$1.prm: adaptive"
  for run in expr plugin; do
    "$kwfp" "${run}_$1.prm" > "${run}_$1.out" 2> "${run}_$1.err"
    rc=$?
    [ $rc -eq 0 ] || fail "$run $1: exit $rc: $(cat "${run}_$1.err")"
  done
  grep -q "from a plugin" "plugin_$1.out" ||
    fail "plugin $1: the run does not describe the plugin's model"
}

compare() { # METHOD TOLERANCE
  /usr/bin/python3 - "out_expr_$1/particles.csv" "out_plugin_$1/particles.csv" \
    "$2" << 'PY' || fail "$1: moments differ (above)"
import csv, sys
rows = [list(csv.DictReader(open(f)))[-1] for f in sys.argv[1:3]]
tol = float(sys.argv[3])
cols = [c for c in rows[0]
        if c.startswith("cov_") or (c.startswith("mean_") and c[5:].isdigit())]
assert len(cols) == 5, cols
worst = max(abs(float(rows[0][c]) - float(rows[1][c])) /
            max(abs(float(rows[0][c])), 1e-3) for c in cols)
print(f"{sys.argv[1]}: largest relative difference {worst:.3e} "
      f"(tolerance {tol:g})")
sys.exit(0 if worst <= tol else 1)
PY
}

run_pair eks 0.1 true
compare eks 1e-13
run_pair eks-gradient 0.01 false
compare eks-gradient 1e-9

# Bad input: exit 2, the parameter named, no output directory.
bad() { # NAME LIBRARY-LINE
  { echo "$2"; sed "s|output/eks_nonlinear_2d|out_bad_$1|" \
      "$source_dir/prm/eks_nonlinear_2d.prm"; } > "bad_$1.prm"
  "$kwfp" "bad_$1.prm" > "bad_$1.out" 2> "bad_$1.err"
  rc=$?
  [ $rc -eq 2 ] || fail "bad $1: exit $rc, expected 2"
  grep -q "Additional shared libraries" "bad_$1.err" ||
    fail "bad $1: the parameter is not named: $(cat "bad_$1.err")"
  [ -e "out_bad_$1" ] && fail "bad $1: wrote out_bad_$1"
  echo "bad $1: $(cat "bad_$1.err")"
}
bad missing "set Additional shared libraries = $work/no_such_plugin.so"
cp "$plugin" second_copy.so
bad clash "set Additional shared libraries = $plugin, $work/second_copy.so"

if [ -n "$mpirun" ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  { echo "set Additional shared libraries = tutorial_map.so"
    sed "s|set Forward model  *= expression|set Forward model = tutorial-map|;
         s|output/eks_nonlinear_2d|out_ranks|" \
      "$source_dir/prm/eks_nonlinear_2d.prm"; } > ranks.prm
  timeout 120 "$mpirun" -np 1 -x LD_LIBRARY_PATH="$work/plugin-build" \
    "$kwfp" ranks.prm : -np 1 -x LD_LIBRARY_PATH=/nonexistent \
    "$kwfp" ranks.prm > ranks.out 2> ranks.err
  rc=$?
  [ $rc -eq 124 ] && fail "2 ranks, library on one: hangs (killed after 120 s)"
  [ $rc -eq 2 ] || fail "2 ranks, library on one: exit $rc, expected 2"
  grep -q "Additional shared libraries.*on MPI rank 1 of 2" ranks.err ||
    fail "2 ranks: the rank is not named: $(cat ranks.err)"
  [ -e out_ranks ] && fail "2 ranks: wrote out_ranks"
  echo "2 ranks: $(grep error ranks.err | head -1)"
fi
finish
