//! Learning problems. A problem owns the workers' local data and computes each worker's local
//! gradient; it knows nothing about which workers are Byzantine except through the arguments
//! (`q` = the first q workers are Byzantine, `poison` = how a Byzantine worker's labels are changed).

mod classify;
mod cnn;
mod labeled;
mod linreg;
mod lsq;
mod mean;
mod mlp;
mod quadratic;
mod saddle;

pub use classify::{Classify, TRAIN_EVAL};
pub use cnn::{Cnn, BACKWARD_FLOP as CNN_BACKWARD_FLOP, FORWARD_FLOP as CNN_FORWARD_FLOP};
pub use linreg::LinReg;
pub use lsq::LeastSquares;
pub use mean::MeanEst;
pub use mlp::{Mlp, HIDDEN as MLP_HIDDEN};
pub use saddle::{toy_grad, toy_loss, Saddle};

use super::data::{Dataset, Datasets};
use super::rng;
use super::scenario::{DroParams, ProblemKind, Scenario, Split, PARAMS};
use std::sync::Arc;

/// How many examples each of the m workers holds: n each, or under quantity skew (NIID-Bench,
/// Li et al. 2022, §4.3: q ~ Dir(a·1_m), worker i gets a share qᵢ) shares of the m·n examples,
/// each worker at least one: 1 + the largest-remainder rounding of qᵢ·(m·n − m), so the sizes add
/// up to m·n exactly. The shares come from their own stream, so the examples drawn do not change.
pub fn worker_sizes(s: &Scenario, m: usize, n: usize) -> Vec<usize> {
    if s.split != Split::Quantity || m == 0 {
        return vec![n; m];
    }
    let extra = (m * n).saturating_sub(m);
    let q = rng::dirichlet(&mut rng::rng(s.seed, rng::stream::DATA, u64::MAX - 3), s.dir_a, m);
    let raw: Vec<f64> = q.iter().map(|p| p * extra as f64).collect();
    let mut sizes: Vec<usize> = raw.iter().map(|r| r.floor() as usize).collect();
    let short = extra.saturating_sub(sizes.iter().sum());
    let mut order: Vec<usize> = (0..m).collect();
    let rem = |i: usize| raw[i] - raw[i].floor();
    crate::linalg::sort_indices(&mut order, &|a, b| rem(b).total_cmp(&rem(a)).then(a.cmp(&b)));
    for &i in order.iter().take(short) {
        sizes[i] += 1;
    }
    sizes.iter_mut().for_each(|v| *v += 1);
    sizes
}

/// How a Byzantine worker's training labels are corrupted (data-poisoning attacks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poison {
    None,
    /// y → C − 1 − y for classification (9 − y on MNIST); y → −y for regression.
    Flip,
    /// Labels replaced by independent random labels.
    Random,
}

/// Options of one local-gradient call.
#[derive(Clone, Copy, Debug)]
pub struct GradOpts<'a> {
    pub poison: Poison,
    /// Indices into the worker's local samples; `None` = all of them.
    pub batch: Option<&'a [usize]>,
    /// Wasserstein DRO (paper 003): each gradient is taken at an adversarially moved input.
    pub dro: Option<DroParams>,
    /// ℓ∞ adversarial training (thesis ch. 5): the radius ε of the ball each input may move in; 0 =
    /// natural training. The linear classifiers only.
    pub adv: f64,
    /// The diversity-inducing mechanisms of thesis §2.4, on every example's gradient (the linear
    /// classifiers; DropConnect also the CNN): DropConnect's drop probability (0 = off), Langevin
    /// noise's σ (SGLD; 0 = off), stochastic quantization; and the seed of this call's randomness (one per worker and
    /// iteration).
    pub drop: f64,
    pub sgld: f64,
    pub quant: bool,
    pub key: u64,
}

/// DropConnect's mask for one example (thesis §2.4): `keep()` is false with probability p, from
/// stream (key, index), 16 bits a coordinate (p rounded to 2⁻¹⁶): the same bits on every platform.
pub(super) struct DropMask {
    rng: crate::rng::Rng,
    threshold: u64,
    bits: u64,
    left: u32,
}

impl DropMask {
    pub(super) fn new(opts: &GradOpts, index: u64) -> DropMask {
        let rng = crate::rng::rng(opts.key, crate::rng::stream::DROPCONNECT, index);
        DropMask { rng, threshold: (opts.drop * 65536.0).round() as u64, bits: 0, left: 0 }
    }

    pub(super) fn keep(&mut self) -> bool {
        if self.left == 0 {
            self.bits = crate::rng::bits(&mut self.rng);
            self.left = 4;
        }
        let u = self.bits & 0xFFFF;
        self.bits >>= 16;
        self.left -= 1;
        u >= self.threshold
    }
}

impl GradOpts<'_> {
    /// Whether each example's gradient is formed on its own (DropConnect, quantization).
    pub fn per_example(&self) -> bool {
        self.drop > 0.0 || self.quant
    }
}

impl Eval {
    /// Every metric NaN (does not apply, or not evaluated).
    pub const NONE: Eval = Eval {
        err: f64::NAN,
        loss: f64::NAN,
        acc: f64::NAN,
        train_acc: f64::NAN,
        train_loss: f64::NAN,
        diversity: f64::NAN,
        grad_norm: f64::NAN,
    };
}

impl Default for GradOpts<'_> {
    fn default() -> Self {
        GradOpts { poison: Poison::None, batch: None, dro: None, adv: 0.0, drop: 0.0, sgld: 0.0, quant: false, key: 0 }
    }
}

/// Metrics of one iterate. NaN where a metric does not apply.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Eval {
    /// ‖w − w*‖ where the optimum is known; for the saddle toy, the distance to the nearest minimum.
    pub err: f64,
    /// Population loss (regression, toy) or test loss (classification).
    pub loss: f64,
    /// Test accuracy (classification; under the test-time shift if one is set).
    pub acc: f64,
    /// Training accuracy on (up to 1000 of) the honest workers' examples, under the training's ℓ∞
    /// perturbation if there is one (the linear classifiers); its gap to `acc` is the
    /// generalization gap of the thesis's ch. 5.
    pub train_acc: f64,
    /// Training loss on the same examples (the adversarial loss under adversarial training).
    pub train_loss: f64,
    /// The batch-size bound B_D(w) = nΔ_D(w) of gradient diversity (thesis ch. 2) on those n
    /// examples, or under a diversity-inducing mechanism its B^drop, B^sgld or B^quant (Theorem 2.7);
    /// NaN under adversarial training or more than one mechanism.
    pub diversity: f64,
    /// ‖∇F(w)‖ where the population gradient is known.
    pub grad_norm: f64,
}

/// What one worker's local data are, as the split made them (the master's view draws a strip of them).
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerData {
    /// Its examples' counts per class (the labels it holds, before any poisoning).
    Labels(Vec<f64>),
    /// The distance ‖ζᵢ‖ of its local optimum from the base point (w* or μ): 0 under an i.i.d. split.
    Shift(f64),
}

pub trait Problem: Send + Sync {
    fn kind(&self) -> ProblemKind;
    fn dim(&self) -> usize;
    fn workers(&self) -> usize;
    /// Local sample count of worker i.
    fn samples(&self, i: usize) -> usize;
    /// The starting point w₀.
    fn init(&self) -> Vec<f64>;
    /// Worker i's local gradient at w (on its data, or a mini-batch of it, or its poisoned data).
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]);
    /// Metrics of w when the first q workers are Byzantine (the honest optimum may depend on q).
    fn eval(&self, w: &[f64], q: usize) -> Eval;
    /// The population gradient ∇F(w), where it is known in closed form.
    fn exact_grad(&self, _w: &[f64], _q: usize) -> Option<Vec<f64>> {
        None
    }
    /// The honest population optimum w*, where it is known.
    fn optimum(&self, _q: usize) -> Option<Vec<f64>> {
        None
    }
    /// The escape direction (most negative curvature) at w, for problems with a strict saddle.
    fn escape_direction(&self, _w: &[f64]) -> Option<Vec<f64>> {
        None
    }
    /// Worker i's local empirical risk minimiser in closed form, if there is one.
    fn local_erm(&self, _i: usize, _poison: Poison) -> Option<Vec<f64>> {
        None
    }
    /// How many times a run evaluates the test metrics at most (at the start, at events and at
    /// the end always): problems whose evaluation is costly say fewer.
    fn evals_per_run(&self) -> usize {
        200
    }
    /// The gradient at w on the server's own clean root set (FLTrust; `root` examples drawn from the
    /// honest distribution); false if the problem has none (the saddle toy, an uploaded table's
    /// least squares).
    fn root_grad(&self, _w: &[f64], _out: &mut [f64]) -> bool {
        false
    }
    /// What worker i holds, to show the split: its label counts, or its optimum's shift.
    fn worker_data(&self, _i: usize) -> Option<WorkerData> {
        None
    }
    /// Whether `GradOpts::batch` is supported.
    fn supports_batch(&self) -> bool {
        false
    }
    /// Builds at most `workers` more workers' local data; true once everything is built. Problems
    /// whose data are cheap build everything at once; the app calls this within its frame budget
    /// so the largest settings never block the page.
    fn prepare(&self, _workers: usize) -> bool {
        true
    }
    /// The population loss on a 2-D grid point (for contour maps).
    fn loss_2d(&self, _w: [f64; 2]) -> Option<f64> {
        None
    }
}

/// Builds the problem of a scenario. Only the data-defining fields matter (problem, m, n, d, split,
/// x, sigma, w0, shift, seed), so one problem serves every α, attack and aggregator.
pub fn build(s: &Scenario, data: &Datasets) -> Result<Arc<dyn Problem>, String> {
    Ok(match s.problem {
        ProblemKind::LinReg => Arc::new(LinReg::new(s)),
        ProblemKind::Mean => Arc::new(MeanEst::new(s)),
        ProblemKind::Saddle => Arc::new(Saddle::new(s)),
        _ => {
            let source = s.data_source().unwrap_or(s.data);
            let data =
                data.get(source).ok_or_else(|| format!("this problem needs the {}, which is not loaded yet", source.label()))?.clone();
            match s.problem {
                ProblemKind::Mlp => Arc::new(Mlp::new(s, data)),
                ProblemKind::Cnn => Arc::new(Cnn::new(s, data)),
                ProblemKind::CsvLs => Arc::new(LeastSquares::new(s, data)?),
                ProblemKind::CsvClass => match data.table.as_deref() {
                    Some(t) if t.classes >= 2 => Arc::new(Classify::new(s, data)),
                    Some(t) => {
                        return Err(format!(
                            "the target “{}” of your CSV has more than {} distinct values, too many for classes: choose “your CSV: least squares”",
                            t.names[t.target_column],
                            crate::csv::MAX_CLASSES
                        ))
                    }
                    None => return Err("classification of your CSV needs an uploaded table".into()),
                },
                _ => Arc::new(Classify::new(s, data)),
            }
        }
    })
}

/// The part of a scenario that defines its problem's data (the parameters marked `[data]` in the
/// table; the rest at their defaults): two scenarios with the same key share one built problem.
#[derive(Clone, Debug, PartialEq)]
pub struct DataKey(Scenario);

impl DataKey {
    pub fn of(s: &Scenario) -> DataKey {
        let mut k = Scenario::defaults_for(s.problem);
        PARAMS.iter().filter(|p| p.data).for_each(|p| p.copy(s, &mut k));
        DataKey(k)
    }
}

/// Built problems, kept for reuse while scenarios differ only in what does not change the data
/// (α, the attack, the rules, …). The one eviction rule: at most `capacity` problems, the least
/// recently used goes first.
/// The cache also holds the MNIST data the classification problems are built from.
pub struct Cache {
    capacity: usize,
    data: Datasets,
    /// Most recently used last.
    entries: Vec<(DataKey, Arc<dyn Problem>)>,
}

impl Cache {
    pub fn new(capacity: usize, data: Datasets) -> Cache {
        Cache { capacity: capacity.max(1), data, entries: Vec::new() }
    }

    /// The data the classification problems are built from, as loaded so far.
    pub fn data(&self) -> &Datasets {
        &self.data
    }

    /// Whether the problem of `s` can be built: it needs no data, or its data is loaded.
    pub fn can_build(&self, s: &Scenario) -> bool {
        s.data_source().is_none_or(|d| self.data.has(d))
    }

    /// Hands over one set of MNIST images (the problems built from that set's earlier copy are
    /// forgotten).
    pub fn set_data(&mut self, data: Arc<Dataset>) {
        let source = data.source;
        self.data.insert(data);
        self.entries.retain(|(k, _)| k.0.data_source() != Some(source));
    }

    /// The problem of `s`, built if it is not kept.
    pub fn get(&mut self, s: &Scenario) -> Result<Arc<dyn Problem>, String> {
        let key = DataKey::of(s);
        if let Some(i) = self.entries.iter().position(|(k, _)| *k == key) {
            let entry = self.entries.remove(i);
            let p = entry.1.clone();
            self.entries.push(entry);
            return Ok(p);
        }
        let p = build(s, &self.data)?;
        if self.entries.len() >= self.capacity {
            self.entries.remove(0);
        }
        self.entries.push((key, p.clone()));
        Ok(p)
    }
}

impl Cache {
    /// Enough for a sweep over n or m (eight values) and the scenario's own problem.
    pub const CAPACITY: usize = 12;

    /// A cache of the default capacity.
    pub fn with_data(data: Datasets) -> Cache {
        Cache::new(Cache::CAPACITY, data)
    }
}

impl Default for Cache {
    /// No data loaded, the default capacity.
    fn default() -> Cache {
        Cache::with_data(Datasets::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quantity skew's sizes add up to m·n with at least one each; a small concentration makes
    /// them very unequal, a large one nearly equal; every other split gives n each.
    #[test]
    fn quantity_skew_sizes_add_up_and_follow_the_concentration() {
        let at = |split: Split, a: f64| worker_sizes(&Scenario { split, dir_a: a, ..Scenario::default() }, 40, 200);
        for a in [0.05, 0.5, 5.0, 1000.0] {
            let sizes = at(Split::Quantity, a);
            assert_eq!((sizes.len(), sizes.iter().sum::<usize>()), (40, 8000), "a = {a}");
            assert!(sizes.iter().all(|&k| k >= 1), "a = {a}: {sizes:?}");
        }
        let ratio = |v: Vec<usize>| *v.iter().max().unwrap() as f64 / *v.iter().min().unwrap() as f64;
        assert!(ratio(at(Split::Quantity, 0.1)) > 50.0, "{:?}", at(Split::Quantity, 0.1));
        assert!(ratio(at(Split::Quantity, 1000.0)) < 1.3, "{:?}", at(Split::Quantity, 1000.0));
        assert_eq!(at(Split::Quantity, 0.5), at(Split::Quantity, 0.5));
        for split in [Split::Iid, Split::Hetero, Split::Dirichlet, Split::Gamma] {
            assert_eq!(at(split, 0.1), vec![200; 40]);
        }
    }

    /// Linear regression and mean estimation under quantity skew: each worker's statistics are
    /// of its own count, so a small share's local optimum lies farther from w* than a large one's,
    /// and no worker's optimum is shifted (ζ does not apply).
    #[test]
    fn quantity_skew_sets_the_quadratic_problems_sample_counts() {
        for problem in [ProblemKind::LinReg, ProblemKind::Mean] {
            let s =
                Scenario { problem, m: 40, n: 50, d: 5, split: Split::Quantity, dir_a: 0.3, zeta: 3.0, ..Scenario::defaults_for(problem) };
            let p = build(&s, &Datasets::default()).unwrap();
            let sizes = worker_sizes(&s, 40, 50);
            assert_eq!((0..40).map(|i| p.samples(i)).collect::<Vec<_>>(), sizes);
            assert!((0..40).all(|i| matches!(p.worker_data(i), Some(WorkerData::Shift(z)) if z == 0.0)), "{problem:?}: a shifted optimum");
            let opt = p.optimum(0).unwrap();
            let mut order: Vec<usize> = (0..40).collect();
            order.sort_by_key(|&i| sizes[i]);
            let miss = |ids: &[usize]| {
                ids.iter().map(|&i| crate::linalg::dist(&p.local_erm(i, Poison::None).unwrap(), &opt)).sum::<f64>() / ids.len() as f64
            };
            let (small, large) = (miss(&order[..8]), miss(&order[32..]));
            assert!(small > 3.0 * large, "{problem:?}: the 8 smallest shares miss by {small}, the 8 largest by {large}");
        }
    }
}
