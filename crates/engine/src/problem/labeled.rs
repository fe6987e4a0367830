//! A data file (MNIST digits or Spambase e-mails) as the workers' labelled data, shared by the
//! classification models (softmax and logistic regression, the MLP): the split over workers, the
//! labels (digits, odd/even, spam/non-spam), the poisoned labels of the data attacks, and the
//! test-time shift.
//!
//! The file's training split (the first 4000 images of the MNIST subset, 60 000 of the full set,
//! 3682 e-mails of Spambase) is cut into m equal chunks, after a seeded shuffle (i.i.d.) or after
//! sorting by label (heterogeneous: on MNIST with m = 20, two workers per digit); worker i uses the
//! first n examples of its chunk (with replication r, the first ⌈n/r⌉ of them, repeated r times). The file's test split is the test set.

use super::Poison;
use crate::data::Dataset;
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario, ShiftKind, Split};
use std::sync::Arc;

/// The training rows of each worker (see the module documentation), after a seeded shuffle of
/// the `n_train` rows: i.i.d., m equal chunks; heterogeneous, the chunks after sorting by `order`;
/// γ-similarity, ⌊γn⌋ rows from chunks of the first ⌊γ·n_train⌋ shuffled rows and the rest from
/// sorted chunks of the others; Dirichlet, each worker's n rows drawn class by class with its own
/// proportions ~ Dir(a·1) over the `classes` classes that `class` gives (a class whose rows are
/// used up gives way to the worker's most likely class that has some left); quantity skew,
/// consecutive runs of the shuffled rows of the sizes [`super::worker_sizes`] gives.
pub fn assign_rows(
    s: &Scenario,
    n_train: usize,
    order: &dyn Fn(u32, u32) -> std::cmp::Ordering,
    class: &dyn Fn(u32) -> usize,
    classes: usize,
) -> Vec<Vec<u32>> {
    let m = s.m.clamp(1, n_train.max(1));
    let chunk = n_train / m;
    let n = s.n.clamp(1, chunk.max(1));
    let mut idx: Vec<u32> = (0..n_train as u32).collect();
    let mut r = rng::rng(s.seed, stream::DATA, u64::MAX - 1);
    rng::shuffle(&mut r, &mut idx);
    let sorted = |v: &[u32]| crate::linalg::sorted_by(v, &|&a, &b| order(a, b));
    let own: Vec<Vec<u32>> = match s.split {
        Split::Iid => (0..m).map(|i| idx[i * chunk..i * chunk + n].to_vec()).collect(),
        Split::Quantity => {
            // Consecutive runs of the shuffled rows, of the workers' sizes (m·n ≤ n_train in all).
            let mut at = 0;
            super::worker_sizes(s, m, n)
                .into_iter()
                .map(|k| {
                    at += k;
                    idx[at - k..at].to_vec()
                })
                .collect()
        }
        Split::Hetero => {
            idx = sorted(&idx);
            (0..m).map(|i| idx[i * chunk..i * chunk + n].to_vec()).collect()
        }
        Split::Gamma => {
            let cut = (s.gamma_sim * n_train as f64).floor() as usize;
            let (same, rest) = (&idx[..cut], sorted(&idx[cut..]));
            let (c1, c2) = (same.len() / m, rest.len() / m);
            let k = ((s.gamma_sim * n as f64).floor() as usize).min(c1);
            (0..m).map(|i| same[i * c1..i * c1 + k].iter().chain(&rest[i * c2..i * c2 + (n - k).min(c2)]).copied().collect()).collect()
        }
        Split::Dirichlet => {
            let classes = classes.max(1);
            let mut pools: Vec<Vec<u32>> = vec![Vec::new(); classes];
            // Reversed, so that popping takes the rows in shuffled order.
            for &j in idx.iter().rev() {
                pools[class(j).min(classes - 1)].push(j);
            }
            let mut rd = rng::rng(s.seed, stream::DATA, u64::MAX - 2);
            (0..m)
                .map(|_| {
                    let p = rng::dirichlet(&mut rd, s.dir_a, classes);
                    let mut cum = 0.0;
                    let cdf: Vec<f64> = p
                        .iter()
                        .map(|v| {
                            cum += v;
                            cum
                        })
                        .collect();
                    let mut by_p: Vec<usize> = (0..classes).collect();
                    by_p.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
                    (0..n)
                        .filter_map(|_| {
                            let u = rng::uniform(&mut rd) * cum;
                            let c = cdf.iter().position(|&v| u < v).unwrap_or(classes - 1);
                            let c = if pools[c].is_empty() { *by_p.iter().find(|&&k| !pools[k].is_empty())? } else { c };
                            pools[c].pop()
                        })
                        .collect()
                })
                .collect()
        }
    };
    // Replication r: the first ⌈n/r⌉ of each worker's examples, each repeated r times.
    // (Under quantity skew, of each worker's own count.)
    let keep = |len: usize| (if s.split == Split::Quantity { len } else { n }).div_ceil(s.rep.max(1));
    let mut assign: Vec<Vec<u32>> = own.iter().map(|w| (0..w.len()).map(|k| w[k % keep(w.len()).min(w.len()).max(1)]).collect()).collect();
    if s.swap {
        // A neighbouring data set: every copy of worker 0's first example is replaced.
        let (old, new) = (assign[0][0], idx[n_train - 1]);
        assign[0].iter_mut().filter(|j| **j == old).for_each(|j| *j = new);
    }
    assign
}

/// Honest training examples the training metrics are measured on, at most.
pub const TRAIN_EVAL: usize = 1000;

pub struct Labeled {
    pub classes: usize,
    /// Whether the label is the digit's parity (the odd/even task).
    parity: bool,
    pub data: Arc<Dataset>,
    pub m: usize,
    /// Sample indices of each worker.
    pub assign: Vec<Vec<u32>>,
    /// The server's root set (FLTrust): `root` training rows drawn uniformly without replacement
    /// from stream ROOT, so they may be rows a worker holds too.
    pub root: Vec<u32>,
    /// A fixed random label per training image (random-label poisoning).
    rand_label: Vec<u8>,
    pub shift: ShiftKind,
    pub shift_eps: f64,
    /// Steps of the networks' ℓ∞ attacks ([`Labeled::linf_attack`]).
    pub pgd: usize,
}

impl Labeled {
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Self {
        let parity = s.problem == ProblemKind::Binary;
        let classes = match data.table.as_deref() {
            Some(t) if s.problem == ProblemKind::CsvClass => t.classes,
            _ => s.problem.classes(),
        };
        let n_train = data.n_train();
        let label = |j: u32| if parity { data.y[j as usize] % 2 } else { data.y[j as usize] };
        let assign = assign_rows(s, n_train, &|a, b| label(a).cmp(&label(b)), &|j| label(j) as usize, classes);
        let mut rl = rng::rng(s.seed, stream::LABELS, 0);
        let rand_label = (0..n_train).map(|_| rng::below(&mut rl, classes) as u8).collect();
        let root = root_rows(n_train, s.root, &mut rng::rng(s.seed, stream::ROOT, 0));
        Labeled {
            classes,
            parity,
            data,
            m: assign.len(),
            assign,
            root,
            rand_label,
            shift: s.shift,
            shift_eps: s.shift_eps,
            pgd: s.pgd.max(1),
        }
    }

    /// The training rows of worker i, or of the server's root set for i = m.
    /// Worker i's label counts per class (the task's labels, unpoisoned).
    pub fn label_counts(&self, i: usize) -> Vec<f64> {
        let mut c = vec![0.0; self.classes];
        for &j in self.rows(i) {
            c[self.label(j as usize, super::Poison::None).min(self.classes - 1)] += 1.0;
        }
        c
    }

    pub fn rows(&self, i: usize) -> &[u32] {
        if i == self.m {
            &self.root
        } else {
            &self.assign[i]
        }
    }

    /// The (possibly poisoned) label of training example j.
    pub fn label(&self, j: usize, poison: Poison) -> usize {
        let y = if self.parity { self.data.y[j] % 2 } else { self.data.y[j] } as usize;
        match poison {
            Poison::None => y,
            Poison::Flip => self.classes - 1 - y,
            Poison::Random => self.rand_label[j] as usize,
        }
    }

    /// Whether a test-time shift is configured.
    /// Up to [`TRAIN_EVAL`] of the honest workers' (q..m) examples, one from each worker in turn:
    /// the examples the training metrics are measured on.
    pub fn train_sample(&self, q: usize) -> Vec<usize> {
        let honest = &self.assign[q.min(self.m)..];
        let longest = honest.iter().map(Vec::len).max().unwrap_or(0);
        (0..longest).flat_map(|k| honest.iter().filter_map(move |a| a.get(k).map(|&j| j as usize))).take(TRAIN_EVAL).collect()
    }

    pub fn shifted(&self) -> bool {
        self.shift != ShiftKind::None && self.shift_eps > 0.0
    }

    /// The networks' ℓ∞ attack of radius ε on x, into `out`: projected gradient ascent on the loss
    /// (PGD, Madry et al. 2018) from x, `pgd` steps of 2.5ε/k, each projected on the ball
    /// ‖out − x‖∞ ≤ ε (not clipped to [0, 1]); with one step, FGSM's x + ε·sign(∇ₓℓ).
    /// `grad(z, gx)` writes the loss gradient at z into gx.
    pub fn linf_attack(&self, x: &[f32], eps: f32, out: &mut [f32], gx: &mut [f32], mut grad: impl FnMut(&[f32], &mut [f32])) {
        out.copy_from_slice(x);
        let k = self.pgd.max(1);
        let step = if k == 1 { eps } else { 2.5 * eps / k as f32 };
        for _ in 0..k {
            grad(out, gx);
            for ((o, &g), &xi) in out.iter_mut().zip(gx.iter()).zip(x) {
                let moved = *o + step * g.signum() * (g != 0.0) as u8 as f32;
                *o = moved.clamp(xi - eps, xi + eps);
            }
        }
    }

    /// Moves x (copied into `out`) by the shift budget along the loss gradient `gx`: for ℓ2 along
    /// gx/‖gx‖, for ℓ1 all of it on the coordinate of largest |gx| (for a linear model the worst case),
    /// for ℓ∞ by ε·sign(gx) on every coordinate (one FGSM step; the linear classifiers use their exact
    /// worst case instead).
    pub fn shift_input(&self, x: &[f32], gx: &[f32], out: &mut [f32]) {
        out.copy_from_slice(x);
        let eps = self.shift_eps as f32;
        match self.shift {
            ShiftKind::L2 => {
                let nrm = gx.iter().map(|v| v * v).sum::<f32>().sqrt();
                if nrm > 0.0 {
                    out.iter_mut().zip(gx).for_each(|(a, g)| *a += eps * g / nrm);
                }
            }
            ShiftKind::L1 => {
                let (k, g) = gx.iter().enumerate().fold((0, 0.0f32), |b, (k, g)| if g.abs() > b.1.abs() { (k, *g) } else { b });
                out[k] += eps * g.signum();
            }
            ShiftKind::Linf => out.iter_mut().zip(gx).for_each(|(a, g)| *a += eps * g.signum() * (*g != 0.0) as u8 as f32),
            ShiftKind::None => {}
        }
    }
}

/// `k` of the rows 0..n (all of them if k ≥ n), drawn uniformly without replacement (the first k
/// of a partial Fisher–Yates shuffle), in the order drawn.
pub fn root_rows(n: usize, k: usize, r: &mut rng::Rng) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let k = k.min(n);
    for i in 0..k {
        let j = i + rng::below(r, n - i);
        idx.swap(i, j);
    }
    idx.truncate(k);
    idx
}
