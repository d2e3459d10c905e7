#!/usr/bin/env bash
# The external forward model ('Forward model = external') end to end:
# examples/external_forward_model/elliptic_external_2d.prm (the elliptic
# problem (5.2)-(5.3) by a numpy script, finite elements and the
# derivative-free EKS side by side) against the same run with the built-in
# 'elliptic-1d'; a command that fails at its third call (exit 3, the call
# and the command named); the temporary files removed.
# With MPIRUN: the particles on 1 and 2 ranks give the same ensemble, byte
# for byte (each rank calls the command for its own particles), and a
# failing command on 2 ranks ends the run with exit 3.
# usage: external_forward_model.sh KWFP WORK SOURCE_DIR [MPIRUN]
set -u
kwfp=$1
work=$2
source_dir=$3
mpirun=${4:-}
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
new_work_dir "$work"
mkdir tmp
export TMPDIR=$work/tmp
example=$source_dir/examples/external_forward_model

# 1. The example with the external command, and with the built-in model.
sed "s|examples/external_forward_model/elliptic.py|$example/elliptic.py|;
     s|output/elliptic_external_2d|external_out|" \
  "$example/elliptic_external_2d.prm" > external.prm
sed "s|= external$|= elliptic-1d|; s|output/elliptic_external_2d|builtin_out|" \
  "$example/elliptic_external_2d.prm" > builtin.prm
grep -q "elliptic-1d" builtin.prm || fail "builtin.prm does not use elliptic-1d"
"$kwfp" external.prm > external.out 2> external.err
rc=$?
[ $rc -eq 0 ] || fail "external run: exit code $rc: $(cat external.err)"
"$kwfp" builtin.prm > builtin.out 2> builtin.err
rc=$?
[ $rc -eq 0 ] || fail "built-in run: exit code $rc: $(cat builtin.err)"
calls=$(grep "external forward model:" external.out)
echo "$calls"
[ -n "$calls" ] || fail "the external run did not report its calls"
grep -q "external forward model:" builtin.out &&
  fail "the built-in run reports external calls"

# The moments: the finite-element density at T (last row of
# diagnostics.csv), the quadrature of exp(-Phi_R)/Z (posterior.csv) and
# the ensemble (last row of particles.csv).
#
# Tolerance. The external G is the built-in one up to round-off (numpy's
# exp against glibc's, a few ulp: |dG| <~ 1e-14 |G|, |G| ~ 80). Its
# Jacobian is by central differences with h_i = cbrt(eps) max(1, |u_i|):
# error h^2/6 |G'''| + eps |G| / h. Here u_1 ~ -2.7 (h = 1.6e-5,
# |d^3G/du_1^3| = exp(-u_1) (x - x^2)/2 <= 1.4: truncation 6e-11) and
# |G| <= 80 (round-off 2.2e-16 * 80 / 1.6e-5 = 1.1e-9), u_2 ~ 104
# (h = 6.3e-4, G linear in u_2: round-off 3e-11 only). So |dDG| <= 1.2e-9
# and grad Phi_R = DG^T Gamma^{-1} (G - y) + .. changes by at most
# 1.2e-9 |Gamma^{-1} (G - y)| <= 1.2e-9 * 100 * 30 = 4e-6 on the box
# (|G - y| <= 30 at its corners), against |grad Phi_R| >= ~1 away from the
# mode: a relative change of the drift of ~1e-8 at the very worst, and
# far less where the mass is. The moments (means ~ 1e2, covariances
# ~ 1e-2) move by less than that relative amount of their size: we allow
# 1e-6 absolute on every mean and covariance entry of the FE density, and
# for the values-only quantities (quadrature, particles: no Jacobian)
# 1e-9 absolute (round-off through 40 steps).
/usr/bin/python3 - << 'PY' || fail "moments differ (above)"
import csv, sys

def last_row(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows[-1]

def moments(row):
    return {k: float(v) for k, v in row.items()
            if k.startswith("mean_") or k.startswith("cov_")}

bad = False
for name, path, tol in [("finite elements at T", "diagnostics.csv", 1e-6),
                        ("quadrature of exp(-Phi_R)/Z", "posterior.csv", 1e-9),
                        ("ensemble (eks)", "particles.csv", 1e-9)]:
    a = moments(last_row("external_out/" + path))
    b = moments(last_row("builtin_out/" + path))
    if not a or a.keys() != b.keys():
        print("FAIL: %s: columns %s / %s" % (path, sorted(a), sorted(b)))
        bad = True
        continue
    diff = max(abs(a[k] - b[k]) for k in a)
    print("%-30s max |external - built-in| = %.3g (tolerance %g); mean_1 %.10g, mean_2 %.10g"
          % (name, diff, tol, a["mean_1"], a["mean_2"]))
    bad = bad or not diff <= tol
sys.exit(1 if bad else 0)
PY
# (Open MPI keeps its session directory ompi.* there: not ours)
[ -z "$(ls -d tmp/kwfp-* 2> /dev/null)" ] ||
  fail "temporary files left in \$TMPDIR: $(ls tmp)"

# 1b. The Jacobian from the command ('External Jacobian = command',
# elliptic.py --jacobian: OUTPUT rows G_1, G_2, dG_1/du_1, dG_1/du_2,
# dG_2/du_1, dG_2/du_2), finite elements only. Both this run and the
# built-in elliptic-1d use the exact Jacobian, so only G's round-off (a few
# ulp, as above) separates them: 1e-9 absolute on the moments at T. One
# row per quadrature point is sent, in place of 1 + 2d = 5.
sed "s|elliptic.py 0.25,0.75|elliptic.py --jacobian 0.25,0.75|;
     s|^\(    set External timeout *=.*\)|\1\n    set External Jacobian = command|;
     s|external_out|jacobian_out|; s|= both|= finite element|" \
  external.prm > jacobian.prm
grep -q "External Jacobian = command" jacobian.prm ||
  fail "jacobian.prm does not set 'External Jacobian'"
"$kwfp" jacobian.prm > jacobian.out 2> jacobian.err
rc=$?
[ $rc -eq 0 ] || fail "Jacobian run: exit code $rc: $(cat jacobian.err)"
grep "external forward model:" jacobian.out
/usr/bin/python3 - << 'PY' || fail "the command's Jacobian (above)"
import csv, re, sys
def last(path):
    rows = list(csv.DictReader(open(path)))
    return {k: float(v) for k, v in rows[-1].items()
            if k.startswith(("mean_", "cov_"))}
a, b = last("jacobian_out/diagnostics.csv"), last("builtin_out/diagnostics.csv")
diff = max(abs(a[k] - b[k]) for k in a)
print("finite elements, command's Jacobian: max |external - built-in| = "
      "%.3g (tolerance 1e-9)" % diff)
def points(path):
    m = re.search(r"external forward model: (\S+) calls, (\S+) points",
                  open(path).read())
    return float(m.group(2))
# the prior mean (1), G and DG at the quadrature points of the Q2 mesh
# (32^2 cells, 4^2 Gauss points: one row each; with central differences
# 5 rows each) and Phi_R at its 65^2 nodes
p_jac = points("jacobian.out")
expected = 1 + 32 * 32 * 16 + 65 * 65
print("points sent with the command's Jacobian: %g (expected %d; with "
      "central differences %d)" % (p_jac, expected, expected + 4 * 32 * 32 * 16))
sys.exit(0 if diff <= 1e-9 and p_jac == expected else 1)
PY

# 1c. The Metropolis chain with an external model: prefetched proposals
# ('Proposals per call' 0 = 32 for an external model) give the chain of one
# proposal per call, row for row in metropolis.csv, with fewer calls. The
# model is elliptic-1d as a one-line awk command (fast to start); the
# proposal is fixed (tau given, no adaptation), so every step is
# prefetched; a step calls at least once per acceptance.
cat > elliptic.awk.sh << 'SH'
#!/bin/sh
awk -F, 'NR > 1 { for (k = 0; k < 2; ++k) { x = 0.25 + 0.5 * k;
  printf "%s%.17g", (k ? "," : ""), $2 * x + exp(-$1) * (x - x * x) / 2 }
  printf "\n" }' "$1" > "$2"
SH
chmod +x elliptic.awk.sh
for per_call in 1 0; do
  sed "s|^\(    set External command *=\).*|\1 $work/elliptic.awk.sh|;
       s|external_out|chain_out_$per_call|; s|= both|= particles|;
       s|^\(  set Ensemble size *=\).*|\1 50|;
       s|^\(  set Output interval *=\).*|\1 0|" external.prm > "chain_$per_call.prm"
  cat >> "chain_$per_call.prm" << PRM
subsection Particles
  set Number of steps = 1
end
subsection Metropolis
  set Samples = 1000
  set Burn-in = 0
  set Proposal scale tau = 1
  set Proposal covariance = 0.04, 0; 0, 0.02
  set Start = -2.7, 104.4
  set Adapt covariance = false
  set Proposals per call = $per_call
end
PRM
  "$kwfp" "chain_$per_call.prm" > "chain_$per_call.out" 2> "chain_$per_call.err"
  rc=$?
  [ $rc -eq 0 ] || fail "chain ($per_call per call): exit $rc: $(cat "chain_$per_call.err")"
done
cmp -s chain_out_1/metropolis.csv chain_out_0/metropolis.csv ||
  fail "prefetching changed the chain (metropolis.csv differs)"
grep "calls of Phi_R" chain_out_1/../chain_1.out chain_out_0/../chain_0.out
/usr/bin/python3 - << 'PY' || fail "Metropolis calls (above)"
import re, sys
def calls(path):
    m = re.search(r"acceptance (\S+), tau \S+; (\d+) calls of Phi_R for (\d+)",
                  open(path).read())
    return float(m.group(1)), int(m.group(2)), int(m.group(3))
a, one, _ = calls("chain_1.out")
_, batched, evaluated = calls("chain_0.out")
accepted = round(a * 1000)
print("acceptance %.3f: %d calls one at a time, %d prefetched (%d proposals)"
      % (a, one, batched, evaluated))
sys.exit(0 if one == 1000 and accepted <= batched <= accepted + 1000 // 32 + 1
         else 1)
PY

# 2. A command that fails at its third call (a counter in a file): exit 3,
# the message names the command, the call and the exit status.
cat > flaky.sh << 'SH'
#!/bin/sh
n=$(cat calls 2> /dev/null || echo 0)
n=$((n + 1))
echo $n > calls
if [ $n -ge 3 ]; then echo "flaky: giving up at call $n" >&2; exit 4; fi
exec /usr/bin/python3 "$(dirname "$0")/elliptic.py" 0.25,0.75 "$1" "$2"
SH
sed -i "s|\$(dirname \"\$0\")|$example|" flaky.sh
chmod +x flaky.sh
sed "s|^\(    set External command *=\).*|\1 $work/flaky.sh|;
     s|external_out|flaky_out|; s|= both|= finite element|" external.prm > flaky.prm
"$kwfp" flaky.prm > flaky.out 2> flaky.err
rc=$?
cat flaky.err
[ $rc -eq 3 ] || fail "flaky command: exit code $rc, expected 3"
grep -q "flaky.sh', call 3 " flaky.err || fail "the message does not name the command and call 3"
grep -q "exit status 4" flaky.err || fail "the message does not give the exit status"
grep -q "giving up at call 3" flaky.err || fail "the message does not show the command's output"
[ -z "$(ls -d tmp/kwfp-* 2> /dev/null)" ] ||
  fail "temporary files left in \$TMPDIR after the failure: $(ls tmp)"

# 3. A command that fails at once: exit 2 (the first call, at the prior
# mean, is made when the parameters are read), no output directory.
sed "s|^\(    set External command *=\).*|\1 /bin/false|;
     s|external_out|false_out|" external.prm > false.prm
"$kwfp" false.prm > false.out 2> false.err
rc=$?
cat false.err
[ $rc -eq 2 ] || fail "/bin/false: exit code $rc, expected 2"
grep -q "External command" false.err || fail "the message does not name 'External command'"
[ -e false_out ] && fail "/bin/false left an output directory"

# 4. MPI: each rank calls the command for its own particles, rank 0 alone
# for G at the ensemble mean.
if [ -n "$mpirun" ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  for ranks in 1 2; do
    sed "s|= both|= particles|; s|Final time = 2|Final time = 0.4|;
         s|external_out|ranks${ranks}_out|" external.prm > ranks$ranks.prm
    "$mpirun" -np $ranks "$kwfp" ranks$ranks.prm > ranks$ranks.out 2>&1 ||
      fail "particles on $ranks rank(s): exit code $?: $(tail -5 ranks$ranks.out)"
    grep "external forward model:" ranks$ranks.out
  done
  cmp ranks1_out/ensemble_final.csv ranks2_out/ensemble_final.csv ||
    fail "the ensemble on 2 ranks differs from that on 1 rank"
  # The same points but the prior mean that the second rank reads with the
  # parameters: G at the ensemble mean (one point per statistics row) is
  # evaluated on rank 0 only and broadcast (it was one per rank).
  p1=$(sed -n 's/.*external forward model: [0-9]* calls, \([0-9]*\) points.*/\1/p' ranks1.out)
  p2=$(sed -n 's/.*external forward model: [0-9]* calls, \([0-9]*\) points.*/\1/p' ranks2.out)
  echo "points sent: $p1 on 1 rank, $p2 on 2 ranks"
  [ -n "$p1" ] && [ "$p2" = "$((p1 + 1))" ] ||
    fail "points on 2 ranks: $p2, expected $p1 + 1 (G at the mean on rank 0 only)"
  rm -f calls
  sed "s|= finite element|= particles|; s|flaky_out|flaky2_out|" flaky.prm > flaky2.prm
  "$mpirun" -np 2 "$kwfp" flaky2.prm > flaky2.out 2> flaky2.err
  rc=$?
  [ $rc -eq 3 ] || fail "flaky command on 2 ranks: exit code $rc, expected 3"
  # the third call overall fails; which rank makes it, and which of its own
  # calls (counted per process) that is, depends on the ranks' timing
  grep -q "flaky.sh', call [1-9][0-9]* (.*exit status 4" flaky2.err ||
    fail "flaky command on 2 ranks: no message naming the call: $(cat flaky2.err)"
fi


# 5. A command whose G is not finite beyond u_1 = 3: with 'On forward
# failure = drop' the particles there are dropped and the run goes on, as
# for the other forward models (it used to stop with exit 3); with 'stop'
# it stops naming the command's row.
cat > partial.sh << 'SH'
#!/bin/sh
awk -F, 'NR > 1 { g = ($1 >= 3) ? "nan" : $1; print g "," $2 "," $1 + $2 }' "$1" > "$2"
SH
chmod +x partial.sh
for failure in drop stop; do
  cat > partial_$failure.prm << PRM
set Dimension = 2
set Solver = particles
subsection Potential
  set Type = inverse problem
  subsection Inverse problem
    set Forward model    = external
    set External command = $work/partial.sh
  end
end
subsection Initial density
  set Mean m_0 = 2.5, 0
end
subsection Particles
  set Method             = eks
  set Ensemble size      = 20
  set Number of steps    = 5
  set On forward failure = $failure
end
subsection Output
  set Directory = $work/partial_${failure}_out
  set Interval  = 0
end
PRM
  "$kwfp" partial_$failure.prm > partial_$failure.out 2> partial_$failure.err
  echo "partial, $failure: exit code $?" > partial_$failure.rc
done
cat partial_drop.rc partial_stop.rc
grep -q "exit code 0" partial_drop.rc ||
  fail "drop with an external G that is not finite: $(cat partial_drop.err)"
grep -q "dropped them" partial_drop.out ||
  fail "drop: no particle was dropped: $(tail -5 partial_drop.out)"
grep -q "exit code 3" partial_stop.rc ||
  fail "stop with an external G that is not finite: $(cat partial_stop.rc)"
grep -q "G_1 = nan is not finite" partial_stop.err ||
  fail "stop: the message does not name G_1: $(cat partial_stop.err)"

finish
