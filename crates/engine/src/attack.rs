//! Byzantine attacks. All are omniscient: they see every honest message and the scenario.
//!
//! The Byzantine workers are workers 0..q (q = ⌊αm⌋). Before [`Attack::apply`] runs, their rows hold
//! the message each would send if it were honest, computed on its own data, which data-poisoning
//! attacks (label flip y → 9 − y, random labels) have already corrupted. The message attacks then
//! overwrite those rows. Notation: μ and s are the coordinate-wise mean and standard deviation of the
//! honest messages (s with the n − 1 denominator, as ByzFL).
//!
//! | key | Byzantine message |
//! |---|---|
//! | `gaussian` | N(0, gstd²·I) |
//! | `samevalue` | c·1 (c = 100) |
//! | `signflip` | σ·g with g the worker's own message (σ = −4) |
//! | `large`, `inf`, `nan` | 1e308·1, +∞·1, NaN·1 |
//! | `alie` | μ − z·s, z = z_max = Φ⁻¹((m − q − s*)/(m − q)), s* = ⌊m/2 + 1⌋ − q |
//! | `ipm` | −ε·μ (ε = 0.1) |
//! | `mimic` | a copy of the first honest worker |
//! | `aggressive` | −10·μ (paper 003) |
//! | `intelligent` | 0.8‖μ‖·h, h a fresh uniformly random unit vector (paper 003) |
//! | `shift` | μ + κ·s (worst-case one-sided shift, κ = 10) |
//! | `counter` | −g_min, the negated honest message of smallest norm (paper 003's counterexample) |
//! | `saddle` | μ with its escape-direction component set to the value that brings the *aggregate's* escape component closest to 0 |
//! | `oracle` | replaces the aggregate by ∇F with its escape component cut by Δ (Proposition 4.4) |

use super::aggregate::Aggregator;
use super::linalg::{dot, norm, Mat};
use super::problem::Poison;
use super::rng::{self, Rng};
use super::scenario::{AttackKind, AttackParams};
use super::theory::norm_quantile;

/// An attack in progress: its parameters and its random stream.
#[derive(Clone, Debug)]
pub struct Attack {
    pub p: AttackParams,
    rng: Rng,
}

/// z_max of ALIE for m workers of which q are Byzantine (0 when undefined).
pub fn alie_z_max(m: usize, q: usize) -> f64 {
    if q == 0 || q >= m {
        return 0.0;
    }
    let s = (m / 2 + 1) as f64 - q as f64;
    let h = (m - q) as f64;
    let p = ((h - s) / h).clamp(1e-9, 1.0 - 1e-9);
    norm_quantile(p)
}

/// The plane the master's view draws and the hand-placed messages live in: e₁ along the honest
/// mean `mu` (the first axis if it is 0 or not finite), e₂ the top principal direction of the
/// honest messages (rows q..m) around `mu`, orthogonal to e₁ (any unit vector orthogonal to e₁ if
/// they coincide); in two dimensions the coordinate axes. Deterministic: the same messages give
/// the same plane.
pub fn plane(msgs: &Mat, q: usize, mu: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let d = msgs.cols;
    if d == 2 {
        return (vec![1.0, 0.0], vec![0.0, 1.0]);
    }
    let mut e1 = vec![0.0; d];
    let nm = norm(mu);
    if nm > 0.0 && nm.is_finite() {
        e1.iter_mut().zip(mu).for_each(|(e, v)| *e = v / nm);
    } else if d > 0 {
        e1[0] = 1.0;
    }
    let off_e1 = |mut y: Vec<f64>| {
        let c = dot(&y, &e1);
        y.iter_mut().zip(&e1).for_each(|(v, e)| *v -= c * e);
        y
    };
    let rows: Vec<Vec<f64>> = (q..msgs.rows).map(|i| off_e1(msgs.row(i).iter().zip(mu).map(|(a, b)| a - b).collect())).collect();
    let (_, v) = super::linalg::top_direction(&rows, d, 100);
    if norm(&v) > 0.5 {
        return (e1, v);
    }
    // The honest messages coincide: the coordinate axis least aligned with e₁, made orthogonal to it.
    let j = (0..d).min_by(|&a, &b| e1[a].abs().total_cmp(&e1[b].abs())).unwrap_or(0);
    let mut v = vec![0.0; d];
    if d > 1 {
        v[j] = 1.0;
        v = off_e1(v);
        let n = norm(&v);
        v.iter_mut().for_each(|x| *x /= n);
    }
    (e1, v)
}

/// Puts Byzantine worker i's message (rows 0..min(q, |hand|)) at μ + xᵢ·e₁ + yᵢ·e₂ in the plane of
/// [`plane`].
pub fn place_by_hand(msgs: &mut Mat, q: usize, mu: &[f64], hand: &[[f64; 2]]) {
    let (e1, e2) = plane(msgs, q, mu);
    for (i, [x, y]) in hand.iter().enumerate().take(q) {
        let row = msgs.row_mut(i);
        for k in 0..row.len() {
            row[k] = mu[k] + x * e1[k] + y * e2[k];
        }
    }
}

/// The coordinate-wise standard deviation (n − 1 in the denominator) of the honest messages, rows
/// q..m, around their mean `mu`; 0 with fewer than two.
fn honest_sd(msgs: &Mat, q: usize, mu: &[f64]) -> Vec<f64> {
    let (m, d) = (msgs.rows, msgs.cols);
    let h = m.saturating_sub(q);
    if h < 2 {
        return vec![0.0; d];
    }
    (0..d).map(|j| ((q..m).map(|i| (msgs.data[i * d + j] - mu[j]).powi(2)).sum::<f64>() / (h - 1) as f64).sqrt()).collect()
}

/// The strongest of ALIE's and IPM's messages against a rule, its factor searched on a grid: the
/// attack, its factor, the message every Byzantine worker sends, and how far it moves the rule's
/// output from the honest mean ‖ĝ − μ‖. ALIE sends μ − z·s (s the honest coordinate-wise standard
/// deviation), z on a 24-point geometric grid over [0.1, 10]; IPM sends −ε·μ, ε likewise over
/// [0.1, 20]. The objective is ByzFL's (its attack optimizer `LineMaximize` maximises the same
/// ‖ĝ − μ‖), the search is not: `LineMaximize` explores from 0 with steps doubling while they
/// improve, then shrinking by 0.8, 16 evaluations; issue 10's `alie-opt` / `ipm-opt` follow that.
/// None without Byzantine or honest workers.
pub fn strongest(msgs: &Mat, q: usize, agg: &Aggregator) -> Option<(AttackKind, f64, Vec<f64>, f64)> {
    let (m, d) = (msgs.rows, msgs.cols);
    if q == 0 || q >= m {
        return None;
    }
    let mut mu = vec![0.0; d];
    super::linalg::mean_rows(msgs, q..m, &mut mu);
    let sd = honest_sd(msgs, q, &mu);
    let (mut work, mut out, mut agg) = (msgs.clone(), vec![0.0; d], agg.clone());
    let mut best: Option<(AttackKind, f64, Vec<f64>, f64)> = None;
    // A geometric grid of 24 factors from lo to hi.
    let grid = |lo: f64, hi: f64| (0..24).map(move |k| lo * (hi / lo).powf(k as f64 / 23.0));
    let candidates = grid(0.1, 10.0)
        .map(|z| (AttackKind::Alie, z, mu.iter().zip(&sd).map(|(a, b)| a - z * b).collect::<Vec<f64>>()))
        .chain(grid(0.1, 20.0).map(|e| (AttackKind::Ipm, e, mu.iter().map(|v| -e * v).collect())));
    for (kind, factor, b) in candidates {
        (0..q).for_each(|i| work.row_mut(i).copy_from_slice(&b));
        agg.aggregate(&work, &mut out);
        let damage = super::linalg::dist(&out, &mu);
        if damage.is_finite() && best.as_ref().is_none_or(|x| damage > x.3) {
            best = Some((kind, factor, b, damage));
        }
    }
    best
}

impl Attack {
    pub fn new(p: AttackParams, seed: u64, run_index: u64) -> Self {
        Attack { p, rng: rng::rng(seed, rng::stream::ATTACK, run_index) }
    }

    pub fn kind(&self) -> AttackKind {
        self.p.kind
    }

    /// How the Byzantine workers' training labels are changed.
    pub fn poison(&self) -> Poison {
        match self.p.kind {
            AttackKind::LabelFlip => Poison::Flip,
            AttackKind::RandLabel => Poison::Random,
            _ => Poison::None,
        }
    }

    /// Overwrites rows 0..q of `msgs`. `escape` is the problem's escape direction (saddle attack);
    /// `agg` is the master's rule, which the saddle attack may query (it is cloned, never changed).
    pub fn apply(&mut self, msgs: &mut Mat, q: usize, escape: Option<&[f64]>, agg: Option<&Aggregator>) {
        let m = msgs.rows;
        let d = msgs.cols;
        if q == 0 || matches!(self.p.kind, AttackKind::None | AttackKind::LabelFlip | AttackKind::RandLabel | AttackKind::Oracle) {
            return;
        }
        let honest: Vec<usize> = (q..m).collect();
        let mut mu = vec![0.0; d];
        super::linalg::mean_rows(msgs, honest.iter().copied(), &mut mu);
        let sd = || honest_sd(msgs, q, &mu);
        let fill = |msgs: &mut Mat, v: &[f64]| (0..q).for_each(|i| msgs.row_mut(i).copy_from_slice(v));
        let p = self.p;
        match p.kind {
            AttackKind::Gaussian => {
                for i in 0..q {
                    rng::fill_normal(&mut self.rng, p.gstd, msgs.row_mut(i));
                }
            }
            AttackKind::SameValue => fill(msgs, &vec![p.c; d]),
            AttackKind::SignFlip => (0..q).for_each(|i| msgs.row_mut(i).iter_mut().for_each(|v| *v *= p.sf)),
            AttackKind::Large => fill(msgs, &vec![1e308; d]),
            AttackKind::Inf => fill(msgs, &vec![f64::INFINITY; d]),
            AttackKind::Nan => fill(msgs, &vec![f64::NAN; d]),
            AttackKind::Alie => {
                let z = p.z.unwrap_or_else(|| alie_z_max(m, q));
                let s = sd();
                let v: Vec<f64> = mu.iter().zip(&s).map(|(a, b)| a - z * b).collect();
                fill(msgs, &v);
            }
            AttackKind::Ipm => fill(msgs, &mu.iter().map(|v| -p.ipm * v).collect::<Vec<_>>()),
            AttackKind::Mimic => {
                if q < m {
                    let src = msgs.row(q).to_vec();
                    fill(msgs, &src);
                }
            }
            AttackKind::Aggressive => fill(msgs, &mu.iter().map(|v| -10.0 * v).collect::<Vec<_>>()),
            AttackKind::Intelligent => {
                let scale = 0.8 * norm(&mu);
                for i in 0..q {
                    let h = rng::unit_vector(&mut self.rng, d);
                    msgs.row_mut(i).iter_mut().zip(&h).for_each(|(o, v)| *o = scale * v);
                }
            }
            AttackKind::Shift => {
                let s = sd();
                let v: Vec<f64> = mu.iter().zip(&s).map(|(a, b)| a + p.kappa * b).collect();
                fill(msgs, &v);
            }
            AttackKind::Counter => {
                if let Some(&imin) = honest.iter().min_by(|&&a, &&b| norm(msgs.row(a)).total_cmp(&norm(msgs.row(b)))) {
                    let v: Vec<f64> = msgs.row(imin).iter().map(|x| -x).collect();
                    fill(msgs, &v);
                }
            }
            AttackKind::Saddle => {
                let (Some(e), Some(agg)) = (escape, agg) else { return };
                self.saddle(msgs, q, &mu, e, agg);
            }
            AttackKind::None | AttackKind::LabelFlip | AttackKind::RandLabel | AttackKind::Oracle => {}
        }
    }

    /// The worker-level saddle point attack: every Byzantine worker sends μ + (v − μ·e)e, with the
    /// scalar v found by bisection so that the aggregate's component along e is as close to 0 as the
    /// rule allows (for the median: inside the honest quantile band, ±∞ outside it).
    fn saddle(&mut self, msgs: &mut Mat, q: usize, mu: &[f64], e: &[f64], agg: &Aggregator) {
        let d = msgs.cols;
        let mu_e = dot(mu, e);
        let mut probe = agg.clone();
        let mut out = vec![0.0; d];
        let mut h = |msgs: &mut Mat, v: f64| -> f64 {
            for i in 0..q {
                let row = msgs.row_mut(i);
                for k in 0..d {
                    row[k] = mu[k] + (v - mu_e) * e[k];
                }
            }
            probe.clone_from(agg);
            probe.aggregate(msgs, &mut out);
            dot(&out, e)
        };
        let spread = (q..msgs.rows).map(|i| dot(msgs.row(i), e).abs()).fold(0.0, f64::max);
        let big = 1e3 * (1.0 + spread);
        let (mut lo, mut hi) = (-big, big);
        let (h_lo, h_hi) = (h(msgs, lo), h(msgs, hi));
        let mut best = if h_lo.abs() <= h_hi.abs() { (lo, h_lo) } else { (hi, h_hi) };
        if h_lo < 0.0 && h_hi > 0.0 {
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                let hm = h(msgs, mid);
                if hm.abs() < best.1.abs() {
                    best = (mid, hm);
                }
                if hm == 0.0 {
                    break;
                }
                if hm < 0.0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        h(msgs, best.0);
    }

    /// The oracle-level saddle attack (Proposition 4.4): the master receives ∇F(w) with its component
    /// g_e along the escape direction e replaced by 0 if |g_e| ≤ Δ, else by g_e − Δ·sign(g_e).
    pub fn oracle(&self, exact_grad: &[f64], e: &[f64]) -> Vec<f64> {
        let ge = dot(exact_grad, e);
        let delta = self.p.delta;
        let target = if ge.abs() <= delta { 0.0 } else { ge - delta * ge.signum() };
        exact_grad.iter().zip(e).map(|(g, ek)| g + (target - ge) * ek).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::AggParams;
    use crate::scenario::{AggKind, AggSpec};

    fn attack(kind: AttackKind) -> Attack {
        Attack::new(AttackParams { kind, ..AttackParams::default() }, 1, 0)
    }

    #[test]
    fn alie_z_matches_the_notes() {
        for (m, q, z) in [(20, 8, 0.674), (50, 12, 0.336), (25, 5, 0.253), (10, 2, 0.0)] {
            assert!((alie_z_max(m, q) - z).abs() < 1e-3, "({m},{q}) -> {}", alie_z_max(m, q));
        }
    }

    #[test]
    fn message_attacks() {
        let base = Mat::from_rows(&[vec![1.0, 1.0], vec![2.0, 0.0], vec![4.0, 2.0], vec![6.0, 4.0]]);
        let mut a = attack(AttackKind::SameValue);
        let mut x = base.clone();
        a.apply(&mut x, 1, None, None);
        assert_eq!(x.row(0), &[100.0, 100.0]);
        assert_eq!(x.row(1), base.row(1));
        a.p.kind = AttackKind::SignFlip;
        let mut x = base.clone();
        a.apply(&mut x, 1, None, None);
        assert_eq!(x.row(0), &[-4.0, -4.0]);
        a.p.kind = AttackKind::Ipm;
        let mut x = base.clone();
        a.apply(&mut x, 1, None, None);
        assert_eq!(x.row(0), &[-0.4, -0.2]);
        a.p.kind = AttackKind::Mimic;
        let mut x = base.clone();
        a.apply(&mut x, 2, None, None);
        assert_eq!(x.row(0), base.row(2));
        a.p.kind = AttackKind::Counter;
        let mut x = base.clone();
        a.apply(&mut x, 1, None, None);
        assert_eq!(x.row(0), &[-2.0, 0.0]);
    }

    #[test]
    fn saddle_attack_zeroes_the_median_escape_component_when_it_can() {
        // Honest escape components straddle 0: three Byzantine values at 0 make the median 0.
        let rows =
            vec![vec![0.0, 0.0]; 3].into_iter().chain([-0.3, -0.1, 0.05, 0.2, 0.4].iter().map(|v| vec![1.0, *v])).collect::<Vec<_>>();
        let mut x = Mat::from_rows(&rows);
        let agg = Aggregator::new(AggSpec::new(AggKind::Median), AggParams::default(), 3);
        attack(AttackKind::Saddle).apply(&mut x, 3, Some(&[0.0, 1.0]), Some(&agg));
        let mut out = [0.0; 2];
        agg.clone().aggregate(&x, &mut out);
        assert!(out[1].abs() < 1e-9, "{out:?}");
        // Far from the saddle it cannot: the median only moves inside the honest band.
        let rows = vec![vec![0.0, 0.0]; 1].into_iter().chain([0.5, 0.6, 0.7, 0.8].iter().map(|v| vec![1.0, *v])).collect::<Vec<_>>();
        let mut x = Mat::from_rows(&rows);
        attack(AttackKind::Saddle).apply(&mut x, 1, Some(&[0.0, 1.0]), Some(&agg));
        agg.clone().aggregate(&x, &mut out);
        assert!((out[1] - 0.6).abs() < 1e-9, "{out:?}");
    }

    #[test]
    fn oracle_cuts_the_escape_component_by_delta() {
        let a = Attack::new(AttackParams { delta: 0.1, ..AttackParams::default() }, 1, 0);
        assert_eq!(a.oracle(&[0.5, 0.05], &[0.0, 1.0]), vec![0.5, 0.0]);
        let g = a.oracle(&[0.5, -0.3], &[0.0, 1.0]);
        assert!((g[1] + 0.2).abs() < 1e-12);
    }
}
