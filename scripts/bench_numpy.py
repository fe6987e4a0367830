#!/usr/bin/env python3
"""NumPy reference timings next to byzlab's, in one table (run by scripts/bench.sh).

The same iteration as `benches/engine.rs` (robust GD on linear regression, m = 100 workers, n = 1000
samples each, d = 100, eta = 0.5, runs of T = 100 iterations from w = 0), written the way one would
write it in NumPy, in two variants of the workers' gradients:

  raw     each worker's gradient from its data, X_i^T (X_i w - y_i) / n, batched over the workers
          (a (m, n, d) array; what a straightforward NumPy implementation does);
  suff    from the sufficient statistics A_i = X_i^T X_i / n, b_i = X_i^T y_i / n, as byzlab does:
          A @ w - b, one batched (m, d, d) matrix-vector product.

and the aggregators: np.mean, np.median(axis=0), a trimmed mean through np.sort (f = floor(0.1 m) per
side), Krum (pairwise squared distances through the Gram matrix, the m - f - 2 nearest neighbours) and
the geometric median by smoothed Weiszfeld (nu = 1e-6, at most 100 steps, from the coordinate-wise
median, stopping when the step is below 1e-12 (1 + |z|)), the same rules and parameters as byzlab.

byzlab's figures are read from the output of the Rust benchmark binary (`cargo bench --bench engine`,
and the wasm benchmark), given with --native / --wasm, or produced by running it here, so both sides
come from the same run on the same machine. If the `byzfl` package happens to be importable, its
aggregators are timed too (it is not installed by this script: it needs torch).
"""

import argparse
import math
import os
import re
import subprocess
import sys
import time

# byzlab runs on one thread, so NumPy's BLAS does too (like for like; also the fastest setting for
# the small products here on a 2-core machine). BENCH_NUMPY_THREADS=N changes it. This must be set
# before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = os.environ.get("BENCH_NUMPY_THREADS", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_numpy():
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("numpy is missing: pip install numpy", flush=True)
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "numpy"]
        if subprocess.call(cmd) != 0:
            subprocess.check_call(cmd + ["--user", "--break-system-packages"])
    import numpy
    return numpy


BENCH_RE = re.compile(r"BENCH (\w+) (\S+) (\S+) (\S+)")


def parse(text):
    out = {}
    for line in text.splitlines():
        m = BENCH_RE.search(line)
        if m:
            out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def timeit(f, min_ms=25.0, samples=7):
    """Median per-call time in ms: warm-up, calibrated k calls per sample (as benches/engine.rs)."""
    f()
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            f()
        dt = (time.perf_counter() - t0) * 1e3
        if dt >= min_ms or k >= 1 << 20:
            break
        k *= max(2, min(64, math.ceil(1.25 * min_ms / max(dt, 1e-3))))
    per = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(k):
            f()
        per.append((time.perf_counter() - t0) * 1e3 / k)
    return median(per)


# ------------------------------------------------------------------------------------------------
# The NumPy implementation.

M, N, D = 100, 1000, 100
F = int(math.floor(0.1 * M + 1e-9))  # beta = 0.1 (byzlab's default)
ETA, T = 0.5, 100


def make_problem(np, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.choice(np.array([-1.0, 1.0]), size=(M, N, D))
    w_star = rng.normal(size=D)
    y = X @ w_star + rng.normal(size=(M, N))
    Xt = X.transpose(0, 2, 1)
    A = Xt @ X / N
    b = (Xt @ y[:, :, None])[:, :, 0] / N
    return X, y, A, b


def aggregators(np):
    def mean(G):
        return G.mean(axis=0)

    def med(G):
        return np.median(G, axis=0)

    def trmean(G):
        return np.sort(G, axis=0)[F:M - F].mean(axis=0)

    def krum(G):
        sq = np.einsum("ij,ij->i", G, G)
        dist = sq[:, None] + sq[None, :] - 2.0 * (G @ G.T)
        np.fill_diagonal(dist, np.inf)
        k = max(1, M - F - 2)
        scores = np.partition(dist, k - 1, axis=1)[:, :k].sum(axis=1)
        return G[np.argmin(scores)]

    def geomed(G, nu=1e-6, iters=100, tol=1e-12):
        z = np.median(G, axis=0)
        for _ in range(iters):
            dist = np.sqrt(((G - z) ** 2).sum(axis=1))
            beta = 1.0 / np.maximum(nu, dist)
            nz = beta @ G / beta.sum()
            step = np.sqrt(((nz - z) ** 2).sum())
            z = nz
            if step <= tol * (1.0 + np.sqrt(z @ z)):
                break
        return z

    return {"mean": mean, "median": med, "trmean": trmean, "krum": krum, "geomed": geomed}


def bench_numpy(np, reps):
    X, y, A, b = make_problem(np)

    def grad_raw(w):
        r = X @ w - y  # (m, n)
        return (r[:, None, :] @ X)[:, 0, :] / N

    def grad_suff(w):
        return A @ w - b

    w1 = np.full(D, 0.01)
    assert np.allclose(grad_raw(w1), grad_suff(w1)), "the two gradient forms disagree"
    res = {
        "grads.raw": timeit(lambda: grad_raw(w1)),
        "grads.suff": timeit(lambda: grad_suff(w1)),
    }
    aggs = aggregators(np)
    G = grad_suff(w1) + 0.01 * np.random.default_rng(7).normal(size=(M, D))
    for name, agg in aggs.items():
        res["agg." + name] = timeit(lambda: agg(G))

    def run(grad, agg):
        w = np.zeros(D)
        for _ in range(T):
            w = w - ETA * agg(grad(w))
        return w

    for name, agg in aggs.items():
        for form, grad in (("raw", grad_raw), ("suff", grad_suff)):
            run(grad, agg)  # warm-up
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                run(grad, agg)
                times.append((time.perf_counter() - t0) * 1e3 / T)
            res["step.%s.%s" % (form, name)] = median(times)
    return res


# NumPy and OpenBLAS pick their kernels at run time by the CPU's features. byzlab's kernels are
# 128-bit wide natively as in wasm (so that both give the same bits), except the sorting network's
# 512-bit min/max where the CPU has AVX-512F (a sort's result does not depend on its width). To
# show what width buys NumPy, the parts are also timed with its 256- and 512-bit kernels switched
# off: NumPy's dispatched features (x86-simd-sort's AVX2 and AVX-512 sorts among them) disabled,
# OpenBLAS held to its SSE (Nehalem) kernels.
NARROW_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "OPENBLAS_CORETYPE": "NEHALEM"}


def bench_parts(np):
    """The 100 gradients (suff form) and each aggregator alone, ms (median)."""
    X, y, A, b = make_problem(np)
    w1 = np.full(D, 0.01)
    G = (A @ w1 - b) + 0.01 * np.random.default_rng(7).normal(size=(M, D))
    res = {"grads.suff": timeit(lambda: A @ w1 - b)}
    for name, agg in aggregators(np).items():
        res["agg." + name] = timeit(lambda: agg(G))
    return res


def bench_narrow():
    """bench_parts in a child Python with NARROW_ENV (the features are read when numpy loads)."""
    env = dict(os.environ, **NARROW_ENV)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--parts-only"], env=env,
                         stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        return {}
    return {k: float(v) for k, v in (kv.split("=") for kv in out.stdout.split())}


def bench_byzfl(np):
    """ByzFL's aggregators on the same (m, d) messages, if the package is importable."""
    try:
        import byzfl  # noqa: F401
    except Exception:
        return None
    out = {}
    G = np.random.default_rng(7).normal(size=(M, D))
    makers = {
        "mean": lambda: byzfl.Average(),
        "median": lambda: byzfl.Median(),
        "trmean": lambda: byzfl.TrMean(f=F),
        "krum": lambda: byzfl.Krum(f=F),
        "geomed": lambda: byzfl.GeometricMedian(nu=1e-6, T=100),
    }
    for name, make in makers.items():
        try:
            agg = make()
            out[name] = timeit(lambda: agg(G))
        except Exception as e:  # API differences between versions: report, do not fail
            out[name] = "n/a (%s)" % type(e).__name__
    return out


# ------------------------------------------------------------------------------------------------
# The table.


def fmt_ms(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, str):
        return v
    return "%.3f" % v if v < 100 else "%.0f" % v


def ratio(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str) or b == 0:
        return None
    return a / b


def fmt_ratio(r, digits=3):
    if r is None:
        return "n/a"
    return ("%%.%dg" % digits) % r


def table(rows, head):
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--native", help="output of `cargo bench --bench engine` (run it here if missing)")
    ap.add_argument("--wasm", help="output of the wasm benchmark (tests/wasm_bench.rs)")
    ap.add_argument("--cpu-native", help="output of the native benchmark built with -C target-cpu=native (optional)")
    ap.add_argument("--reps", type=int, default=5, help="NumPy runs of T = 100 iterations per cell")
    ap.add_argument("--parts-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.parts_only:
        print(" ".join("%s=%.6f" % kv for kv in bench_parts(ensure_numpy()).items()))
        return

    if args.native:
        native_text = open(args.native).read()
    else:
        print("running cargo bench --bench engine ...", flush=True)
        native_text = subprocess.run(["cargo", "bench", "--bench", "engine"], cwd=ROOT, check=True,
                                     stdout=subprocess.PIPE, text=True).stdout
    rs = parse(native_text)
    if args.wasm and os.path.exists(args.wasm):
        rs.update(parse(open(args.wasm).read()))
    if args.cpu_native and os.path.exists(args.cpu_native):
        rs.update(parse(open(args.cpu_native).read()))
    nat = lambda k: rs.get(("native", k))
    wasm = lambda k: rs.get(("wasm", k))

    np = ensure_numpy()
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print("NumPy %s, Python %s, BLAS threads: %s; timing NumPy (%d runs of T = %d per cell) ..."
          % (np.__version__, sys.version.split()[0], threads, args.reps, T), flush=True)
    py = bench_numpy(np, args.reps)
    bz = bench_byzfl(np)
    narrow = bench_narrow()

    print()
    print("## Robust GD on linear regression, m = 100, n = 1000, d = 100: one iteration (ms, median)")
    print()
    print("byzlab = `Run::step` (gradients from sufficient statistics, attack, aggregation, metrics);")
    print("NumPy raw = gradients X_i^T(X_i w - y_i)/n from the data + aggregator + update;")
    print("NumPy suff = gradients A_i w - b_i (batched matmul) + aggregator + update.")
    print("byzlab/NumPy < 1 means byzlab is faster; the speed-up is NumPy/byzlab.")
    print()
    rows = []
    for a in ["mean", "median", "trmean", "krum", "geomed"]:
        b = nat("linreg.step." + a)
        raw, suff = py["step.raw." + a], py["step.suff." + a]
        r_raw, r_suff = ratio(b, raw), ratio(b, suff)
        rows.append([a, fmt_ms(b), fmt_ms(wasm("linreg.step." + a)), fmt_ratio(ratio(wasm("linreg.step." + a), b)),
                     fmt_ms(raw), fmt_ms(suff),
                     "%s (%s×)" % (fmt_ratio(r_raw), fmt_ratio(ratio(raw, b))),
                     "%s (%s×)" % (fmt_ratio(r_suff), fmt_ratio(ratio(suff, b)))])
    table(rows, ["aggregator", "byzlab native", "byzlab wasm", "wasm/native", "NumPy raw", "NumPy suff",
                 "byzlab/NumPy raw (speed-up)", "byzlab/NumPy suff (speed-up)"])
    print()
    print("Parts (ms, median):")
    print()
    def speedups(key, suff):
        b, n = nat(key), narrow.get(suff)
        return ["%s×" % fmt_ratio(ratio(py[suff], b)), fmt_ms(n), "%s×" % fmt_ratio(ratio(n, b)) if n else "n/a"]

    rows = [["100 gradients", fmt_ms(nat("linreg.grads")), fmt_ms(wasm("linreg.grads")),
             fmt_ms(py["grads.raw"]), fmt_ms(py["grads.suff"])] + speedups("linreg.grads", "grads.suff") + ["n/a"]]
    for a in ["mean", "median", "trmean", "krum", "geomed"]:
        rows.append(["aggregator " + a, fmt_ms(nat("linreg.agg." + a)), fmt_ms(wasm("linreg.agg." + a)),
                     fmt_ms(py["agg." + a]), fmt_ms(py["agg." + a])] + speedups("linreg.agg." + a, "agg." + a)
                    + [fmt_ms(bz.get(a)) if bz else "not installed"])
    table(rows, ["part", "byzlab native", "byzlab wasm", "NumPy (raw form)", "NumPy (suff form)",
                 "speed-up over suff", "NumPy suff, 128-bit kernels", "speed-up over those", "ByzFL"])
    print()
    print("NumPy's 128-bit column: NPY_DISABLE_CPU_FEATURES=%r OPENBLAS_CORETYPE=%s (its own kernels at"
          % (NARROW_ENV["NPY_DISABLE_CPU_FEATURES"], NARROW_ENV["OPENBLAS_CORETYPE"]))
    print("the width byzlab keeps so that native and wasm agree bit for bit)." if narrow else
          "could not be timed here).")
    print()
    b_med = nat("linreg.step.median")
    s_raw = ratio(py["step.raw.median"], b_med)
    s_suff = ratio(py["step.suff.median"], b_med)
    if s_raw is not None:
        print("Target >= 20x faster than NumPy gradients + np.median:")
        print("  against raw-data NumPy gradients:          %.1fx -> %s" % (s_raw, "met" if s_raw >= 20 else "NOT met"))
        print("  against sufficient-statistics NumPy (fair): %.1fx -> %s" % (s_suff, "met" if s_suff >= 20 else "NOT met"))
    print()

    print("## MNIST softmax regression, m = 40, n = 100 (4000 training images): one iteration")
    print()
    rows = []
    for key, label in [("mnist.step", "one iteration (run.step)"), ("mnist.grads", "40 worker gradients"),
                       ("mnist.eval", "test-set evaluation (1000 images)"), ("mnist.grads_hot", "40 gradients, images in cache")]:
        rows.append([label, fmt_ms(nat(key)), fmt_ms(wasm(key)), fmt_ratio(ratio(wasm(key), nat(key)))])
    rows.append(["FLOPs per iteration (fwd + bwd)", "%.1f M" % (nat("mnist.flops") / 1e6) if nat("mnist.flops") else "n/a", "", ""])
    rows.append(["peak, auto-vectorised loops (GFLOP/s)", fmt_ratio(nat("mnist.peak_auto"), 4), fmt_ratio(wasm("mnist.peak_auto"), 4), ""])
    rows.append(["lower bound FLOPs/peak (ms)", fmt_ms(nat("mnist.bound")), fmt_ms(wasm("mnist.bound")), ""])
    rows.append(["step / lower bound (target <= 2)", fmt_ratio(nat("mnist.ratio_step")), fmt_ratio(wasm("mnist.ratio_step")), ""])
    rows.append(["gradients / lower bound", fmt_ratio(nat("mnist.ratio_grads")), fmt_ratio(wasm("mnist.ratio_grads")), ""])
    rows.append(["peak incl. explicit 4-wide registers (GFLOP/s)", fmt_ratio(nat("mnist.peak_machine"), 4), fmt_ratio(wasm("mnist.peak_machine"), 4), ""])
    rows.append(["step / strict lower bound", fmt_ratio(nat("mnist.ratio_step_strict")), fmt_ratio(wasm("mnist.ratio_step_strict")), ""])
    table(rows, ["quantity", "native", "wasm", "wasm/native"])
    cpun = lambda k: rs.get(("cpunative", k))
    if cpun("mnist.step") is not None:
        print()
        print("Reference only (not the shipped build): native built with -C target-cpu=native:")
        print("  peak auto-vectorised %.1f GFLOP/s, explicit 4-wide %.1f GFLOP/s; MNIST step %.3f ms, step / bound %.2f"
              % (cpun("mnist.peak_auto"), cpun("mnist.peak_machine"), cpun("mnist.step"), cpun("mnist.ratio_step")))
    print()

    if nat("mnist_full.step") is not None:
        print("## Full MNIST softmax regression, m = 40, n = 1500 (60 000 training images): one iteration, native")
        print()
        rows = [[label, fmt_ms(nat(key))] for key, label in [
            ("mnist_full.step", "one iteration (run.step)"), ("mnist_full.grads", "40 worker gradients"),
            ("mnist_full.eval", "evaluation (10 000 test images, 1000 training metrics)"),
            ("mnist_full.grads_hot", "40 gradients of one worker's 1500 images")]]
        rows.append(["lower bound FLOPs/peak (ms)", fmt_ms(nat("mnist_full.bound"))])
        rows.append(["step / lower bound (target <= 1.5)", fmt_ratio(nat("mnist_full.ratio_step"))])
        rows.append(["gradients / lower bound", fmt_ratio(nat("mnist_full.ratio_grads"))])
        rows.append(["step / strict lower bound", fmt_ratio(nat("mnist_full.ratio_step_strict"))])
        table(rows, ["quantity", "native"])
        print()

    if nat("cnn.grads") is not None:
        print("## CNN (problem=cnn&m=10&n=400&batch=40): against the explicit-register peak (target >= 50%)")
        print()
        rows = []
        for key, label in [("cnn.grads", "10 worker gradients, 400 images (ms)"), ("cnn.eval", "evaluation, 2000 images forward (ms)")]:
            rows.append([label, fmt_ms(nat(key)), fmt_ms(wasm(key))])
        pn, pw = nat("peak.machine"), wasm("peak.machine")
        for kind, key in [("training", "cnn.gflops_train"), ("forward", "cnn.gflops_forward")]:
            rows.append([kind + " GFLOP/s (share of peak)",
                         "%.1f (%.0f%%)" % (nat(key), 100 * nat(key) / pn) if nat(key) and pn else "n/a",
                         "%.1f (%.0f%%)" % (wasm(key), 100 * wasm(key) / pw) if wasm(key) and pw else "n/a"])
        table(rows, ["quantity", "native", "wasm"])
        print()

    print("## Breakdown sweep: 6 aggregators x 26 alpha x 3 seeds x 200 iterations (linreg defaults)")
    print()
    sn, sw = nat("sweep.breakdown"), wasm("sweep.breakdown")
    table([["whole sweep (ms)", fmt_ms(sn), fmt_ms(sw), fmt_ratio(ratio(sw, sn))]], ["", "native", "wasm (Chromium)", "wasm/native"])
    if sw is not None:
        print()
        print("Browser target < 3 s: %s (%.2f s)" % ("met" if sw < 3000 else "NOT met", sw / 1e3))
    print()

    print("## wasm / native (target <= 2)")
    print()
    keys = [("linreg.step." + a, "linreg step " + a) for a in ["mean", "median", "trmean", "krum", "geomed"]]
    keys += [("mnist.step", "MNIST step"), ("mnist.grads", "MNIST gradients"), ("sweep.breakdown", "breakdown sweep")]
    rows = []
    worst = 0.0
    for k, label in keys:
        r = ratio(wasm(k), nat(k))
        if r is not None:
            worst = max(worst, r)
        rows.append([label, fmt_ratio(r)])
    table(rows, ["benchmark", "wasm/native"])
    if worst > 0:
        print()
        print("Largest wasm/native ratio: %.2f -> %s" % (worst, "target met" if worst <= 2 else "target NOT met"))


if __name__ == "__main__":
    main()
