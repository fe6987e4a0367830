//! Mean estimation, the quadratic problem of the lower bound (Observation 3.1) and of the one-round
//! algorithm: f(w; x) = ½‖w − x‖² with x ~ N(μ, σ²I). Worker i's gradient is w − x̄_i and its local
//! ERM is x̄_i; the population gradient is w − μ.

use super::{Eval, GradOpts, Poison, Problem};
use crate::engine::linalg::dist;
use crate::engine::rng::{self, stream};
use crate::engine::scenario::{ProblemKind, Scenario, Split};

pub struct MeanEst {
    d: usize,
    m: usize,
    n: usize,
    sigma: f64,
    mu: Vec<f64>,
    zeta: Vec<Vec<f64>>,
    xbar: Vec<Vec<f64>>,
    xbar_rand: Vec<Vec<f64>>,
}

impl MeanEst {
    pub fn new(s: &Scenario) -> Self {
        let (d, m, n) = (s.d, s.m, s.n);
        let mut r0 = rng::rng(s.seed, stream::DATA, u64::MAX);
        let mu: Vec<f64> = (0..d).map(|_| rng::normal(&mut r0)).collect();
        let mut zeta = Vec::with_capacity(m);
        let mut xbar = Vec::with_capacity(m);
        let mut xbar_rand = Vec::with_capacity(m);
        // The mean of n i.i.d. N(μ_i, σ²) draws is exactly N(μ_i, σ²/n): sample it directly.
        let sd = s.sigma / (n as f64).sqrt();
        for i in 0..m {
            let mut r = rng::rng(s.seed, stream::DATA, i as u64);
            let z: Vec<f64> = match s.split {
                Split::Iid => vec![0.0; d],
                Split::Hetero => (0..d).map(|_| rng::normal(&mut r) / (d as f64).sqrt()).collect(),
            };
            xbar.push((0..d).map(|k| mu[k] + z[k] + sd * rng::normal(&mut r)).collect());
            xbar_rand.push((0..d).map(|_| (1.0 + sd * sd).sqrt() * rng::normal(&mut r)).collect());
            zeta.push(z);
        }
        MeanEst { d, m, n, sigma: s.sigma, mu, zeta, xbar, xbar_rand }
    }

    fn honest_optimum(&self, q: usize) -> Vec<f64> {
        let h = self.m.saturating_sub(q).max(1) as f64;
        let mut w = self.mu.clone();
        for z in self.zeta.iter().skip(q.min(self.m)) {
            w.iter_mut().zip(z).for_each(|(wi, zi)| *wi += zi / h);
        }
        w
    }

    fn data(&self, i: usize, poison: Poison) -> std::borrow::Cow<'_, [f64]> {
        match poison {
            Poison::None => std::borrow::Cow::Borrowed(&self.xbar[i]),
            Poison::Flip => std::borrow::Cow::Owned(self.xbar[i].iter().map(|v| -v).collect()),
            Poison::Random => std::borrow::Cow::Borrowed(&self.xbar_rand[i]),
        }
    }
}

impl Problem for MeanEst {
    fn kind(&self) -> ProblemKind {
        ProblemKind::Mean
    }
    fn dim(&self) -> usize {
        self.d
    }
    fn workers(&self) -> usize {
        self.m
    }
    fn samples(&self, _i: usize) -> usize {
        self.n
    }
    fn init(&self) -> Vec<f64> {
        vec![0.0; self.d]
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let x = self.data(i, opts.poison);
        for ((o, wi), xi) in out.iter_mut().zip(w).zip(x.iter()) {
            *o = wi - xi;
        }
    }
    fn eval(&self, w: &[f64], q: usize) -> Eval {
        let e = dist(w, &self.honest_optimum(q));
        Eval { err: e, loss: 0.5 * (e * e + self.d as f64 * self.sigma * self.sigma), acc: f64::NAN, grad_norm: e }
    }
    fn exact_grad(&self, w: &[f64], q: usize) -> Option<Vec<f64>> {
        Some(crate::engine::linalg::sub(w, &self.honest_optimum(q)))
    }
    fn optimum(&self, q: usize) -> Option<Vec<f64>> {
        Some(self.honest_optimum(q))
    }
    fn local_erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>> {
        Some(self.data(i, poison).into_owned())
    }
}
