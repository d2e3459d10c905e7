#!/usr/bin/env bash
# Issue 23's elliptic target: the finite elements of the paper's elliptic
# problem (prm/elliptic_2d.prm without particles and chain) with Q1 as
# shipped (benchmarks/prm/bench_elliptic_q1.prm) and with Q2 on a coarser
# mesh adapted less often (bench_elliptic_q2.prm), run alternately N times
# (default 3). Prints, per configuration, the median wall time of the whole
# process with its range, the ratio to Q1, ms per step, GMRES iterations per
# step, and the largest difference of the mean (and the relative one of the
# covariance) at T = 8 from the quadrature of exp(-Phi_R)/Z on the final
# mesh (posterior.csv; target 2e-4 for the mean). About 30 s with N = 3.
# Usage: benchmarks/elliptic.sh [N]   (KWFP: the executable, default
# build/kwfp)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kwfp=${KWFP:-$here/../build/kwfp}
n=${1:-3}
work=$(mktemp -d /tmp/kwfp_bench_elliptic.XXXXXX)
trap 'rm -rf "$work"' EXIT
for q in q1 q2; do
  sed "s|output/bench_elliptic_$q|$work/out_$q|" \
    "$here/prm/bench_elliptic_$q.prm" > "$work/$q.prm"
done
for i in $(seq 1 "$n"); do
  for q in q1 q2; do
    start=$(date +%s.%N)
    "$kwfp" "$work/$q.prm" > "$work/$q.$i.log" 2>&1
    end=$(date +%s.%N)
    awk -v q="$q" -v a="$start" -v b="$end" 'BEGIN { print q, b - a }' >> "$work/times"
  done
done
/usr/bin/python3 - "$work" << 'PY'
import csv, os, re, statistics, sys
work = sys.argv[1]
times = {}
for line in open(os.path.join(work, "times")):
    q, t = line.split()
    times.setdefault(q, []).append(float(t))
base = statistics.median(times["q1"])
print("| elliptic, finite elements to T = 8 | wall s (median, range) | vs Q1 "
      "| ms per step | GMRES its per step | mean - quadrature | cov rel. |")
print("|---|---:|---:|---:|---:|---:|---:|")
for q, label in (("q1", "Q1, 12^2 coarse, adapted every 5 steps"),
                 ("q2", "Q2, 8^2 coarse, adapted every 20 steps")):
    t = times[q]
    log = open(os.path.join(work, f"{q}.1.log")).read()
    m = re.search(r"(\d+) steps in \S+ s \((\S+) ms per step\), (\d+) GMRES",
                  log)
    steps, ms, its = int(m.group(1)), float(m.group(2)), int(m.group(3))
    d = list(csv.DictReader(open(os.path.join(work, f"out_{q}",
                                              "diagnostics.csv"))))[-1]
    p = list(csv.DictReader(open(os.path.join(work, f"out_{q}",
                                              "posterior.csv"))))[-1]
    dm = max(abs(float(d[k]) - float(p[k])) for k in ("mean_1", "mean_2"))
    dc = max(abs(float(d[k]) - float(p[k])) / abs(float(p[k]))
             for k in ("cov_1_1", "cov_1_2", "cov_2_2"))
    med = statistics.median(t)
    print(f"| {label} | {med:.2f} ({min(t):.2f}-{max(t):.2f}) | "
          f"{med / base:.2f} | {ms:.1f} | {its / steps:.1f} | {dm:.2e} | "
          f"{100 * dc:.2f} % |")
PY
