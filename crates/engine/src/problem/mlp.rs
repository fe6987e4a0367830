//! A small fully connected network on the MNIST digits: 784 → H ReLU units → 10 classes,
//! cross-entropy, H = 32 (25 450 parameters). It trains in seconds in the browser; the CNN of Yin et
//! al.'s Table 3 is `problem::cnn`.
//!
//! Model: w = [W₁ (H × 784), b₁ (H), W₂ (C × H), b₂ (C)]. The first layer runs in `f32` through the
//! engine's kernels; the small second layer in `f64`. Initial weights are seeded (He-uniform for W₁,
//! Glorot-uniform for W₂, zero biases).

use super::labeled::Labeled;
use super::{Eval, GradOpts, Poison, Problem};
use crate::data::{Dataset, PIXELS};
use crate::kernels::{axpy32, dot32};
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario, ShiftKind};
use std::sync::Arc;

/// Hidden units.
pub const HIDDEN: usize = 32;

pub struct Mlp {
    l: Labeled,
    seed: u64,
}

/// Parameter views of a flat vector.
struct Params {
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f64>,
    b2: Vec<f64>,
}

/// One image's forward pass.
struct Forward {
    /// Hidden pre-activations and activations.
    pre: [f32; HIDDEN],
    h: [f64; HIDDEN],
    /// Class probabilities.
    p: Vec<f64>,
}

impl Mlp {
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Self {
        Mlp { l: Labeled::new(s, data), seed: s.seed }
    }

    fn c(&self) -> usize {
        self.l.classes
    }

    fn unpack(&self, w: &[f64]) -> Params {
        let (h, c) = (HIDDEN, self.c());
        let (w1, rest) = w.split_at(h * PIXELS);
        let (b1, rest) = rest.split_at(h);
        let (w2, b2) = rest.split_at(c * h);
        Params { w1: w1.iter().map(|&v| v as f32).collect(), b1: b1.iter().map(|&v| v as f32).collect(), w2: w2.to_vec(), b2: b2.to_vec() }
    }

    fn forward(&self, p: &Params, x: &[f32]) -> Forward {
        let c = self.c();
        let mut pre = [0.0f32; HIDDEN];
        let mut h = [0.0f64; HIDDEN];
        for k in 0..HIDDEN {
            pre[k] = dot32(&p.w1[k * PIXELS..(k + 1) * PIXELS], x) + p.b1[k];
            h[k] = pre[k].max(0.0) as f64;
        }
        let mut z: Vec<f64> =
            (0..c).map(|j| p.b2[j] + p.w2[j * HIDDEN..(j + 1) * HIDDEN].iter().zip(&h).map(|(a, b)| a * b).sum::<f64>()).collect();
        let mx = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !mx.is_finite() {
            z.iter_mut().for_each(|v| *v = 1.0 / c as f64);
        } else {
            let mut sum = 0.0;
            z.iter_mut().for_each(|v| {
                *v = (*v - mx).exp();
                sum += *v;
            });
            z.iter_mut().for_each(|v| *v /= sum);
        }
        Forward { pre, h, p: z }
    }

    /// Back-propagated error at the hidden pre-activations, δ = (W₂ᵀ(p − e_y)) ⊙ [pre > 0].
    fn hidden_delta(&self, p: &Params, f: &Forward, y: usize) -> [f32; HIDDEN] {
        let mut d = [0.0f32; HIDDEN];
        for j in 0..self.c() {
            let r = f.p[j] - if j == y { 1.0 } else { 0.0 };
            for (dk, w) in d.iter_mut().zip(&p.w2[j * HIDDEN..(j + 1) * HIDDEN]) {
                *dk += (r * w) as f32;
            }
        }
        for (dk, pre) in d.iter_mut().zip(&f.pre) {
            if *pre <= 0.0 {
                *dk = 0.0;
            }
        }
        d
    }

    /// ∇ₓ of the loss: W₁ᵀ δ.
    fn input_grad(&self, p: &Params, f: &Forward, y: usize, out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        let d = self.hidden_delta(p, f, y);
        for (k, &dk) in d.iter().enumerate() {
            if dk != 0.0 {
                axpy32(dk, &p.w1[k * PIXELS..(k + 1) * PIXELS], out);
            }
        }
    }

    /// The DRO inner maximisation: ascent on loss(z) − λ‖z − x‖² from z = x.
    fn dro_point(&self, p: &Params, x: &[f32], y: usize, dro: &crate::scenario::DroParams, z: &mut [f32], gz: &mut [f32]) {
        z.copy_from_slice(x);
        let (two_lam, step) = ((2.0 * dro.lambda) as f32, dro.eta_z as f32);
        for _ in 0..dro.steps {
            let f = self.forward(p, z);
            self.input_grad(p, &f, y, gz);
            for ((zi, gi), xi) in z.iter_mut().zip(gz.iter()).zip(x) {
                *zi += step * (gi - two_lam * (*zi - xi));
            }
        }
    }
}

impl Problem for Mlp {
    fn kind(&self) -> ProblemKind {
        ProblemKind::Mlp
    }
    fn dim(&self) -> usize {
        HIDDEN * (PIXELS + 1) + self.c() * (HIDDEN + 1)
    }
    fn workers(&self) -> usize {
        self.l.m
    }
    fn samples(&self, i: usize) -> usize {
        self.l.assign[i].len()
    }
    fn root_grad(&self, w: &[f64], out: &mut [f64]) -> bool {
        self.grad(self.l.m, w, &GradOpts::default(), out);
        true
    }
    fn worker_data(&self, i: usize) -> Option<super::WorkerData> {
        (i < self.l.m).then(|| super::WorkerData::Labels(self.l.label_counts(i)))
    }
    fn supports_batch(&self) -> bool {
        true
    }
    fn init(&self) -> Vec<f64> {
        let mut r = rng::rng(self.seed, stream::INIT, 0);
        let (a1, a2) = ((6.0 / PIXELS as f64).sqrt(), (6.0 / (HIDDEN + self.c()) as f64).sqrt());
        let mut w = Vec::with_capacity(self.dim());
        w.extend((0..HIDDEN * PIXELS).map(|_| a1 * (2.0 * rng::uniform(&mut r) - 1.0)));
        w.extend(std::iter::repeat_n(0.0, HIDDEN));
        w.extend((0..self.c() * HIDDEN).map(|_| a2 * (2.0 * rng::uniform(&mut r) - 1.0)));
        w.extend(std::iter::repeat_n(0.0, self.c()));
        w
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let c = self.c();
        let p = self.unpack(w);
        let mut g1 = vec![0.0f32; HIDDEN * PIXELS];
        let mut gb1 = [0.0f64; HIDDEN];
        let mut g2 = vec![0.0f64; c * HIDDEN];
        let mut gb2 = vec![0.0f64; c];
        let (mut z, mut gz) = if opts.dro.is_some() { (vec![0.0f32; PIXELS], vec![0.0f32; PIXELS]) } else { (Vec::new(), Vec::new()) };
        let local = self.l.rows(i);
        let mut count = 0usize;
        let mut image = vec![0.0f32; PIXELS];
        let mut visit = |j: usize| {
            let y = self.l.label(j, opts.poison);
            let mut x = self.l.data.image(j, &mut image);
            if let Some(dro) = &opts.dro {
                self.dro_point(&p, x, y, dro, &mut z, &mut gz);
                x = &z;
            }
            let f = self.forward(&p, x);
            for jj in 0..c {
                let r = f.p[jj] - if jj == y { 1.0 } else { 0.0 };
                gb2[jj] += r;
                for k in 0..HIDDEN {
                    g2[jj * HIDDEN + k] += r * f.h[k];
                }
            }
            let d = self.hidden_delta(&p, &f, y);
            for k in 0..HIDDEN {
                if d[k] != 0.0 {
                    axpy32(d[k], x, &mut g1[k * PIXELS..(k + 1) * PIXELS]);
                    gb1[k] += d[k] as f64;
                }
            }
            count += 1;
        };
        match opts.batch {
            Some(b) => b.iter().for_each(|&k| visit(local[k % local.len()] as usize)),
            None => local.iter().for_each(|&j| visit(j as usize)),
        }
        let inv = 1.0 / count.max(1) as f64;
        let (o1, rest) = out.split_at_mut(HIDDEN * PIXELS);
        let (ob1, rest) = rest.split_at_mut(HIDDEN);
        let (o2, ob2) = rest.split_at_mut(c * HIDDEN);
        o1.iter_mut().zip(&g1).for_each(|(o, v)| *o = *v as f64 * inv);
        ob1.iter_mut().zip(&gb1).for_each(|(o, v)| *o = v * inv);
        o2.iter_mut().zip(&g2).for_each(|(o, v)| *o = v * inv);
        ob2.iter_mut().zip(&gb2).for_each(|(o, v)| *o = v * inv);
    }
    fn eval(&self, w: &[f64], _q: usize) -> Eval {
        let p = self.unpack(w);
        let (mut loss, mut correct) = (0.0, 0usize);
        let mut gx = vec![0.0f32; PIXELS];
        let mut xs = vec![0.0f32; PIXELS];
        let mut image = vec![0.0f32; PIXELS];
        let data = &self.l.data;
        for j in data.n_train()..data.len() {
            let y = self.l.label(j, Poison::None);
            let x = data.image(j, &mut image);
            let mut f = self.forward(&p, x);
            if self.l.shifted() && self.l.shift == ShiftKind::Linf {
                self.l.linf_attack(x, self.l.shift_eps as f32, &mut xs, &mut gx, |z, g| {
                    let fz = self.forward(&p, z);
                    self.input_grad(&p, &fz, y, g)
                });
                f = self.forward(&p, &xs);
            } else if self.l.shifted() {
                self.input_grad(&p, &f, y, &mut gx);
                self.l.shift_input(x, &gx, &mut xs);
                f = self.forward(&p, &xs);
            }
            loss -= f.p[y].max(1e-300).ln();
            let pred = super::classify::predicted(&f.p[..self.c()]);
            correct += (pred == y) as usize;
        }
        let nt = data.n_test as f64;
        Eval { loss: loss / nt, acc: correct as f64 / nt, ..Eval::NONE }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn backprop_matches_finite_differences() {
        let data = Arc::new(Dataset::load_default().unwrap());
        let s = Scenario { m: 40, n: 20, ..Scenario::defaults_for(ProblemKind::Mlp) };
        let p = Mlp::new(&s, data);
        let w = p.init();
        let mut g = vec![0.0; p.dim()];
        p.grad(3, &w, &GradOpts::default(), &mut g);
        let loss = |w: &[f64]| {
            let pr = p.unpack(w);
            let mut image = vec![0.0f32; PIXELS];
            p.l.assign[3]
                .iter()
                .map(|&j| -p.forward(&pr, p.l.data.image(j as usize, &mut image)).p[p.l.label(j as usize, Poison::None)].ln())
                .sum::<f64>()
                / p.l.assign[3].len() as f64
        };
        // A first-layer weight on a central pixel, a hidden bias, a second-layer weight, an output bias.
        for &k in &[5 * PIXELS + 400, HIDDEN * PIXELS + 7, HIDDEN * (PIXELS + 1) + 3 * HIDDEN + 5, p.dim() - 2] {
            let h = 1e-3;
            let (mut a, mut b) = (w.clone(), w.clone());
            a[k] += h;
            b[k] -= h;
            let fd = (loss(&a) - loss(&b)) / (2.0 * h);
            assert!((fd - g[k]).abs() < 2e-3 * (1.0 + fd.abs()), "k = {k}: finite difference {fd}, gradient {}", g[k]);
        }
    }
}
