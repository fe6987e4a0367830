//! Property-based tests (proptest) of the aggregation rules and of the scenario query parser.
//!
//! Run with (the case counts are printed):
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-props cargo test --release --test properties -- --nocapture
//! ```
//!
//! Every property runs through [`check`], which prints how many generated inputs it tried. Failing
//! cases are shrunk and reported but never written to disk (no `proptest-regressions/` files).
#![cfg(not(target_arch = "wasm32"))] // native: files, processes and the data on disk

use byzlab::engine::aggregate::{self as agg, AggParams, Aggregator, GmStart};
use byzlab::engine::linalg::{dot, norm, Mat};
use byzlab::engine::scenario::{encode_component, fmt_f64, AggKind, AggSpec, Domain, Notice, Param, ProblemKind, Scenario, PARAMS};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::Union;
use proptest::test_runner::TestRunner;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

// ------------------------------------------------------------------------------------------------
// Runner.

/// Runs `test` on `cases` inputs drawn from `strategy` (shrinking on failure) and prints the count.
fn check<S>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let config = ProptestConfig { cases, failure_persistence: None, max_shrink_iters: 4096, ..ProptestConfig::default() };
    let calls = AtomicU64::new(0);
    let start = Instant::now();
    let result = TestRunner::new(config).run(&strategy, |v| {
        calls.fetch_add(1, Relaxed);
        test(v)
    });
    match result {
        Ok(()) => println!("{name}: {cases} generated inputs passed in {:.2} s", start.elapsed().as_secs_f64()),
        Err(e) => panic!("{name}: {e} (after {} test calls, shrinking included)", calls.load(Relaxed)),
    }
}

// ------------------------------------------------------------------------------------------------
// Aggregation rules, as a table.

/// One aggregation rule under test: `run(x, f)` aggregates the rows of `x` assuming f Byzantine.
struct Rule {
    name: String,
    /// The rule whose guarantees this one has (a plain function is listed under its kind).
    kind: AggKind,
    /// Whether nearest-neighbour mixing runs first.
    nnm: bool,
    /// Relative tolerance under permutations of the rows (see [`same_value`]); 0 for rules that only
    /// select or sort values, whose output must be bit-identical.
    perm_tol: f64,
    run: RuleFn,
}

/// A rule as a function of the messages and f.
type RuleFn = Box<dyn Fn(&Mat, usize) -> Vec<f64>>;

/// τ and L of centered clipping as in [`AggParams::default`] (checked in `every_rule_returns_the_common_row`).
const CC_TAU: f64 = 10.0;
const CC_IT: usize = 3;

/// Reordering the rows changes sums by rounding only (≤ m·ε·max|xᵢ|), hence 1e-9. The Weiszfeld
/// iteration of the geometric median is stopped after 100 steps, often before it has converged,
/// and amplifies such rounding differences on the way (seen: 3e-8 relative, while the error of
/// the 100-step result itself was 1e-2 relative), hence 1e-6.
fn perm_tol(kind: AggKind, exact: bool) -> f64 {
    match (exact, kind) {
        (true, _) => 0.0,
        (false, AggKind::GeoMed) => 1e-6,
        (false, _) => 1e-9,
    }
}

/// Every public rule function and the [`Aggregator`] for every kind, with and without NNM.
fn rules() -> Vec<Rule> {
    fn plain(name: &str, kind: AggKind, exact: bool, f: fn(&Mat, usize, &mut [f64])) -> Rule {
        let perm_tol = perm_tol(kind, exact);
        let run = Box::new(move |x: &Mat, fb: usize| {
            let mut out = vec![0.0; x.cols];
            f(x, fb, &mut out);
            out
        });
        Rule { name: format!("fn {name}"), kind, nnm: false, perm_tol, run }
    }
    use AggKind as K;
    let mut rules = vec![
        plain("mean", K::Mean, false, |x, _, o| agg::mean(x, o)),
        plain("median", K::Median, true, |x, _, o| agg::median(x, o)),
        plain("trimmed_mean", K::TrMean, true, agg::trimmed_mean),
        plain("nbs", K::Nbs, false, agg::nbs),
        plain("geomed(median start)", K::GeoMed, false, |x, _, o| agg::geomed(x, 1e-6, 100, GmStart::Median, 1e-12, o)),
        plain("geomed(zero start)", K::GeoMed, false, |x, _, o| agg::geomed(x, 1e-6, 100, GmStart::Zero, 1e-12, o)),
        plain("krum", K::Krum, true, |x, f, o| {
            agg::krum(x, f, o);
        }),
        plain("multikrum", K::MultiKrum, false, |x, f, o| agg::multikrum(x, f, x.rows.saturating_sub(f), o)),
        plain("bulyan", K::Bulyan, false, agg::bulyan),
        plain("cclip", K::CClip, false, |x, _, o| agg::cclip(x, CC_TAU, CC_IT, &vec![0.0; x.cols], o)),
        plain("meamed", K::Meamed, false, agg::meamed),
        plain("filter(σ estimated)", K::Filter, false, |x, f, o| agg::filter(x, f, 0.0, o)),
        plain("filter(σ = 1)", K::Filter, false, |x, f, o| agg::filter(x, f, 1.0, o)),
        Rule { nnm: true, ..plain("nnm then mean", K::Mean, false, |x, f, o| agg::mean(&agg::nnm(x, f), o)) },
    ];
    for &kind in AggKind::ALL {
        for nnm in [false, true] {
            let spec = AggSpec { kind, nnm };
            let run = Box::new(move |x: &Mat, f: usize| {
                let mut out = vec![0.0; x.cols];
                let mut a = Aggregator::new(spec, AggParams::default(), f);
                // FLTrust's reference is the server's own update, never a message: a fixed one
                // here (without it the last row stands in, which permutations move).
                if kind == K::FlTrust {
                    a.root = Some((0..x.cols).map(|j| 1.0 + j as f64).collect());
                }
                a.aggregate(x, &mut out);
                out
            });
            let perm_tol = perm_tol(kind, !nnm && matches!(kind, K::Median | K::TrMean | K::Krum));
            rules.push(Rule { name: format!("Aggregator {}", spec.key()), kind, nnm, perm_tol, run });
        }
    }
    rules
}

// ------------------------------------------------------------------------------------------------
// Matrix generators.

/// Moderate finite values (|x| ≤ 1e6), ties likely (integers and 0 included).
fn moderate() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![3 => -1e6..1e6f64, 3 => -1.0..1.0f64, 1 => Just(0.0), 2 => (-20i32..20).prop_map(f64::from)]
}

/// Extreme finite values.
fn extreme() -> impl Strategy<Value = f64> + Clone {
    select(vec![1e308, -1e308, f64::MAX, f64::MIN, 1e-300, -1e-300, f64::MIN_POSITIVE, 5e-324, -5e-324, 0.0, -0.0, 1e154, -1e154])
}

fn nonfinite() -> impl Strategy<Value = f64> + Clone {
    select(vec![f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY])
}

/// Anything: moderate, extreme, non-finite, or any bit pattern.
fn any_entry() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![4 => moderate(), 2 => extreme(), 1 => nonfinite(), 1 => any::<f64>()]
}

/// Continuous values only, so distances and Krum scores have no exact ties.
fn continuous() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![-1e3..1e3f64, -1.0..1.0f64]
}

fn mat_from(m: usize, d: usize, data: Vec<f64>) -> Mat {
    Mat { rows: m, cols: d, data }
}

/// An m×d matrix (m in 1..=25, d in 1..=6) of entries from `entry`.
fn matrix(entry: impl Strategy<Value = f64> + Clone + 'static) -> BoxedStrategy<Mat> {
    (1..=25usize, 1..=6usize)
        .prop_flat_map(move |(m, d)| prop::collection::vec(entry.clone(), m * d).prop_map(move |v| mat_from(m, d, v)))
        .boxed()
}

/// A matrix whose m rows are drawn (with repetition) from k ≤ m distinct rows.
fn duplicated(entry: impl Strategy<Value = f64> + Clone + 'static) -> BoxedStrategy<Mat> {
    (1..=25usize, 1..=6usize)
        .prop_flat_map(move |(m, d)| {
            let entry = entry.clone();
            (1..=m).prop_flat_map(move |k| {
                let rows = prop::collection::vec(prop::collection::vec(entry.clone(), d), k);
                (rows, prop::collection::vec(0..k, m))
            })
        })
        .prop_map(|(rows, pick)| Mat::from_rows(&pick.iter().map(|&i| rows[i].clone()).collect::<Vec<_>>()))
        .boxed()
}

/// A matrix some of whose rows are replaced by constant non-finite rows (all NaN, +∞ or −∞).
fn with_nonfinite_rows(entry: impl Strategy<Value = f64> + Clone + 'static) -> BoxedStrategy<Mat> {
    matrix(entry)
        .prop_flat_map(|x| {
            let m = x.rows;
            (Just(x), prop::collection::vec(prop::option::weighted(0.3, nonfinite()), m))
        })
        .prop_map(|(mut x, fill)| {
            for (i, v) in fill.iter().enumerate() {
                if let Some(v) = v {
                    x.row_mut(i).iter_mut().for_each(|e| *e = *v);
                }
            }
            x
        })
        .boxed()
}

/// Everything item 1 of the test plan lists: random, duplicated, extreme, NaN/±∞ rows and entries.
fn hostile_matrix() -> BoxedStrategy<Mat> {
    prop_oneof![
        matrix(moderate()),
        duplicated(any_entry()),
        matrix(any_entry()),
        matrix(extreme()),
        with_nonfinite_rows(moderate()),
        with_nonfinite_rows(any_entry()),
    ]
    .boxed()
}

/// A matrix, a permutation of its rows and an f < m.
fn with_permutation(mats: BoxedStrategy<Mat>) -> impl Strategy<Value = (Mat, Vec<usize>, usize)> {
    mats.prop_flat_map(|x| {
        let m = x.rows;
        (Just(x), Just((0..m).collect::<Vec<usize>>()).prop_shuffle(), 0..m)
    })
}

fn permute(x: &Mat, perm: &[usize]) -> Mat {
    x.select(perm)
}

fn max_abs_finite(x: &Mat) -> f64 {
    x.data.iter().filter(|v| v.is_finite()).fold(0.0, |a, v| a.max(v.abs()))
}

/// Equal as outputs of the same computation on permuted inputs: NaN matches NaN, infinities must
/// match exactly, finite values within rel × (largest input magnitude) + 1e-12 (exactly if rel = 0).
/// (The error of a reordered sum of m terms is bounded by m·ε·max|xᵢ|, not by the size of the
/// result, so the relative tolerance is taken with respect to the inputs.)
fn same_value(a: f64, b: f64, scale: f64, rel: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if rel == 0.0 || !a.is_finite() || !b.is_finite() {
        return a == b;
    }
    (a - b).abs() <= rel * scale + 1e-12
}

fn same_vec(a: &[f64], b: &[f64], scale: f64, rel: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(*x, *y, scale, rel))
}

// ------------------------------------------------------------------------------------------------
// 1a, 1b: no panics, output length, finite outputs.

#[test]
fn aggregators_never_panic_on_hostile_input() {
    let rules = rules();
    check("1a never panics (hostile matrices × 38 rules × every f < m)", 1000, hostile_matrix(), |x| {
        for f in 0..x.rows {
            for r in &rules {
                let out = (r.run)(&x, f);
                prop_assert_eq!(out.len(), x.cols, "{} f={}", r.name, f);
            }
            let mixed = agg::nnm(&x, f);
            prop_assert_eq!((mixed.rows, mixed.cols, mixed.data.len()), (x.rows, x.cols, x.data.len()), "nnm shape, f={}", f);
        }
        Ok(())
    });
}

#[test]
fn aggregators_are_finite_on_moderate_input() {
    let rules = rules();
    let mats = prop_oneof![matrix(moderate()), duplicated(moderate()), matrix(continuous())].boxed();
    check("1b finite output for finite |x| ≤ 1e6", 700, mats, |x| {
        for f in 0..x.rows {
            for r in &rules {
                let out = (r.run)(&x, f);
                prop_assert_eq!(out.len(), x.cols);
                prop_assert!(out.iter().all(|v| v.is_finite()), "{} f={} gave {:?}", r.name, f, out);
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 1c: permutation invariance (and NNM equivariance).

fn check_permutation((x, perm, f): (Mat, Vec<usize>, usize), rules: &[Rule]) -> Result<(), TestCaseError> {
    let y = permute(&x, &perm);
    let scale = max_abs_finite(&x);
    // MoNNA is meant to depend on which row is its pivot (the last).
    for r in rules.iter().filter(|r| r.kind != AggKind::Monna) {
        let (a, b) = ((r.run)(&x, f), (r.run)(&y, f));
        prop_assert!(same_vec(&a, &b, scale, r.perm_tol), "{} f={}: {:?} vs permuted {:?}", r.name, f, a, b);
    }
    // NNM maps the permuted input to the permuted output, bit for bit (its sums run in an order
    // fixed by distances and values).
    let (mx, my) = (agg::nnm(&x, f), agg::nnm(&y, f));
    prop_assert!(same_vec(&permute(&mx, &perm).data, &my.data, scale, 0.0), "nnm f={} is not permutation-equivariant", f);
    Ok(())
}

#[test]
fn aggregators_are_permutation_invariant_without_ties() {
    let rules = rules();
    check("1c permutation invariance, continuous finite input", 3000, with_permutation(matrix(continuous())), |case| {
        check_permutation(case, &rules)
    });
}

#[test]
fn aggregators_are_permutation_invariant_with_duplicated_rows() {
    let rules = rules();
    let mats = prop_oneof![duplicated(continuous()), duplicated(moderate())].boxed();
    check("1c permutation invariance, duplicated rows", 3000, with_permutation(mats), |case| check_permutation(case, &rules));
}

#[test]
fn aggregators_are_permutation_invariant_with_nan_and_infinity() {
    // Huge finite values are left out: whether 1e308 + 1e308 − 1e308 overflows depends on the order.
    let rules = rules();
    let entry = prop_oneof![6 => continuous(), 1 => nonfinite()];
    let mats = prop_oneof![matrix(entry.clone()), duplicated(entry), with_nonfinite_rows(continuous())].boxed();
    check("1c permutation invariance, NaN and ±∞ entries and rows", 3000, with_permutation(mats), |case| {
        check_permutation(case, &rules)
    });
}

// ------------------------------------------------------------------------------------------------
// 1d: range containment with h honest and b Byzantine rows.

/// What the Byzantine rows look like.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Byz {
    /// Anything, including values among the honest ones, NaN, ±∞ and huge values.
    Arbitrary,
    /// Every entry is far from every honest value: NaN, ±∞, ±1e308 or |v| in [1e7, 1e12]. (So every
    /// Byzantine row is at distance > 1e6 from every honest row, coordinate by coordinate.)
    Far,
    /// Every row has at least one NaN or ±∞ entry (so its distance to any finite point is not finite).
    NonFinite,
}

/// h honest rows in [−100, 100]^d and b Byzantine rows, interleaved at random.
#[derive(Clone, Debug)]
struct Attacked {
    x: Mat,
    honest: Vec<bool>,
    class: Byz,
}

fn far_entry() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![nonfinite(), select(vec![1e308, -1e308]), 1e7..1e12f64, -1e12..-1e7f64]
}

fn byzantine_rows(class: Byz, b: usize, d: usize) -> BoxedStrategy<Vec<Vec<f64>>> {
    let rows = match class {
        Byz::Arbitrary => prop::collection::vec(prop::collection::vec(prop_oneof![continuous(), any_entry()], d), b).boxed(),
        Byz::Far => prop::collection::vec(prop::collection::vec(far_entry(), d), b).boxed(),
        Byz::NonFinite => prop::collection::vec(
            (prop::collection::vec(any_entry(), d), 0..d, nonfinite()).prop_map(|(mut r, j, v)| {
                r[j] = v;
                r
            }),
            b,
        )
        .boxed(),
    };
    // Sometimes all Byzantine rows are identical (a cluster: the hard case for Krum-like rules).
    (rows, any::<bool>())
        .prop_map(|(mut rows, same)| {
            if same && !rows.is_empty() {
                let first = rows[0].clone();
                rows.iter_mut().for_each(|r| *r = first.clone());
            }
            rows
        })
        .boxed()
}

fn attacked() -> impl Strategy<Value = Attacked> {
    let class = prop_oneof![Just(Byz::Arbitrary), Just(Byz::Far), Just(Byz::NonFinite)];
    (1..=20usize, 0..=12usize, 1..=6usize, class)
        .prop_flat_map(|(h, b, d, class)| {
            let b = b.min(25 - h);
            let honest = prop::collection::vec(prop::collection::vec(prop_oneof![3 => -100.0..100.0f64, 1 => -1.0..1.0f64], d), h);
            let order = Just((0..h + b).collect::<Vec<usize>>()).prop_shuffle();
            (honest, byzantine_rows(class, b, d), order, Just(class))
        })
        .prop_map(|(honest, byz, order, class)| {
            // order[i] < h: row i is the honest row order[i]; otherwise a Byzantine row.
            let h = honest.len();
            let rows: Vec<Vec<f64>> = order.iter().map(|&k| if k < h { honest[k].clone() } else { byz[k - h].clone() }).collect();
            Attacked { x: Mat::from_rows(&rows), honest: order.iter().map(|&k| k < h).collect(), class }
        })
}

/// Whether `rule`, assuming f, provably outputs a point in the coordinate-wise range of the honest
/// rows when m = h + b rows of which b are Byzantine of class `class`. The arguments:
/// - b = 0: every rule but centered clipping (which moves at most L·τ from 0) and SignGuard (which
///   shrinks the rows longer than the median norm towards 0, out of the honest box: rows (1, 1) and
///   (1, 3) twice each, M = 2.29, give a first coordinate 0.86 < 1) and FLTrust (which rescales
///   every row to the root update's norm) averages or selects inputs, NNM included.
/// - median: at most b < h values lie outside the honest range on either side, so the middle value(s)
///   are honest-bounded (NaN sorts as +∞).
/// - trimmed mean with f ≥ b, m > 2f: the kept order statistics f+1 … m−f are honest-bounded.
/// - Krum, Multi-Krum with f ≥ b, m ≥ 2f + 3 and isolated Byzantine rows: k = m − f − 2 ≥ b + 1, so a
///   Byzantine row's k nearest include an honest row at squared distance > 1e12 (or ∞), while an
///   honest row has k honest neighbours (h − 1 ≥ k) at squared distance ≤ 25·6·200² < 1e12: the
///   m − f ≤ h lowest scores are honest.
/// - Bulyan with f > b, m ≥ 2f + 1, isolated: in every round of Krum k ≥ f − 1 ≥ b, so as above only
///   honest rows are selected; the final step averages selected values.
/// - NBS with f ≥ b, isolated: Byzantine norms are ≥ 1e7 or not finite, so they are dropped first.
/// - Meamed with f ≥ b, b < h, Far: the median is honest-bounded, Byzantine values are ≥ 1e7 − 200
///   away from it in every coordinate, so the m − f ≤ h closest values are honest.
/// - Geometric median, b < h, NonFinite: the start (median) is finite and honest-bounded, rows at
///   non-finite distance get weight 0, so each Weiszfeld iterate is a convex combination of honest
///   rows.
/// - Filter, b < h, NonFinite: only finite rows are ever active; the fallback is the median.
/// - MDA with f ≥ b, isolated: see the match arm.
/// - NNM then median / trimmed mean, f ≥ b, isolated: an honest row's m − f nearest rows are honest
///   (h ≥ m − f), so honest rows stay in the honest range; the mixed Byzantine rows are arbitrary,
///   which the median and trimmed mean tolerate under the conditions above.
fn contains_honest_range(rule: &Rule, m: usize, f: usize, b: usize, class: Byz) -> bool {
    use AggKind as K;
    let h = m - b;
    let isolated = class != Byz::Arbitrary;
    if b == 0 {
        return !matches!(rule.kind, K::CClip | K::SignGuard | K::FlTrust);
    }
    if rule.nnm {
        return isolated && b <= f && ((rule.kind == K::Median && b < h) || (rule.kind == K::TrMean && m > 2 * f));
    }
    match rule.kind {
        K::Mean | K::CClip => false,
        K::Median => b < h,
        K::TrMean => b <= f && m > 2 * f,
        K::Nbs => isolated && b <= f,
        K::Krum | K::MultiKrum => isolated && b <= f && m >= 2 * f + 3,
        K::Bulyan => isolated && b < f && m > 2 * f,
        K::Meamed => class == Byz::Far && b <= f && b < h,
        K::GeoMed | K::Filter => class == Byz::NonFinite && b < h,
        // Isolated Byzantine rows (≥ 1e7 away or non-finite) widen any subset of two or more they
        // join beyond the honest rows' diameter; m > 2f makes the m − f ≥ 2, and b ≤ f leaves
        // h ≥ m − f honest rows to choose.
        K::Mda => isolated && b <= f && m > 2 * f,
        // MoNNA trusts its pivot, the last row, which may be Byzantine here; CAF's weights have no
        // such bound.
        K::Monna | K::Caf => false,
        // DnC's spectral score has no count guarantee: with two far Byzantine rows in different
        // directions the top singular vector follows one, and the other's projection on it can
        // be as small as an honest row's. SignGuard clips (see b = 0) and its sign clusters may
        // hold Byzantine rows.
        K::Dnc | K::SignGuard => false,
        // FLTrust rescales every input to the root update's norm (here the last row's, which may be
        // Byzantine): its output leaves the honest range even with b = 0.
        K::FlTrust => false,
    }
}

#[test]
fn robust_rules_stay_in_the_honest_range() {
    let rules = rules();
    let applied = AtomicU64::new(0);
    check("1d honest-range containment (h honest + b Byzantine, every f < m)", 2000, attacked(), |a| {
        let (x, m, d) = (&a.x, a.x.rows, a.x.cols);
        let b = a.honest.iter().filter(|h| !**h).count();
        let honest: Vec<&[f64]> = (0..m).filter(|&i| a.honest[i]).map(|i| x.row(i)).collect();
        let lo: Vec<f64> = (0..d).map(|j| honest.iter().map(|r| r[j]).fold(f64::INFINITY, f64::min)).collect();
        let hi: Vec<f64> = (0..d).map(|j| honest.iter().map(|r| r[j]).fold(f64::NEG_INFINITY, f64::max)).collect();
        // Averages of values in [lo, hi] may leave it by rounding only.
        let tol = 1e-12 * (1.0 + honest.iter().flat_map(|r| r.iter()).fold(0.0f64, |s, v| s.max(v.abs())));
        for f in 0..m {
            for r in rules.iter().filter(|r| contains_honest_range(r, m, f, b, a.class)) {
                applied.fetch_add(1, Relaxed);
                let out = (r.run)(x, f);
                for j in 0..d {
                    prop_assert!(
                        out[j] >= lo[j] - tol && out[j] <= hi[j] + tol,
                        "{} f={} b={} {:?}: coordinate {} = {} not in honest range [{}, {}]",
                        r.name,
                        f,
                        b,
                        a.class,
                        j,
                        out[j],
                        lo[j],
                        hi[j]
                    );
                }
                if r.kind == AggKind::Krum && !r.nnm {
                    prop_assert!(honest.iter().any(|h| *h == &out[..]), "{} f={} b={}: {:?} is not an honest row", r.name, f, b, out);
                }
            }
        }
        Ok(())
    });
    println!("    ({} rule evaluations had a containment guarantee)", applied.load(Relaxed));
}

#[test]
fn krum_outputs_an_input_row() {
    check("1d Krum returns one of its inputs (bit for bit), any input", 3000, hostile_matrix(), |x| {
        for f in 0..x.rows {
            let mut out = vec![0.0; x.cols];
            let i = agg::krum(&x, f, &mut out);
            prop_assert!(i < x.rows);
            let bits = |v: &[f64]| v.iter().map(|t| t.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&out), bits(x.row(i)), "f={}", f);
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 1e: identical rows.

/// A vector with entries 0 or ±10^e, e in [−150, 100] (no overflow when squared and summed).
fn identical_vector() -> impl Strategy<Value = Vec<f64>> {
    let entry = prop_oneof![
        1 => Just(0.0),
        1 => Just(-0.0),
        4 => (any::<bool>(), -150.0..100.0f64).prop_map(|(neg, e)| if neg { -(10f64.powf(e)) } else { 10f64.powf(e) }),
        4 => -50.0..50.0f64,
    ];
    (1..=6usize).prop_flat_map(move |d| prop::collection::vec(entry.clone(), d))
}

#[test]
fn every_rule_returns_the_common_row() {
    let rules = rules();
    let case = (identical_vector(), 1..=25usize);
    check("1e identical rows x → x (cclip: x·min(1, Lτ/‖x‖); fltrust: x rescaled to ‖g₀‖)", 1000, case, |(v, m)| {
        let x = Mat::from_rows(&vec![v.clone(); m]);
        // Centered clipping from 0 moves at most τ per iteration: it reaches x only if ‖x‖ ≤ Lτ.
        let clipped: Vec<f64> = {
            let n = norm(&v);
            let s = if n <= CC_IT as f64 * CC_TAU { 1.0 } else { CC_IT as f64 * CC_TAU / n };
            v.iter().map(|t| t * s).collect()
        };
        // FLTrust rescales x to its root update's norm when their cosine is positive, else gives 0.
        let trusted: Vec<f64> = {
            let root: Vec<f64> = (0..v.len()).map(|j| 1.0 + j as f64).collect();
            let (n, n0) = (norm(&v), norm(&root));
            let cos = dot(&v, &root) / (n * n0);
            v.iter().map(|t| if cos > 0.0 { t * (n0 / n) } else { 0.0 }).collect()
        };
        for f in 0..m {
            for r in &rules {
                let out = (r.run)(&x, f);
                let want = match r.kind {
                    AggKind::CClip => &clipped,
                    AggKind::FlTrust => &trusted,
                    _ => &v,
                };
                let ok = out.iter().zip(want).all(|(o, w)| (o - w).abs() <= 1e-12 * w.abs() + 1e-306);
                prop_assert!(ok, "{} m={} f={}: {:?} instead of {:?}", r.name, m, f, out, want);
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 2: scenario queries. Every parameter comes from the one table (`PARAMS`), so these properties
// cover each new parameter without being edited.

fn known_keys() -> Vec<&'static str> {
    PARAMS.iter().map(|p| p.key).collect()
}

/// Every notice is short plain text.
fn check_notices(notes: &[Notice]) -> Result<(), TestCaseError> {
    for n in notes {
        let text = n.to_string();
        prop_assert!(text.chars().count() <= 200, "notice of {} characters: {}", text.chars().count(), text);
        prop_assert!(!text.chars().any(char::is_control), "control character in notice {:?}", text);
    }
    Ok(())
}

/// Every field within its domain (its canonical value reads back exactly, without a repair: in
/// range, finite, no duplicate in a list), and a runnable combination.
fn check_valid(s: &Scenario) -> Result<(), TestCaseError> {
    for p in PARAMS {
        let v = p.get(s);
        let mut t = s.clone();
        prop_assert_eq!(p.set(&mut t, &v), Ok(None), "{} = {} is not a value of its domain", p.key, v);
        prop_assert_eq!(p.get(&t), v.clone(), "{} = {} does not read back", p.key, v);
        if let Some(x) = p.num(s) {
            prop_assert!(x.is_finite(), "{} = {}", p.key, x);
        }
    }
    prop_assert!(!s.rules.is_empty() && s.rules.len() <= 16, "{} aggregators", s.rules.len());
    prop_assert!(s.clone().sanitize().is_empty(), "not sanitized: {:?}", s.clone().sanitize());
    Ok(())
}

/// Parsing the canonical (and the full) query gives the same scenario back, without notices.
fn check_round_trip(s: &Scenario) -> Result<(), TestCaseError> {
    for q in [s.to_query(), s.to_full_query()] {
        let (back, notes) = Scenario::from_query(&q);
        prop_assert!(notes.is_empty(), "{:?} on re-parsing {}", notes, q);
        prop_assert_eq!(&back, s, "query {}", q);
    }
    Ok(())
}

/// Values meant to hurt: markup, overflow, NaN, signs, junk escapes, enum keys, lists.
fn nasty_value() -> BoxedStrategy<String> {
    let fixed: Vec<String> = [
        "<script>alert(1)</script>",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "1e400",
        "-1e400",
        "1e-400",
        "NaN",
        "nan",
        "-NaN",
        "inf",
        "-inf",
        "Infinity",
        "-0",
        "-0.0",
        "0",
        "-1",
        "-5",
        "-1e7",
        "1e7",
        "0.5",
        "1.5",
        "2.5",
        "199.5",
        "200.4999",
        "18446744073709551615",
        "18446744073709551616",
        "+5",
        "0x10",
        "1_000",
        " 7 ",
        "",
        "=",
        "==",
        "%",
        "%4",
        "%zz",
        "%G1",
        "%FF%FE",
        "%00",
        "%0A",
        "%E2%80%AE",
        "+",
        "auto",
        "AUTO",
        "1,2",
        "1,2,3",
        ",",
        ",,,",
        "nnm-rsa",
        "nnm-nnm-mean",
        "mean,mean,median",
        "krum,bogus,nnm-krum",
        "rsa,nnm-median",
        "true",
        "on",
        "off",
        "2",
        "\u{0}",
        "\u{7f}",
        "\r\n",
        "é",
        "日本",
        "\u{202e}",
        "🦀",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let enum_keys: Vec<String> = PARAMS.iter().flat_map(|p| p.domain.options().iter().map(|o| o.0.to_string())).collect();
    let agg_keys: Vec<String> = all_specs().iter().map(|a| a.key()).chain(["bogus".to_string(), String::new()]).collect();
    let agg_part = prop_oneof![3 => select(agg_keys), 1 => "[a-z<>/()-]{0,40}", 1 => any::<String>()];
    prop_oneof![
        3 => select(fixed),
        2 => select(enum_keys),
        3 => prop::collection::vec(agg_part, 0..30).prop_map(|v| v.join(",")),
        2 => any::<f64>().prop_map(|x| format!("{x}")),
        1 => any::<f64>().prop_map(|x| format!("{x:e}")),
        2 => (-1e6..1e6f64).prop_map(|x| format!("{x}")),
        2 => any::<i64>().prop_map(|x| x.to_string()),
        1 => (-300i32..300).prop_map(|x| x.to_string()),
        1 => "[0-9eE.+-]{0,30}",
        1 => any::<String>(),
        1 => prop::collection::vec(any::<char>(), 0..40).prop_map(|v| v.into_iter().collect()),
        1 => (select(vec!['9', 'a', '%', '&', '=', '+', ',', 'é']), 100..120_000usize).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
    .boxed()
}

fn nasty_key() -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(known_keys()).prop_map(String::from),
        2 => select(vec!["agg", "problem", "attack", "m", "w0", "z", "seed"]).prop_map(String::from),
        1 => "[a-zA-Z_]{0,12}",
        1 => select(
            ["", "%zz", "m%3D1", "M", "T ", "<script>", "%01", "\u{0}", "problem", "agg", "%61gg"]
                .iter()
                .map(|k| k.to_string())
                .chain(["x".repeat(200)])
                .collect::<Vec<_>>()
        ),
        1 => any::<String>(),
        1 => prop::collection::vec(any::<char>(), 0..80).prop_map(|v| v.into_iter().collect()),
    ]
    .boxed()
}

/// `key=value` pairs joined by `&`, each part encoded or raw, with stray separators.
fn pair_query() -> impl Strategy<Value = String> {
    let part = (nasty_key(), nasty_value(), 0..6u8).prop_map(|(k, v, how)| match how {
        0 => format!("{}={}", encode_component(&k), encode_component(&v)),
        1 => k,
        2 => format!("{k}={v}={v}"),
        _ => format!("{k}={v}"),
    });
    (any::<bool>(), prop::collection::vec(part, 0..40), select(vec!["&", "&&", "&&&&&", "&=&"]))
        .prop_map(|(lead, parts, sep)| format!("{}{}", if lead { "?" } else { "" }, parts.join(sep)))
}

/// Queries with very many parts or one very long part.
fn big_query() -> impl Strategy<Value = String> {
    prop_oneof![
        (1..60_000usize).prop_map(|n| "&".repeat(n)),
        (190..400usize, select(vec!["m=3&", "a&", "x=1&", "&", "agg=krum&"])).prop_map(|(n, p)| p.repeat(n)),
        (1..100_000usize).prop_map(|n| format!("m={}", "9".repeat(n))),
        (1..100_000usize).prop_map(|n| format!("{}=1&m=5", "k".repeat(n))),
        (1..30_000usize).prop_map(|n| format!("agg={}", "nnm-krum,".repeat(n))),
        (1..30_000usize).prop_map(|n| "%E2%82".repeat(n)),
    ]
}

fn hostile_query() -> BoxedStrategy<String> {
    prop_oneof![
        2 => any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        2 => any::<String>(),
        2 => "[a-zA-Z0-9=&%+,._~-]{0,120}",
        8 => pair_query(),
        1 => big_query(),
    ]
    .boxed()
}

#[test]
fn any_query_parses_to_a_valid_canonical_scenario() {
    check("2a hostile queries: no panic, valid, canonical round trip, clean notices", 12_000, hostile_query(), |q| {
        let (s, notes) = Scenario::from_query(&q);
        check_notices(&notes)?;
        check_valid(&s)?;
        check_round_trip(&s)
    });
}

// 2b: valid scenarios built parameter by parameter.

/// Every aggregator the query syntax can name.
fn all_specs() -> Vec<AggSpec> {
    AggKind::ALL.iter().flat_map(|&kind| [AggSpec { kind, nnm: false }, AggSpec { kind, nnm: true }]).collect()
}

/// A number in [lo, hi]: the ends, uniform, rounded decimals, and tiny values.
fn num_in(lo: f64, hi: f64) -> BoxedStrategy<f64> {
    let mut parts: Vec<BoxedStrategy<f64>> = vec![
        Just(lo).boxed(),
        Just(hi).boxed(),
        (lo..=hi).boxed(),
        (lo..=hi).boxed(),
        (lo..=hi).prop_map(move |x| ((x * 1000.0).round() / 1000.0).clamp(lo, hi)).boxed(),
    ];
    if lo <= 0.0 && hi >= 0.0 {
        parts.push(select(vec![0.0, 5e-324, 1e-300, 1e-5, 0.1, 1e-4]).prop_map(move |x: f64| x.min(hi)).boxed());
    }
    if lo < 0.0 {
        parts.push(select(vec![-5e-324, -1e-300, -1e-5, -0.1]).boxed());
    }
    Union::new(parts).boxed()
}

/// A valid query value of a parameter, drawn from its domain.
fn value_of(p: &'static Param) -> BoxedStrategy<String> {
    match p.domain {
        Domain::Int { lo, hi } => (lo..=hi).prop_map(|v| v.to_string()).boxed(),
        Domain::Num { lo, hi } => num_in(lo, hi).prop_map(fmt_f64).boxed(),
        Domain::Seed => any::<u64>().prop_map(|v| v.to_string()).boxed(),
        Domain::Flag => any::<bool>().prop_map(|b| (b as u8).to_string()).boxed(),
        Domain::Choice(o) => select(o.iter().map(|o| o.0.to_string()).collect::<Vec<_>>()).boxed(),
        Domain::List { options, max, prefix } => {
            let keys: Vec<String> = options.iter().map(|o| o.0.to_string()).collect();
            let n = keys.len().min(max);
            let pre = prefix.map(|p| p.0.to_string());
            (subsequence(keys, 1..=n).prop_shuffle(), prop::collection::vec(any::<bool>(), n))
                .prop_map(move |(items, on)| {
                    let with = |(i, k): (usize, String)| match &pre {
                        Some(pre) if on[i] => format!("{pre}{k}"),
                        _ => k,
                    };
                    items.into_iter().enumerate().map(with).collect::<Vec<_>>().join(",")
                })
                .boxed()
        }
        Domain::Stages { options, max } => {
            let keys: Vec<String> = options.iter().map(|o| o.0.to_string()).collect();
            prop::collection::vec(select(keys), 0..=max.min(3))
                .prop_map(|v| if v.is_empty() { "none".to_string() } else { v.join(",") })
                .boxed()
        }
        Domain::Pair { lo, hi } => (num_in(lo, hi), num_in(lo, hi)).prop_map(|(a, b)| format!("{},{}", fmt_f64(a), fmt_f64(b))).boxed(),
        Domain::Auto { lo, hi } => prop_oneof![Just("auto".to_string()), num_in(lo, hi).prop_map(fmt_f64)].boxed(),
        Domain::Points { lo, hi, max } => proptest::collection::vec((num_in(lo, hi), num_in(lo, hi)), 0..max.min(6))
            .prop_map(|v| {
                if v.is_empty() {
                    "none".into()
                } else {
                    v.iter().flat_map(|(a, b)| [fmt_f64(*a), fmt_f64(*b)]).collect::<Vec<_>>().join(",")
                }
            })
            .boxed(),
    }
}

/// A problem's defaults with each other parameter set, half the time, to a value of its domain.
fn valid_scenario() -> impl Strategy<Value = Scenario> {
    let values: Vec<BoxedStrategy<Option<String>>> =
        PARAMS.iter().filter(|p| p.key != "problem").map(|p| prop::option::weighted(0.5, value_of(p)).boxed()).collect();
    (select(ProblemKind::ALL), values).prop_map(|(problem, values)| {
        let mut s = Scenario::defaults_for(problem);
        for (p, v) in PARAMS.iter().filter(|p| p.key != "problem").zip(values) {
            if let Some(v) = v {
                assert_eq!(p.set(&mut s, &v), Ok(None), "{}={v}", p.key);
            }
        }
        // Valid means runnable: let the scenario repair impossible attack/algorithm combinations.
        s.sanitize();
        s
    })
}

#[test]
fn valid_scenarios_round_trip_exactly() {
    check("2b valid scenarios: parse(to_query(s)) == s, and set() of every field", 5000, valid_scenario(), |s| {
        check_valid(&s)?;
        check_round_trip(&s)?;
        // `set` with each canonical value, starting from another problem's defaults.
        let mut t = Scenario::defaults_for(if s.problem == ProblemKind::Mean { ProblemKind::Saddle } else { ProblemKind::Mean });
        for p in PARAMS {
            let v = p.get(&s);
            prop_assert_eq!(p.set(&mut t, &v), Ok(None), "set({}, {})", p.key, v);
        }
        prop_assert_eq!(t, s);
        Ok(())
    });
}

// 2c: notices.

/// A value no key accepts: not a number, enum key, list, 0/1 or `auto`, or outside every range.
/// (`nan` and `inf` are not bad: they are attack names.)
fn bad_value() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["", "NaN", "Infinity", "+inf", "-inf", "1e400", "-1e400", "1e7", "-1e7", "<script>alert(1)</script>", "%zz", "bogus"])
            .prop_map(String::from),
        "x[a-z0-9]{0,30}",
    ]
}

#[test]
fn bad_values_are_reported_under_their_key() {
    let keys = known_keys();
    let case = (valid_scenario(), select(keys), bad_value(), any::<prop::sample::Index>());
    check("2c a bad value for a known key yields a notice naming it", 5000, case, |(s, key, bad, at)| {
        let mut parts: Vec<String> = PARAMS.iter().map(|p| format!("{}={}", p.key, encode_component(&p.get(&s)))).collect();
        let pos = at.index(parts.len() + 1);
        parts.insert(pos, format!("{key}={}", encode_component(&bad)));
        let q = parts.join("&");
        let (back, notes) = Scenario::from_query(&q);
        check_notices(&notes)?;
        check_valid(&back)?;
        if key == "problem" {
            // The last `problem` pair decides the problem; an earlier bad one is overridden silently.
            if pos > 0 {
                prop_assert!(notes.iter().any(|n| n.key == key), "no notice for {}={:?}: {:?}", key, bad, notes);
            }
            return Ok(());
        }
        prop_assert_eq!(notes.len(), 1, "{:?} for {}={:?}", notes, key, bad);
        prop_assert_eq!(&notes[0].key, key);
        // A bad value placed before the valid one is overridden by it.
        let own = parts.iter().skip(pos + 1).any(|p| p.starts_with(&format!("{key}=")));
        if own {
            prop_assert_eq!(back, s);
        }
        Ok(())
    });
}

#[test]
fn unknown_keys_are_reported_and_valid_queries_are_silent() {
    let keys = known_keys();
    let unknown = "[a-zA-Z_0-9.~-]{1,24}".prop_filter("a known key", move |k| !keys.contains(&k.as_str()));
    let case = (valid_scenario(), prop::collection::vec(unknown, 0..4), any::<bool>()).prop_flat_map(|(s, unknown, full)| {
        let query = if full { s.to_full_query() } else { s.to_query() };
        let mut parts: Vec<String> = query.split('&').map(String::from).collect();
        parts.extend(unknown.iter().map(|k| format!("{k}=1")));
        (Just(s), Just(unknown), Just(parts).prop_shuffle())
    });
    check("2c unknown keys yield notices; valid pairs in any order yield none", 5000, case, |(s, unknown, parts)| {
        let (back, notes) = Scenario::from_query(&parts.join("&"));
        check_notices(&notes)?;
        prop_assert_eq!(back, s);
        let mut keys: Vec<&str> = notes.iter().map(|n| n.key.as_str()).collect();
        let mut want: Vec<&str> = unknown.iter().map(String::as_str).collect();
        keys.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(keys, want);
        prop_assert!(notes.iter().all(|n| n.message.contains("unknown key")), "{:?}", notes);
        Ok(())
    });
}
