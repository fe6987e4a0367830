//! The bounds the views overlay. Where a theorem hides absolute constants (Õ(·) in Table 4.3), the
//! functions here use constant 1 and say so; they are shapes to compare with, not guarantees.
//!
//! Sources: Yin et al. 2018 (seed 000, thesis ch. 3), Yin et al. 2019 (thesis ch. 4), the NBS paper
//! (seed 003), Blanchard et al. 2017 (Krum), El Mhamdi et al. 2018 (Bulyan).

use super::scenario::{AggKind, Scenario, XDist};
use std::f64::consts::PI;

/// Φ⁻¹(p), the standard normal quantile (Wichura's AS 241, relative error ~1e-16).
#[allow(clippy::excessive_precision)] // AS 241's coefficients, digit for digit as published
pub fn norm_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return if p == 0.0 {
            f64::NEG_INFINITY
        } else if p == 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let val = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

/// C_ε = √(2π)·exp(½(Φ⁻¹(1 − ε))²), eq. (3.4).
pub fn c_eps(eps: f64) -> f64 {
    let z = norm_quantile(1.0 - eps);
    (2.0 * PI).sqrt() * (0.5 * z * z).exp()
}

/// Lower bound α/√n + √(d/(nm)) (Observation 3.1, σ = 1), up to a constant.
pub fn lower_bound(alpha: f64, n: usize, m: usize, d: usize) -> f64 {
    alpha / (n as f64).sqrt() + (d as f64 / (n as f64 * m as f64)).sqrt()
}

/// Table 4.3, median: Õ(α√d/√n + d/√(nm) + √d/n), constant 1.
pub fn delta_median(alpha: f64, n: usize, m: usize, d: usize) -> f64 {
    let (n, m, d) = (n as f64, m as f64, d as f64);
    alpha * d.sqrt() / n.sqrt() + d / (n * m).sqrt() + d.sqrt() / n
}

/// Table 4.3, trimmed mean: Õ(βd/√n + d/√(nm)), constant 1 (β ≥ α).
pub fn delta_trmean(beta: f64, n: usize, m: usize, d: usize) -> f64 {
    let (n, m, d) = (n as f64, m as f64, d as f64);
    beta * d / n.sqrt() + d / (n * m).sqrt()
}

/// Table 4.3, iterative filtering: Õ(√α/√n + √d/√(nm)), constant 1.
pub fn delta_filter(alpha: f64, n: usize, m: usize, d: usize) -> f64 {
    let (n, m, d) = (n as f64, m as f64, d as f64);
    alpha.sqrt() / n.sqrt() + d.sqrt() / (n * m).sqrt()
}

/// Var(∇f) of the linear-regression model at distance e = ‖w − w*‖ (Propositions 3.1, 3.3):
/// (d − 1)e² + dσ² for ±1 features, (d + 1)e² + dσ² for Gaussian features.
pub fn linreg_grad_variance(d: usize, e: f64, sigma: f64, x: XDist) -> f64 {
    let d = d as f64;
    match x {
        XDist::Pm1 => (d - 1.0) * e * e + d * sigma * sigma,
        XDist::Gauss => (d + 1.0) * e * e + d * sigma * sigma,
    }
}

/// Skewness bound S of the linear-regression gradients (Propositions 3.1, 3.3).
pub fn linreg_skewness(x: XDist) -> f64 {
    match x {
        XDist::Pm1 => 480.0,
        XDist::Gauss => 429.0,
    }
}

/// Theorem 3.8's bound on ‖median − ∇F‖ with its printed constants:
/// 2√2/(nm) + √2·C_ε·V/√n·(α + √(d·log(1 + nm·L̂D)/(m(1 − α))) + 0.4748·S/√n).
/// Returns None where the breakdown condition (3.2) fails.
#[allow(clippy::too_many_arguments)] // the theorem's own symbols, in its order
pub fn median_bound_thm38(alpha: f64, n: usize, m: usize, d: usize, v: f64, s: f64, lhat_d: f64, eps: f64) -> Option<f64> {
    let (nf, mf, df) = (n as f64, m as f64, d as f64);
    let inner = alpha + (df * (1.0 + nf * mf * lhat_d).ln() / (mf * (1.0 - alpha))).sqrt() + 0.4748 * s / nf.sqrt();
    if inner > 0.5 - eps {
        return None;
    }
    Some(2.0 * 2f64.sqrt() / (nf * mf) + 2f64.sqrt() * c_eps(eps) * v / nf.sqrt() * inner)
}

/// Strongly convex error curve (Theorems 3.1/3.4): (1 − λ/(L + λ))^t·e₀ + 2Δ/λ.
pub fn strongly_convex_curve(t: usize, e0: f64, lambda: f64, l: f64, delta: f64) -> f64 {
    (1.0 - lambda / (l + lambda)).powi(t as i32) * e0 + 2.0 * delta / lambda
}

/// The smallest α at which a rule's guarantee is lost (its breakdown point), given m and the
/// assumed β. The rules that trust f = ⌊βm⌋ hold while ⌊αm⌋ ≤ f, so they break at α = (f + 1)/m,
/// not at β itself (at m = 40, β = 0.1: 0.125). None where the lab states no breakdown fraction:
/// centered clipping, DnC and SignGuard (their assumption notes say when a scenario is clearly
/// outside what they can filter: DnC drops ⌊c·f⌋ inputs, SignGuard keeps the larger cluster), and
/// FLTrust, which trusts its root set instead of a majority (Cao et al. 2021 claim robustness to
/// any number of Byzantine workers while the root set is clean and like the workers' data).
pub fn breakdown_point(kind: AggKind, m: usize, beta: f64) -> Option<f64> {
    let mf = m as f64;
    // The first α with ⌊αm⌋ > f.
    let b = (super::scenario::frac_count(beta, m) + 1) as f64 / mf;
    Some(match kind {
        AggKind::Mean => 0.0,
        AggKind::Median | AggKind::GeoMed => 0.5,
        // At most f Byzantine inputs and m > 2f (MDA: El Mhamdi et al. 2018; MoNNA: Farhadkhani et al.
        // 2023; CAF: Allouah et al. 2024, as ByzFL's docs state).
        AggKind::TrMean | AggKind::Meamed | AggKind::Mda | AggKind::Monna | AggKind::Caf => b.min(0.5),
        // 2α/(1 − β) < 1 with β ≥ α (NBS paper, §VI-C): ⅓ when β = ⅓.
        AggKind::Nbs => b.min((1.0 - beta) / 2.0),
        AggKind::Filter => 0.25,
        // m ≥ 2f + 3 and at most f Byzantine.
        AggKind::Krum | AggKind::MultiKrum => b.min(((mf - 3.0) / (2.0 * mf)).max(0.0)),
        // m ≥ 4f + 3.
        AggKind::Bulyan => b.min(((mf - 3.0) / (4.0 * mf)).max(0.0)),
        AggKind::CClip | AggKind::Dnc | AggKind::SignGuard | AggKind::FlTrust => return None,
    })
}

/// Why a scenario lies outside a rule's assumptions, if it does.
pub fn assumption_note(kind: AggKind, s: &Scenario) -> Option<String> {
    let (m, f, q) = (s.m, s.assumed_f(), s.byzantine());
    match kind {
        AggKind::Krum | AggKind::MultiKrum if m < 2 * f + 3 => Some(format!("Krum needs m ≥ 2f + 3 (m = {m}, f = {f})")),
        AggKind::Bulyan if m < 4 * f + 3 => Some(format!("Bulyan needs m ≥ 4f + 3 (m = {m}, f = {f})")),
        AggKind::TrMean if s.beta < s.alpha => Some(format!("trimmed mean needs β ≥ α (β = {}, α = {})", s.beta, s.alpha)),
        AggKind::TrMean
        | AggKind::Meamed
        | AggKind::Krum
        | AggKind::MultiKrum
        | AggKind::Bulyan
        | AggKind::Nbs
        | AggKind::Mda
        | AggKind::Monna
        | AggKind::Caf
            if q > f =>
        {
            Some(format!("{} Byzantine workers but the master assumes f = {f}", q))
        }
        AggKind::Nbs if 2.0 * s.alpha / (1.0 - s.beta) >= 1.0 => {
            Some(format!("NBS needs 2α/(1 − β) < 1 (here {:.2})", 2.0 * s.alpha / (1.0 - s.beta)))
        }
        AggKind::Filter if s.alpha > 0.25 => Some("iterative filtering assumes α ≤ ¼".into()),
        AggKind::Dnc if q > (s.agg.dnc_c.max(0.0) * f as f64).floor() as usize => {
            let r = (s.agg.dnc_c.max(0.0) * f as f64).floor() as usize;
            Some(format!("DnC drops ⌊c·f⌋ = {r} inputs per iteration but {q} workers are Byzantine"))
        }
        AggKind::SignGuard if 2 * q >= m && q > 0 => Some(format!("SignGuard keeps the larger cluster: {q} of {m} workers are Byzantine")),
        AggKind::FlTrust if matches!(s.problem, super::scenario::ProblemKind::Saddle | super::scenario::ProblemKind::CsvLs) => {
            Some("FLTrust: this problem has no root set; the last worker's message stands in for the server's update".into())
        }
        AggKind::Median | AggKind::GeoMed if 2 * q >= m && q > 0 => Some(format!("{q} of {m} workers are Byzantine: a majority")),
        _ => None,
    }
}

/// C_α = 2α/(1 − β), the NBS aggregation-error factor (Lemma 2 of paper 003).
pub fn nbs_c_alpha(alpha: f64, beta: f64) -> f64 {
    2.0 * alpha / (1.0 - beta)
}

/// Proposition 4.4: probability that a perturbation uniform in the ball of radius r around the saddle
/// lands in the stuck band |w₂| ≤ Δ/λ.
pub fn p_stuck_ball(delta: f64, lambda: f64, r: f64) -> f64 {
    let x = delta / (lambda * r);
    if x >= 1.0 {
        1.0
    } else {
        (2.0 / PI) * (x.asin() + x * (1.0 - x * x).sqrt())
    }
}

/// The remark after Proposition 4.4: the same probability for a perturbation on the sphere.
pub fn p_stuck_circle(delta: f64, lambda: f64, r: f64) -> f64 {
    let x = delta / (lambda * r);
    if x >= 1.0 {
        1.0
    } else {
        (2.0 / PI) * x.asin()
    }
}

/// Probability of escaping within Q independent rounds: 1 − P_stuck^Q.
pub fn escape_probability(p_stuck: f64, q: usize) -> f64 {
    1.0 - p_stuck.powi(q as i32)
}

/// Probability that a point uniform in a disc of radius r lands in the horizontal band
/// a ≤ y ≤ b (y measured from the disc's centre): the general form of Proposition 4.4.
pub fn p_stuck_band(a: f64, b: f64, r: f64) -> f64 {
    // Fraction of the disc below height y.
    let cdf = |y: f64| {
        let x = (y / r).clamp(-1.0, 1.0);
        0.5 + (x.asin() + x * (1.0 - x * x).sqrt()) / PI
    };
    (cdf(b) - cdf(a)).max(0.0)
}

/// Theorem 3.11's bound on ‖trmean_β − ∇F‖ (α ≤ β ≤ ½ − ε, v-sub-exponential gradient
/// coordinates), without its Õ(β/n + 1/(nm)) remainder:
/// (v/ε)(3√2·βd/√n + 2d/√(nm))·√(log(1 + nm·L̂D) + (1/d)·log m).
/// Returns None outside α ≤ β ≤ ½ − ε.
#[allow(clippy::too_many_arguments)] // the theorem's own symbols, in its order
pub fn trmean_bound_thm311(alpha: f64, beta: f64, n: usize, m: usize, d: usize, v: f64, lhat_d: f64, eps: f64) -> Option<f64> {
    if alpha > beta || beta > 0.5 - eps || eps <= 0.0 {
        return None;
    }
    let (nf, mf, df) = (n as f64, m as f64, d as f64);
    let log_term = ((1.0 + nf * mf * lhat_d).ln() + mf.ln() / df).sqrt();
    Some(v / eps * (3.0 * 2f64.sqrt() * beta * df / nf.sqrt() + 2.0 * df / (nf * mf).sqrt()) * log_term)
}

/// Theorem 5.2's adversarial term εW·d^{1/q}/√n (thesis ch. 5; 1/p + 1/q = 1), the most that
/// ℓ∞ attacks of size ε add to the Rademacher complexity of linear classifiers with ‖w‖_p ≤ W, and
/// (times a constant c < 1) the least they add: for p = 1 it does not grow with d, for p = 2 it grows
/// like √d. Here W = max_k ‖w_k‖_p over the weight rows of the trained softmax model `w` (C rows of
/// d weights, then C biases: Theorem 5.4's ‖Wᵀ‖_{p,∞}), n the training examples; constant 1.
pub fn adversarial_term(eps: f64, w: &[f64], classes: usize, n: usize, p: f64) -> f64 {
    let d = (w.len() / classes.max(1)).saturating_sub(1).max(1);
    let norm = |row: &[f64]| {
        if p.is_infinite() {
            row.iter().fold(0.0f64, |a, v| a.max(v.abs()))
        } else {
            row.iter().map(|v| v.abs().powf(p)).sum::<f64>().powf(1.0 / p)
        }
    };
    let big_w = w[..classes * d].chunks(d).map(norm).fold(0.0, f64::max);
    // d^{1/q} with 1/q = 1 − 1/p.
    eps * big_w * (d as f64).powf(1.0 - 1.0 / p) / (n as f64).sqrt()
}

/// Theorem 4.5's bound for iterative filtering (α ≤ ¼), absolute constant c = 1:
/// ((σ + ζ)√(α/n) + ζ√(d/(nm)))·√(log(nm·D·L)).
pub fn filter_bound_thm45(alpha: f64, n: usize, m: usize, d: usize, sigma: f64, zeta: f64, dl: f64) -> Option<f64> {
    if alpha > 0.25 {
        return None;
    }
    let (nf, mf, df) = (n as f64, m as f64, d as f64);
    Some(((sigma + zeta) * (alpha / nf).sqrt() + zeta * (df / (nf * mf)).sqrt()) * (nf * mf * dl).ln().max(1.0).sqrt())
}

/// The heterogeneity floor: with f of m workers Byzantine (2f < m), no rule can guarantee
/// ‖w − w*_H‖ below (ζ/2)·√(f/(m − 2f)) on every problem whose honest workers' optima lie at
/// mean squared distance ζ² from their mean (`None` when 2f ≥ m: then nothing can be guaranteed).
///
/// The argument (the indistinguishability behind the heterogeneity lower bounds of Karimireddy,
/// He & Jaggi 2022, Ω(δζ²), and Allouah et al. 2023, f/(n − 2f)·G²; the constant is worked out
/// here for the quadratic problems, F_i(w) = ½‖w − w*_i‖²): let f workers have optimum a·e and the
/// other m − f optimum 0. In world A the Byzantine workers are f of the zeros, acting honestly:
/// the honest optima are f copies of a·e and m − 2f zeros, mean p·a·e with p = f/(m − f), spread
/// p(1 − p)a². In world B the Byzantine workers are the f at a·e: every honest optimum is 0. The
/// master sees the same m local objectives in both, so whatever it outputs is at least half of
/// ‖w*_A − w*_B‖ = p·a from one of them; a = ζ/√(p(1 − p)) gives world A spread ζ² and p·a =
/// ζ√(f/(m − 2f)). [`tests::the_heterogeneity_floor_is_half_the_gap_of_two_indistinguishable_worlds`]
/// builds both worlds.
pub fn heterogeneity_floor(zeta: f64, f: usize, m: usize) -> Option<f64> {
    (2 * f < m).then(|| 0.5 * zeta * (f as f64 / (m - 2 * f) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heterogeneity_floor_is_half_the_gap_of_two_indistinguishable_worlds() {
        assert_eq!(heterogeneity_floor(3.0, 0, 10), Some(0.0));
        assert_eq!(heterogeneity_floor(3.0, 5, 10), None);
        assert_eq!(heterogeneity_floor(3.0, 6, 10), None);
        for (m, f, zeta) in [(10usize, 2usize, 2.0), (40, 8, 0.5), (7, 3, 1.0), (100, 1, 4.0)] {
            // Scalar optima (e = 1): f at a, the rest at 0.
            let p = f as f64 / (m - f) as f64;
            let a = zeta / (p * (1.0 - p)).sqrt();
            let optima: Vec<f64> = (0..m).map(|i| if i < f { a } else { 0.0 }).collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let spread = |v: &[f64]| {
                let c = mean(v);
                v.iter().map(|x| (x - c).powi(2)).sum::<f64>() / v.len() as f64
            };
            // World A: the last f workers (optimum 0) are Byzantine; world B: the first f.
            let (honest_a, honest_b) = (&optima[..m - f], &optima[f..]);
            assert!((spread(honest_a) - zeta * zeta).abs() < 1e-9 * zeta * zeta, "m = {m}, f = {f}: spread {}", spread(honest_a));
            assert!(spread(honest_b) <= zeta * zeta);
            let gap = (mean(honest_a) - mean(honest_b)).abs();
            let floor = heterogeneity_floor(zeta, f, m).unwrap();
            assert!((gap / 2.0 - floor).abs() < 1e-9 * floor.max(1e-300), "m = {m}, f = {f}: gap {gap}, floor {floor}");
        }
    }

    #[test]
    fn the_adversarial_term_grows_with_the_dimension_unless_p_is_one() {
        // Two classes of d weights, all ±1/d (‖w_k‖₁ = 1, ‖w_k‖₂ = 1/√d), biases ignored.
        for d in [4usize, 16, 64] {
            let mut w: Vec<f64> = (0..2 * d).map(|k| if k % 2 == 0 { 1.0 / d as f64 } else { -1.0 / d as f64 }).collect();
            w.extend([5.0, -5.0]);
            let t1 = adversarial_term(0.1, &w, 2, 100, 1.0);
            assert!((t1 - 0.1 * 1.0 / 10.0).abs() < 1e-12, "p = 1: εW₁/√n = 0.01 whatever d ({t1})");
            // p = 2: ε·(1/√d)·√d/√n = 0.01 as well; scaling the rows to ‖w_k‖₂ = 1 gives 0.01·√d.
            let scaled: Vec<f64> = w.iter().take(2 * d).map(|v| v * (d as f64).sqrt()).collect();
            let t2 = adversarial_term(0.1, &[scaled, vec![0.0, 0.0]].concat(), 2, 100, 2.0);
            assert!((t2 - 0.01 * (d as f64).sqrt()).abs() < 1e-12, "p = 2, d = {d}: {t2}");
        }
    }

    #[test]
    fn quantile_and_c_eps_match_tabulated_values() {
        assert!((norm_quantile(0.975) - 1.959963984540054).abs() < 1e-13);
        assert!((norm_quantile(0.75) - 0.6744897501960817).abs() < 1e-13);
        assert!((norm_quantile(1e-10) + 6.361340902404056).abs() < 1e-9);
        // The digest's values.
        for (e, c) in [(0.05, 9.696), (0.1, 5.698), (1.0 / 6.0, 4.002), (0.25, 3.147), (0.4, 2.588)] {
            assert!((c_eps(e) - c).abs() < 2e-3, "C_{e} = {}", c_eps(e));
        }
    }

    #[test]
    fn stuck_probabilities() {
        assert!((p_stuck_ball(0.05, 1.0, 0.25) - 0.253).abs() < 1e-3);
        assert!((p_stuck_ball(0.1, 1.0, 0.25) - 0.495).abs() < 1e-3);
        assert!((p_stuck_ball(0.2, 1.0, 0.25) - 0.896).abs() < 1e-3);
        assert_eq!(p_stuck_ball(0.3, 1.0, 0.25), 1.0);
        assert!(p_stuck_circle(0.05, 1.0, 0.25) < p_stuck_ball(0.05, 1.0, 0.25));
        assert!((escape_probability(0.253, 5) - 0.999).abs() < 1e-3);
        assert!((p_stuck_band(-0.05, 0.05, 0.25) - p_stuck_ball(0.05, 1.0, 0.25)).abs() < 1e-12);
        assert!((p_stuck_band(-1.0, 1.0, 0.25) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn theorem_bounds_behave() {
        // Bigger α, bigger bound; undefined past the breakdown conditions ((3.2) needs d·log(nm·L̂D) ≪ m).
        let a = median_bound_thm38(0.05, 1000, 1000, 1, 3.0, 0.0, 10.0, 0.1).unwrap();
        let b = median_bound_thm38(0.10, 1000, 1000, 1, 3.0, 0.0, 10.0, 0.1).unwrap();
        assert!(b > a && a > 0.0);
        assert!(median_bound_thm38(0.45, 1000, 1000, 1, 3.0, 0.0, 10.0, 0.1).is_none());
        let t = trmean_bound_thm311(0.1, 0.1, 1000, 100, 10, 1.0, 10.0, 0.1).unwrap();
        assert!(t > trmean_bound_thm311(0.05, 0.05, 1000, 100, 10, 1.0, 10.0, 0.1).unwrap());
        assert!(trmean_bound_thm311(0.1, 0.05, 1000, 100, 10, 1.0, 10.0, 0.1).is_none());
        assert!(filter_bound_thm45(0.3, 100, 10, 5, 1.0, 1.0, 10.0).is_none());
        // The strongly convex curve starts at e₀ + 2Δ/λ and settles at 2Δ/λ.
        assert!((strongly_convex_curve(0, 2.0, 1.0, 1.0, 0.1) - 2.2).abs() < 1e-12);
        assert!((strongly_convex_curve(200, 2.0, 1.0, 1.0, 0.1) - 0.2).abs() < 1e-12);
        assert!((linreg_grad_variance(10, 0.0, 1.0, XDist::Pm1) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn breakdown_points() {
        assert_eq!(breakdown_point(AggKind::Median, 40, 0.1), Some(0.5));
        // f = 4 of 40: the trimmed mean holds up to 4 Byzantine workers and breaks at 5 of 40.
        assert_eq!(breakdown_point(AggKind::TrMean, 40, 0.1), Some(0.125));
        assert!((breakdown_point(AggKind::Nbs, 40, 1.0 / 3.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(breakdown_point(AggKind::Krum, 7, 0.49), Some(2.0 / 7.0));
        assert_eq!(breakdown_point(AggKind::Bulyan, 7, 0.49), Some(1.0 / 7.0));
        let s = Scenario { m: 5, beta: 0.4, ..Scenario::default() };
        assert!(assumption_note(AggKind::Krum, &s).unwrap().contains("2f + 3"));
        assert_eq!((breakdown_point(AggKind::Dnc, 40, 0.1), breakdown_point(AggKind::SignGuard, 40, 0.1)), (None, None));
        // m = 20, f = ⌊0.1·20⌋ = 2: DnC with c = 1 drops 2, fewer than ⌊0.2·20⌋ = 4 Byzantine.
        let s = Scenario { m: 20, alpha: 0.2, beta: 0.1, ..Scenario::default() };
        assert!(assumption_note(AggKind::Dnc, &s).unwrap().contains("⌊c·f⌋ = 2"));
        assert!(assumption_note(AggKind::Dnc, &Scenario { alpha: 0.1, ..s.clone() }).is_none());
        assert!(assumption_note(AggKind::SignGuard, &s).is_none());
        assert!(assumption_note(AggKind::SignGuard, &Scenario { alpha: 0.5, ..s }).unwrap().contains("10 of 20"));
    }
}
