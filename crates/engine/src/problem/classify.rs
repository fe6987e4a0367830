//! Multi-class logistic (softmax) regression on the MNIST digits, its binary variant (odd vs even
//! digit), and binary logistic regression on Spambase (the NBS paper's task, seed 003 §VI).
//!
//! Model: w = [W (C × F, row-major), b (C)], d = (F + 1)·C, F the features per example (784
//! pixels in [0, 1], or Spambase's 57 standardised features); loss = cross-entropy of
//! softmax(Wx + b). With C = 2 this is logistic regression: softmax of two logits is the sigmoid
//! of their difference (the model is over-parametrised by one row, which changes no prediction).
//! The hot loops run in `f32` (see `engine::kernels`); results are returned in `f64`. How the
//! examples are split over the workers: [`super::labeled`].
//!
//! ℓ∞ adversarial training and evaluation (Yin's thesis ch. 5, objective (5.8) and Theorem 5.4):
//! the worst x′ in the ℓ∞ ball of radius ε lowers the margin z_y − z_k of each class pair by exactly
//! ε‖w_y − w_k‖₁ (at x′ = x − ε·sign(w_y − w_k)). So an example is misclassified by some x′ in the
//! ball iff it is misclassified with the logits z̃_k = z_k + ε‖w_k − w_y‖₁ (k ≠ y), z̃_y = z_y: the
//! adversarial 0–1 error is exact. The adversarial loss we train is the cross-entropy of those
//! logits, which bounds max_x′ CE(x′) from above and equals it for two classes (binary logistic
//! regression, where the thesis's Theorem 5.2 holds); for ten classes no closed form of the exact
//! maximum exists (it is attained at a vertex of the ball). The ball is not clipped to [0, 1].
//! The images may be down- or up-sampled first ([`crate::data::resample`]).

use super::labeled::Labeled;
use super::{Eval, GradOpts, Poison, Problem};
use crate::data::{Dataset, PIXELS};
use crate::kernels::{axpy32, axpy32_rows, dot32, dot32_rows};
use crate::scenario::{Pixels, ProblemKind, Scenario, ShiftKind};
use std::sync::Arc;

pub struct Classify {
    kind: ProblemKind,
    l: Labeled,
    /// Features per example (784 pixels, 196 or 3136 resampled, or Spambase's 57).
    f: usize,
    /// The images' resolution (MNIST only).
    pix: Pixels,
    /// The ℓ∞ radius of adversarial training, under which the training accuracy is measured.
    adv: f64,
    /// The diversity-inducing mechanisms (for the diversity they induce): DropConnect's p,
    /// Langevin noise's σ, quantization.
    drop: f64,
    sgld: f64,
    quant: bool,
}

pub use super::labeled::TRAIN_EVAL;

impl Classify {
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Self {
        let pix = if data.features == PIXELS { s.pix } else { Pixels::Orig };
        let f = if data.features == PIXELS { pix.features() } else { data.features };
        Classify { kind: s.problem, f, pix, adv: s.adv, drop: s.drop, sgld: s.sgld, quant: s.quant, l: Labeled::new(s, data) }
    }

    /// Example j's features at the problem's resolution, written into `out` (`f` long).
    fn image<'a>(&self, j: usize, out: &'a mut [f32]) -> &'a [f32] {
        if self.pix == Pixels::Orig {
            return self.l.data.image(j, out);
        }
        let mut raw = [0.0f32; PIXELS];
        crate::data::resample(self.pix, self.l.data.image(j, &mut raw), &mut out[..self.f]);
        &out[..self.f]
    }

    /// ε‖w_k − w_y‖₁ for every class pair (`[y·C + k]`, 0 on the diagonal): how much the ℓ∞ ball of
    /// radius ε lowers the margin z_y − z_k.
    fn pair_l1(&self, wf: &[f32], eps: f64) -> Vec<f64> {
        let (c, f) = (self.l.classes, self.f);
        let mut out = vec![0.0; c * c];
        for y in 0..c {
            for k in y + 1..c {
                let d: f64 = wf[y * f..(y + 1) * f].iter().zip(&wf[k * f..(k + 1) * f]).map(|(a, b)| (a - b).abs() as f64).sum();
                out[y * c + k] = eps * d;
                out[k * c + y] = eps * d;
            }
        }
        out
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

    /// Mean loss and accuracy on the examples `js` (true labels), each with the class pairs' margins
    /// lowered by `pair` ([`Self::pair_l1`]: the exact ℓ∞ worst case) if given; the logits of BLOCK
    /// images per pass over the weights.
    fn score(&self, wf: &[f32], bf: &[f32], js: &[usize], pair: Option<&[f64]>) -> (f64, f64) {
        let c = self.l.classes;
        let (mut loss, mut correct) = (0.0, 0usize);
        let mut logits = [[0.0f64; MAX_CLASSES]; BLOCK];
        let mut images = vec![0.0f32; BLOCK * self.f];
        for block in js.chunks(BLOCK) {
            for (&j, buf) in block.iter().zip(images.chunks_exact_mut(self.f)) {
                self.image(j, buf);
            }
            if block.len() == BLOCK {
                let xs: [&[f32]; BLOCK] = std::array::from_fn(|s| &images[s * self.f..(s + 1) * self.f]);
                self.logits_block::<BLOCK>(wf, bf, &xs, &mut logits);
            } else {
                for s in 0..block.len() {
                    let xs = [&images[s * self.f..(s + 1) * self.f]];
                    self.logits_block::<1>(wf, bf, &xs, std::array::from_mut(&mut logits[s]));
                }
            }
            for (s, &j) in block.iter().enumerate() {
                let y = self.l.label(j, Poison::None);
                let p = &mut logits[s][..c];
                if let Some(pair) = pair {
                    p.iter_mut().zip(&pair[y * c..(y + 1) * c]).for_each(|(z, d)| *z += d);
                }
                softmax(p);
                loss -= p[y].max(1e-300).ln();
                correct += (predicted(p) == y) as usize;
            }
        }
        let n = js.len().max(1) as f64;
        (loss / n, correct as f64 / n)
    }

    /// Test-set metrics, under the configured test-time shift.
    fn test_metrics(&self, w: &[f64]) -> (f64, f64) {
        let (wf, bf) = self.unpack(w);
        let n_train = self.l.data.n_train();
        let test: Vec<usize> = (n_train..self.l.data.len()).collect();
        if !self.l.shifted() {
            return self.score(&wf, &bf, &test, None);
        }
        if self.l.shift == ShiftKind::Linf {
            return self.score(&wf, &bf, &test, Some(&self.pair_l1(&wf, self.l.shift_eps)));
        }
        let c = self.l.classes;
        let mut p = vec![0.0; c];
        let mut gx = vec![0.0f32; self.f];
        let mut xs = vec![0.0f32; self.f];
        let mut image = vec![0.0f32; self.f];
        let (mut loss, mut correct) = (0.0, 0usize);
        for &j in &test {
            let y = self.l.label(j, Poison::None);
            let x = self.image(j, &mut image);
            self.probs(&wf, &bf, x, &mut p);
            self.input_grad(&wf, &p, y, &mut gx);
            self.l.shift_input(x, &gx, &mut xs);
            self.probs(&wf, &bf, &xs, &mut p);
            loss -= p[y].max(1e-300).ln();
            correct += (predicted(&p) == y) as usize;
        }
        let nt = test.len().max(1) as f64;
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
            self.image(j, buf);
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
        // r[k][s] = p_k(x_s) − [k = y_s], at the worst-case logits under adversarial training.
        let mut r = [[0.0f64; S]; MAX_CLASSES];
        for s in 0..S {
            let (y, p) = (ys[s], &mut logits[s][..c]);
            if !sc.pair.is_empty() {
                p.iter_mut().zip(&sc.pair[y * c..(y + 1) * c]).for_each(|(z, d)| *z += d);
            }
            softmax(p);
            for k in 0..c {
                r[k][s] = p[k] - if k == y { 1.0 } else { 0.0 };
            }
            if let Some(st) = &mut sc.stats {
                st.loss -= p[y].max(1e-300).ln();
                st.correct += (predicted(p) == y) as usize;
                let x2: f64 = xs[s].iter().map(|&v| (v as f64) * (v as f64)).sum();
                let x1: f64 = xs[s].iter().map(|&v| (v as f64).abs()).sum();
                let r2 = (0..c).map(|k| r[k][s] * r[k][s]).sum::<f64>();
                st.sq += r2 * (x2 + 1.0);
                // ‖∇fᵢ‖₂‖∇fᵢ‖₁ of the outer product (r ⊗ [x, 1]).
                st.l2l1 += (r2 * (x2 + 1.0)).sqrt() * (0..c).map(|k| r[k][s].abs()).sum::<f64>() * (x1 + 1.0);
            }
            if !sc.pair.is_empty() && !opts.per_example() {
                (0..c).filter(|&k| k != y).for_each(|k| sc.coef[y * c + k] += p[k]);
            }
        }
        if opts.per_example() {
            for s in 0..S {
                let rs: [f64; MAX_CLASSES] = std::array::from_fn(|k| if k < c { r[k][s] } else { 0.0 });
                self.add_mechanised(wf, &rs[..c], ys[s], xs[s], opts, (&mut sc.gs, &mut sc.count), g, gb);
            }
            return;
        }
        for k in 0..c {
            let a: [f32; S] = std::array::from_fn(|s| r[k][s] as f32);
            axpy32_rows::<S>(&a, &xs, &mut g[k * self.f..(k + 1) * self.f]);
            for v in &r[k] {
                gb[k] += v;
            }
        }
    }

    /// Adds one example's gradient ∇f through the per-example mechanisms of thesis §2.4 to (g, gb):
    /// DropConnect's D·∇f, D a fresh 0/1 mask dropping each coordinate with probability p; then
    /// stochastic quantization Q(v), [Q(v)]ₗ = ‖v‖₂·sign(vₗ)·ηₗ, ηₗ ~ Bernoulli(|vₗ|/‖v‖₂). ∇f is
    /// (p_k − [k = y])·[x, 1] per class row (`r`), plus under adversarial training the margin cuts'
    /// ε·p̃_k·sign(w_k − w_y) (rows k and y). The call's s-th example draws from streams (key, s):
    /// 16 bits per coordinate for the mask (p rounded to 2⁻¹⁶), 32 for quantization.
    #[allow(clippy::too_many_arguments)]
    fn add_mechanised(
        &self,
        wf: &[f32],
        r: &[f64],
        y: usize,
        x: &[f32],
        opts: &GradOpts,
        (gs, count): (&mut Vec<f32>, &mut u64),
        g: &mut [f32],
        gb: &mut [f64],
    ) {
        let (c, f) = (self.l.classes, self.f);
        gs.resize(c * f, 0.0);
        for k in 0..c {
            let rk = r[k] as f32;
            gs[k * f..(k + 1) * f].iter_mut().zip(x).for_each(|(o, &v)| *o = rk * v);
        }
        if opts.adv > 0.0 {
            // r[k] = p̃_k for k ≠ y.
            (0..c).filter(|&k| k != y).for_each(|k| self.add_cut(wf, k, y, (opts.adv * r[k]) as f32, gs));
        }
        let mut rb: [f64; MAX_CLASSES] = std::array::from_fn(|k| if k < c { r[k] } else { 0.0 });
        let index = *count;
        *count += 1;
        if opts.drop > 0.0 {
            let mut mask = super::DropMask::new(opts, index);
            gs.iter_mut().for_each(|v| *v = if mask.keep() { *v } else { 0.0 });
            rb[..c].iter_mut().for_each(|v| *v = if mask.keep() { *v } else { 0.0 });
        }
        if opts.quant {
            let norm = (gs.iter().map(|&v| v as f64 * v as f64).sum::<f64>() + rb[..c].iter().map(|v| v * v).sum::<f64>()).sqrt();
            let mut rng = crate::rng::rng(opts.key, crate::rng::stream::QUANTIZE, index);
            let (mut bits, mut left) = (0u64, 0);
            let mut q = |v: f64| {
                if left == 0 {
                    bits = crate::rng::bits(&mut rng);
                    left = 2;
                }
                let u = (bits & 0xFFFF_FFFF) as f64 / 4_294_967_296.0;
                bits >>= 32;
                left -= 1;
                if norm > 0.0 && u < v.abs() / norm {
                    norm.copysign(v)
                } else {
                    0.0
                }
            };
            gs.iter_mut().for_each(|v| *v = q(*v as f64) as f32);
            rb[..c].iter_mut().for_each(|v| *v = q(*v));
        }
        g[..c * f].iter_mut().zip(gs.iter()).for_each(|(o, v)| *o += v);
        gb[..c].iter_mut().zip(&rb[..c]).for_each(|(o, v)| *o += v);
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

/// Buffers of one gradient call: the block's images as `f32`, and their DRO points; under
/// adversarial training the class pairs' margin cuts ([`Classify::pair_l1`]) and, summed over the
/// examples of class y, the probability of each class k ≠ y at the worst-case logits (`coef[y·C + k]`).
struct Scratch {
    x: Vec<f32>,
    z: Vec<f32>,
    gz: Vec<f32>,
    p: Vec<f64>,
    pair: Vec<f64>,
    coef: Vec<f64>,
    /// DropConnect: one example's gradient, and the examples masked so far in this call.
    gs: Vec<f32>,
    count: u64,
    /// The training metrics, when the pass measures them.
    stats: Option<TrainStats>,
}

/// Sums over the examples of a measuring pass: the loss, the correct predictions, and Σ‖∇fᵢ‖².
#[derive(Default)]
struct TrainStats {
    loss: f64,
    correct: usize,
    /// Σᵢ‖∇fᵢ‖², and Σᵢ‖∇fᵢ‖₂‖∇fᵢ‖₁ (quantization's E‖Q(∇fᵢ)‖²).
    sq: f64,
    l2l1: f64,
}

impl Scratch {
    fn new(dro: bool, block: usize, f: usize) -> Self {
        let x = vec![0.0; block * f];
        if dro {
            Scratch { z: vec![0.0; block * f], gz: vec![0.0; f], p: vec![0.0; MAX_CLASSES], ..Scratch::of(x) }
        } else {
            Scratch::of(x)
        }
    }

    fn of(x: Vec<f32>) -> Self {
        Scratch {
            x,
            z: Vec::new(),
            gz: Vec::new(),
            p: Vec::new(),
            pair: Vec::new(),
            coef: Vec::new(),
            gs: Vec::new(),
            count: 0,
            stats: None,
        }
    }
}

/// The predicted class: the first of the largest scores (logits or probabilities).
pub(super) fn predicted(p: &[f64]) -> usize {
    (0..p.len()).fold(0, |b, k| if p[k] > p[b] { k } else { b })
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
    fn root_grad(&self, w: &[f64], out: &mut [f64]) -> bool {
        self.grad(self.l.m, w, &GradOpts::default(), out);
        true
    }
    fn worker_data(&self, i: usize) -> Option<super::WorkerData> {
        (i < self.l.m).then(|| super::WorkerData::Labels(self.l.label_counts(i)))
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
        let local = self.l.rows(i);
        let samples: Vec<usize> = match opts.batch {
            Some(b) => b.iter().map(|&k| local[k % local.len()] as usize).collect(),
            None => local.iter().map(|&j| j as usize).collect(),
        };
        let mut scratch = Scratch::new(opts.dro.is_some(), BLOCK, self.f);
        self.accumulate(&wf, &bf, &samples, opts, &mut scratch, &mut g, &mut gb);
        // The margin cut ε‖w_k − w_y‖₁ of every pair: ∂/∂w_k = ε·sign(w_k − w_y) = −∂/∂w_y.
        for y in (0..c).filter(|_| !scratch.coef.is_empty()) {
            for k in (0..c).filter(|&k| k != y && scratch.coef[y * c + k] != 0.0) {
                self.add_cut(&wf, k, y, (opts.adv * scratch.coef[y * c + k]) as f32, &mut g);
            }
        }
        let inv = 1.0 / samples.len().max(1) as f64;
        for (o, v) in out[..c * self.f].iter_mut().zip(&g) {
            *o = *v as f64 * inv;
        }
        for (o, v) in out[c * self.f..].iter_mut().zip(&gb) {
            *o = v * inv;
        }
        if opts.sgld > 0.0 {
            // Σᵢ ξᵢ / b ~ N(0, σ²/b·I) over the b examples: one draw per coordinate.
            let mut rng = crate::rng::rng(opts.key, crate::rng::stream::SGLD, 0);
            let sd = opts.sgld * inv.sqrt();
            out.iter_mut().for_each(|o| *o += sd * crate::rng::normal(&mut rng));
        }
    }
    fn eval(&self, w: &[f64], q: usize) -> Eval {
        let (loss, acc) = self.test_metrics(w);
        let (wf, bf) = self.unpack(w);
        let (train_loss, train_acc, diversity) = self.train_metrics(&wf, &bf, &self.l.train_sample(q));
        Eval { loss, acc, train_acc, train_loss, diversity, ..Eval::NONE }
    }
}

impl Classify {
    /// Adds the gradients of `samples` (in order, BLOCK at a time through the weights and the
    /// gradient rows: every sum is still taken sample by sample, so the result does not depend on
    /// the blocking) to (g, gb), without the margin cuts' term (summed in `sc.coef`).
    #[allow(clippy::too_many_arguments)]
    fn accumulate(&self, wf: &[f32], bf: &[f32], samples: &[usize], opts: &GradOpts, scratch: &mut Scratch, g: &mut [f32], gb: &mut [f64]) {
        let c = self.l.classes;
        if opts.adv > 0.0 {
            scratch.pair = self.pair_l1(wf, opts.adv);
            scratch.coef = if opts.per_example() { Vec::new() } else { vec![0.0; c * c] };
        }
        let mut rest = samples;
        while !rest.is_empty() {
            rest.iter().skip(BLOCK).take(BLOCK).for_each(|&j| self.l.data.prefetch(j));
            let k = if rest.len() >= BLOCK {
                self.grad_block::<BLOCK>(wf, bf, &rest[..BLOCK], opts, scratch, g, gb);
                BLOCK
            } else if rest.len() >= FWD {
                self.grad_block::<FWD>(wf, bf, &rest[..FWD], opts, scratch, g, gb);
                FWD
            } else {
                self.grad_block::<1>(wf, bf, &rest[..1], opts, scratch, g, gb);
                1
            };
            rest = &rest[k..];
        }
    }

    /// Adds a·sign(w_k − w_y) to row k of g and subtracts it from row y (sign(0) = 0): the
    /// gradient of a·‖w_k − w_y‖₁, one margin cut.
    fn add_cut(&self, wf: &[f32], k: usize, y: usize, a: f32, g: &mut [f32]) {
        let f = self.f;
        for t in 0..f {
            let sg = match wf[k * f + t].partial_cmp(&wf[y * f + t]) {
                Some(std::cmp::Ordering::Greater) => a,
                Some(std::cmp::Ordering::Less) => -a,
                _ => 0.0,
            };
            g[k * f + t] += sg;
            g[y * f + t] -= sg;
        }
    }

    /// Loss and accuracy on the training examples `js` (true labels, under the training radius),
    /// and gradient diversity's batch-size bound on them: B_D = nΔ_D, Δ_D = Σᵢ‖∇fᵢ‖² / ‖Σᵢ∇fᵢ‖²
    /// (thesis ch. 2, Definition 2.4), ∇fᵢ = (p − e_y) ⊗ [xᵢ, 1] so ‖∇fᵢ‖² = ‖p − e_y‖²(‖xᵢ‖² + 1).
    /// Under a diversity-inducing mechanism M it is B^M = n Σᵢ E‖M(∇fᵢ)‖² / E‖Σᵢ M(∇fᵢ)‖², in closed
    /// form from S = Σᵢ‖∇fᵢ‖², N = ‖Σᵢ∇fᵢ‖² (the proof of Theorem 2.7, (2.11) and (2.12)):
    /// DropConnect nS / (S + (1 − p)(N − S)); SGLD n(S + n·dσ²) / (N + n·dσ²); quantization
    /// nQ / (Q + N − S), Q = Σᵢ‖∇fᵢ‖₂‖∇fᵢ‖₁. NaN under adversarial training, whose per-example
    /// gradients are not measured, and under more than one mechanism (no closed form).
    fn train_metrics(&self, wf: &[f32], bf: &[f32], js: &[usize]) -> (f64, f64, f64) {
        let c = self.l.classes;
        let mut sc = Scratch::new(false, BLOCK, self.f);
        sc.stats = Some(TrainStats::default());
        let (mut g, mut gb) = (vec![0.0f32; c * self.f], vec![0.0f64; c]);
        self.accumulate(wf, bf, js, &GradOpts { adv: self.adv, ..GradOpts::default() }, &mut sc, &mut g, &mut gb);
        let st = sc.stats.take().unwrap_or_default();
        let n = js.len().max(1) as f64;
        let sum2: f64 = g.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>() + gb.iter().map(|v| v * v).sum::<f64>();
        let (s, d) = (st.sq, self.dim() as f64);
        let b_d = match (self.drop > 0.0, self.sgld > 0.0, self.quant) {
            _ if self.adv > 0.0 => f64::NAN,
            (false, false, false) => n * s / sum2,
            (true, false, false) => n * s / (s + (1.0 - self.drop) * (sum2 - s)),
            (false, true, false) => n * (s + n * d * self.sgld * self.sgld) / (sum2 + n * d * self.sgld * self.sgld),
            (false, false, true) => n * st.l2l1 / (st.l2l1 + sum2 - s),
            _ => f64::NAN,
        };
        (st.loss / n, st.correct as f64 / n, b_d)
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

    /// A problem of `kind` on a random table of `f` features (labels 0..9; the binary task takes
    /// their parity), one worker holding the first 12 examples, 6 test examples, trained with ε.
    fn tiny(kind: ProblemKind, f: usize, eps: f64) -> Classify {
        let mut r = crate::rng::rng(7, 0, 0);
        let count = 18;
        let values = (0..count * f).map(|_| crate::rng::normal(&mut r) as f32).collect();
        let y = (0..count).map(|j| ((j * 7) % 10) as u8).collect();
        let s = Scenario { problem: kind, m: 1, n: 12, adv: eps, ..Scenario::defaults_for(kind) };
        Classify::new(&s, Arc::new(Dataset::table(f, values, y, 6)))
    }

    fn random_weights(p: &Classify, seed: u64) -> Vec<f64> {
        let mut r = crate::rng::rng(seed, 0, 0);
        (0..p.dim()).map(|_| 0.5 * crate::rng::normal(&mut r)).collect()
    }

    /// The closed form of the ℓ∞ worst case against a search over the ball's 2^d vertices (a linear
    /// margin and the convex cross-entropy both reach their extremes at a vertex): every class pair's
    /// smallest margin, whether some x′ misclassifies, and the trained loss bounding the largest
    /// cross-entropy from above, with equality for two classes.
    #[test]
    fn the_closed_form_adversarial_example_is_the_worst_vertex_of_the_ball() {
        let (f, eps) = (5, 0.3);
        let mut flips = 0;
        for kind in [ProblemKind::Mnist, ProblemKind::Binary] {
            let p = tiny(kind, f, eps);
            let c = p.l.classes;
            for seed in 0..6 {
                let w = random_weights(&p, seed);
                let (wf, bf) = p.unpack(&w);
                let pair = p.pair_l1(&wf, eps);
                for j in 0..p.l.data.len() {
                    let y = p.l.label(j, Poison::None);
                    let mut x = vec![0.0f32; f];
                    p.image(j, &mut x);
                    let logits = |v: &[f32]| -> Vec<f64> { (0..c).map(|k| (dot32(&wf[k * f..(k + 1) * f], v) + bf[k]) as f64).collect() };
                    let z = logits(&x);
                    let (mut min_margin, mut max_ce, mut fooled) = (vec![f64::INFINITY; c], f64::NEG_INFINITY, false);
                    for corner in 0..1u32 << f {
                        let v: Vec<f32> = (0..f).map(|t| x[t] + if corner >> t & 1 == 1 { eps as f32 } else { -eps as f32 }).collect();
                        let mut zv = logits(&v);
                        for k in 0..c {
                            min_margin[k] = min_margin[k].min(zv[y] - zv[k]);
                        }
                        fooled |= predicted(&zv) != y;
                        softmax(&mut zv);
                        max_ce = max_ce.max(-zv[y].ln());
                    }
                    for k in (0..c).filter(|&k| k != y) {
                        let closed = z[y] - z[k] - pair[y * c + k];
                        assert!((closed - min_margin[k]).abs() < 1e-4, "{kind:?} seed {seed} j {j} k {k}: {closed} vs {}", min_margin[k]);
                    }
                    let (ce, acc) = p.score(&wf, &bf, &[j], Some(&pair));
                    assert_eq!(acc == 0.0, fooled, "{kind:?} seed {seed} example {j}");
                    flips += (fooled && predicted(&z) == y) as usize;
                    assert!(ce >= max_ce - 1e-6, "the trained loss bounds the worst cross-entropy: {ce} < {max_ce}");
                    if c == 2 {
                        assert!((ce - max_ce).abs() < 1e-5, "two classes: the closed form is exact ({ce} vs {max_ce})");
                    }
                }
            }
        }
        assert!(flips > 5, "some correctly classified examples are fooled within the ball ({flips})");
    }

    /// Gradient diversity against a direct computation from per-example gradients, and replication:
    /// a data set of k examples each repeated r times has exactly 1/r of their diversity Δ_D (so the
    /// same B_D = nΔ_D with n = kr).
    #[test]
    fn gradient_diversity_is_the_ratio_of_summed_squared_norms_and_replication_divides_it() {
        let kind = ProblemKind::Mnist;
        let (f, count) = (5, 18);
        let data = {
            let mut r = crate::rng::rng(7, 0, 0);
            let values = (0..count * f).map(|_| crate::rng::normal(&mut r) as f32).collect();
            Arc::new(Dataset::table(f, values, (0..count).map(|j| ((j * 7) % 10) as u8).collect(), 6))
        };
        let build =
            |n: usize, rep: usize| Classify::new(&Scenario { problem: kind, m: 1, n, rep, ..Scenario::defaults_for(kind) }, data.clone());
        let (p4, p12) = (build(4, 1), build(12, 3));
        assert_eq!(p12.l.assign[0], [&p4.l.assign[0][..], &p4.l.assign[0][..], &p4.l.assign[0][..]].concat(), "4 examples, 3 times each");
        let w = random_weights(&p4, 5);
        let (wf, bf) = p4.unpack(&w);
        // Direct: ∇fᵢ one example at a time.
        let (mut sq, mut sum) = (0.0, vec![0.0; p4.dim()]);
        for k in 0..4 {
            let mut g = vec![0.0; p4.dim()];
            p4.grad(0, &w, &GradOpts { batch: Some(&[k]), ..GradOpts::default() }, &mut g);
            sq += g.iter().map(|v| v * v).sum::<f64>();
            sum.iter_mut().zip(&g).for_each(|(s, v)| *s += v);
        }
        let delta = sq / sum.iter().map(|v| v * v).sum::<f64>();
        let (_, _, b4) = p4.train_metrics(&wf, &bf, &p4.l.train_sample(0));
        assert!((b4 / 4.0 - delta).abs() < 1e-5 * delta, "Δ_D {} vs direct {delta}", b4 / 4.0);
        let (_, _, b12) = p12.train_metrics(&wf, &bf, &p12.l.train_sample(0));
        assert!((b12 / 12.0 - delta / 3.0).abs() < 1e-5 * delta, "replicated: Δ_D {} vs {}", b12 / 12.0, delta / 3.0);
        assert!(delta >= 1.0 / 4.0, "Δ_D ≥ 1/n (Cauchy–Schwarz): {delta}");
    }

    /// Each diversity-inducing mechanism's B^M (DropConnect, SGLD, quantization) against a Monte Carlo
    /// estimate of n·E Σᵢ‖M(∇fᵢ)‖² / E‖Σᵢ M(∇fᵢ)‖² on 4 examples, and Theorem 2.7: B^M ≥ B_D where
    /// B_D ≤ n.
    #[test]
    fn diversity_inducing_mechanisms_raise_the_batch_size_bound() {
        let kind = ProblemKind::Mnist;
        let (f, count, n) = (5, 18, 4);
        let data = {
            let mut r = crate::rng::rng(7, 0, 0);
            let values = (0..count * f).map(|_| crate::rng::normal(&mut r) as f32).collect();
            Arc::new(Dataset::table(f, values, (0..count).map(|j| (j % 2) as u8).collect(), 6))
        };
        let build = |drop, sgld, quant| {
            Classify::new(&Scenario { problem: kind, m: 1, n, drop, sgld, quant, ..Scenario::defaults_for(kind) }, data.clone())
        };
        let plain = build(0.0, 0.0, false);
        let w = random_weights(&plain, 5);
        let (wf, bf) = plain.unpack(&w);
        let b_d = plain.train_metrics(&wf, &bf, &plain.l.train_sample(0)).2;
        assert!(b_d <= n as f64, "the theorem's case: B_D = {b_d} ≤ n");
        let draws = 4000;
        for (drop, sgld, quant) in [(0.5, 0.0, false), (0.0, 0.2, false), (0.0, 0.0, true)] {
            let p = build(drop, sgld, quant);
            let formula = p.train_metrics(&wf, &bf, &p.l.train_sample(0)).2;
            let (mut num, mut den) = (0.0, 0.0);
            let mut g = vec![0.0; p.dim()];
            for draw in 0..draws {
                let mut sum = vec![0.0; p.dim()];
                for k in 0..n {
                    let opts = GradOpts { batch: Some(&[k]), drop, sgld, quant, key: (draw * n + k) as u64, ..GradOpts::default() };
                    p.grad(0, &w, &opts, &mut g);
                    num += g.iter().map(|v| v * v).sum::<f64>();
                    sum.iter_mut().zip(&g).for_each(|(s, v)| *s += v);
                }
                den += sum.iter().map(|v| v * v).sum::<f64>();
            }
            let mc = n as f64 * num / den;
            println!("drop {drop}, sgld {sgld}, quant {quant}: B^M = {formula:.4} (Monte Carlo {mc:.4}), B_D = {b_d:.4}");
            assert!((mc - formula).abs() < 0.04 * formula, "closed form {formula} vs Monte Carlo {mc}");
            assert!(formula > b_d, "Theorem 2.7: {formula} ≥ {b_d}");
        }
        assert!(build(0.5, 0.0, true).train_metrics(&wf, &bf, &plain.l.train_sample(0)).2.is_nan(), "two mechanisms: no closed form");
    }

    /// `swap`: a neighbouring data set, worker 0's first example (every copy of it) replaced by an
    /// image no worker holds; nothing else changes.
    #[test]
    fn swap_replaces_one_example() {
        let data = Arc::new(Dataset::load(DataSource::Subset).unwrap());
        let s = Scenario { m: 2, n: 300, rep: 3, ..Scenario::defaults_for(ProblemKind::Mnist) };
        let (p, q) = (Classify::new(&s, data.clone()), Classify::new(&Scenario { swap: true, ..s.clone() }, data));
        assert_eq!(p.l.assign[1], q.l.assign[1]);
        let differ: Vec<usize> = (0..300).filter(|&k| p.l.assign[0][k] != q.l.assign[0][k]).collect();
        assert_eq!(differ, [0, 100, 200], "the example and its two copies");
        let new = q.l.assign[0][0];
        assert!(!p.l.assign.iter().any(|a| a.contains(&new)), "an image neither worker held");
    }

    /// DropConnect keeps each coordinate of an example's gradient with probability 1 − p: over many
    /// masks the mean is (1 − p)∇f and the kept fraction is 1 − p; a mask depends only on the call's
    /// key and the example's place in the call.
    #[test]
    fn dropconnect_masks_each_coordinate_with_probability_p() {
        for (kind, eps) in [(ProblemKind::Mnist, 0.0), (ProblemKind::Binary, 0.1)] {
            let p = tiny(kind, 5, eps);
            let w = random_weights(&p, 2);
            let mut full = vec![0.0; p.dim()];
            let one = GradOpts { batch: Some(&[3]), adv: eps, ..GradOpts::default() };
            p.grad(0, &w, &one, &mut full);
            let (draws, drop) = (4000, 0.3);
            let (mut mean, mut kept, mut nonzero) = (vec![0.0; p.dim()], 0usize, 0usize);
            let mut g = vec![0.0; p.dim()];
            for key in 0..draws {
                p.grad(0, &w, &GradOpts { drop, key, ..one }, &mut g);
                mean.iter_mut().zip(&g).for_each(|(m, v)| *m += v / draws as f64);
                kept += g.iter().zip(&full).filter(|(a, b)| **a == **b && **b != 0.0).count();
                nonzero += full.iter().filter(|v| **v != 0.0).count();
                assert!(g.iter().zip(&full).all(|(a, b)| *a == 0.0 || (a - b).abs() < 1e-6), "a coordinate is kept whole or dropped");
            }
            let frac = kept as f64 / nonzero as f64;
            assert!((frac - 0.7).abs() < 0.01, "{kind:?}: kept {frac}");
            for (m, v) in mean.iter().zip(&full) {
                assert!((m - 0.7 * v).abs() < 0.05 * v.abs().max(0.05), "{kind:?}: mean {m} vs 0.7·{v}");
            }
            let (mut a, mut b) = (vec![0.0; p.dim()], vec![0.0; p.dim()]);
            p.grad(0, &w, &GradOpts { drop, key: 9, ..one }, &mut a);
            p.grad(0, &w, &GradOpts { drop, key: 9, ..one }, &mut b);
            assert_eq!(a, b);
        }
    }

    /// The adversarial loss's gradient (margin cuts included) against finite differences.
    #[test]
    fn adversarial_training_gradient_matches_finite_differences() {
        for kind in [ProblemKind::Mnist, ProblemKind::Binary] {
            let (f, eps) = (5, 0.2);
            let p = tiny(kind, f, eps);
            let w = random_weights(&p, 3);
            let mut g = vec![0.0; p.dim()];
            p.grad(0, &w, &GradOpts { adv: eps, ..GradOpts::default() }, &mut g);
            let train: Vec<usize> = p.l.assign[0].iter().map(|&j| j as usize).collect();
            let loss = |w: &[f64]| {
                let (wf, bf) = p.unpack(w);
                p.score(&wf, &bf, &train, Some(&p.pair_l1(&wf, eps))).0
            };
            for k in 0..p.dim() {
                let h = 1e-3;
                let (mut a, mut b) = (w.clone(), w.clone());
                a[k] += h;
                b[k] -= h;
                let fd = (loss(&a) - loss(&b)) / (2.0 * h);
                assert!((fd - g[k]).abs() < 2e-3 * (1.0 + fd.abs()), "{kind:?} k={k}: fd {fd} vs {}", g[k]);
            }
            let mut natural = vec![0.0; p.dim()];
            p.grad(0, &w, &GradOpts::default(), &mut natural);
            assert!(natural.iter().zip(&g).any(|(a, b)| (a - b).abs() > 1e-3), "ε changes the gradient");
        }
    }

    /// Down- and up-sampling keep every image's ℓ2 norm (thesis §5.6), pixel by pixel as defined.
    #[test]
    fn resampling_keeps_the_l2_norm() {
        let data = Dataset::load(DataSource::Subset).unwrap();
        let norm = |v: &[f32]| v.iter().map(|&a| (a as f64).powi(2)).sum::<f64>().sqrt();
        let (mut x, mut down, mut up) = ([0.0f32; PIXELS], [0.0f32; 196], [0.0f32; 3136]);
        for j in [0, 1, 777, 4999] {
            data.image(j, &mut x);
            crate::data::resample(Pixels::Down, &x, &mut down);
            crate::data::resample(Pixels::Up, &x, &mut up);
            let n = norm(&x);
            assert!(n > 1.0);
            assert!((norm(&down) - n).abs() < 1e-5 * n && (norm(&up) - n).abs() < 1e-5 * n, "{j}: {n} {} {}", norm(&down), norm(&up));
            // Pixel (r, c) of the 28 × 28 image is the patch (2r..2r+2, 2c..2c+2) of the 56 × 56 one.
            let (r, c) = (14, 9);
            let a = x[r * 28 + c];
            assert!([(0, 0), (0, 1), (1, 0), (1, 1)].iter().all(|(u, v)| up[(2 * r + u) * 56 + 2 * c + v] == a / 2.0));
            let (r2, c2) = (r / 2, c / 2);
            let q =
                [x[2 * r2 * 28 + 2 * c2], x[2 * r2 * 28 + 2 * c2 + 1], x[(2 * r2 + 1) * 28 + 2 * c2], x[(2 * r2 + 1) * 28 + 2 * c2 + 1]];
            assert_eq!(down[r2 * 14 + c2], q.iter().map(|v| v * v).sum::<f32>().sqrt());
        }
        let s = Scenario { pix: Pixels::Up, ..Scenario::defaults_for(ProblemKind::Mnist) };
        let p = Classify::new(&s, Arc::new(data));
        assert_eq!(p.dim(), 10 * 3137);
    }

    /// Training accuracy: measured on up to 1000 of the honest workers' examples, under the training
    /// radius; at ε = 0 and without a shift, the adversarial scores are the natural ones.
    #[test]
    fn training_accuracy_is_on_the_honest_examples_under_the_training_radius() {
        let data = Arc::new(Dataset::load(DataSource::Subset).unwrap());
        let s = Scenario { m: 20, n: 100, ..Scenario::defaults_for(ProblemKind::Mnist) };
        let p = Classify::new(&s, data.clone());
        let sample = p.l.train_sample(5);
        assert_eq!(sample.len(), 1000);
        assert!(
            sample.iter().all(|j| !p.l.assign[..5].iter().any(|a| a.contains(&(*j as u32)))),
            "none of the 5 Byzantine workers' examples"
        );
        assert_eq!(&sample[..2], &[p.l.assign[5][0] as usize, p.l.assign[6][0] as usize]);
        let w = random_weights(&p, 1).iter().map(|v| 0.01 * v).collect::<Vec<_>>();
        let natural = p.eval(&w, 5);
        assert!(natural.train_acc > 0.0 && natural.train_acc < 1.0);
        let (wf, bf) = p.unpack(&w);
        assert_eq!(p.score(&wf, &bf, &sample, Some(&p.pair_l1(&wf, 0.0))), p.score(&wf, &bf, &sample, None));
        let robust = Classify::new(&Scenario { adv: 0.05, shift: ShiftKind::Linf, shift_eps: 0.05, ..s }, data);
        let e = robust.eval(&w, 5);
        assert!(e.train_acc < natural.train_acc && e.acc < natural.acc, "{e:?} vs {natural:?}");
    }

    /// Quantity skew: the workers hold disjoint runs of the shuffled rows, of the sizes
    /// `worker_sizes` gives (20 × 200 in all), every digit in the largest shares.
    #[test]
    fn quantity_skew_gives_unequal_disjoint_shares() {
        let p = problem(Split::Quantity);
        let s =
            Scenario { problem: ProblemKind::Mnist, m: 20, n: 200, split: Split::Quantity, ..Scenario::defaults_for(ProblemKind::Mnist) };
        let sizes = crate::problem::worker_sizes(&s, 20, 200);
        assert_eq!(p.l.assign.iter().map(|a| a.len()).collect::<Vec<_>>(), sizes);
        assert_eq!((0..20).map(|i| p.samples(i)).sum::<usize>(), 4000);
        let all: std::collections::BTreeSet<u32> = p.l.assign.iter().flatten().copied().collect();
        assert_eq!(all.len(), 4000, "the shares overlap");
        let big = (0..20).max_by_key(|&i| sizes[i]).unwrap();
        let labels: std::collections::BTreeSet<u8> = p.l.assign[big].iter().map(|&j| p.l.data.y[j as usize]).collect();
        assert_eq!(labels.len(), 10, "the largest share ({} rows) is i.i.d.", sizes[big]);
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

    #[test]
    fn dirichlet_and_gamma_splits_skew_labels_as_their_parameter_says() {
        let kind = ProblemKind::Mnist;
        let build = |split, dir_a, gamma_sim| {
            let s = Scenario { problem: kind, m: 20, n: 200, split, dir_a, gamma_sim, ..Scenario::defaults_for(kind) };
            Classify::new(&s, Arc::new(Dataset::load(s.data_source().unwrap()).unwrap()))
        };
        // The mean over workers of the largest label share.
        let skew = |p: &Classify| {
            (0..20)
                .map(|i| {
                    let mut count = [0usize; 10];
                    p.l.assign[i].iter().for_each(|&j| count[p.l.data.y[j as usize] as usize] += 1);
                    *count.iter().max().unwrap() as f64 / p.l.assign[i].len() as f64
                })
                .sum::<f64>()
                / 20.0
        };
        for (split, a, g) in
            [(Split::Dirichlet, 0.1, 0.5), (Split::Dirichlet, 100.0, 0.5), (Split::Gamma, 0.5, 0.0), (Split::Gamma, 0.5, 1.0)]
        {
            let p = build(split, a, g);
            // Every worker has n distinct rows, and no row is given twice.
            let mut all: Vec<u32> = p.l.assign.iter().flatten().copied().collect();
            assert!(p.l.assign.iter().all(|w| w.len() == 200), "{split:?}");
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), 20 * 200, "{split:?} a = {a} γ = {g}");
        }
        let (sharp, flat) = (skew(&build(Split::Dirichlet, 0.1, 0.5)), skew(&build(Split::Dirichlet, 100.0, 0.5)));
        assert!(sharp > 0.6 && flat < 0.2, "Dir(0.1): {sharp}, Dir(100): {flat}");
        let (sorted, iid) = (skew(&build(Split::Gamma, 0.5, 0.0)), skew(&build(Split::Gamma, 0.5, 1.0)));
        let half = skew(&build(Split::Gamma, 0.5, 0.5));
        assert!(sorted > 0.9 && iid < 0.2 && half > iid && half < sorted, "γ = 0: {sorted}, ½: {half}, 1: {iid}");
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
