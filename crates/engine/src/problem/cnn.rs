//! A small convolutional network on the MNIST digits, for Yin et al.'s Table 3 (the paper trains
//! "a convolutional neural network" and gives no architecture; neither does the thesis). Ours is
//! LeNet-like, 5994 parameters with 10 classes:
//!
//! ```text
//! 28×28 image → conv 5×5, 8 filters (valid, stride 1) + bias → ReLU → 2×2 max-pool   → 8×12×12
//!             → conv 5×5, 16 filters over the 8 channels + bias → ReLU → 2×2 max-pool → 16×4×4
//!             → dense 256 → C + bias → softmax cross-entropy
//! ```
//!
//! Model: w = [K₁ (8×5×5), b₁ (8), K₂ (16×8×5×5), b₂ (16), W₃ (C×256, input index k·16 + 4y + x),
//! b₃ (C)]. Initial weights are seeded (He-uniform for the convolutions, Glorot-uniform for W₃,
//! zero biases).
//!
//! Every convolution, forward and backward, is a sequence of the engine's `f32` SIMD kernels
//! ([`axpy32`], [`dot32`]; SSE2 natively, `simd128` in wasm) in a fixed order, so results are the
//! same bits on every platform. Forward: each output row is its bias plus, for every tap (c, dy,
//! dx) in order, the tap's weight times the input row shifted by (dy, dx), two or four rows at
//! once held in registers ([`axpy32_taps`]). Backward runs only through the
//! positions max-pooling kept (a quarter of them, fewer after ReLU): for each, one 5-wide axpy per
//! input channel and kernel row into the weight gradient and one into the input gradient.

use super::labeled::Labeled;
use super::{Eval, GradOpts, Poison, Problem};
use crate::data::{Dataset, PIXELS};
use crate::kernels::{axpy32, axpy32_taps, dot32};
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario, ShiftKind};
use std::sync::Arc;

/// Kernel side, image side.
const K: usize = 5;
const SIDE: usize = 28;
/// First layer: filters, output side, pooled side.
const C1: usize = 8;
const S1: usize = SIDE - K + 1;
const P1: usize = S1 / 2;
/// Second layer.
const C2: usize = 16;
const S2: usize = P1 - K + 1;
const P2: usize = S2 / 2;
/// Output rows computed at once in each layer (see [`axpy32_taps`]): 2 · 6 and 4 · 2 vector
/// registers of partial sums.
const R1: usize = 2;
const R2: usize = 4;
/// Inputs of the dense layer.
const FEAT: usize = C2 * P2 * P2;
/// Offsets of the parameter blocks in w.
const OK1: usize = 0;
const OB1: usize = OK1 + C1 * K * K;
const OK2: usize = OB1 + C1;
const OB2: usize = OK2 + C2 * C1 * K * K;
const OW3: usize = OB2 + C2;

/// Floating-point operations of one image's forward pass (multiply and add counted apart), and of
/// its backward pass at most (every pooled position active): the benchmarks' GFLOP/s use these.
pub const FORWARD_FLOP: usize = 2 * (C1 * S1 * S1 * K * K + C2 * S2 * S2 * C1 * K * K + 10 * FEAT);
pub const BACKWARD_FLOP: usize = 2 * (2 * C1 * P1 * P1 * K * K + 2 * C2 * P2 * P2 * C1 * K * K + 2 * 10 * FEAT);

pub struct Cnn {
    l: Labeled,
    seed: u64,
    /// The ℓ∞ radius of adversarial training (PGD), under which the training accuracy is measured.
    adv: f64,
    /// Where each kernel tap reads its input row, relative to the output row's start: (dy, dx)
    /// in the image, and (c, dy, dx) in the first layer's pooled planes.
    taps1: Vec<usize>,
    taps2: Vec<usize>,
}

/// One image's activations, and the back-propagated errors.
struct Acts {
    a1: Vec<f32>,
    p1: Vec<f32>,
    /// Index into `a1` (`a2`) of each pooled value's maximum (the first of equal ones).
    arg1: Vec<u32>,
    a2: Vec<f32>,
    p2: Vec<f32>,
    arg2: Vec<u32>,
    prob: [f64; 10],
    dp1: Vec<f32>,
    dp2: Vec<f32>,
}

impl Acts {
    fn new() -> Acts {
        Acts {
            a1: vec![0.0; C1 * S1 * S1],
            p1: vec![0.0; C1 * P1 * P1],
            arg1: vec![0; C1 * P1 * P1],
            a2: vec![0.0; C2 * S2 * S2],
            p2: vec![0.0; FEAT],
            arg2: vec![0; FEAT],
            prob: [0.0; 10],
            dp1: vec![0.0; C1 * P1 * P1],
            dp2: vec![0.0; FEAT],
        }
    }
}

/// ReLU then 2×2 max-pooling of `ch` planes of side `s`: `p = max(0, max of the four)`, and where
/// the maximum is.
fn pool(a: &[f32], ch: usize, s: usize, p: &mut [f32], arg: &mut [u32]) {
    let h = s / 2;
    let cells = p[..ch * h * h].chunks_exact_mut(h).zip(arg.chunks_exact_mut(h));
    for (r, (p, arg)) in cells.enumerate() {
        // Pooled row r reads rows 2r and 2r + 1 of its plane (planes are s rows, pooled ones h).
        let top = (r / h * s + 2 * (r % h)) * s;
        let (r0, r1) = (&a[top..top + s], &a[top + s..top + 2 * s]);
        for j in 0..h {
            let (mut best, mut v) = (top + 2 * j, r0[2 * j]);
            for (q, x) in [(top + 2 * j + 1, r0[2 * j + 1]), (top + s + 2 * j, r1[2 * j]), (top + s + 2 * j + 1, r1[2 * j + 1])] {
                if x > v {
                    (best, v) = (q, x);
                }
            }
            p[j] = v.max(0.0);
            arg[j] = best as u32;
        }
    }
}

impl Cnn {
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Self {
        let taps1 = (0..K * K).map(|t| (t / K) * SIDE + t % K).collect();
        let taps2 = (0..C1 * K * K).map(|t| (t / (K * K)) * P1 * P1 + (t / K % K) * P1 + t % K).collect();
        Cnn { l: Labeled::new(s, data), seed: s.seed, adv: s.adv, taps1, taps2 }
    }

    fn c(&self) -> usize {
        self.l.classes
    }

    /// The forward pass of image x (`PIXELS` long) into `s`, with the class probabilities.
    fn forward(&self, w: &[f32], x: &[f32], s: &mut Acts) {
        for k in 0..C1 {
            let kw = &w[OK1 + k * K * K..][..K * K];
            for y in (0..S1).step_by(R1) {
                let rows = &mut s.a1[(k * S1 + y) * S1..][..R1 * S1];
                rows.fill(w[OB1 + k]);
                axpy32_taps::<{ S1 / 4 }, R1, SIDE, S1>(kw, &self.taps1, &x[y * SIDE..], rows);
            }
        }
        pool(&s.a1, C1, S1, &mut s.p1, &mut s.arg1);
        for k in 0..C2 {
            let kw = &w[OK2 + k * C1 * K * K..][..C1 * K * K];
            for y in (0..S2).step_by(R2) {
                let rows = &mut s.a2[(k * S2 + y) * S2..][..R2 * S2];
                rows.fill(w[OB2 + k]);
                axpy32_taps::<{ S2 / 4 }, R2, P1, S2>(kw, &self.taps2, &s.p1[y * P1..], rows);
            }
        }
        pool(&s.a2, C2, S2, &mut s.p2, &mut s.arg2);
        let c = self.c();
        let ob3 = OW3 + c * FEAT;
        for j in 0..c {
            s.prob[j] = (dot32(&w[OW3 + j * FEAT..][..FEAT], &s.p2) + w[ob3 + j]) as f64;
        }
        super::classify::softmax(&mut s.prob[..c]);
    }

    /// Back-propagates the cross-entropy at label y (after [`Self::forward`] of x): adds the
    /// parameter gradient to g and, if asked, the input gradient to gx.
    fn backward(&self, w: &[f32], x: &[f32], y: usize, s: &mut Acts, g: &mut [f32], mut gx: Option<&mut [f32]>) {
        let c = self.c();
        let ob3 = OW3 + c * FEAT;
        s.dp2.fill(0.0);
        for j in 0..c {
            let r = (s.prob[j] - if j == y { 1.0 } else { 0.0 }) as f32;
            axpy32(r, &s.p2, &mut g[OW3 + j * FEAT..][..FEAT]);
            g[ob3 + j] += r;
            axpy32(r, &w[OW3 + j * FEAT..], &mut s.dp2);
        }
        s.dp1.fill(0.0);
        for o in 0..FEAT {
            let (d, pos) = (s.dp2[o], s.arg2[o] as usize);
            if d == 0.0 || s.a2[pos] <= 0.0 {
                continue;
            }
            let (k, yy, xx) = (pos / (S2 * S2), (pos / S2) % S2, pos % S2);
            g[OB2 + k] += d;
            for ch in 0..C1 {
                let kw = OK2 + (k * C1 + ch) * K * K;
                for dy in 0..K {
                    let src = (ch * P1 + yy + dy) * P1 + xx;
                    axpy32(d, &s.p1[src..], &mut g[kw + dy * K..][..K]);
                    axpy32(d, &w[kw + dy * K..], &mut s.dp1[src..][..K]);
                }
            }
        }
        for o in 0..C1 * P1 * P1 {
            let (d, pos) = (s.dp1[o], s.arg1[o] as usize);
            if d == 0.0 || s.a1[pos] <= 0.0 {
                continue;
            }
            let (k, yy, xx) = (pos / (S1 * S1), (pos / S1) % S1, pos % S1);
            g[OB1 + k] += d;
            for dy in 0..K {
                let src = (yy + dy) * SIDE + xx;
                axpy32(d, &x[src..], &mut g[OK1 + k * K * K + dy * K..][..K]);
                if let Some(gx) = gx.as_deref_mut() {
                    axpy32(d, &w[OK1 + k * K * K + dy * K..], &mut gx[src..][..K]);
                }
            }
        }
    }

    /// ∇ₓ of the loss at (x, y) into gx (`g` is scratch of the model's size).
    fn input_grad(&self, w: &[f32], x: &[f32], y: usize, s: &mut Acts, g: &mut [f32], gx: &mut [f32]) {
        gx.fill(0.0);
        self.forward(w, x, s);
        self.backward(w, x, y, s, g, Some(gx));
    }
}

impl Problem for Cnn {
    fn kind(&self) -> ProblemKind {
        ProblemKind::Cnn
    }
    fn dim(&self) -> usize {
        OW3 + self.c() * (FEAT + 1)
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
    fn evals_per_run(&self) -> usize {
        // A test-set pass costs as much as 1000–10 000 forward passes.
        40
    }
    fn init(&self) -> Vec<f64> {
        let mut r = rng::rng(self.seed, stream::INIT, 0);
        let mut w = Vec::with_capacity(self.dim());
        let mut uniform = |w: &mut Vec<f64>, n: usize, a: f64| w.extend((0..n).map(|_| a * (2.0 * rng::uniform(&mut r) - 1.0)));
        uniform(&mut w, C1 * K * K, (6.0 / (K * K) as f64).sqrt());
        w.extend(std::iter::repeat_n(0.0, C1));
        uniform(&mut w, C2 * C1 * K * K, (6.0 / (C1 * K * K) as f64).sqrt());
        w.extend(std::iter::repeat_n(0.0, C2));
        uniform(&mut w, self.c() * FEAT, (6.0 / (FEAT + self.c()) as f64).sqrt());
        w.extend(std::iter::repeat_n(0.0, self.c()));
        w
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        let wf: Vec<f32> = w.iter().map(|&v| v as f32).collect();
        let mut g = vec![0.0f32; self.dim()];
        let mut s = Acts::new();
        let mut image = vec![0.0f32; PIXELS];
        let (mut z, mut gz, mut scratch) = if opts.dro.is_some() || opts.adv > 0.0 {
            (vec![0.0f32; PIXELS], vec![0.0f32; PIXELS], vec![0.0f32; self.dim()])
        } else {
            Default::default()
        };
        let local = self.l.rows(i);
        let mut count = 0usize;
        // DropConnect: each example's gradient on its own, masked as it is added.
        let mut one = if opts.drop > 0.0 { vec![0.0f32; self.dim()] } else { Vec::new() };
        let mut visit = |j: usize| {
            let y = self.l.label(j, opts.poison);
            let mut x = self.l.data.image(j, &mut image);
            if let Some(dro) = &opts.dro {
                // The DRO inner maximisation: ascent on loss(z) − λ‖z − x‖² from z = x.
                z.copy_from_slice(x);
                let (two_lam, step) = ((2.0 * dro.lambda) as f32, dro.eta_z as f32);
                for _ in 0..dro.steps {
                    self.input_grad(&wf, &z, y, &mut s, &mut scratch, &mut gz);
                    for ((zi, gi), xi) in z.iter_mut().zip(&gz).zip(x) {
                        *zi += step * (gi - two_lam * (*zi - xi));
                    }
                }
                x = &z;
            } else if opts.adv > 0.0 {
                // Adversarial training (thesis (5.8)): the gradient at the PGD attack's x′.
                self.l.linf_attack(x, opts.adv as f32, &mut z, &mut gz, |zz, gx| self.input_grad(&wf, zz, y, &mut s, &mut scratch, gx));
                x = &z;
            }
            self.forward(&wf, x, &mut s);
            if opts.drop > 0.0 {
                one.iter_mut().for_each(|v| *v = 0.0);
                self.backward(&wf, x, y, &mut s, &mut one, None);
                let mut mask = super::DropMask::new(opts, count as u64);
                g.iter_mut().zip(&one).for_each(|(o, v)| {
                    if mask.keep() {
                        *o += v;
                    }
                });
            } else {
                self.backward(&wf, x, y, &mut s, &mut g, None);
            }
            count += 1;
        };
        match opts.batch {
            Some(b) => b.iter().for_each(|&k| visit(local[k % local.len()] as usize)),
            None => local.iter().for_each(|&j| visit(j as usize)),
        }
        let inv = 1.0 / count.max(1) as f64;
        out.iter_mut().zip(&g).for_each(|(o, v)| *o = *v as f64 * inv);
    }
    fn eval(&self, w: &[f64], q: usize) -> Eval {
        let wf: Vec<f32> = w.iter().map(|&v| v as f32).collect();
        let mut s = Acts::new();
        let (mut loss, mut correct) = (0.0, 0usize);
        let (mut image, mut gx, mut xs) = (vec![0.0f32; PIXELS], vec![0.0f32; PIXELS], vec![0.0f32; PIXELS]);
        let mut scratch = if self.l.shifted() || self.adv > 0.0 { vec![0.0f32; self.dim()] } else { Vec::new() };
        let data = &self.l.data;
        let c = self.c();
        for j in data.n_train()..data.len() {
            let y = self.l.label(j, Poison::None);
            let x = data.image(j, &mut image);
            if self.l.shifted() && self.l.shift == ShiftKind::Linf {
                self.l
                    .linf_attack(x, self.l.shift_eps as f32, &mut xs, &mut gx, |z, g| self.input_grad(&wf, z, y, &mut s, &mut scratch, g));
                self.forward(&wf, &xs, &mut s);
            } else if self.l.shifted() {
                self.input_grad(&wf, x, y, &mut s, &mut scratch, &mut gx);
                self.l.shift_input(x, &gx, &mut xs);
                self.forward(&wf, &xs, &mut s);
            } else {
                self.forward(&wf, x, &mut s);
            }
            loss -= s.prob[y].max(1e-300).ln();
            let pred = super::classify::predicted(&s.prob[..c]);
            correct += (pred == y) as usize;
        }
        let nt = data.n_test as f64;
        // The training metrics, on up to TRAIN_EVAL of the honest workers' examples, true labels,
        // under the training radius.
        let js = self.l.train_sample(q);
        let (mut train_loss, mut train_correct) = (0.0, 0usize);
        for &j in &js {
            let y = self.l.label(j, Poison::None);
            let x = data.image(j, &mut image);
            if self.adv > 0.0 {
                self.l.linf_attack(x, self.adv as f32, &mut xs, &mut gx, |z, g| self.input_grad(&wf, z, y, &mut s, &mut scratch, g));
                self.forward(&wf, &xs, &mut s);
            } else {
                self.forward(&wf, x, &mut s);
            }
            train_loss -= s.prob[y].max(1e-300).ln();
            train_correct += (super::classify::predicted(&s.prob[..c]) == y) as usize;
        }
        let k = js.len().max(1) as f64;
        Eval { loss: loss / nt, acc: correct as f64 / nt, train_loss: train_loss / k, train_acc: train_correct as f64 / k, ..Eval::NONE }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn cnn() -> Cnn {
        let s = Scenario { m: 40, n: 20, ..Scenario::defaults_for(ProblemKind::Cnn) };
        Cnn::new(&s, Arc::new(Dataset::load_default().unwrap()))
    }

    #[test]
    fn backprop_matches_finite_differences() {
        let p = cnn();
        assert_eq!(p.dim(), 5994);
        let mut w = p.init();
        // Biases away from zero, so the ReLUs are not all at their kink.
        (OB1..OB1 + C1).chain(OB2..OB2 + C2).for_each(|k| w[k] = 0.05);
        let mut g = vec![0.0; p.dim()];
        p.grad(3, &w, &GradOpts::default(), &mut g);
        let loss = |w: &[f64]| {
            let wf: Vec<f32> = w.iter().map(|&v| v as f32).collect();
            let mut s = Acts::new();
            let mut image = vec![0.0f32; PIXELS];
            p.l.assign[3]
                .iter()
                .map(|&j| {
                    p.forward(&wf, p.l.data.image(j as usize, &mut image), &mut s);
                    -s.prob[p.l.label(j as usize, Poison::None)].ln()
                })
                .sum::<f64>()
                / p.l.assign[3].len() as f64
        };
        // A weight and the bias of each layer: first conv, second conv, dense.
        for &k in &[OK1 + 12, OB1 + 3, OK2 + 5 * C1 * K * K + 2 * K * K + 12, OB2 + 7, OW3 + 3 * FEAT + 100, p.dim() - 4] {
            let h = 1e-3;
            let (mut a, mut b) = (w.clone(), w.clone());
            a[k] += h;
            b[k] -= h;
            let fd = (loss(&a) - loss(&b)) / (2.0 * h);
            assert!((fd - g[k]).abs() < 2e-3 * (1.0 + fd.abs()) + 1e-4, "k = {k}: finite difference {fd}, gradient {}", g[k]);
        }
    }

    /// The input gradient (for DRO and the test-time shifts) against finite differences in x.
    /// The ℓ∞ attack (PGD): it stays in the ball, one step is FGSM's x + ε·sign(∇ₓℓ) bit for bit,
    /// and ten steps raise the loss over 20 examples more than one does.
    #[test]
    fn pgd_stays_in_the_ball_and_beats_fgsm() {
        let eps = 0.1f32;
        let build = |pgd| {
            Cnn::new(
                &Scenario { m: 40, n: 20, pgd, ..Scenario::defaults_for(ProblemKind::Cnn) },
                Arc::new(Dataset::load_default().unwrap()),
            )
        };
        let (fgsm, pgd) = (build(1), build(10));
        let wf: Vec<f32> = fgsm.init().iter().map(|&v| v as f32).collect();
        let (mut s, mut scratch) = (Acts::new(), vec![0.0f32; fgsm.dim()]);
        let (mut x, mut a, mut b, mut gx) = (vec![0.0f32; PIXELS], vec![0.0f32; PIXELS], vec![0.0f32; PIXELS], vec![0.0f32; PIXELS]);
        let (mut l0, mut l1, mut l10) = (0.0, 0.0, 0.0);
        for k in 0..20 {
            let j = fgsm.l.assign[k][0] as usize;
            let y = fgsm.l.label(j, Poison::None);
            fgsm.l.data.image(j, &mut x);
            fgsm.l.linf_attack(&x, eps, &mut a, &mut gx, |z, g| fgsm.input_grad(&wf, z, y, &mut s, &mut scratch, g));
            let g1 = gx.clone();
            let want: Vec<f32> = x.iter().zip(&g1).map(|(xi, g)| xi + eps * g.signum() * (*g != 0.0) as u8 as f32).collect();
            assert_eq!(a, want, "one step is FGSM");
            pgd.l.linf_attack(&x, eps, &mut b, &mut gx, |z, g| pgd.input_grad(&wf, z, y, &mut s, &mut scratch, g));
            assert!(b.iter().zip(&x).all(|(v, xi)| (v - xi).abs() <= eps * (1.0 + 1e-6)), "PGD left the ball (up to rounding)");
            let mut loss = |z: &[f32]| {
                fgsm.forward(&wf, z, &mut s);
                -s.prob[y].max(1e-300).ln()
            };
            (l0, l1, l10) = (l0 + loss(&x), l1 + loss(&a), l10 + loss(&b));
        }
        assert!(l0 < l1 && l1 < l10, "losses: clean {l0}, FGSM {l1}, PGD-10 {l10}");
    }

    #[test]
    fn input_gradient_matches_finite_differences() {
        let p = cnn();
        let mut wf: Vec<f32> = p.init().iter().map(|&v| v as f32).collect();
        (OB1..OB1 + C1).chain(OB2..OB2 + C2).for_each(|k| wf[k] = 0.05);
        let j = p.l.assign[0][0] as usize;
        let y = p.l.label(j, Poison::None);
        let mut x = vec![0.0f32; PIXELS];
        p.l.data.image(j, &mut x);
        // A faint pattern over the background: there every pooling window would tie (bias only),
        // and the loss has a kink at every pixel.
        x.iter_mut().enumerate().for_each(|(k, v)| *v += 0.05 * ((k * 7919) % 97) as f32 / 97.0);
        let (mut s, mut scratch, mut gx) = (Acts::new(), vec![0.0f32; p.dim()], vec![0.0f32; PIXELS]);
        p.input_grad(&wf, &x, y, &mut s, &mut scratch, &mut gx);
        let mut loss = |x: &[f32]| {
            p.forward(&wf, x, &mut s);
            -s.prob[y].ln()
        };
        for &k in &[14 * SIDE + 14, 10 * SIDE + 17, 20 * SIDE + 9] {
            let h = 1e-3f32;
            let (mut a, mut b) = (x.clone(), x.clone());
            a[k] += h;
            b[k] -= h;
            let fd = (loss(&a) - loss(&b)) / (2.0 * h as f64);
            assert!((fd - gx[k] as f64).abs() < 2e-3 * (1.0 + fd.abs()) + 1e-4, "pixel {k}: finite difference {fd}, gradient {}", gx[k]);
        }
    }

    #[test]
    fn max_pooling_keeps_the_first_maximum_after_relu() {
        // One 4×4 plane: pooled cells (0,0) with a tie, (0,1) all negative, …
        let a = [1.0, 3.0, -1.0, -2.0, 3.0, 0.0, -4.0, -3.0, 0.5, 0.25, 7.0, 6.0, 0.0, 0.75, 6.0, 7.0];
        let (mut p, mut arg) = ([0.0f32; 4], [0u32; 4]);
        pool(&a, 1, 4, &mut p, &mut arg);
        assert_eq!(p, [3.0, 0.0, 0.75, 7.0]);
        assert_eq!(arg, [1, 2, 13, 10]);
    }
}
