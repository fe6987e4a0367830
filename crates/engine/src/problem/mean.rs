//! Mean estimation, the quadratic problem of the lower bound (Observation 3.1) and of the one-round
//! algorithm: f(w; x) = ½‖w − x‖² with x ~ N(μ, σ²I). Worker i's gradient is w − x̄_i and its local
//! ERM is x̄_i; the population gradient is w − μ.

use super::quadratic::{Quadratic, QuadraticProblem};
use super::{GradOpts, Poison};
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario};

pub struct MeanEst {
    /// μ is the base point; ζᵢ shifts worker i's mean (heterogeneous split).
    q: Quadratic,
    xbar: Vec<Vec<f64>>,
    xbar_rand: Vec<Vec<f64>>,
    /// The mean of the server's root set (FLTrust): `root` draws from N(μ, σ²I), no shift.
    root: Vec<f64>,
}

impl MeanEst {
    pub fn new(s: &Scenario) -> Self {
        let (d, m, n) = (s.d, s.m, s.n);
        let mut r0 = rng::rng(s.seed, stream::DATA, u64::MAX);
        let mu: Vec<f64> = (0..d).map(|_| rng::normal(&mut r0)).collect();
        let mut zeta = Vec::with_capacity(m);
        let mut xbar = Vec::with_capacity(m);
        let mut xbar_rand = Vec::with_capacity(m);
        // The mean of nᵢ i.i.d. N(μ_i, σ²) draws is exactly N(μ_i, σ²/nᵢ): sample it directly.
        let sizes = super::worker_sizes(s, m, n);
        for (i, &ni) in sizes.iter().enumerate() {
            let sd = s.sigma / (ni as f64).sqrt();
            let mut r = rng::rng(s.seed, stream::DATA, i as u64);
            let z = Quadratic::shift(Quadratic::spread(s), d, &mut r);
            xbar.push((0..d).map(|k| mu[k] + z[k] + sd * rng::normal(&mut r)).collect());
            xbar_rand.push((0..d).map(|_| (1.0 + sd * sd).sqrt() * rng::normal(&mut r)).collect());
            zeta.push(z);
        }
        let q = Quadratic { kind: ProblemKind::Mean, d, m, sizes, base: mu, zeta, floor: d as f64 * s.sigma * s.sigma };
        let mut rr = rng::rng(s.seed, stream::ROOT, 0);
        let sd_root = s.sigma / (s.root.max(1) as f64).sqrt();
        let root = (0..d).map(|k| q.base[k] + sd_root * rng::normal(&mut rr)).collect();
        MeanEst { q, xbar, xbar_rand, root }
    }

    fn data(&self, i: usize, poison: Poison) -> std::borrow::Cow<'_, [f64]> {
        match poison {
            Poison::None => std::borrow::Cow::Borrowed(&self.xbar[i]),
            Poison::Flip => std::borrow::Cow::Owned(self.xbar[i].iter().map(|v| -v).collect()),
            Poison::Random => std::borrow::Cow::Borrowed(&self.xbar_rand[i]),
        }
    }
}

impl QuadraticProblem for MeanEst {
    fn quadratic(&self) -> &Quadratic {
        &self.q
    }
    fn local_grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let x = self.data(i, opts.poison);
        for ((o, wi), xi) in out.iter_mut().zip(w).zip(x.iter()) {
            *o = wi - xi;
        }
    }
    fn root_grad(&self, w: &[f64], out: &mut [f64]) -> bool {
        out.iter_mut().zip(w).zip(&self.root).for_each(|((o, wi), x)| *o = wi - x);
        true
    }
    fn erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>> {
        Some(self.data(i, poison).into_owned())
    }
}
