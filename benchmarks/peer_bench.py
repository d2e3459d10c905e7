#!/usr/bin/env python3
"""kwfp against the FEniCSx peer (issue 23); run through benchmarks/peer.sh.

For each target, kwfp (the whole process, 1 rank, benchmarks/prm/bench_*.prm:
no fields, diagnostics.csv every 0.05 in time) and the peer
(../shared/peers/fenicsx_kw2d.py, its time loop 'loop_s', JIT and set-up
excluded) run alternately N times each. Then kwfp alone with the
preconditioner chosen by hand (Jacobi, ILU, AMG) and with 'Stabilization =
none' on the targets of --hand-targets. Prints markdown tables on stdout,
progress on stderr; --json FILE keeps every run's figures.

Standard library only (the peer needs python3-dolfinx, python3-scipy).
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name: (label, prm file, peer arguments, final time)
TARGETS = {
    "g2_128": ("G2 128^2, dt 0.0025, T 2", "bench_g2_128.prm",
               ["--problem", "G2", "--cells", "128", "--dt", "0.0025", "--times", "2"], 2.0),
    "banana_64": ("banana 64^2, dt 0.005, T 4", "bench_banana_64.prm",
                  ["--problem", "banana", "--cells", "64", "--dt", "0.005", "--times", "4"], 4.0),
    "banana_128": ("banana 128^2, dt 0.005, T 4", "bench_banana_128.prm",
                   ["--problem", "banana", "--cells", "128", "--dt", "0.005", "--times", "4"], 4.0),
    "bimodal_64": ("bimodal 64^2, dt 0.005, T 4", "bench_bimodal_64.prm",
                   ["--problem", "bimodal", "--cells", "64", "--dt", "0.005", "--times", "4"], 4.0),
}

# name: (label, parameter lines appended to the file)
VARIANTS = {
    "default": ("auto, flux-corrected (default)", ""),
    "Jacobi": ("Preconditioner = Jacobi", "subsection Linear solver\n  set Preconditioner = Jacobi\nend\n"),
    "ILU": ("Preconditioner = ILU", "subsection Linear solver\n  set Preconditioner = ILU\nend\n"),
    "AMG": ("Preconditioner = AMG", "subsection Linear solver\n  set Preconditioner = AMG\nend\n"),
    "none": ("auto, Stabilization = none", "subsection Mesh\n  set Stabilization = none\nend\n"),
}
HAND_VARIANTS = ["Jacobi", "ILU", "AMG", "none"]

NUM = r"([-+0-9.eE]+|nan|inf)"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_process(cmd, cwd, env, timeout, out_path):
    """Runs cmd in its own process group; returns (exit code or None on timeout, wall seconds,
    CPU seconds of the children waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out_path, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            code = None
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, wall, cpu


def wait_for(path, seconds=300):
    """The binary may be rebuilt under us: wait for it to reappear."""
    waited = 0
    while not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if waited >= seconds:
            raise SystemExit(f"peer_bench: {path} missing for {seconds} s")
        if waited == 0:
            log(f"  waiting for {path} to reappear (rebuild?)")
        time.sleep(10)
        waited += 10


def binary_id(path):
    """mtime and the first 12 hex digits of the sha256 of the executable (it may be rebuilt during a run)."""
    import hashlib
    wait_for(path)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    mtime = time.strftime("%Y-%m-%d %H:%M", time.gmtime(os.path.getmtime(path)))
    return f"built {mtime} UTC, sha256 {h.hexdigest()[:12]}"


def last_csv_row(path):
    with open(path) as fh:
        lines = [l for l in fh.read().splitlines() if l.strip()]
    head = lines[0].split(",")
    return dict(zip(head, (float(v) for v in lines[-1].split(","))))


def parse_kwfp(text):
    r = {}
    m = re.search(r"kwfp: (\d+) steps in " + NUM + r" s \(" + NUM + r" ms per step\), (\d+) GMRES iterations", text)
    if m:
        r.update(steps=int(m.group(1)), loop_s=float(m.group(2)), its=int(m.group(4)))
    m = re.search(r"a step costs " + NUM + " of them", text)
    if m:
        r["matvecs_per_step"] = float(m.group(1))
    m = re.search(r"one product with the system matrix takes " + NUM + " ms", text)
    if m:
        r["matvec_ms"] = float(m.group(1))
    m = re.search(r"flux correction changed (\d+) of (\d+) steps.*?; (\d+) steps needed the low-order "
                  r"preconditioner, (\d+) the direct solver, (\d+) the low-order scheme alone", text)
    if m:
        r.update(corrected_steps=int(m.group(1)), low_order_precond_steps=int(m.group(3)),
                 direct_steps=int(m.group(4)), low_order_alone_steps=int(m.group(5)))
    timers = {}
    for m in re.finditer(r"^\| ([a-zA-Z][^|]*?)\s+\|\s+(\d+) \|\s+" + NUM + r"s \|", text, re.M):
        timers[m.group(1)] = dict(calls=int(m.group(2)), s=float(m.group(3)))
    r["timers"] = timers
    r["events"] = [l.strip() for l in text.splitlines()
                   if l.startswith("kwfp: ") and ("switching" in l or "later steps" in l)]
    return r


def run_kwfp(args, target, variant, work, k):
    label, prm, _, T = TARGETS[target]
    wait_for(args.kwfp)
    rdir = os.path.join(work, f"kwfp_{target}_{variant}_{k}")
    os.makedirs(rdir)
    with open(os.path.join(HERE, "prm", prm)) as fh:
        text = fh.read()
    text += f"\nsubsection Output\n  set Directory = {rdir}/out\nend\n" + VARIANTS[variant][1]
    prm_path = os.path.join(rdir, "run.prm")
    with open(prm_path, "w") as fh:
        fh.write(text)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    built = os.path.getmtime(args.kwfp)
    code, wall, cpu = run_process([args.kwfp, prm_path], rdir, env, args.timeout, os.path.join(rdir, "log"))
    with open(os.path.join(rdir, "log"), errors="replace") as fh:
        out = fh.read()
    r = dict(target=target, variant=variant, run=k, wall_s=wall, cpu_s=cpu, exit=code, binary_mtime=built)
    if code != 0:
        tail = [l for l in out.splitlines() if l.strip()][-3:]
        r["error"] = ("timeout" if code is None else
                      f"killed by signal {-code}" if code < 0 else f"exit {code}: " + " / ".join(tail))[:300]
        log(f"  kwfp {target} {variant} #{k}: FAILED ({r['error'][:120]}) after {wall:.1f} s")
        shutil.rmtree(rdir, ignore_errors=True)
        return r
    r.update(parse_kwfp(out))
    odir = os.path.join(rdir, "out")
    row = last_csv_row(os.path.join(odir, "diagnostics.csv"))
    r.update(t_end=row["time"], mean=[row["mean_1"], row["mean_2"]],
             cov=[row["cov_1_1"], row["cov_1_2"], row["cov_2_2"]], mass=row["mass"])
    r["written"] = {f: os.path.getsize(os.path.join(odir, f)) for f in sorted(os.listdir(odir))
                    if os.path.isfile(os.path.join(odir, f))}
    shutil.rmtree(rdir, ignore_errors=True)
    fc = r["timers"].get("flux correction", {}).get("s", 0.0)
    log(f"  kwfp {target} {variant} #{k}: {wall:.1f} s (CPU {cpu:.1f} s, loop {r.get('loop_s', float('nan')):.1f} s, "
        f"{r.get('its', 0) / max(r.get('steps', 1), 1):.1f} its/step, flux correction {fc:.1f} s)")
    return r


def run_peer(args, target, work, k, cache):
    label, _, peer_args, T = TARGETS[target]
    rdir = os.path.join(work, f"peer_{target}_{k}")
    os.makedirs(rdir)
    out_json = os.path.join(rdir, "peer.json")
    env = dict(os.environ, XDG_CACHE_HOME=cache, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [args.python, args.peer, "pde"] + peer_args + ["--out", out_json]
    code, wall, cpu = run_process(cmd, rdir, env, args.timeout, os.path.join(rdir, "log"))
    r = dict(target=target, variant="peer", run=k, wall_s=wall, cpu_s=cpu, exit=code)
    if code != 0 or not os.path.exists(out_json):
        with open(os.path.join(rdir, "log"), errors="replace") as fh:
            tail = [l for l in fh.read().splitlines() if l.strip()][-3:]
        r["error"] = "timeout" if code is None else " / ".join(tail)[:300]
        log(f"  peer {target} #{k}: FAILED ({r['error'][:120]})")
        return r
    with open(out_json) as fh:
        res = json.load(fh)
    v = res["values"]["%g" % T]
    r.update(loop_s=res["loop_s"], setup_s=res["setup_s"], its_per_step=res["gmres_its_avg"],
             steps=res["nsteps"], ndofs=res["ndofs"], mean=v["mean"], cov=v["cov"], mass=v["mass"])
    shutil.rmtree(rdir, ignore_errors=True)
    log(f"  peer {target} #{k}: loop {r['loop_s']:.1f} s (process {wall:.1f} s, CPU {cpu:.1f} s, "
        f"{r['its_per_step']:.2f} its/step)")
    return r


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_range(xs, digits=1):
    if not xs:
        return "-"
    f = "%%.%df" % digits
    s = f % med(xs)
    if len(xs) > 1:
        s += " [" + f % min(xs) + "-" + f % max(xs) + "]"
    return s + (f" (n={len(xs)})" if len(xs) < 3 else "")


def diffs(kruns, pruns):
    """Largest |mean diff|, |cov diff| of kwfp's runs against the peer's at T."""
    if not kruns or not pruns:
        return float("nan"), float("nan")
    p = pruns[-1]
    dm = max(abs(a - b) for r in kruns for a, b in zip(r["mean"], p["mean"]))
    dc = max(abs(a - b) for r in kruns for a, b in zip(r["cov"], p["cov"]))
    return dm, dc


def kwfp_step_figures(runs):
    """Medians over runs: ms per step, its per step, flux-correction share, its ms, linear solve ms,
    preconditioner builds."""
    def per(r, key):
        return r["timers"].get(key, {}).get("s", 0.0)
    ms = [1e3 * r["loop_s"] / r["steps"] for r in runs]
    its = [r["its"] / r["steps"] for r in runs]
    fc = [per(r, "flux correction") / r["loop_s"] for r in runs]
    fc_ms = [1e3 * per(r, "flux correction") / r["steps"] for r in runs]
    ls_ms = [1e3 * per(r, "linear solve") / r["steps"] for r in runs]
    pc = [r["timers"].get("preconditioner", {}).get("calls", 0) for r in runs]
    return dict(ms=med(ms), its=med(its), fc_share=med(fc), fc_ms=med(fc_ms), ls_ms=med(ls_ms),
                pc_builds=med(pc), corrected=med([r.get("corrected_steps", 0) for r in runs]),
                low_order_pc=med([r.get("low_order_precond_steps", 0) for r in runs]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 1, banana_64 only, no rows by hand")
    ap.add_argument("-n", type=int, default=3, help="runs of kwfp and of the peer per target (default 3)")
    ap.add_argument("--targets", default="g2_128,banana_64,banana_128,bimodal_64")
    ap.add_argument("--hand-targets", default=None,
                    help="targets of the rows by hand (default banana_64,bimodal_64; 'none' for none)")
    ap.add_argument("--hand-n", type=int, default=1, help="runs per row by hand (default 1)")
    ap.add_argument("--budget", type=float, default=200.0,
                    help="no further kwfp run of a configuration once its runs took this many seconds "
                         "(default 200; the table gives n)")
    ap.add_argument("--timeout", type=float, default=900.0, help="limit of one run in seconds")
    ap.add_argument("--kwfp", default=os.environ.get("KWFP", os.path.join(ROOT, "build", "kwfp")))
    ap.add_argument("--peer", default=os.environ.get(
        "PEER", os.path.join(ROOT, "..", "shared", "peers", "fenicsx_kw2d.py")))
    ap.add_argument("--python", default=os.environ.get("PEER_PYTHON", "/usr/bin/python3"))
    ap.add_argument("--json", default=None, help="write every run's figures to this file")
    args = ap.parse_args()
    if args.quick:
        args.n = 1
        args.targets = "banana_64"
        if args.hand_targets is None:
            args.hand_targets = "none"
    if args.hand_targets is None:
        args.hand_targets = "banana_64,bimodal_64"
    targets = [t for t in args.targets.split(",") if t]
    hand = [] if args.hand_targets == "none" else [t for t in args.hand_targets.split(",") if t]
    for t in targets + hand:
        if t not in TARGETS:
            raise SystemExit(f"peer_bench: unknown target {t} (known: {', '.join(TARGETS)})")
    args.peer = os.path.abspath(args.peer)
    if not os.path.isfile(args.peer):
        raise SystemExit(f"peer_bench: no peer at {args.peer} (set PEER=)")

    binary_start = binary_id(args.kwfp)
    work = tempfile.mkdtemp(prefix="kwfp_peer_")
    cache = os.path.join(work, "cache")  # one JIT cache for the peer's runs of this invocation
    t_start = time.perf_counter()
    runs = []
    try:
        for t in targets:
            log(f"{TARGETS[t][0]}:")
            spent = 0.0
            for k in range(args.n):
                if k == 0 or spent < args.budget:
                    r = run_kwfp(args, t, "default", work, k)
                    spent += r["wall_s"]
                    runs.append(r)
                runs.append(run_peer(args, t, work, k, cache))
        for t in hand:
            log(f"{TARGETS[t][0]}, by hand:")
            variants = HAND_VARIANTS if t in targets else ["default"] + HAND_VARIANTS
            spent = {v: 0.0 for v in variants}
            for k in range(args.hand_n):
                for v in variants:
                    if k == 0 or spent[v] < args.budget:
                        r = run_kwfp(args, t, v, work, k)
                        spent[v] += r["wall_s"]
                        runs.append(r)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.json:
            with open(args.json, "w") as fh:
                json.dump(runs, fh, indent=1)
    total = time.perf_counter() - t_start

    def ok(t, v):
        return [r for r in runs if r["target"] == t and r["variant"] == v and r.get("exit") == 0]

    def failed(t, v):
        return [r for r in runs if r["target"] == t and r["variant"] == v and r.get("exit") != 0]

    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "unknown"
    except OSError:
        commit = "unknown"
    load = os.getloadavg()
    print(f"kwfp against the FEniCSx peer, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
          f"commit {commit}, {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"at the end, {total / 60:.1f} min")
    binary_end = binary_id(args.kwfp)
    print()
    print(f"kwfp executable {args.kwfp}: {binary_start}" +
          ("" if binary_end == binary_start else f"; REPLACED during the run, now {binary_end}"))
    builds = sorted({r["binary_mtime"] for r in runs if "binary_mtime" in r})
    if len(builds) > 1:
        print()
        print("WARNING: kwfp was rebuilt during the run; runs by build time of the executable:")
        for b in builds:
            which = [f"{r['target']}/{r['variant']}#{r['run']}" for r in runs if r.get("binary_mtime") == b]
            print(f"- {time.strftime('%H:%M:%S', time.gmtime(b))} UTC: {', '.join(which)}")
    print()
    print("kwfp: whole process, 1 rank; peer: its time loop (loop_s). Wall times in s, median [min-max]; "
          "GMRES iterations per step (kwfp's include the flux correction's low-order solves); "
          "differences of the mean and covariance at T, kwfp's default against the peer.")
    print()
    print("| target | kwfp s | peer s (loop) | peer/kwfp | kwfp ms/step | flux correction share | "
          "GMRES its/step kwfp / peer | max abs mean diff | max abs cov diff | kwfp CPU s | peer process s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        k, p = ok(t, "default"), ok(t, "peer")
        kt = [r["wall_s"] for r in k]
        pt = [r["loop_s"] for r in p]
        dm, dc = diffs(k, p)
        if k:
            f = kwfp_step_figures(k)
            figs = (f"{f['ms']:.1f}", f"{100 * f['fc_share']:.0f} % ({f['fc_ms']:.1f} ms)",
                    f"{f['its']:.1f} / " + (f"{med([r['its_per_step'] for r in p]):.2f}" if p else "-"))
        else:
            figs = ("-", "-", "-")
        ratio = f"{med(pt) / med(kt):.2f}" if k and p else "-"
        kcell = fmt_range(kt) if k else "failed: " + "; ".join(r["error"][:80] for r in failed(t, "default"))
        print(f"| {TARGETS[t][0]} | {kcell} | {fmt_range(pt)} | {ratio} | {figs[0]} | {figs[1]} | {figs[2]} | "
              f"{dm:.1e} | {dc:.1e} | {med([r['cpu_s'] for r in k]):.1f} | "
              f"{med([r['wall_s'] for r in p]):.1f} |")
    if hand:
        print()
        print("kwfp with the preconditioner chosen by hand (flux-corrected) and with 'Stabilization = none' "
              "('auto'), against the default of the table above; 'default/best' is the default's median over "
              "the best median by hand, flux-corrected (issue target: at most 1.3).")
        print()
        print("| target | kwfp configuration | kwfp s | vs default | ms/step | flux correction ms/step | "
              "linear solve ms/step | GMRES its/step | preconditioner builds | max abs mean / cov diff to peer |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t in hand:
            d = ok(t, "default")
            dmed = med([r["wall_s"] for r in d]) if d else float("nan")
            best = []
            for v in ["default"] + HAND_VARIANTS:
                k = ok(t, v)
                if not k:
                    fl = failed(t, v)
                    if fl:
                        print(f"| {TARGETS[t][0]} | {VARIANTS[v][0]} | failed after "
                              f"{fl[0]['wall_s']:.0f} s ({fl[0]['error'][:100]}) | | | | | | | |")
                    continue
                kt = [r["wall_s"] for r in k]
                if v in ("Jacobi", "ILU", "AMG"):
                    best.append(med(kt))
                f = kwfp_step_figures(k)
                dm, dc = diffs(k, ok(t, "peer"))
                print(f"| {TARGETS[t][0]} | {VARIANTS[v][0]} | {fmt_range(kt)} | {med(kt) / dmed:.2f} | "
                      f"{f['ms']:.1f} | {f['fc_ms']:.1f} | {f['ls_ms']:.1f} | {f['its']:.1f} | "
                      f"{f['pc_builds']:.0f} | {dm:.1e} / {dc:.1e} |")
            if best and d:
                print(f"| {TARGETS[t][0]} | default / best by hand | | {dmed / min(best):.2f} | | | | | | |")
    # what kwfp wrote, the preconditioner switches
    print()
    for t in targets + [h for h in hand if h not in targets]:
        k = ok(t, "default")
        if k:
            w = k[0].get("written", {})
            ev = "; ".join(k[0].get("events", [])) or "none"
            print(f"- {TARGETS[t][0]}: kwfp (default) wrote {', '.join(f'{n} ({s / 1024:.0f} kB)' for n, s in w.items())}; "
                  f"preconditioner switches: {ev}")


if __name__ == "__main__":
    main()
