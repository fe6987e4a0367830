//! Engine benchmarks with a hand-written harness (`harness = false`): they print numbers and assert
//! nothing about speed. The same code runs natively (`cargo bench --bench engine`) and in headless
//! Chromium (`tests/wasm_bench.rs` includes this file as a module and passes `performance.now()` as
//! the clock), so the wasm/native ratios compare like with like.
//!
//! Every measurement is printed twice: as a readable line, and as a machine-readable line
//! `BENCH <target> <key> <value> <unit>` that `scripts/bench_numpy.py` parses.
//!
//! Usage: `cargo bench --bench engine [-- [peak] [kernels] [linreg] [mnist] [mnist-full] [cnn] [sweep]]` (no filter =
//! all). `bash scripts/bench.sh` runs it with the wasm and NumPy counterparts (docs/performance.md).
//!
//! Method: each benchmark is warmed up, then timed in samples of k calls, k chosen so that one sample
//! takes at least `SAMPLE_MS` (so the browser's coarse `performance.now()` does not matter); the
//! figure is the median over the samples of (sample time / k).

use byzlab::engine::aggregate::Aggregator;
use byzlab::engine::data::{Dataset, PIXELS};
use byzlab::engine::problem::Cache;
use byzlab::engine::problem::{self, GradOpts};
use byzlab::engine::run::Run;
use byzlab::engine::scenario::{AggSpec, Curve, ProblemKind, Scenario};
use byzlab::engine::sweep::{Axis, Sweep};
use std::hint::black_box;
use std::sync::Arc;

/// Milliseconds since an arbitrary origin.
pub type Clock = fn() -> f64;

/// Where results go, and which target they are for ("native" or "wasm").
pub struct Env<'a> {
    pub now: Clock,
    pub log: &'a dyn Fn(&str),
    pub target: &'static str,
    /// Samples per measurement.
    pub samples: usize,
}

/// Minimum length of one timed sample.
pub const SAMPLE_MS: f64 = 25.0;

/// The linear-regression query of the engine benchmark (T = 100 by default: runs are restarted from
/// w₀ when they finish, so a figure is the mean cost of an iteration over whole runs).
pub const LINREG_QUERY: &str = "problem=linreg&m=100&n=1000&d=100&alpha=0&attack=none";
pub const LINREG_AGGS: &[&str] = &["mean", "median", "trmean", "krum", "geomed"];
pub const MNIST_QUERY: &str = "problem=mnist&m=40&n=100&alpha=0.05&beta=0.05&attack=labelflip&agg=mean";
/// The full set's partition of Tables 2 and 4 (60 000 training images over m = 40 workers).
pub const MNIST_FULL_QUERY: &str = "problem=mnist&data=full&m=40&n=1500&alpha=0.05&beta=0.05&attack=labelflip&agg=mean";
pub const SWEEP_AGGS: &[&str] = &["mean", "median", "trmean", "krum", "geomed", "nbs"];
pub const SWEEP_SEEDS: &[u64] = &[1, 2, 3];
pub const SWEEP_T: usize = 200;

/// The result of one measurement, per call.
#[derive(Clone, Copy, Debug)]
pub struct Stat {
    pub median_ms: f64,
    pub min_ms: f64,
    pub calls: usize,
}

fn median_of(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Times `f`: warm-up, calibration of k calls per sample, then `env.samples` samples.
pub fn measure(env: &Env, mut f: impl FnMut()) -> Stat {
    let now = env.now;
    // Warm-up and calibration.
    f();
    let mut k = 1usize;
    loop {
        let t0 = now();
        for _ in 0..k {
            f();
        }
        let dt = now() - t0;
        if dt >= SAMPLE_MS || k >= 1 << 24 {
            break;
        }
        let grow = if dt > 0.0 { (1.25 * SAMPLE_MS / dt).ceil() as usize } else { 8 };
        k = k.saturating_mul(grow.clamp(2, 64));
    }
    let mut per = Vec::with_capacity(env.samples);
    for _ in 0..env.samples {
        let t0 = now();
        for _ in 0..k {
            f();
        }
        per.push((now() - t0) / k as f64);
    }
    let min_ms = per.iter().copied().fold(f64::INFINITY, f64::min);
    Stat { median_ms: median_of(&mut per), min_ms, calls: k }
}

fn emit(env: &Env, key: &str, value: f64, unit: &str) {
    (env.log)(&format!("BENCH {} {key} {value:.6e} {unit}", env.target));
}

fn say(env: &Env, line: &str) {
    (env.log)(line);
}

/// Times one iteration of `run`, restarting it from w₀ (same scenario and problem) whenever it
/// finishes, so every timed call does exactly one iteration.
pub fn time_steps(env: &Env, run: &mut Run) -> Stat {
    let mut step = || {
        if !run.is_running() {
            let fresh = Run::new(&run.sc, run.curve, run.problem().clone());
            *run = fresh;
        }
        run.step();
        assert!(!matches!(run.status, byzlab::engine::Status::Diverged(_)), "the run diverged");
        black_box(&run.w);
    };
    for _ in 0..5 {
        step();
    }
    measure(env, step)
}

fn scenario(query: &str) -> Scenario {
    let (s, notes) = Scenario::from_query(query);
    assert!(notes.is_empty(), "{query}: {notes:?}");
    s
}

// ---------------------------------------------------------------------------------------------
// Peak of simple f32 multiply-add loops on L1-resident arrays.

/// Σ a·b with K independent accumulators (K = 8 is the pattern of `engine::kernels::dot32`).
#[inline(never)]
fn dot_k<const K: usize>(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; K];
    for (x, y) in a.chunks_exact(K).zip(b.chunks_exact(K)) {
        for k in 0..K {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum()
}

/// Register-blocked outer product (the inner loop of a matrix product): acc[r][c] += a[r]·b[c]
/// over a column of R scalars of `a` and a row of C values of `b`, for every step of `a`/`b`.
#[inline(never)]
fn outer<const R: usize, const C: usize>(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [[0.0f32; C]; R];
    for (x, y) in a.chunks_exact(R).zip(b.chunks_exact(C)) {
        for r in 0..R {
            for c in 0..C {
                acc[r][c] += x[r] * y[c];
            }
        }
    }
    acc.iter().flatten().sum()
}

/// Independent multiply-then-add chains on 12 explicit 4-wide registers, no memory traffic: the
/// machine's limit for separate f32 multiplies and adds on 128-bit vectors (SSE2 / simd128).
#[inline(never)]
fn regs_f4(iters: usize, m: f32, c: f32) -> f32 {
    use byzlab::engine::kernels::F4;
    let (mv, cv) = (F4::splat(m), F4::splat(c));
    let mut acc: [F4; 12] = std::array::from_fn(|k| F4::splat(k as f32 * 1e-3));
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = *a * mv + cv;
        }
    }
    let mut t = 0.0;
    for a in acc {
        t += a.to_array().iter().sum::<f32>();
    }
    t
}

/// Peak f32 throughput (2 FLOPs per multiply-add): `(auto, machine)` where `auto` is the best of
/// simple loops as the compiler vectorises them for the default target (the reference of the
/// lower bound) and `machine` also counts explicit 4-wide register code (a stricter reference).
pub fn bench_peak(env: &Env, key: &str) -> (f64, f64) {
    say(env, &format!("-- [{}] {key}: simple f32 multiply-add loops (arrays in L1, default target)", env.target));
    let n = 1536; // 2 × 6 KiB, well inside L1
    let a: Vec<f32> = (0..n).map(|i| 1.0 + (i % 7) as f32 * 1e-7).collect();
    let b: Vec<f32> = (0..n).map(|i| 1.0 - (i % 5) as f32 * 1e-7).collect();
    let run = |name: &str, macs: f64, f: &dyn Fn() -> f32| {
        let st = measure(env, || {
            black_box(f());
        });
        let gflops = 2.0 * macs / (st.median_ms * 1e-3) / 1e9;
        say(env, &format!("   {name:<44} {gflops:8.2} GFLOP/s"));
        emit(env, &format!("{key}.{name}"), gflops, "GFLOP/s");
        gflops
    };
    let (ra, rb) = (&a, &b);
    let auto = [
        run("dot_8acc", n as f64, &|| dot_k::<8>(black_box(ra), black_box(rb))),
        run("dot_16acc", n as f64, &|| dot_k::<16>(black_box(ra), black_box(rb))),
        run("dot_32acc", n as f64, &|| dot_k::<32>(black_box(ra), black_box(rb))),
        // outer::<R, C> does R·C multiply-adds per step (R values of a, C values of b).
        run("outer_4x8", (n / 8) as f64 * 32.0, &|| outer::<4, 8>(black_box(&ra[..n / 2]), black_box(rb))),
        run("outer_2x16", (n / 16) as f64 * 32.0, &|| outer::<2, 16>(black_box(&ra[..n / 8]), black_box(rb))),
        run("outer_4x16", (n / 16) as f64 * 64.0, &|| outer::<4, 16>(black_box(&ra[..n / 4]), black_box(rb))),
    ]
    .into_iter()
    .fold(0.0f64, f64::max);
    say(env, &format!("   {:<44} {auto:8.2} GFLOP/s", "peak, auto-vectorised loops (reference)"));
    emit(env, &format!("{key}.auto"), auto, "GFLOP/s");
    let iters = 256;
    let regs = run("regs_12xF4_explicit", (iters * 12 * 4) as f64, &|| regs_f4(black_box(iters), black_box(0.999), black_box(1e-3)));
    let machine = auto.max(regs);
    say(env, &format!("   {:<44} {machine:8.2} GFLOP/s", "peak incl. explicit 4-wide registers (strict)"));
    emit(env, &format!("{key}.machine"), machine, "GFLOP/s");
    (auto, machine)
}

// ---------------------------------------------------------------------------------------------
// Robust GD on linear regression, m = 100, n = 1000, d = 100.

pub fn bench_linreg(env: &Env) {
    say(env, &format!("-- [{}] linreg m=100 n=1000 d=100: one robust-GD iteration ({LINREG_QUERY}&agg=…)", env.target));
    let base = scenario(LINREG_QUERY);
    let w: Vec<f64> = (0..base.d).map(|k| 0.01 * (k % 13) as f64).collect();
    let mut msgs = byzlab::engine::linalg::Mat::zeros(base.m, base.d);
    let opts = GradOpts::default();
    // Building the problem includes every worker's sufficient statistics (possibly on first use).
    let t0 = (env.now)();
    let prob = problem::build(black_box(&base), &Default::default()).expect("linreg problem");
    for i in 0..prob.workers() {
        prob.grad(i, &w, &opts, msgs.row_mut(i));
    }
    black_box(&msgs);
    let build_ms = (env.now)() - t0;
    say(env, &format!("   problem build (sufficient statistics of 100 × 1000 samples): {build_ms:.1} ms (once, not in the step)"));
    emit(env, "linreg.build", build_ms, "ms");
    let m = prob.workers();
    let d = prob.dim();
    // The m local gradients alone, at a fixed point.
    let st = measure(env, || {
        for i in 0..m {
            prob.grad(i, black_box(&w), &opts, msgs.row_mut(i));
        }
        black_box(&msgs);
    });
    // The same arithmetic on one worker's A_0 (80 KB, cache-resident) 100 times: the cost of
    // streaming the 8 MB of the A_i from the last-level cache.
    let sh = measure(env, || {
        for i in 0..m {
            prob.grad(0, black_box(&w), &opts, msgs.row_mut(i));
        }
        black_box(&msgs);
    });
    say(
        env,
        &format!(
            "   {:<44} {:9.4} ms   (one worker's A_i 100 times, in cache: {:.4} ms)",
            "100 worker gradients (A_i w − b_i)", st.median_ms, sh.median_ms
        ),
    );
    emit(env, "linreg.grads", st.median_ms, "ms");
    emit(env, "linreg.grads_hot", sh.median_ms, "ms");
    for key in LINREG_AGGS {
        let spec = AggSpec::from_key(key).expect("aggregator key");
        let q = format!("{LINREG_QUERY}&agg={key}");
        let sc = scenario(&q);
        // The documented way to build a run (it builds the problem again; that is not timed).
        let mut run = Run::build(&sc, Curve::gd(spec), None).expect("run");
        let st = time_steps(env, &mut run);
        // The aggregator alone, on the messages of the last step.
        let mut agg = Aggregator::new(spec, sc.agg, sc.assumed_f());
        let msgs = run.msgs.clone();
        let mut out = vec![0.0; d];
        let sa = measure(env, || {
            agg.aggregate(black_box(&msgs), &mut out);
            black_box(&out);
        });
        say(env, &format!("   step agg={key:<8} {:9.4} ms   (aggregator alone {:9.4} ms)", st.median_ms, sa.median_ms));
        emit(env, &format!("linreg.step.{key}"), st.median_ms, "ms");
        emit(env, &format!("linreg.agg.{key}"), sa.median_ms, "ms");
    }
}

// ---------------------------------------------------------------------------------------------
// MNIST softmax regression, m = 40, n = 100 (4000 training images).

/// `peak` is the peak measured before; it is measured again after the MNIST timings and the larger
/// of the two is the reference (other processes on the machine can only slow a loop down).
/// `query` is [`MNIST_QUERY`] or [`MNIST_FULL_QUERY`] on its dataset; `tag` prefixes the keys
/// (`mnist.…`, `mnist_full.…`).
pub fn bench_mnist(env: &Env, data: &Arc<Dataset>, peak: (f64, f64), query: &str, tag: &str) {
    say(env, &format!("-- [{}] MNIST softmax regression ({query})", env.target));
    let sc = scenario(query);
    let prob = problem::build(&sc, &byzlab::engine::data::Datasets::of(Some(data.clone()))).expect("mnist problem");
    let m = prob.workers();
    let d = prob.dim();
    let images: usize = (0..m).map(|i| prob.samples(i)).sum();
    let classes = d / (PIXELS + 1);
    // Forward logits and backward gradient: images·784·C multiply-adds each; 2 FLOPs per multiply-add.
    let flops = 2.0 * 2.0 * (images * PIXELS * classes) as f64;
    // Evaluation: the test images forward, and the training metrics (accuracy, loss, gradient
    // diversity) on up to TRAIN_EVAL honest training images forward and backward.
    let train_eval = images.min(byzlab::engine::problem::TRAIN_EVAL);
    let eval_flops = 2.0 * ((data.n_test + 2 * train_eval) * PIXELS * classes) as f64;
    let mut run = Run::new(&sc, Curve::gd(AggSpec::from_key("mean").unwrap()), prob.clone());
    let st = time_steps(env, &mut run);
    let w = run.w.clone();
    let mut g = vec![0.0; d];
    let sg = measure(env, || {
        for i in 0..m {
            prob.grad(i, black_box(&w), &GradOpts::default(), &mut g);
        }
        black_box(&g);
    });
    // The same work with one worker's images (hot in cache, at 100 of them) m times: the cost of
    // memory traffic.
    let sh = measure(env, || {
        for _ in 0..m {
            prob.grad(0, black_box(&w), &GradOpts::default(), &mut g);
        }
        black_box(&g);
    });
    let se = measure(env, || {
        black_box(prob.eval(black_box(&w), 2));
    });
    let again = bench_peak(env, &format!("peak_after_{tag}"));
    let (peak_gflops, peak_machine) = (peak.0.max(again.0), peak.1.max(again.1));
    say(env, &format!("-- [{}] {tag} results (peak: the better of the two measurements)", env.target));
    emit(env, &format!("{tag}.peak_auto"), peak_gflops, "GFLOP/s");
    emit(env, &format!("{tag}.peak_machine"), peak_machine, "GFLOP/s");
    let bound_ms = flops / (peak_gflops * 1e9) * 1e3;
    let bound_all_ms = (flops + eval_flops) / (peak_gflops * 1e9) * 1e3;
    say(env, &format!("   training images {images}, classes {classes}: {:.1} MFLOP per iteration (forward + backward)", flops / 1e6));
    say(env, &format!("   {:<44} {:9.3} ms", "one iteration (run.step, T = 100 runs)", st.median_ms));
    say(env, &format!("   {:<44} {:9.3} ms", format!("  of which {m} worker gradients"), sg.median_ms));
    say(env, &format!("   {:<44} {:9.3} ms", "  of which evaluation (test + training metrics)", se.median_ms));
    say(env, &format!("   {:<44} {:9.3} ms", format!("({m} gradients of one worker's images)"), sh.median_ms));
    say(env, &format!("   lower bound FLOPs/peak = {:.1} MFLOP / {peak_gflops:.1} GFLOP/s = {bound_ms:.3} ms", flops / 1e6));
    say(
        env,
        &format!(
            "   ratio step / bound = {:.2}   gradients / bound = {:.2}   step / bound incl. evaluation FLOPs = {:.2}",
            st.median_ms / bound_ms,
            sg.median_ms / bound_ms,
            st.median_ms / bound_all_ms
        ),
    );
    say(
        env,
        &format!("   achieved: step {:.2} GFLOP/s, gradients {:.2} GFLOP/s", flops / (st.median_ms * 1e6), flops / (sg.median_ms * 1e6)),
    );
    emit(env, &format!("{tag}.step"), st.median_ms, "ms");
    emit(env, &format!("{tag}.grads"), sg.median_ms, "ms");
    emit(env, &format!("{tag}.eval"), se.median_ms, "ms");
    emit(env, &format!("{tag}.grads_hot"), sh.median_ms, "ms");
    emit(env, &format!("{tag}.flops"), flops, "FLOP");
    emit(env, &format!("{tag}.eval_flops"), eval_flops, "FLOP");
    emit(env, &format!("{tag}.bound"), bound_ms, "ms");
    emit(env, &format!("{tag}.ratio_step"), st.median_ms / bound_ms, "x");
    emit(env, &format!("{tag}.ratio_grads"), sg.median_ms / bound_ms, "x");
    let strict_ms = flops / (peak_machine * 1e9) * 1e3;
    say(
        env,
        &format!(
            "   strict: bound at the explicit-register peak {peak_machine:.1} GFLOP/s = {strict_ms:.3} ms, step / strict bound = {:.2}",
            st.median_ms / strict_ms
        ),
    );
    emit(env, &format!("{tag}.bound_strict"), strict_ms, "ms");
    emit(env, &format!("{tag}.ratio_step_strict"), st.median_ms / strict_ms, "x");
}

// ---------------------------------------------------------------------------------------------
// The CNN of Table 3 (problem=cnn): one iteration's worker gradients, and a test-set pass.

pub const CNN_QUERY: &str = "problem=cnn&m=10&n=400&batch=40&alpha=0&attack=none&agg=mean";

pub fn bench_cnn(env: &Env, data: &Arc<Dataset>, peak: (f64, f64)) {
    use byzlab::engine::problem::{CNN_BACKWARD_FLOP, CNN_FORWARD_FLOP};
    say(env, &format!("-- [{}] CNN ({CNN_QUERY})", env.target));
    let sc = scenario(CNN_QUERY);
    let prob = problem::build(&sc, &byzlab::engine::data::Datasets::of(Some(data.clone()))).expect("cnn problem");
    let (m, d) = (prob.workers(), prob.dim());
    let mut run = Run::new(&sc, Curve::gd(AggSpec::from_key("mean").unwrap()), prob.clone());
    // 20 steps in, so the ReLUs and the pooling are as sparse as in training.
    for _ in 0..20 {
        run.step();
    }
    let w = run.w.clone();
    let batch: Vec<usize> = (0..sc.batch).collect();
    let opts = GradOpts { batch: Some(&batch), ..GradOpts::default() };
    let mut g = vec![0.0; d];
    let sg = measure(env, || {
        for i in 0..m {
            prob.grad(i, black_box(&w), &opts, &mut g);
        }
        black_box(&g);
    });
    let se = measure(env, || {
        black_box(prob.eval(black_box(&w), 0));
    });
    // FLOPs: every forward pass in full; the backward pass at most (all pooled positions active),
    // so the rate below is an upper bound for the backward part.
    let images = (m * sc.batch) as f64;
    let train_flops = images * (CNN_FORWARD_FLOP + CNN_BACKWARD_FLOP) as f64;
    // An evaluation forwards the test set and up to TRAIN_EVAL of the honest workers' images (the
    // training metrics, docs/performance.md §12; no Byzantine worker here).
    let eval_images = data.n_test + (m * sc.n).min(byzlab::engine::problem::TRAIN_EVAL);
    let fwd_flops = eval_images as f64 * CNN_FORWARD_FLOP as f64;
    let (gf_train, gf_eval) = (train_flops / (sg.median_ms * 1e6), fwd_flops / (se.median_ms * 1e6));
    say(
        env,
        &format!(
            "   {:<44} {:9.3} ms  ({:.0} MFLOP at most, {gf_train:.2} GFLOP/s)",
            format!("{m} worker gradients, batches of {}", sc.batch),
            sg.median_ms,
            train_flops / 1e6
        ),
    );
    say(
        env,
        &format!(
            "   {:<44} {:9.3} ms  ({:.0} MFLOP, {gf_eval:.2} GFLOP/s)",
            format!("evaluation ({eval_images} images, forward)"),
            se.median_ms,
            fwd_flops / 1e6
        ),
    );
    say(env, &format!("   forward against the explicit-register peak {:.1} GFLOP/s: {:.0}%", peak.1, 100.0 * gf_eval / peak.1));
    emit(env, "cnn.grads", sg.median_ms, "ms");
    emit(env, "cnn.eval", se.median_ms, "ms");
    emit(env, "cnn.gflops_train", gf_train, "GFLOP/s");
    emit(env, "cnn.gflops_forward", gf_eval, "GFLOP/s");
    emit(env, "cnn.forward_of_peak", gf_eval / peak.1, "x");
}

// ---------------------------------------------------------------------------------------------
// The breakdown sweep: 6 aggregators × 26 α × 3 seeds × 200 iterations, linear-regression defaults.

pub fn bench_sweep(env: &Env, reps: usize) {
    let mut base = Scenario::defaults_for(ProblemKind::LinReg);
    base.t = SWEEP_T;
    let aggs: Vec<Curve> = SWEEP_AGGS.iter().map(|k| Curve::gd(AggSpec::from_key(k).unwrap())).collect();
    let axis = Axis::alpha_range(0.0, 0.5, 0.02);
    let runs = aggs.len() * axis.len() * SWEEP_SEEDS.len();
    say(env, &format!(
        "-- [{}] breakdown sweep: {} aggregators × {} α × {} seeds × {SWEEP_T} iterations = {runs} runs (linreg defaults: m={}, n={}, d={}, attack={})",
        env.target, aggs.len(), axis.len(), SWEEP_SEEDS.len(), base.m, base.n, base.d, base.attack.kind.key()
    ));
    let mut times = Vec::new();
    for _ in 0..reps.max(1) {
        let t0 = (env.now)();
        let mut sw = Sweep::new(&base, axis.clone(), aggs.clone(), SWEEP_SEEDS.to_vec());
        sw.run_to_end(&mut Cache::default());
        let dt = (env.now)() - t0;
        assert_eq!(sw.progress().0, runs);
        black_box(sw.csv());
        times.push(dt);
    }
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let med = median_of(&mut times);
    say(env, &format!("   {:<44} {:9.1} ms (median of {}; best {min:.1} ms)", "whole sweep", med, reps.max(1)));
    emit(env, "sweep.breakdown", med, "ms");
}

/// Throughput of the engine's multi-row f32 kernels on cache-resident operands (information only).
pub fn bench_kernels(env: &Env, data: &Arc<Dataset>) {
    use byzlab::engine::kernels::{axpy32_rows, dot32_rows};
    say(env, &format!("-- [{}] engine f32 kernels, 10 weight rows × 4 images (L1/L2-resident)", env.target));
    let wrows: Vec<f32> = (0..10 * PIXELS).map(|i| ((i * 37) % 101) as f32 * 1e-3).collect();
    let mut images = vec![0.0f32; 4 * PIXELS];
    for (s, buf) in images.chunks_exact_mut(PIXELS).enumerate() {
        data.image(s, buf);
    }
    let xs: [&[f32]; 4] = std::array::from_fn(|s| &images[s * PIXELS..(s + 1) * PIXELS]);
    let macs = (10 * 4 * PIXELS) as f64;
    let st = measure(env, || {
        let mut t = 0.0;
        for k in 0..10 {
            let z = dot32_rows::<4>(black_box(&wrows[k * PIXELS..(k + 1) * PIXELS]), black_box(&xs));
            t += (z[0] + z[1]) + (z[2] + z[3]);
        }
        black_box(t);
    });
    let gf = 2.0 * macs / (st.median_ms * 1e6);
    say(env, &format!("   {:<44} {gf:8.2} GFLOP/s", "dot32_rows::<4> (forward logits)"));
    emit(env, "kernel.dot32_rows4", gf, "GFLOP/s");
    let mut g = vec![0.0f32; 10 * PIXELS];
    let a = [1e-3f32, -2e-3, 3e-3, -4e-3];
    let st = measure(env, || {
        for k in 0..10 {
            axpy32_rows::<4>(&a, black_box(&xs), &mut g[k * PIXELS..(k + 1) * PIXELS]);
        }
        black_box(&g);
    });
    let gf = 2.0 * macs / (st.median_ms * 1e6);
    say(env, &format!("   {:<44} {gf:8.2} GFLOP/s", "axpy32_rows::<4> (backward gradient)"));
    emit(env, "kernel.axpy32_rows4", gf, "GFLOP/s");
}

/// Runs the benchmarks whose names are in `only` (all if empty).
pub fn run_all(env: &Env, data: &Arc<Dataset>, only: &[String], sweep_reps: usize) {
    let want = |k: &str| only.is_empty() || only.iter().any(|o| o == k);
    let peak =
        if want("peak") || want("mnist") || want("mnist-full") || want("cnn") { bench_peak(env, "peak") } else { (f64::NAN, f64::NAN) };
    if want("kernels") || want("mnist") {
        bench_kernels(env, data);
    }
    if want("linreg") {
        bench_linreg(env);
    }
    if want("mnist") {
        bench_mnist(env, data, peak, MNIST_QUERY, "mnist");
    }
    // Natively only, and only once `node scripts/convert_mnist_full.mjs` has written the file.
    #[cfg(not(target_arch = "wasm32"))]
    if want("mnist-full") {
        match Dataset::load(byzlab::engine::data::DataSource::Full) {
            Ok(full) => bench_mnist(env, &Arc::new(full), peak, MNIST_FULL_QUERY, "mnist_full"),
            Err(e) => say(env, &format!("-- [{}] full MNIST skipped: {e}", env.target)),
        }
    }
    if want("cnn") {
        bench_cnn(env, data, peak);
    }
    if want("sweep") {
        bench_sweep(env, sweep_reps);
    }
}

#[allow(dead_code)]
fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now);
        fn now() -> f64 {
            START.get().unwrap().elapsed().as_secs_f64() * 1e3
        }
        let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
        let log = |s: &str| println!("{s}");
        let env = Env { now, log: &log, target: "native", samples: 15 };
        let data = Arc::new(Dataset::load_default().expect("static/data/mnist5k.bin"));
        println!("byzlab engine benchmarks (native, {} build)", if cfg!(debug_assertions) { "debug" } else { "optimised" });
        run_all(&env, &data, &only, 5);
    }
}
