#!/usr/bin/python3
"""Plots of a kwfp run (Debian's python3-matplotlib).

Usage: /usr/bin/python3 scripts/plot_results.py OUTPUT_DIRECTORY [TIMES...]

Reads diagnostics.csv, kl_decay.csv, and when present particles.csv,
comparison.csv and snapshots/ from the output directory and writes there
- kl.png:          KL(rho(t) || rho_inf) on a log scale: finite elements,
                   particles (their kernel density estimate), exact;
- dissipation.png: I_C(t) and -dKL/dt of the finite-element solution
                   (the identity (4.6) says they agree);
- moments.png:     mean and covariance entries against time: finite
                   elements, particles, exact;
- contours.png:    (d = 2, with snapshots) contours of the finite-element
                   density with the particles on top, at the snapshot times
                   nearest to TIMES (default: first, middle, last).
"""
import csv
import glob
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.tri as mtri  # noqa: E402


def read_csv(path):
    """Columns of a CSV file (lines starting with '#' skipped)."""
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return {k: [float(r[k]) for r in rows] for k in rows[0]} if rows else {}


def snapshot_time(path):
    with open(path) as f:
        return float(f.readline().split("=")[1])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    wanted = [float(t) for t in sys.argv[2:]]
    fe = read_csv(os.path.join(out, "diagnostics.csv"))
    decay = read_csv(os.path.join(out, "kl_decay.csv"))
    particles = (read_csv(os.path.join(out, "particles.csv"))
                 if os.path.exists(os.path.join(out, "particles.csv")) else None)
    comparison = (read_csv(os.path.join(out, "comparison.csv"))
                  if os.path.exists(os.path.join(out, "comparison.csv")) else None)
    written = []

    # KL on a log scale
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(fe["time"], fe["kl"], label="finite elements")
    if "kl_exact" in fe:
        ax.semilogy(fe["time"], fe["kl_exact"], "k--", label="exact (4.11)")
    if comparison:
        ax.semilogy(comparison["time"], comparison["particles_kl_stationary"],
                    "o", label="particles (kernel density estimate)")
    rate = decay["fitted_rate"][0]
    ax.set_title("KL(rho(t) || rho_inf); fitted rate %.4g" % rate)
    ax.set_xlabel("t")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "kl.png"), dpi=120)
    written.append("kl.png")

    # I_C and -dKL/dt
    fig, ax = plt.subplots(figsize=(6, 4))
    t, kl = decay["time"], decay["kl"]
    mid = [(t[i] + t[i + 1]) / 2 for i in range(len(t) - 1)]
    slope = [-(kl[i + 1] - kl[i]) / (t[i + 1] - t[i]) for i in range(len(t) - 1)]
    ax.semilogy(t, decay["kalman_fisher"], label="I_C(t), (4.6)")
    ax.semilogy(mid, slope, "--", label="-dKL/dt (differences)")
    ax.set_title("Dissipation; largest relative defect %.2e"
                 % max(decay["relative_defect"]))
    ax.set_xlabel("t")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "dissipation.png"), dpi=120)
    written.append("dissipation.png")

    # moments
    names = [k for k in fe if re.fullmatch(r"(mean|cov)_[0-9_]+", k)]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for k in names:
        ax = axes[0] if k.startswith("mean_") else axes[1]
        line, = ax.plot(fe["time"], fe[k], label=k + " FE")
        if "exact_" + k in fe:
            ax.plot(fe["time"], fe["exact_" + k], "k:", lw=1)
        if particles and k in particles:
            ax.plot(particles["time"], particles[k], ".", ms=3,
                    color=line.get_color(), label=k + " particles")
    axes[0].set_title("mean (dotted: exact)")
    axes[1].set_title("covariance (dotted: exact)")
    for ax in axes:
        ax.set_xlabel("t")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "moments.png"), dpi=120)
    written.append("moments.png")

    # density contours with the particles (d = 2)
    densities = sorted(glob.glob(os.path.join(out, "snapshots", "density-*.csv")))
    if densities:
        times = [snapshot_time(p) for p in densities]
        if not wanted:
            wanted = [times[0], times[len(times) // 2], times[-1]]
        chosen = sorted({min(range(len(times)), key=lambda i: abs(times[i] - w))
                         for w in wanted})
        fig, axes = plt.subplots(1, len(chosen), figsize=(4.5 * len(chosen), 4.2),
                                 squeeze=False)
        for ax, i in zip(axes[0], chosen):
            d = read_csv(densities[i])
            p = read_csv(densities[i].replace("density-", "particles-"))
            tri = mtri.Triangulation(d["x"], d["y"])
            ax.scatter(p["u_1"], p["u_2"], s=0.3, c="tab:red", alpha=0.3,
                       label="particles")
            top = max(d["fe_density"])
            ax.tricontour(tri, d["fe_density"],
                          levels=[top * f for f in (0.01, 0.1, 0.3, 0.5, 0.7, 0.9)],
                          colors="k", linewidths=0.8)
            ax.set_title("t = %.3g" % times[i])
            ax.set_aspect("equal")
            ax.set_xlim(min(p["u_1"]) - 1, max(p["u_1"]) + 1)
            ax.set_ylim(min(p["u_2"]) - 1, max(p["u_2"]) + 1)
        fig.suptitle("finite-element density (contours) and particles")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "contours.png"), dpi=120)
        written.append("contours.png")
    print("kwfp plots: " + ", ".join(os.path.join(out, w) for w in written))


if __name__ == "__main__":
    main()
