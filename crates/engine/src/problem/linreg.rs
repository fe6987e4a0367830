//! Linear regression of Proposition 1 (Yin et al. 2018): x uniform on {±1}^d or N(0, I),
//! y = xᵀw* + N(0, σ²), squared loss f(w; x, y) = ½(xᵀw − y)². Since E[xxᵀ] = I for both feature
//! laws, the population loss is ½‖w − w*‖² + ½σ² and ∇F(w) = w − w* exactly.
//!
//! Each worker keeps only its sufficient statistics A_i = X_iᵀX_i/n and b_i = X_iᵀy_i/n, so a local
//! gradient A_i w − b_i costs O(d²) whatever n is.

use super::quadratic::{Quadratic, QuadraticProblem};
use super::{GradOpts, Poison};
use crate::linalg::matvec;
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario, XDist};
use std::sync::OnceLock;

pub struct LinReg {
    /// w* is the base point; ζᵢ shifts worker i's regression target (heterogeneous split).
    q: Quadratic,
    sigma: f64,
    seed: u64,
    xdist: XDist,
    spread: Option<f64>,
    /// Each worker's sufficient statistics, built on first use or by [`Problem::prepare`] (m·n·d²/2
    /// multiply-adds in all: seconds at the largest settings, so the app builds them a few workers
    /// per animation frame).
    stats: Vec<OnceLock<Stats>>,
    /// The server's root set (FLTrust): `root` samples of the unshifted model from stream ROOT.
    root_n: usize,
    root: OnceLock<Stats>,
}

struct Stats {
    a: Vec<f64>,
    b: Vec<f64>,
    /// X_iᵀ y_rand / n for random-label poisoning.
    b_rand: Vec<f64>,
}

impl LinReg {
    pub fn new(s: &Scenario) -> Self {
        let (d, m) = (s.d, s.m);
        let mut r0 = rng::rng(s.seed, stream::DATA, u64::MAX);
        let w_star: Vec<f64> = (0..d).map(|_| rng::normal(&mut r0)).collect();
        let zeta = (0..m).map(|i| Quadratic::shift(Quadratic::spread(s), d, &mut rng::rng(s.seed, stream::DATA, i as u64))).collect();
        let sizes = super::worker_sizes(s, m, s.n);
        let q = Quadratic { kind: ProblemKind::LinReg, d, m, sizes, base: w_star, zeta, floor: s.sigma * s.sigma };
        LinReg {
            q,
            sigma: s.sigma,
            seed: s.seed,
            xdist: s.xdist,
            spread: Quadratic::spread(s),
            stats: (0..m).map(|_| OnceLock::new()).collect(),
            root_n: s.root.max(1),
            root: OnceLock::new(),
        }
    }

    fn stats(&self, i: usize) -> &Stats {
        self.stats[i].get_or_init(|| self.build_worker(i))
    }

    fn build_worker(&self, i: usize) -> Stats {
        self.build_stats(rng::rng(self.seed, stream::DATA, i as u64), self.q.sizes[i], self.spread)
    }

    /// Sufficient statistics of n samples drawn from `r` (first the shift of the target, if any).
    fn build_stats(&self, mut r: rng::Rng, n: usize, spread: Option<f64>) -> Stats {
        let d = self.q.d;
        let w_star = &self.q.base;
        let z = Quadratic::shift(spread, d, &mut r);
        let target: Vec<f64> = w_star.iter().zip(&z).map(|(w, z)| w + z).collect();
        let y_sd = (w_star.iter().map(|v| v * v).sum::<f64>() + self.sigma * self.sigma).sqrt();
        let mut ai = vec![0.0; d * d];
        let mut bi = vec![0.0; d];
        let mut bri = vec![0.0; d];
        let mut x = vec![0.0; d];
        for _ in 0..n {
            match self.xdist {
                XDist::Pm1 => x.iter_mut().for_each(|v| *v = if rng::uniform(&mut r) < 0.5 { -1.0 } else { 1.0 }),
                XDist::Gauss => rng::fill_normal(&mut r, 1.0, &mut x),
            }
            let y = crate::linalg::dot(&x, &target) + self.sigma * rng::normal(&mut r);
            let y_rand = y_sd * rng::normal(&mut r);
            for p in 0..d {
                let xp = x[p];
                bi[p] += xp * y;
                bri[p] += xp * y_rand;
                let row = &mut ai[p * d..(p + 1) * d];
                for q in p..d {
                    row[q] += xp * x[q];
                }
            }
        }
        let inv = 1.0 / n as f64;
        for p in 0..d {
            for q in p..d {
                let v = ai[p * d + q] * inv;
                ai[p * d + q] = v;
                ai[q * d + p] = v;
            }
            bi[p] *= inv;
            bri[p] *= inv;
        }
        Stats { a: ai, b: bi, b_rand: bri }
    }
}

impl QuadraticProblem for LinReg {
    fn quadratic(&self) -> &Quadratic {
        &self.q
    }
    fn build_workers(&self, workers: usize) -> bool {
        let mut built = 0;
        for (i, s) in self.stats.iter().enumerate() {
            if s.get().is_none() {
                if built == workers {
                    return false;
                }
                let _ = s.set(self.build_worker(i));
                built += 1;
            }
        }
        true
    }
    fn root_grad(&self, w: &[f64], out: &mut [f64]) -> bool {
        let st = self.root.get_or_init(|| self.build_stats(rng::rng(self.seed, stream::ROOT, 0), self.root_n, None));
        matvec(&st.a, w, out);
        out.iter_mut().zip(&st.b).for_each(|(o, b)| *o -= b);
        true
    }
    fn local_grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let st = self.stats(i);
        matvec(&st.a, w, out);
        let (b, sign) = match opts.poison {
            Poison::None => (&st.b, 1.0),
            Poison::Flip => (&st.b, -1.0),
            Poison::Random => (&st.b_rand, 1.0),
        };
        for (o, bi) in out.iter_mut().zip(b) {
            *o -= sign * bi;
        }
    }
    fn erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>> {
        let st = self.stats(i);
        let b: Vec<f64> = match poison {
            Poison::None => st.b.clone(),
            Poison::Flip => st.b.iter().map(|v| -v).collect(),
            Poison::Random => st.b_rand.clone(),
        };
        // A tiny ridge keeps the solve defined when n < d (then the ERM is not unique).
        crate::linalg::solve_spd(&st.a, &b, 1e-9).or_else(|| crate::linalg::solve_spd(&st.a, &b, 1e-3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::dist;
    use crate::problem::Problem;

    #[test]
    fn sufficient_statistics_give_the_empirical_gradient() {
        let s = Scenario { d: 3, m: 2, n: 5000, sigma: 0.5, ..Scenario::default() };
        let p = LinReg::new(&s);
        assert!(!p.prepare(1) && p.prepare(1), "two workers build one per call");
        // A_i ≈ I for large n, so the local gradient at w* is ≈ −X_iᵀξ/n, small.
        let mut g = vec![0.0; 3];
        p.grad(0, &p.q.base, &GradOpts::default(), &mut g);
        assert!(crate::linalg::norm(&g) < 0.05, "{g:?}");
        for k in 0..3 {
            assert!((p.stats(0).a[k * 3 + k] - 1.0).abs() < 1e-12, "pm1 features square to 1");
        }
        let erm = p.local_erm(1, Poison::None).unwrap();
        assert!(dist(&erm, &p.q.base) < 0.05);
    }
}
