#!/usr/bin/python3
"""Regenerate doc/verification.md and its plots from the shipped examples.

Usage: /usr/bin/python3 scripts/verification.py [--quick] [--doc DIR]
                                                [--kwfp PATH] [--work DIR]

Every number in doc/verification.md comes from a run of build/kwfp made by
this script: the shipped parameter files in prm/, with the overrides
printed next to each table (mesh, degree, time step, ensemble size). The
runs take about 10 minutes on 2 cores. --quick uses coarse settings (about
a minute; the test doc.verification_script runs it) and writes to --doc,
which defaults to doc/.

The plots go to DIR/images/verification_*.png; the Markdown file is
DIR/verification.md.
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_csv(path):
    """Rows of a CSV file as dictionaries of floats ('#' lines skipped)."""
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return [{k: float(v) for k, v in r.items()} for r in rows]


def column(rows, key):
    return [r[key] for r in rows]


def rate(e_coarse, e_fine, ratio=2.0):
    """Observed order between two errors whose step/mesh size differs by ratio."""
    if e_coarse <= 0 or e_fine <= 0:
        return float("nan")
    return math.log(e_coarse / e_fine) / math.log(ratio)


def fmt(x, digits=3):
    if isinstance(x, str):
        return x
    if x != x:
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 1e-2 and abs(x) < 1e4:
        return f"{x:.{digits + 1}g}"
    return f"{x:.{digits - 1}e}"


def table(header, rows):
    """A Markdown table; numbers right-aligned."""
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(fmt(x) for x in r) + " |")
    return "\n".join(out)


class Runner:
    """Runs kwfp on a shipped parameter file with overrides appended.

    deal.II's ParameterHandler applies a 'set' in a repeated subsection
    after the earlier ones, so each override is a block at the end of a
    copy of the file."""

    def __init__(self, kwfp, work):
        self.kwfp = kwfp
        self.work = work
        self.seconds = 0.0

    def run(self, name, prm, overrides):
        out = os.path.join(self.work, name)
        text = open(os.path.join(TOP, "prm", prm)).read()
        overrides = dict(overrides)
        output = dict(overrides.pop("Output", {}))
        output.setdefault("Interval", "0")
        output["Directory"] = out
        overrides["Output"] = output
        for section, values in overrides.items():
            if section == "":
                text += "".join(f"\nset {k} = {v}" for k, v in values.items()) + "\n"
                continue
            path = section.split("/")
            text += "\n" + "".join(f"subsection {p}\n" for p in path)
            text += "".join(f"  set {k} = {v}\n" for k, v in values.items())
            text += "end\n" * len(path)
        prm_file = os.path.join(self.work, name + ".prm")
        with open(prm_file, "w") as f:
            f.write(text)
        start = time.time()
        result = subprocess.run([self.kwfp, prm_file], capture_output=True, text=True)
        self.seconds += time.time() - start
        if result.returncode != 0:
            sys.exit(f"verification: kwfp failed on {prm} ({name}), exit "
                     f"{result.returncode}:\n{result.stderr}{result.stdout[-2000:]}")
        return out


def prm_line(overrides):
    parts = []
    for section, values in overrides.items():
        for k, v in values.items():
            parts.append(f"`{section + '/' if section else ''}{k} = {v}`")
    return ", ".join(parts)


def closed_forms(runner, quick):
    """Section 1: the Gaussian closed form (4.11)/(4.14) in d = 1, 2, 3."""
    cases = [("gaussian_1d.prm", 1, {}), ("gaussian_2d.prm", 2, {}),
             ("gaussian_3d.prm", 3, {})]
    if quick:
        cases = [("gaussian_1d.prm", 1, {"Mesh": {"Global refinements": 5}}),
                 ("gaussian_2d.prm", 2, {"Mesh": {"Global refinements": 3},
                                         "Time stepping": {"Final time": 0.2}}),
                 ("gaussian_3d.prm", 3, {"Mesh": {"Global refinements": 2},
                                         "Time stepping": {"Final time": 0.1}})]
    rows = []
    for prm, d, over in cases:
        rows_csv = read_csv(os.path.join(runner.run(f"closed_{d}d", prm, over),
                                         "diagnostics.csv"))
        last = rows_csv[-1]
        mass = max(abs(r["mass"] - 1) for r in rows_csv)
        rows.append([f"`{prm}`", f"{d}", f"{last['time']:g}", f"{int(last['step'])}",
                     last["l1_error"], last["mean_error"], last["cov_error"],
                     abs(last["kl"] - last["kl_exact"]) / last["kl_exact"], mass,
                     min(r["min_density"] for r in rows_csv)])
    text = """## 1. The Gaussian closed form in 1, 2 and 3 dimensions

From a Gaussian initial density with a quadratic Phi_R the solution of (4.1)
stays Gaussian; its mean and covariance solve the ODEs (4.14)-(4.15)
(theory.md), which kwfp integrates with Boost odeint to 1e-12. Each shipped
example runs as it is (Q2, BDF2, the default flux-corrected scheme) and
`diagnostics.csv` holds the errors against the closed form at every step:
`l1_error` = ||rho_h - rho||_L1, `mean_error` = |m_h - m|, `cov_error` =
||C_h - C||_F, and the KL divergence to the posterior against its exact
value. The last two columns are the worst mass defect and the smallest
nodal density over all steps (negative values down to -1e-12 of the
maximum are round-off that the flux correction leaves alone, see
numerics.md). `gaussian_3d.prm` is a coarse demonstration (16^3 Q2
cells, dt = 0.025); `Gaussian3d.ConvergesAgainstClosedForm` checks that
its errors fall under refinement.

""" + table(["example", "d", "t", "steps", "L1 error", "mean error", "cov error",
             "KL rel. error", "max abs(mass - 1)", "min density"], rows) + "\n"
    return text


def space_convergence(runner, quick):
    """Section 2: L1 and L2 errors on G2 under mesh refinement."""
    sizes = [8, 16, 32] if quick else [16, 32, 64, 128]
    final = 0.5 if quick else 2
    text = """## 2. Convergence in space (benchmark G2)

Benchmark G2 (`prm/gaussian_2d.prm`: d = 2, u_0 = (1, -0.5), B = [[0.5,
0.2], [0.2, 0.8]], rho_0 = N((-1.5, 1.5), [[1, -0.3], [-0.3, 0.6]]), box
[-8, 8]^2) on n x n cells, errors at t = %g against the closed form. The
time step is small enough for the BDF2 error to stay below the spatial one
(section 3). Expected orders: p + 1 in L2 for Q_p Galerkin (2 for Q1, 3 for
Q2). The flux-corrected scheme (the default) limits only where the density
would become negative, so it keeps the order on this smooth problem.
""" % final
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for degree, dt in ((1, 0.005), (2, 0.0025)):
        for stab in ("none", "flux-corrected"):
            errors = []
            for n in sizes:
                over = {"Mesh": {"Subdivisions": n, "Global refinements": 0,
                                 "Finite element degree": degree,
                                 "Stabilization": stab},
                        "Time stepping": {"Time step": dt, "Final time": final,
                                          "Adaptive time step": "false"}}
                out = runner.run(f"space_q{degree}_{stab}_{n}", "gaussian_2d.prm", over)
                last = read_csv(os.path.join(out, "diagnostics.csv"))[-1]
                errors.append((n, (degree * n + 1) ** 2, last["l1_error"],
                               last["l2_error"], last["min_density"]))
            rows = []
            for i, (n, dofs, l1, l2, mind) in enumerate(errors):
                r1 = rate(errors[i - 1][2], l1) if i else float("nan")
                r2 = rate(errors[i - 1][3], l2) if i else float("nan")
                rows.append([f"{n} x {n}", f"{dofs}", l1, r1, l2, r2, mind])
            text += f"\n**Q{degree}, Stabilization = {stab}, dt = {dt}**\n\n"
            text += table(["cells", "unknowns", "L1 error", "rate", "L2 error",
                           "rate", "min density at t"], rows) + "\n"
            style = "-o" if stab == "none" else "--s"
            h = [16.0 / e[0] for e in errors]
            axes[0].loglog(h, [e[2] for e in errors], style, label=f"Q{degree} {stab}")
            axes[1].loglog(h, [e[3] for e in errors], style, label=f"Q{degree} {stab}")
    for ax, name in zip(axes, ("L1", "L2")):
        h = [16.0 / n for n in sizes]
        for p in (2, 3):
            ax.loglog(h, [(x / h[-1]) ** p * 1e-5 for x in h], ":", color="gray")
        ax.set_xlabel("h")
        ax.set_ylabel(f"{name} error at t = {final:g}")
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
    figure.suptitle("G2: error under mesh refinement (dotted: slopes 2 and 3)")
    figure.tight_layout()
    return text, figure


def time_convergence(runner, quick):
    """Section 3: BDF1 and BDF2 under time-step refinement in 1-D."""
    dts = [0.2, 0.1, 0.05] if quick else [0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125]
    refinement = 6 if quick else 10
    text = """## 3. Convergence in time

The 1-D example (`prm/gaussian_1d.prm`: u_0 = 2, B = 0.5, m_0 = -1, C_0 =
2, t in [0, 3]) on %d Q2 cells of [-10, 10], so that the spatial error
is far below the time error (checked below). C(rho) is taken
at the old step in BDF1 and extrapolated, C* = 2 C^n - C^{n-1}, in BDF2;
the expected orders are 1 and 2. Errors of the mean and the covariance at
t = 3 against the closed form:

""" % (2 ** refinement)
    figure, ax = plt.subplots(figsize=(5, 4))
    for scheme in ("BDF1", "BDF2"):
        errors = []
        for dt in dts:
            over = {"Mesh": {"Global refinements": refinement},
                    "Time stepping": {"Time step": dt, "Scheme": scheme}}
            out = runner.run(f"time_{scheme}_{dt}", "gaussian_1d.prm", over)
            last = read_csv(os.path.join(out, "diagnostics.csv"))[-1]
            errors.append((dt, last["mean_error"], last["cov_error"]))
        rows = []
        for i, (dt, em, ec) in enumerate(errors):
            rows.append([f"{dt:g}", em, rate(errors[i - 1][1], em) if i else float("nan"),
                         ec, rate(errors[i - 1][2], ec) if i else float("nan")])
        text += f"**{scheme}**\n\n" + table(["dt", "mean error", "rate", "cov error",
                                            "rate"], rows) + "\n\n"
        ax.loglog(dts, [e[1] for e in errors], "-o", label=f"{scheme} mean")
        ax.loglog(dts, [e[2] for e in errors], "--s", label=f"{scheme} covariance")
    # The spatial part: the finest BDF2 run again on twice as many cells.
    over = {"Mesh": {"Global refinements": refinement + 1},
            "Time stepping": {"Time step": dts[-1], "Scheme": "BDF2"}}
    finer = read_csv(os.path.join(runner.run("time_finer", "gaussian_1d.prm", over),
                                  "diagnostics.csv"))[-1]
    text += (f"Spatial part: the BDF2 run with dt = {dts[-1]:g} on {2 ** (refinement + 1)} "
             f"cells has mean error {fmt(finer['mean_error'])} and covariance error "
             f"{fmt(finer['cov_error'])}, against {fmt(errors[-1][1])} and "
             f"{fmt(errors[-1][2])} on {2 ** refinement}: the errors above are "
             "time-stepping errors.\n")
    ax.set_xlabel("dt")
    ax.set_ylabel("error at t = 3")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title("1-D Gaussian: error under time-step refinement")
    figure.tight_layout()
    return text, figure


def kl_decay(runner, quick):
    """Section 4: KL(rho(t)||rho_inf), the identity dKL/dt = -I_C, the rate."""
    dts = [0.02, 0.01, 0.005] if quick else [0.01, 0.005, 0.0025]
    refinement = 4 if quick else 6
    text = """## 4. KL decay and the dissipation identity

Along (4.1), d/dt KL(rho || rho_inf) = -I_C(rho) with the Kalman-Fisher
information I_C = int rho |C^{1/2} grad log(rho / rho_inf)|^2 (4.6). kwfp
checks it in `kl_decay.csv` step by step: `kl_drop` = KL^{n-1} - KL^n
against `dissipation` = the trapezoidal rule of I_C over the step, and
`relative_defect` = |kl_drop - dissipation| / kl_drop. The defect has a
time part, which must vanish at the order of the scheme (2 for BDF2), and
a spatial part that does not depend on dt; so the differences of the
relative defect between successive dt must fall as dt^2. G2
(`prm/gaussian_2d.prm`, Q2, %d x %d cells, BDF2), relative defect at
t = 0.5 and its largest value over the run, and the exponential rate
fitted to KL on t in [1, 2] against the same fit of the exact KL (the
closed form) and the bound of Proposition 2 (kl_decay.csv, `bound_rate`),
which the rate must exceed:

""" % (2 ** refinement, 2 ** refinement)
    rows = []
    runs = []
    for dt in dts:
        over = {"Mesh": {"Global refinements": refinement},
                "Time stepping": {"Time step": dt, "Adaptive time step": "false"}}
        out = runner.run(f"kl_{dt}", "gaussian_2d.prm", over)
        kl = read_csv(os.path.join(out, "kl_decay.csv"))
        diag = read_csv(os.path.join(out, "diagnostics.csv"))
        runs.append((dt, kl, diag))
        at = min(kl, key=lambda r: abs(r["time"] - 0.5))["relative_defect"]
        worst = max(abs(r["relative_defect"]) for r in kl)
        rows.append([f"{dt:g}", at, float("nan"), worst, kl[-1]["fitted_rate"],
                     kl[-1]["exact_rate"], kl[-1]["bound_rate"]])
    for i in range(2, len(rows)):
        rows[i][2] = rate(abs(rows[i - 2][1] - rows[i - 1][1]), abs(rows[i - 1][1] - rows[i][1]))
    text += table(["dt", "relative defect at t = 0.5", "rate of its differences",
                   "max relative defect", "fitted KL rate", "exact rate", "bound"],
                  rows) + "\n"
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    dt, kl, diag = runs[-1]
    axes[0].semilogy(column(diag, "time"), column(diag, "kl"), label="finite elements")
    axes[0].semilogy(column(diag, "time"), column(diag, "kl_exact"), "--", label="exact")
    axes[0].set_xlabel("t")
    axes[0].set_ylabel("KL(rho(t) || rho_inf)")
    axes[0].legend()
    steps = [r for r in kl if r["step"] > 0]
    axes[1].semilogy([r["time"] for r in steps], [r["kl_drop"] / dt for r in steps],
                     label="-(KL^n - KL^{n-1}) / dt")
    axes[1].semilogy([r["time"] for r in steps], [r["dissipation"] / dt for r in steps],
                     "--", label="I_C (trapezoidal mean)")
    axes[1].set_xlabel("t")
    axes[1].legend()
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    figure.suptitle(f"G2, dt = {dt:g}: KL decay and the identity dKL/dt = -I_C")
    figure.tight_layout()
    return text, figure


def particles_versus_pde(runner, quick):
    """Section 5: particles against the finite elements and the closed form."""
    J = 1000 if quick else 10000
    over = {"Particles": {"Ensemble size": J, "Output interval": 0},
            "Output": {"Plots": "false"}}
    if quick:
        over["Mesh"] = {"Global refinements": 4}
        over["Time stepping"] = {"Final time": 0.5}
    out = runner.run("compare", "compare_2d.prm", over)
    comparison = read_csv(os.path.join(out, "comparison.csv"))
    part = read_csv(os.path.join(out, "particles.csv"))
    diag = read_csv(os.path.join(out, "diagnostics.csv"))
    text = """## 5. Particles against the PDE

`prm/compare_2d.prm` (Solver = both): G2 by finite elements (Q2, 64 x 64,
BDF2) and by the ensemble Kalman sampler in gradient form with the
finite-ensemble correction (eks-gradient, J = %d, Euler-Maruyama dt =
0.001), whose mean-field limit is (4.1). At each comparison time the
particles' kernel density estimate (Scott's bandwidth) is compared with
the finite-element density and both with the exact density. The KDE's own
bias (`kde_l1_bound`, the L1 distance between the exact density and its
convolution with the kernel) sets how close the particles can come in L1;
the Gaussian W2 distance compares the moments only and is free of it.

""" % J
    rows = []
    targets = [0.0, 0.5, 1.0, 2.0] if not quick else [0.0, 0.5]
    for t in targets:
        r = min(comparison, key=lambda r: abs(r["time"] - t))
        if rows and rows[-1][0] == f"{r['time']:g}":
            continue
        rows.append([f"{r['time']:g}", r["fe_exact_l1"], r["particles_exact_l1"],
                     r["fe_particles_l1"], r["kde_l1_bound"], r["fe_exact_gaussian_w2"],
                     r["particles_exact_gaussian_w2"]])
    text += table(["t", "L1(FE, exact)", "L1(KDE, exact)", "L1(FE, KDE)", "KDE bias bound",
                   "W2(FE, exact)", "W2(particles, exact)"], rows) + "\n"

    # Monte Carlo scaling of the moment errors with J, several seeds.
    sizes = [250, 1000, 4000] if quick else [1000, 4000, 16000, 64000]
    seeds = list(range(1, 9))
    text += """
The particle error is Monte Carlo error, which must fall as J^{-1/2}. The
same problem with Solver = particles to t = %g, root mean square over seeds
%s of the mean and covariance errors against the closed form (the
Euler-Maruyama bias at dt = 0.001 is of order 1e-3):

""" % (0.5 if quick else 2, ", ".join(map(str, seeds)))
    mc = []
    for size in sizes:
        em, ec = 0.0, 0.0
        for seed in seeds:
            o = {"": {"Solver": "particles"},
                 "Particles": {"Ensemble size": size, "Seed": seed, "Output interval": 0,
                               "Statistics interval": 100}}
            if quick:
                o["Time stepping"] = {"Final time": 0.5}
            last = read_csv(os.path.join(runner.run(f"mc_{size}_{seed}", "compare_2d.prm", o),
                                         "particles.csv"))[-1]
            em += last["mean_error"] ** 2 / len(seeds)
            ec += last["cov_error"] ** 2 / len(seeds)
        mc.append((size, math.sqrt(em), math.sqrt(ec)))
    # For J independent draws from N(m, C): E|ubar - m|^2 = tr C / J and
    # E||C_J - C||_F^2 = sum_ik (C_ii C_kk + C_ik^2) / J (C from the closed
    # form at the final time). The particles interact, so this is a scale,
    # not a bound.
    d = 2
    C = [[diag[-1][f"exact_cov_{min(i, k) + 1}_{max(i, k) + 1}"] for k in range(d)]
         for i in range(d)]
    trace = sum(C[i][i] for i in range(d))
    fourth = sum(C[i][i] * C[k][k] + C[i][k] ** 2 for i in range(d) for k in range(d))
    rows = []
    for i, (size, em, ec) in enumerate(mc):
        rows.append([f"{size}", em, math.sqrt(trace / size),
                     rate(mc[i - 1][1], em, 4) if i else float("nan"),
                     ec, math.sqrt(fourth / size),
                     rate(mc[i - 1][2], ec, 4) if i else float("nan")])
    total_m = rate(mc[0][1], mc[-1][1], sizes[-1] / sizes[0])
    total_c = rate(mc[0][2], mc[-1][2], sizes[-1] / sizes[0])
    text += table(["J", "RMS mean error", "iid: sqrt(tr C / J)", "order in 1/J",
                   "RMS cov error", "iid: sqrt(sum(C_ii C_kk + C_ik^2) / J)",
                   "order in 1/J"], rows)
    text += f"""

Expected order in 1/J: 0.5; over the whole range J = {sizes[0]} to {sizes[-1]}
the observed orders are {total_m:.2f} (mean) and {total_c:.2f} (covariance).
With {len(seeds)} seeds each RMS value is itself uncertain by about 15 %,
which is why the orders between neighbouring rows scatter. At J = {sizes[-1]}
the RMS errors are {mc[-1][1] / math.sqrt(trace / sizes[-1]):.2f} (mean) and
{mc[-1][2] / math.sqrt(fourth / sizes[-1]):.2f} (covariance) times those of J
independent samples from the exact law.
"""

    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes[0].plot(column(diag, "time"), column(diag, "mean_1"), label="FE mean 1")
    axes[0].plot(column(diag, "time"), column(diag, "exact_mean_1"), "k:", label="exact")
    axes[0].plot(column(part, "time"), column(part, "mean_1"), "--", label="particles mean 1")
    axes[0].plot(column(diag, "time"), column(diag, "cov_1_2"), label="FE cov 12")
    axes[0].plot(column(diag, "time"), column(diag, "exact_cov_1_2"), "k:")
    axes[0].plot(column(part, "time"), column(part, "cov_1_2"), "--", label="particles cov 12")
    axes[0].set_xlabel("t")
    axes[0].legend()
    axes[0].set_title(f"moments, J = {J}")
    axes[1].loglog([m[0] for m in mc], [m[1] for m in mc], "-o", label="RMS mean error")
    axes[1].loglog([m[0] for m in mc], [m[2] for m in mc], "-s", label="RMS cov error")
    axes[1].loglog([m[0] for m in mc], [mc[0][1] * (m[0] / mc[0][0]) ** -0.5 for m in mc],
                   ":", color="gray", label="J^{-1/2}")
    axes[1].set_xlabel("J")
    axes[1].legend()
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    return text, figure


def figure_one(runner, quick, images):
    """Section 6: the paper's Section 5 elliptic problem (Figure 1)."""
    over = {"Output": {"Plots": "true"}}
    if quick:
        over["Metropolis"] = {"Samples": 10000, "Burn-in": 2000}
    out = runner.run("elliptic", "elliptic_2d.prm", over)
    diag = read_csv(os.path.join(out, "diagnostics.csv"))
    table_md = open(os.path.join(out, "posterior_table.md")).read()
    with open(os.path.join(out, "posterior_table.csv")) as f:
        methods = {r["method"]: r for r in csv.DictReader(f)}
    fe, quad, mh = ({k: float(v) for k, v in methods[name].items() if k.startswith(("mean", "cov"))}
                    for name in ("finite elements", "quadrature of exp(-Phi_R)/Z",
                                 "random-walk Metropolis"))
    shutil.copy(os.path.join(out, "posterior_comparison.png"),
                os.path.join(images, "verification_figure_1.png"))
    dts = column(diag, "dt")[1:]
    return """## 6. The paper's Figure 1: the elliptic inverse problem

`prm/elliptic_2d.prm`: the forward map (5.2)-(5.3) observed at x = 0.25 and
0.75, y = (27.5, 79.7), gamma = 0.1, prior N(0, 10^2 I). The particle
methods of the paper (eks derivative-free, eki-opt, herty-visconti) start
from N(0, 1) x U(90, 110) with J = 1000 and 30 adaptive steps; random-walk
Metropolis draws 1e5 samples; the quadrature of exp(-Phi_R)/Z on the final
mesh gives the exact posterior moments. The finite-element run (Q1,
adaptive mesh, adaptive BDF2, flux-corrected) starts from a Gaussian near
the posterior (doc/numerics.md, "Limits", says why not from the paper's
initial law); its time step went from %s to %s (the table gives the
steps and cells), and the smallest nodal density over the run was %s.

%s
As in the paper, eks reproduces the posterior up to its finite-ensemble
and discretization bias and eki-opt collapses to a point. The FE density
at the final time differs from the quadrature by %s in the mean and by
%.1f %% in the largest covariance entry (`Elliptic.*` asserts 0.01 and
5 %%); Metropolis differs from the quadrature by %s in the mean.

![Figure 1](images/verification_figure_1.png)
""" % (fmt(min(dts)), fmt(max(dts)), fmt(min(column(diag, "min_density"))), table_md,
       fmt(max(abs(fe[k] - quad[k]) for k in ("mean_1", "mean_2"))),
       100 * max(abs(fe[k] - quad[k]) / abs(quad[k]) for k in ("cov_1_1", "cov_1_2", "cov_2_2")),
       fmt(max(abs(mh[k] - quad[k]) for k in ("mean_1", "mean_2"))))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--doc", default=os.path.join(TOP, "doc"))
    parser.add_argument("--kwfp", default=os.path.join(TOP, "build", "kwfp"))
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    if not os.access(args.kwfp, os.X_OK):
        sys.exit(f"verification: no kwfp executable at {args.kwfp} (build first)")
    work = args.work or tempfile.mkdtemp(prefix="kwfp_verification_")
    os.makedirs(work, exist_ok=True)
    images = os.path.join(args.doc, "images")
    os.makedirs(images, exist_ok=True)
    runner = Runner(args.kwfp, work)

    parts = [closed_forms(runner, args.quick)]
    for name, section in (("space", space_convergence), ("time", time_convergence),
                          ("kl", kl_decay), ("particles", particles_versus_pde)):
        text, figure = section(runner, args.quick)
        png = f"verification_{name}.png"
        figure.savefig(os.path.join(images, png), dpi=110)
        plt.close(figure)
        parts.append(text + f"\n![{name}](images/{png})\n")
    parts.append(figure_one(runner, args.quick, images))

    header = """# Verification

What kwfp's numbers are checked against, with the results of the current
code. This file is generated by `scripts/verification.py` (%s; %.0f s of
kwfp runs on this machine); run it again after a change of the numerics.
The regression tests in `tests/` assert the same properties with
tolerances derived from the discretization (listed in each section's
test), so a change that breaks one of them fails the test suite.

Tests (ctest names) that assert what this page shows:
- closed forms: `GaussianClosedForm.*`, `Gaussian1d.*`, `Gaussian3d.*`,
  `FixedDiffusion2d.*`, `OrnsteinUhlenbeck2d.*`;
- space and time convergence: `G2.SpaceConvergenceQ1/Q2` (L2 rates within
  0.2 of 2 and 0.3 of 3), `G2.TimeConvergenceBdf1/Bdf2*` (within 0.1 of 1
  and 0.2 of 2), `FluxCorrection.LowOrderSchemeConvergesForAnisotropicC`,
  `DoubleWell.SelfConvergesInSpaceAndTime` (a non-Gaussian case);
- KL decay: `DissipationIdentity.DefectConvergesAtTheTimeSteppingOrder`,
  `KlDecay.FittedRateMatchesTheExactRate`,
  `GaussianClosedForm.KlDissipationIsKalmanFisherInformation`;
- particles: `ParticlesLinearGaussian.*`, `ParticlesEki.*`,
  `ParticleComparison.FeAndParticlesAgreeWithinTheKdeBound` (Monte Carlo
  tolerances from the standard error);
- Figure 1: `Elliptic.*`, `PosteriorTable.*`, `Metropolis.*`.

""" % ("quick settings: NOT the published figures" if args.quick else "full settings",
       runner.seconds)
    with open(os.path.join(args.doc, "verification.md"), "w") as f:
        f.write(header + "\n".join(parts))
    if not args.work:
        shutil.rmtree(work)
    print(f"verification: wrote {os.path.join(args.doc, 'verification.md')} "
          f"({runner.seconds:.0f} s of kwfp runs)")


if __name__ == "__main__":
    main()
