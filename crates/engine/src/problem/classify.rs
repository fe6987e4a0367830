//! Multi-class logistic (softmax) regression on the MNIST digits, its binary variant (odd vs even
//! digit), and binary logistic regression on Spambase (the NBS paper's task, seed 003 §VI).
//!
//! Model: w = [W (C × F, row-major), b (C)], d = (F + 1)·C, F the features per example (784
//! pixels in [0, 1], or Spambase's 57 standardised features); loss = cross-entropy of
//! softmax(Wx + b). With C = 2 this is logistic regression: softmax of two logits is the sigmoid
//! of their difference (the model is over-parametrised by one row, which changes no prediction).
//! The hot loops run in `f32` (see `engine::kernels`); results are returned in `f64`. How the
//! examples are split over the workers: [`super::labeled`].

use super::labeled::Labeled;
use super::{Eval, GradOpts, Poison, Problem};
use crate::data::Dataset;
use crate::kernels::{axpy32, axpy32_rows, dot32, dot32_rows};
use crate::scenario::{ProblemKind, Scenario};
use std::sync::Arc;

pub struct Classify {
    kind: ProblemKind,
    l: Labeled,
    /// Features per example (784 pixels, or Spambase's 57).
    f: usize,
}

impl Classify {
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Self {
        Classify { kind: s.problem, f: data.features, l: Labeled::new(s, data) }
    }

    /// Weights as f32 rows plus biases.
    fn unpack(&self, w: &[f64]) -> (Vec<f32>, Vec<f32>) {
        let c = self.l.classes;
        let wf = w[..c * self.f].iter().map(|&v| v as f32).collect();
        let bf = w[c * self.f..].iter().map(|&v| v as f32).collect();
        (wf, bf)
    }

    /// Softmax probabilities of x into p (f64).
    fn probs(&self, wf: &[f32], bf: &[f32], x: &[f32], p: &mut [f64]) {
        let c = self.l.classes;
        for k in 0..c {
            p[k] = (dot32(&wf[k * self.f..(k + 1) * self.f], x) + bf[k]) as f64;
        }
        softmax(&mut p[..c]);
    }

    /// The logits of S images (`logits[s][k]`, as [`Self::probs`] computes them, bit for bit), each
    /// weight row loaded once for every FWD images.
    fn logits_block<const S: usize>(&self, wf: &[f32], bf: &[f32], xs: &[&[f32]; S], logits: &mut [[f64; MAX_CLASSES]; S]) {
        for k in 0..self.l.classes {
            let wk = &wf[k * self.f..(k + 1) * self.f];
            let mut s0 = 0;
            while s0 + FWD <= S {
                let z = dot32_rows::<FWD>(wk, &std::array::from_fn(|t| xs[s0 + t]));
                for t in 0..FWD {
                    logits[s0 + t][k] = (z[t] + bf[k]) as f64;
                }
                s0 += FWD;
            }
            for s in s0..S {
                logits[s][k] = (dot32(wk, xs[s]) + bf[k]) as f64;
            }
        }
    }

    /// ∇_x of the cross-entropy at (x, y): Σ_c (p_c − [c = y]) W_c.
    fn input_grad(&self, wf: &[f32], p: &[f64], y: usize, out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        for k in 0..self.l.classes {
            let r = (p[k] - if k == y { 1.0 } else { 0.0 }) as f32;
            axpy32(r, &wf[k * self.f..(k + 1) * self.f], out);
        }
    }

    /// The DRO inner maximisation: gradient ascent on CE(z) − λ‖z − x‖² from z = x.
    #[allow(clippy::too_many_arguments)] // the block's buffers are passed in, so nothing is allocated per image
    fn dro_point(
        &self,
        wf: &[f32],
        bf: &[f32],
        x: &[f32],
        y: usize,
        dro: &crate::scenario::DroParams,
        z: &mut [f32],
        gz: &mut [f32],
        p: &mut [f64],
    ) {
        z.copy_from_slice(x);
        let two_lam = (2.0 * dro.lambda) as f32;
        let step = dro.eta_z as f32;
        for _ in 0..dro.steps {
            self.probs(wf, bf, z, p);
            self.input_grad(wf, p, y, gz);
            for ((zi, gi), xi) in z.iter_mut().zip(gz.iter()).zip(x) {
                *zi += step * (gi - two_lam * (*zi - xi));
            }
        }
    }

    /// Test-set metrics, under the configured test-time shift.
    fn test_metrics(&self, w: &[f64]) -> (f64, f64) {
        let (wf, bf) = self.unpack(w);
        let c = self.l.classes;
        let mut p = vec![0.0; c];
        let mut gx = vec![0.0f32; self.f];
        let mut xs = vec![0.0f32; self.f];
        let mut image = vec![0.0f32; self.f];
        let (mut loss, mut correct) = (0.0, 0usize);
        let n_train = self.l.data.n_train();
        let mut score = |p: &[f64], y: usize| {
            loss -= p[y].max(1e-300).ln();
            let pred = (0..c).fold(0, |b, k| if p[k] > p[b] { k } else { b });
            correct += (pred == y) as usize;
        };
        if !self.l.shifted() {
            // No test-time shift: the logits of BLOCK images per pass over the weights.
            let test: Vec<usize> = (n_train..self.l.data.len()).collect();
            let mut logits = [[0.0f64; MAX_CLASSES]; BLOCK];
            let mut images = vec![0.0f32; BLOCK * self.f];
            let mut blocks = test.chunks_exact(BLOCK);
            for js in &mut blocks {
                for (&j, buf) in js.iter().zip(images.chunks_exact_mut(self.f)) {
                    self.l.data.image(j, buf);
                }
                let xs: [&[f32]; BLOCK] = std::array::from_fn(|s| &images[s * self.f..(s + 1) * self.f]);
                self.logits_block::<BLOCK>(&wf, &bf, &xs, &mut logits);
                for (s, &j) in js.iter().enumerate() {
                    softmax(&mut logits[s][..c]);
                    score(&logits[s][..c], self.l.label(j, Poison::None));
                }
            }
            for &j in blocks.remainder() {
                self.probs(&wf, &bf, self.l.data.image(j, &mut images), &mut p);
                score(&p, self.l.label(j, Poison::None));
            }
            let nt = self.l.data.n_test as f64;
            return (loss / nt, correct as f64 / nt);
        }
        for j in n_train..self.l.data.len() {
            let y = self.l.label(j, Poison::None);
            let x = self.l.data.image(j, &mut image);
            self.probs(&wf, &bf, x, &mut p);
            self.input_grad(&wf, &p, y, &mut gx);
            self.l.shift_input(x, &gx, &mut xs);
            self.probs(&wf, &bf, &xs, &mut p);
            score(&p, y);
        }
        let nt = self.l.data.n_test as f64;
        (loss / nt, correct as f64 / nt)
    }

    /// Adds the cross-entropy gradients of the S images `js` to (g, gb): forward logits, softmax,
    /// then g_k += (p_k − [k = y])·x for each image in order.
    #[allow(clippy::too_many_arguments)]
    fn grad_block<const S: usize>(
        &self,
        wf: &[f32],
        bf: &[f32],
        js: &[usize],
        opts: &GradOpts,
        sc: &mut Scratch,
        g: &mut [f32],
        gb: &mut [f64],
    ) {
        let c = self.l.classes;
        let ys: [usize; S] = std::array::from_fn(|s| self.l.label(js[s], opts.poison));
        for (&j, buf) in js.iter().zip(sc.x.chunks_exact_mut(self.f)) {
            self.l.data.image(j, buf);
        }
        let image = |s: usize| &sc.x[s * self.f..(s + 1) * self.f];
        if let Some(dro) = &opts.dro {
            for (s, &y) in ys.iter().enumerate() {
                let z = &mut sc.z[s * self.f..(s + 1) * self.f];
                self.dro_point(wf, bf, &sc.x[s * self.f..(s + 1) * self.f], y, dro, z, &mut sc.gz, &mut sc.p);
            }
        }
        let xs: [&[f32]; S] = std::array::from_fn(|s| if opts.dro.is_some() { &sc.z[s * self.f..(s + 1) * self.f] } else { image(s) });
        let mut logits = [[0.0f64; MAX_CLASSES]; S];
        self.logits_block::<S>(wf, bf, &xs, &mut logits);
        // r[k][s] = p_k(x_s) − [k = y_s]
        let mut r = [[0.0f64; S]; MAX_CLASSES];
        for s in 0..S {
            let p = &mut logits[s][..c];
            softmax(p);
            for k in 0..c {
                r[k][s] = p[k] - if k == ys[s] { 1.0 } else { 0.0 };
            }
        }
        for k in 0..c {
            let a: [f32; S] = std::array::from_fn(|s| r[k][s] as f32);
            axpy32_rows::<S>(&a, &xs, &mut g[k * self.f..(k + 1) * self.f]);
            for v in &r[k] {
                gb[k] += v;
            }
        }
    }
}

/// Images per pass over the weights and the gradient rows, in the gradient and the evaluation (with
/// 4, the block's images stay in L1 next to the row being streamed: faster than 8 on x86-64).
const BLOCK: usize = 4;
/// Images per call of the forward kernel (FWD × 2 accumulator vectors + the weights fill the 16
/// vector registers of SSE2 / the ones V8 gives wasm).
const FWD: usize = 4;
/// The most classes a problem has (MNIST digits).
const MAX_CLASSES: usize = 10;

/// Buffers of one gradient call: the block's images as `f32`, and their DRO points.
struct Scratch {
    x: Vec<f32>,
    z: Vec<f32>,
    gz: Vec<f32>,
    p: Vec<f64>,
}

impl Scratch {
    fn new(dro: bool, block: usize, f: usize) -> Self {
        let x = vec![0.0; block * f];
        if dro {
            Scratch { x, z: vec![0.0; block * f], gz: vec![0.0; f], p: vec![0.0; MAX_CLASSES] }
        } else {
            Scratch { x, z: Vec::new(), gz: Vec::new(), p: Vec::new() }
        }
    }
}

/// In place: logits → softmax probabilities (f64). Non-finite logits give a uniform prediction
/// rather than NaN probabilities.
pub(super) fn softmax(p: &mut [f64]) {
    let c = p.len();
    let mx = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !mx.is_finite() {
        p.iter_mut().for_each(|v| *v = 1.0 / c as f64);
        return;
    }
    let mut s = 0.0;
    for v in p.iter_mut() {
        *v = (*v - mx).exp();
        s += *v;
    }
    p.iter_mut().for_each(|v| *v /= s);
}

impl Problem for Classify {
    fn kind(&self) -> ProblemKind {
        self.kind
    }
    fn dim(&self) -> usize {
        self.l.classes * (self.f + 1)
    }
    fn workers(&self) -> usize {
        self.l.m
    }
    fn samples(&self, i: usize) -> usize {
        self.l.assign[i].len()
    }
    fn init(&self) -> Vec<f64> {
        vec![0.0; self.dim()]
    }
    fn supports_batch(&self) -> bool {
        true
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let c = self.l.classes;
        let (wf, bf) = self.unpack(w);
        let mut g = vec![0.0f32; c * self.f];
        let mut gb = vec![0.0f64; c];
        let local = &self.l.assign[i];
        let samples: Vec<usize> = match opts.batch {
            Some(b) => b.iter().map(|&k| local[k % local.len()] as usize).collect(),
            None => local.iter().map(|&j| j as usize).collect(),
        };
        // Samples go BLOCK at a time through the weights and the gradient rows; every sum is
        // still taken sample by sample in order, so the result does not depend on the blocking.
        let mut scratch = Scratch::new(opts.dro.is_some(), BLOCK, self.f);
        let mut rest = samples.as_slice();
        while !rest.is_empty() {
            let k = if rest.len() >= BLOCK {
                self.grad_block::<BLOCK>(&wf, &bf, &rest[..BLOCK], opts, &mut scratch, &mut g, &mut gb);
                BLOCK
            } else if rest.len() >= FWD {
                self.grad_block::<FWD>(&wf, &bf, &rest[..FWD], opts, &mut scratch, &mut g, &mut gb);
                FWD
            } else {
                self.grad_block::<1>(&wf, &bf, &rest[..1], opts, &mut scratch, &mut g, &mut gb);
                1
            };
            rest = &rest[k..];
        }
        let inv = 1.0 / samples.len().max(1) as f64;
        for (o, v) in out[..c * self.f].iter_mut().zip(&g) {
            *o = *v as f64 * inv;
        }
        for (o, v) in out[c * self.f..].iter_mut().zip(&gb) {
            *o = v * inv;
        }
    }
    fn eval(&self, w: &[f64], _q: usize) -> Eval {
        let (loss, acc) = self.test_metrics(w);
        Eval { err: f64::NAN, loss, acc, grad_norm: f64::NAN }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::data::DataSource;
    use crate::scenario::Split;

    fn problem_of(kind: ProblemKind, split: Split) -> Classify {
        let s = Scenario { problem: kind, m: 20, n: 200, split, ..Scenario::defaults_for(kind) };
        Classify::new(&s, Arc::new(Dataset::load(s.data_source().unwrap()).unwrap()))
    }

    fn problem(split: Split) -> Classify {
        problem_of(ProblemKind::Mnist, split)
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let p = problem(Split::Iid);
        check_gradient(&p, &[300, 784 + 400, 7845, 7849]);
        let p = problem_of(ProblemKind::Spambase, Split::Iid);
        assert_eq!((p.dim(), p.samples(0)), (2 * 58, 184), "two classes of 57 weights and a bias; 3682/20 e-mails");
        check_gradient(&p, &[0, 56, 57 + 20, 114, 115]);
    }

    fn check_gradient(p: &Classify, coords: &[usize]) {
        let d = p.dim();
        let mut w: Vec<f64> = (0..d).map(|k| ((k * 7919) % 13) as f64 * 0.001 - 0.006).collect();
        w[3] = 0.02;
        let mut g = vec![0.0; d];
        p.grad(0, &w, &GradOpts::default(), &mut g);
        // Local loss by direct summation.
        let loss = |w: &[f64]| {
            let (wf, bf) = p.unpack(w);
            let mut pr = [0.0; 10];
            let mut image = vec![0.0f32; p.f];
            p.l.assign[0]
                .iter()
                .map(|&j| {
                    p.probs(&wf, &bf, p.l.data.image(j as usize, &mut image), &mut pr[..p.l.classes]);
                    -pr[p.l.label(j as usize, Poison::None)].ln()
                })
                .sum::<f64>()
                / p.l.assign[0].len() as f64
        };
        for &k in coords {
            let h = 1e-3;
            let mut a = w.clone();
            a[k] += h;
            let mut b = w.clone();
            b[k] -= h;
            let fd = (loss(&a) - loss(&b)) / (2.0 * h);
            assert!((fd - g[k]).abs() < 1e-3 * (1.0 + fd.abs()), "k={k}: fd {fd} vs {}", g[k]);
        }
    }

    #[test]
    fn heterogeneous_split_gives_two_workers_per_digit() {
        let p = problem(Split::Hetero);
        for i in 0..20 {
            let labels: std::collections::BTreeSet<u8> = p.l.assign[i].iter().map(|&j| p.l.data.y[j as usize]).collect();
            assert!(labels.len() <= 2, "worker {i} has digits {labels:?}");
        }
        let p = problem(Split::Iid);
        let labels: std::collections::BTreeSet<u8> = p.l.assign[0].iter().map(|&j| p.l.data.y[j as usize]).collect();
        assert_eq!(labels.len(), 10);
    }

    /// Spambase's labels are spam (1) or not (0), not a digit's parity; sorting by label gives the
    /// workers of the heterogeneous split one class each but one.
    #[test]
    fn spambase_labels_and_split() {
        let p = problem_of(ProblemKind::Spambase, Split::Hetero);
        assert_eq!(p.l.classes, 2);
        let spam: Vec<usize> =
            (0..20).map(|i| p.l.assign[i].iter().filter(|&&j| p.l.label(j as usize, Poison::None) == 1).count()).collect();
        // 2231 non-spam training e-mails fill 12 chunks and 23 of the 13th.
        assert_eq!(spam.iter().filter(|&&c| c == 0).count(), 12, "{spam:?}");
        assert_eq!(spam[12], 184 - 23, "{spam:?}");
        assert_eq!(spam.iter().filter(|&&c| c == 184).count(), 7, "{spam:?}");
        let j = p.l.assign[19][0] as usize;
        assert_eq!((p.l.data.y[j], p.l.label(j, Poison::None), p.l.label(j, Poison::Flip)), (1, 1, 0));
        assert_eq!(p.l.data.source, DataSource::Spambase);
        // The zero model ties both classes and predicts class 0, non-spam: 557 of the 919 test e-mails.
        let (_, acc) = p.test_metrics(&p.init());
        assert!((acc - 557.0 / 919.0).abs() < 1e-12, "{acc}");
    }

    #[test]
    fn label_poisoning() {
        let p = problem(Split::Iid);
        let j = p.l.assign[0][0] as usize;
        assert_eq!(p.l.label(j, Poison::Flip), 9 - p.l.data.y[j] as usize);
        let zero = vec![0.0; p.dim()];
        let (_, acc) = p.test_metrics(&zero);
        assert!(acc > 0.05 && acc < 0.2, "a zero model predicts class 0: {acc}");
    }
}
