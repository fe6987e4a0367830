//! The 2-D landscape with a strict saddle: F(w) = ½w₁² + (w₂² − 1)²/4, with ∇F = (w₁, w₂³ − w₂),
//! a saddle at 0 (Hessian diag(1, −1), so λ = 1 in Proposition 4.4) and minima at (0, ±1).
//! Worker i's n samples z_ij ~ N(0, σ²I) enter as f(w; z) = F(w) + zᵀw, so its local gradient is
//! ∇F(w) + z̄_i with z̄_i ~ N(0, σ²/n · I) fixed for the run.

use super::{Eval, GradOpts, Poison, Problem};
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario};

pub struct Saddle {
    m: usize,
    n: usize,
    w0: [f64; 2],
    noise: Vec<[f64; 2]>,
}

/// F(w) of the toy.
pub fn toy_loss(w: [f64; 2]) -> f64 {
    0.5 * w[0] * w[0] + (w[1] * w[1] - 1.0).powi(2) / 4.0
}

/// ∇F(w) of the toy.
pub fn toy_grad(w: [f64; 2]) -> [f64; 2] {
    [w[0], w[1] * w[1] * w[1] - w[1]]
}

impl Saddle {
    pub fn new(s: &Scenario) -> Self {
        let sd = s.sigma / (s.n as f64).sqrt();
        let noise = (0..s.m)
            .map(|i| {
                let mut r = rng::rng(s.seed, stream::DATA, i as u64);
                [sd * rng::normal(&mut r), sd * rng::normal(&mut r)]
            })
            .collect();
        Saddle { m: s.m, n: s.n, w0: s.w0, noise }
    }
}

impl Problem for Saddle {
    fn kind(&self) -> ProblemKind {
        ProblemKind::Saddle
    }
    fn dim(&self) -> usize {
        2
    }
    fn workers(&self) -> usize {
        self.m
    }
    fn samples(&self, _i: usize) -> usize {
        self.n
    }
    fn init(&self) -> Vec<f64> {
        self.w0.to_vec()
    }
    fn grad(&self, i: usize, w: &[f64], _opts: &GradOpts, out: &mut [f64]) {
        let g = toy_grad([w[0], w[1]]);
        out[0] = g[0] + self.noise[i][0];
        out[1] = g[1] + self.noise[i][1];
    }
    fn eval(&self, w: &[f64], _q: usize) -> Eval {
        let p = [w[0], w[1]];
        let g = toy_grad(p);
        let err = (p[0] * p[0] + (p[1].abs() - 1.0).powi(2)).sqrt();
        Eval { err, loss: toy_loss(p), grad_norm: g[0].hypot(g[1]), ..Eval::NONE }
    }
    fn exact_grad(&self, w: &[f64], _q: usize) -> Option<Vec<f64>> {
        Some(toy_grad([w[0], w[1]]).to_vec())
    }
    fn escape_direction(&self, _w: &[f64]) -> Option<Vec<f64>> {
        Some(vec![0.0, 1.0])
    }
    fn local_erm(&self, _i: usize, _poison: Poison) -> Option<Vec<f64>> {
        None
    }
    fn loss_2d(&self, w: [f64; 2]) -> Option<f64> {
        Some(toy_loss(w))
    }
}
