//! Learning problems. A problem owns the workers' local data and computes each worker's local
//! gradient; it knows nothing about which workers are Byzantine except through the arguments
//! (`q` = the first q workers are Byzantine, `poison` = how a Byzantine worker's labels are changed).

mod classify;
mod labeled;
mod mlp;
mod linreg;
mod mean;
mod saddle;

pub use classify::Classify;
pub use mlp::{Mlp, HIDDEN as MLP_HIDDEN};
pub use linreg::LinReg;
pub use mean::MeanEst;
pub use saddle::{toy_grad, toy_loss, Saddle};

use super::data::Dataset;
use super::scenario::{ProblemKind, Scenario};
use std::sync::Arc;

/// How a Byzantine worker's training labels are corrupted (data-poisoning attacks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poison {
    None,
    /// y → C − 1 − y for classification (9 − y on MNIST); y → −y for regression.
    Flip,
    /// Labels replaced by independent random labels.
    Random,
}

/// Wasserstein-DRO settings for the honest workers' gradients (paper 003).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dro {
    pub lambda: f64,
    pub eta_z: f64,
    pub steps: usize,
}

/// Options of one local-gradient call.
#[derive(Clone, Copy, Debug)]
pub struct GradOpts<'a> {
    pub poison: Poison,
    /// Indices into the worker's local samples; `None` = all of them.
    pub batch: Option<&'a [usize]>,
    pub dro: Option<Dro>,
}

impl Default for GradOpts<'_> {
    fn default() -> Self {
        GradOpts { poison: Poison::None, batch: None, dro: None }
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
    /// ‖∇F(w)‖ where the population gradient is known.
    pub grad_norm: f64,
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
pub fn build(s: &Scenario, data: Option<&Arc<Dataset>>) -> Result<Arc<dyn Problem>, String> {
    Ok(match s.problem {
        ProblemKind::LinReg => Arc::new(LinReg::new(s)),
        ProblemKind::Mean => Arc::new(MeanEst::new(s)),
        ProblemKind::Saddle => Arc::new(Saddle::new(s)),
        ProblemKind::Mnist | ProblemKind::Binary | ProblemKind::Mlp => {
            let data = data.ok_or("this problem needs the MNIST data, which is not loaded yet")?.clone();
            if s.problem == ProblemKind::Mlp {
                Arc::new(Mlp::new(s, data))
            } else {
                Arc::new(Classify::new(s, data))
            }
        }
    })
}

/// The fields of a scenario that define its problem's data: two scenarios with the same key can
/// share one built problem.
pub fn data_key(s: &Scenario) -> String {
    let f = s.fields();
    let keep = ["problem", "m", "n", "d", "split", "x", "sigma", "w0", "shift", "shift_eps", "seed"];
    f.into_iter().filter(|(k, _)| keep.contains(k)).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}
