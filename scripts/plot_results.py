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
                   density with the particles and (with gaussian.csv) the
                   Gaussian closure's 1 and 2 sigma ellipses on top, at the
                   snapshot times
                   nearest to TIMES (default: first, middle, last);
- closure.png:     (with the Gaussian closure, gaussian.csv and
                   closure_comparison.csv) KL(FE || closure) and the
                   differences of the moments against time, the closure's
                   free energy, and for d = 2 the final finite-element
                   density (contours) with the closure's Gaussians (1 and 2
                   sigma ellipses) along its path;
- posterior_comparison.png: (d = 2, with particles_<method>/ runs, the
                   paper's Figure 1) final ensembles and Metropolis samples,
                   an ensemble over the final finite-element density, and
                   the data misfit against the iteration.
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
        gaussian_csv = os.path.join(out, "gaussian.csv")
        g = read_csv(gaussian_csv) if os.path.exists(gaussian_csv) else None
        if g is not None and ("mean_2" not in g or "mean_3" in g):
            g = None  # the ellipses need d = 2 and one component
        for ax, i in zip(axes[0], chosen):
            d = read_csv(densities[i])
            particles_csv = densities[i].replace("density-", "particles-")
            p = read_csv(particles_csv) if os.path.exists(particles_csv) else None
            tri = mtri.Triangulation(d["x"], d["y"])
            if p:
                ax.scatter(p["u_1"], p["u_2"], s=0.3, c="tab:red", alpha=0.3,
                           label="particles")
            top = max(d["fe_density"])
            ax.tricontour(tri, d["fe_density"],
                          levels=[top * f for f in (0.01, 0.1, 0.3, 0.5, 0.7, 0.9)],
                          colors="k", linewidths=0.8)
            if g is not None:
                # the closure's N(m, C) at the row nearest the snapshot time
                k = min(range(len(g["time"])),
                        key=lambda r: abs(g["time"][r] - times[i]))
                closure_ellipses(ax, g, k, "tab:blue", "Gaussian closure")
                ax.legend(fontsize=7, loc="upper left")
            ax.set_title("t = %.3g" % times[i])
            ax.set_aspect("equal")
            if p:
                ax.set_xlim(min(p["u_1"]) - 1, max(p["u_1"]) + 1)
                ax.set_ylim(min(p["u_2"]) - 1, max(p["u_2"]) + 1)
        parts = ["finite-element density (contours)"]
        if os.path.exists(densities[0].replace("density-", "particles-")):
            parts.append("particles")
        if g is not None:
            parts.append("the Gaussian closure's N(m, C) (1 and 2 sigma)")
        fig.suptitle(", ".join(parts[:-1]) + " and " + parts[-1]
                     if len(parts) > 1 else parts[0])
        fig.tight_layout()
        fig.savefig(os.path.join(out, "contours.png"), dpi=120)
        written.append("contours.png")
    written += closure_plot(out)
    written += posterior_comparison(out)
    print("kwfp plots: " + ", ".join(os.path.join(out, w) for w in written))


def closure_ellipses(ax, g, i, colour, label):
    """The 1 and 2 sigma ellipses m + r L (cos t, sin t), C = L L^T, of the
    closure's N(m, C) in row i of gaussian.csv (d = 2), and its mean."""
    import math
    m1, m2 = g["mean_1"][i], g["mean_2"][i]
    a, b, cc = g["cov_1_1"][i], g["cov_1_2"][i], g["cov_2_2"][i]
    l11 = math.sqrt(a)
    l21 = b / l11
    l22 = math.sqrt(max(cc - l21 * l21, 0.0))
    for r in (1, 2):
        xs, ys = [], []
        for k in range(101):
            t = 2 * math.pi * k / 100
            xs.append(m1 + r * l11 * math.cos(t))
            ys.append(m2 + r * (l21 * math.cos(t) + l22 * math.sin(t)))
        ax.plot(xs, ys, color=colour, lw=1, label=label if r == 1 else None)
    ax.plot([m1], [m2], "o", color=colour, ms=3)


def closure_plot(out):
    """closure.png: the Gaussian closure against the finite elements."""
    comparison = os.path.join(out, "closure_comparison.csv")
    gaussian = os.path.join(out, "gaussian.csv")
    if not (os.path.exists(comparison) and os.path.exists(gaussian)):
        return []
    c = read_csv(comparison)
    g = read_csv(gaussian)
    density = os.path.join(out, "density_final.csv")
    two_d = "mean_2" in g and "mean_3" not in g and os.path.exists(density)
    fig, axes = plt.subplots(1, 3 if two_d else 2,
                             figsize=(15 if two_d else 10, 4.2))
    for key, label in (("kl_fe_closure", "KL(FE || closure)"),
                       ("mean_difference", "|m_FE - m_closure|"),
                       ("cov_difference", "||C_FE - C_closure||_F")):
        axes[0].semilogy(c["time"], [max(v, 1e-16) for v in c[key]], label=label)
    axes[0].set_xlabel("t")
    axes[0].set_title("finite elements against the Gaussian closure")
    axes[0].legend(fontsize=7)
    axes[1].plot(g["time"], g["free_energy"])
    axes[1].set_xlabel("t")
    axes[1].set_title("closure free energy E[Phi_R] - 1/2 ln det(2 pi e C)")
    if two_d:
        d = read_csv(density)
        tri = mtri.Triangulation(d["u_1"], d["u_2"])
        top = max(d["density"])
        axes[2].tricontour(tri, d["density"],
                           levels=[top * f for f in (0.01, 0.1, 0.3, 0.5, 0.7, 0.9)],
                           colors="k", linewidths=0.8)
        n = len(g["time"])
        for j, i in enumerate(sorted({0, n // 8, n // 4, n // 2, n - 1})):
            closure_ellipses(axes[2], g, i, plt.cm.viridis(j / 4),
                             "closure t = %.3g" % g["time"][i])
        axes[2].set_aspect("equal")
        axes[2].set_title("final FE density (contours), closure N(m, C)")
        axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "closure.png"), dpi=120)
    return ["closure.png"]


COLOURS = {"eks": "tab:green", "eki-opt": "tab:red",
           "herty-visconti": "tab:blue", "eks-gradient": "tab:olive",
           "eki": "tab:purple", "langevin": "tab:brown"}


def read_points(path):
    """Rows of a CSV file of numbers (header skipped) as lists of columns."""
    with open(path) as f:
        rows = [list(map(float, line.split(","))) for line in f.readlines()[1:]
                if line.strip()]
    return list(zip(*rows)) if rows else []


def posterior_comparison(out):
    """The paper's Figure 1 (d = 2): the final particle clouds of every
    particle run in OUT/particles_<method>/ and the Metropolis samples (top
    left), the first run's cloud over contours of the final finite-element
    density (top right), and the data misfit 1/J sum_j 1/2 |y - G(u_j)|^2_Gamma
    against the iteration with the noise level K/2 (bottom)."""
    runs = sorted(glob.glob(os.path.join(out, "particles_*", "particles.csv")))
    if not runs:
        return []
    methods = [os.path.basename(os.path.dirname(r))[len("particles_"):]
               for r in runs]
    clouds = []
    for r in runs:
        e = read_csv(os.path.join(os.path.dirname(r), "ensemble_final.csv"))
        if "u_1" not in e or "u_2" not in e or "u_3" in e:
            return []  # d = 2 only
        clouds.append((e["u_1"], e["u_2"]))
    fig = plt.figure(figsize=(11, 8))
    top_left = fig.add_subplot(2, 2, 1)
    top_right = fig.add_subplot(2, 2, 2)
    bottom = fig.add_subplot(2, 1, 2)
    samples = os.path.join(out, "metropolis_samples.csv")
    if os.path.exists(samples):
        m = read_points(samples)
        top_left.scatter(m[0], m[1], s=2, c="tab:orange", alpha=0.5,
                         label="RWMH")
    for method, cloud in zip(methods, clouds):
        # a collapsed ensemble (eki-opt) is drawn large and on top
        span = max(max(c[0]) - min(c[0]) for c in clouds)
        collapsed = max(cloud[0]) - min(cloud[0]) < 0.02 * span
        top_left.scatter(cloud[0], cloud[1], s=40 if collapsed else 2,
                         alpha=1 if collapsed else 0.6,
                         zorder=3 if collapsed else 2,
                         c=COLOURS.get(method, "k"),
                         label=method + (" (collapsed)" if collapsed else ""))
    top_left.set_xlabel("u_1")
    top_left.set_ylabel("u_2")
    top_left.set_title("final ensembles and Metropolis samples")
    top_left.legend(fontsize=8, markerscale=4)

    density = os.path.join(out, "density_final.csv")
    first = methods.index("eks") if "eks" in methods else 0
    cloud = clouds[first]
    top_right.scatter(cloud[0], cloud[1], s=2, alpha=0.6,
                      c=COLOURS.get(methods[first], "k"), label=methods[first])
    if os.path.exists(density):
        d = read_points(density)
        u1, u2 = min(cloud[0]), max(cloud[0])
        v1, v2 = min(cloud[1]), max(cloud[1])
        pad1, pad2 = 0.3 * (u2 - u1), 0.3 * (v2 - v1)
        keep = [i for i in range(len(d[0]))
                if u1 - pad1 <= d[0][i] <= u2 + pad1
                and v1 - pad2 <= d[1][i] <= v2 + pad2]
        if len(keep) > 10:
            tri = mtri.Triangulation([d[0][i] for i in keep],
                                     [d[1][i] for i in keep])
            values = [d[2][i] for i in keep]
            top = max(values)
            top_right.tricontour(tri, values,
                                 levels=[top * f for f in
                                         (0.01, 0.05, 0.2, 0.4, 0.6, 0.8)],
                                 colors="k", linewidths=0.8)
        top_right.set_xlim(u1 - pad1, u2 + pad1)
        top_right.set_ylim(v1 - pad2, v2 + pad2)
    top_right.set_title("%s ensemble over the finite-element density"
                        % methods[first])
    top_right.set_xlabel("u_1")

    n_data = None
    with open(os.path.join(out, "parameters.prm")) as f:
        for line in f:
            if line.strip().startswith("set Data y"):
                value = line.split("=", 1)[1].split("#", 1)[0]
                n_data = len(value.split(","))
    for method, run in zip(methods, runs):
        p = read_csv(run)
        if "mean_misfit" in p:
            bottom.semilogy(p["step"], p["mean_misfit"], "-",
                            c=COLOURS.get(method, "k"), label=method)
    if n_data:
        bottom.axhline(n_data / 2, color="k", ls=":",
                       label="noise level K/2 = %g" % (n_data / 2))
    bottom.set_xlabel("iteration")
    bottom.set_title("data misfit 1/J sum_j 1/2 |y - G(u_j)|^2_Gamma")
    bottom.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "posterior_comparison.png"), dpi=120)
    return ["posterior_comparison.png"]


if __name__ == "__main__":
    main()
