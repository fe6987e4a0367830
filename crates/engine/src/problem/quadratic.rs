//! What linear regression and mean estimation share: the population gradient is exactly
//! ∇F(w) = w − w*_H, where the honest optimum w*_H is a base point (w* or μ) plus the mean of the
//! honest workers' heterogeneity shifts ζᵢ (zero under an i.i.d. split). The shared accessors are
//! written once here, for every [`QuadraticProblem`].

use super::{Eval, GradOpts, Poison, Problem};
use crate::linalg::dist;
use crate::rng::{self, Rng};
use crate::scenario::ProblemKind;

/// The shape and the optimum of a quadratic problem.
pub struct Quadratic {
    pub kind: ProblemKind,
    pub d: usize,
    pub m: usize,
    /// Each worker's sample count ([`super::worker_sizes`]: n each but under quantity skew).
    pub sizes: Vec<usize>,
    /// w* (linear regression) or μ (mean estimation).
    pub base: Vec<f64>,
    /// Each worker's shift of its local optimum.
    pub zeta: Vec<Vec<f64>>,
    /// The population loss at the optimum, ½·floor: σ² (regression) or dσ² (mean estimation).
    pub floor: f64,
}

impl Quadratic {
    /// A worker's heterogeneity shift ζᵢ: the first draws of its data stream.
    /// None (i.i.d.: no draw) or ζᵢ ~ N(0, (spread²/d)·I), so E‖ζᵢ‖² = spread² (every split other
    /// than i.i.d. gives each worker its own optimum; `zeta` is the spread).
    pub fn shift(spread: Option<f64>, d: usize, r: &mut Rng) -> Vec<f64> {
        match spread {
            None => vec![0.0; d],
            Some(z) => (0..d).map(|_| z * (rng::normal(r) / (d as f64).sqrt())).collect(),
        }
    }

    /// The spread of the workers' optima in a scenario: None for the i.i.d. split.
    pub fn spread(s: &crate::scenario::Scenario) -> Option<f64> {
        s.split.shifts_optima().then_some(s.zeta)
    }

    /// The honest optimum: the base point plus the mean shift of the honest workers q..m.
    pub fn honest_optimum(&self, q: usize) -> Vec<f64> {
        let h = self.m.saturating_sub(q).max(1) as f64;
        let mut w = self.base.clone();
        for z in self.zeta.iter().skip(q.min(self.m)) {
            w.iter_mut().zip(z).for_each(|(wi, zi)| *wi += zi / h);
        }
        w
    }
}

/// A problem with the population gradient w − w*_H (see the module documentation).
pub trait QuadraticProblem: Send + Sync {
    fn quadratic(&self) -> &Quadratic;
    /// Worker i's local gradient at w.
    fn local_grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]);
    /// Worker i's local empirical risk minimiser.
    fn erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>>;
    /// See [`Problem::root_grad`].
    fn root_grad(&self, _w: &[f64], _out: &mut [f64]) -> bool {
        false
    }
    /// See [`Problem::prepare`].
    fn build_workers(&self, _workers: usize) -> bool {
        true
    }
}

impl<T: QuadraticProblem> Problem for T {
    fn kind(&self) -> ProblemKind {
        self.quadratic().kind
    }
    fn dim(&self) -> usize {
        self.quadratic().d
    }
    fn workers(&self) -> usize {
        self.quadratic().m
    }
    fn samples(&self, i: usize) -> usize {
        self.quadratic().sizes[i]
    }
    fn init(&self) -> Vec<f64> {
        vec![0.0; self.quadratic().d]
    }
    fn prepare(&self, workers: usize) -> bool {
        self.build_workers(workers)
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        self.local_grad(i, w, opts, out)
    }
    fn eval(&self, w: &[f64], q: usize) -> Eval {
        let e = dist(w, &self.quadratic().honest_optimum(q));
        Eval { err: e, loss: 0.5 * (e * e + self.quadratic().floor), grad_norm: e, ..Eval::NONE }
    }
    fn exact_grad(&self, w: &[f64], q: usize) -> Option<Vec<f64>> {
        Some(w.iter().zip(&self.quadratic().honest_optimum(q)).map(|(a, b)| a - b).collect())
    }
    fn optimum(&self, q: usize) -> Option<Vec<f64>> {
        Some(self.quadratic().honest_optimum(q))
    }
    fn local_erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>> {
        self.erm(i, poison)
    }
    fn root_grad(&self, w: &[f64], out: &mut [f64]) -> bool {
        QuadraticProblem::root_grad(self, w, out)
    }
    fn worker_data(&self, i: usize) -> Option<super::WorkerData> {
        self.quadratic().zeta.get(i).map(|z| super::WorkerData::Shift(crate::linalg::norm(z)))
    }
}
