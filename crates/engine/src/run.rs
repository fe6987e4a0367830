//! One simulated run: a master, m workers (the first ⌊αm⌋ Byzantine), one aggregation rule and one
//! algorithm, advanced one parallel iteration (one round of communication) per [`Run::step`].
//!
//! Algorithms:
//! - `gd`: robust distributed GD (Algorithm 1 of Yin et al. 2018): w ← Π_W(w − η·agg{gᵢ(w)}),
//!   with optional mini-batches (stochastic variant) and an η/√k schedule.
//! - `oneround`: the one-round algorithm (Algorithm 2): each worker computes its local ERM (in closed
//!   form, or by local GD for classification, one local step per iteration); the master aggregates the
//!   local models once.
//! - `bpgd`: ByzantinePGD (Algorithm 3 of the thesis), one oracle call per iteration.
//! - `pgd`: perturbed GD (Jin et al.) without retries: a perturbation whenever ‖ĝ‖ ≤ ε and none was
//!   added in the last T_th iterations.
//! - `rsa`: RSA (Li et al. 2019): workers keep local models, the master updates
//!   x₀ ← x₀ − α_k(∇f₀(x₀) + λ Σᵢ ∂‖x₀ − zᵢ‖_p); it aggregates nothing, so its curve has no rule.
//!
//! Wasserstein DRO (the NBS paper), where on, applies to the honest workers' gradients only.

use super::aggregate::Aggregator;
use super::attack::Attack;
use super::data::Dataset;
use super::linalg::{dist, dist2, norm, Mat};
use super::problem::{self, GradOpts, Poison, Problem};
use super::rng::{self, Rng};
use super::scenario::{AggSpec, AlgoKind, AttackKind, Curve, DroParams, RsaNorm, Scenario, Schedule};
use super::trace::{Event, Record, Trace};
use std::sync::Arc;

/// Where a run stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Running,
    /// Reached T iterations.
    Finished,
    /// ByzantinePGD declared a second-order stationary point.
    Stationary,
    /// The iterate became non-finite or exploded.
    Diverged(String),
}

impl Status {
    pub fn is_running(&self) -> bool {
        *self == Status::Running
    }
    pub fn label(&self) -> String {
        match self {
            Status::Running => "running".into(),
            Status::Finished => "finished".into(),
            Status::Stationary => "stopped at a declared stationary point".into(),
            Status::Diverged(why) => format!("diverged ({why})"),
        }
    }
}

#[derive(Clone, Debug)]
enum Bpgd {
    Descent,
    Escape { w_tilde: Vec<f64>, start: Vec<f64>, round: usize, t_in: usize },
}

#[derive(Clone, Debug)]
enum Algo {
    Gd,
    OneRound { locals: Option<Mat> },
    Bpgd(Bpgd),
    Pgd { last: Option<usize> },
    Rsa { locals: Mat },
}

/// What one gradient round measured.
struct Round {
    agg_err: f64,
    honest_norm: f64,
    spread: f64,
}

/// One run of one curve.
pub struct Run {
    pub sc: Scenario,
    pub curve: Curve,
    pub q: usize,
    problem: Arc<dyn Problem>,
    agg: Aggregator,
    attack: Attack,
    algo: Algo,
    /// The current iterate (during a ByzantinePGD escape round, the perturbed iterate).
    pub w: Vec<f64>,
    /// Parallel iterations done.
    pub t: usize,
    pub trace: Trace,
    pub status: Status,
    /// Messages of the last round (row i = worker i; rows 0..q Byzantine), after the attack.
    pub msgs: Mat,
    /// The last aggregate.
    pub g: Vec<f64>,
    /// The mean of the last round's honest messages.
    pub honest_mean: Vec<f64>,
    /// In a round whose Byzantine messages were placed by hand, the attack's own messages of the
    /// workers placed (rows 0..k of `msgs` before, flattened).
    pub attack_rows: Option<Vec<f64>>,
    /// The point at which the last round's messages were computed.
    pub msgs_at: Vec<f64>,
    batch_rng: Rng,
    perturb_rng: Rng,
    dro: Option<DroParams>,
    batch: Vec<usize>,
    /// Each worker's momentum mᵢ (worker momentum, `mom` > 0).
    momentum: Option<Mat>,
    /// How many times a classification run evaluates its test metrics at most (the problem's
    /// [`Problem::evals_per_run`]); 0 = only at the start, at events and at the end, for callers that
    /// keep only the final value (sweeps, preset tables).
    pub evals: usize,
    /// ‖w‖ beyond which the run has diverged: [`DIVERGED_GROWTH`]·(1 + ‖w₀‖), at most 1e150.
    limit: f64,
}

/// How far past its start an iterate may go before the run is called diverged: 10¹² times
/// (1 + ‖w₀‖). Every problem here has its optimum within a few hundred of the origin, so only an
/// exploding run (a step size past 2/L, an unbounded attack on a non-robust rule) gets there;
/// one at 10⁶⁰ is no longer a run that "finished".
pub const DIVERGED_GROWTH: f64 = 1e12;

impl Run {
    /// The master's aggregator as the last round left it.
    pub fn aggregator(&self) -> &Aggregator {
        &self.agg
    }

    /// Builds a run of `curve` in scenario `sc`, loading nothing: `problem` comes from
    /// [`problem::build`] (shared between runs with the same data).
    pub fn new(sc: &Scenario, curve: Curve, problem: Arc<dyn Problem>) -> Run {
        let q = sc.byzantine().min(problem.workers());
        let d = problem.dim();
        let m = problem.workers();
        let w = problem.init();
        let limit = (DIVERGED_GROWTH * (1.0 + norm(&w))).min(1e150);
        let algo = match curve.algo {
            AlgoKind::Gd => Algo::Gd,
            AlgoKind::OneRound => Algo::OneRound { locals: None },
            AlgoKind::Bpgd => Algo::Bpgd(Bpgd::Descent),
            AlgoKind::Pgd => Algo::Pgd { last: None },
            AlgoKind::Rsa => {
                let mut locals = Mat::zeros(m, d);
                (0..m).for_each(|i| locals.row_mut(i).copy_from_slice(&w));
                Algo::Rsa { locals }
            }
        };
        let dro = (sc.dro.on && sc.problem.is_classification()).then_some(sc.dro);
        let mut run = Run {
            sc: sc.clone(),
            curve,
            q,
            // What the master's rule is, to attacks that query it (RSA has none: they see the mean).
            agg: Aggregator::for_scenario(sc, curve.rule_or_mean()),
            attack: Attack::new(sc.attack, sc.seed, 0).with_dialect(sc.dialect),
            algo,
            w,
            limit,
            t: 0,
            trace: Trace::default(),
            status: Status::Running,
            msgs: Mat::zeros(m, d),
            g: vec![0.0; d],
            honest_mean: vec![0.0; d],
            attack_rows: None,
            msgs_at: Vec::new(),
            batch_rng: rng::rng(sc.seed, rng::stream::BATCH, 0),
            perturb_rng: rng::rng(sc.seed, rng::stream::PERTURB, 0),
            dro,
            batch: Vec::new(),
            momentum: None,
            evals: problem.evals_per_run(),
            problem,
        };
        if sc.t == 0 {
            run.status = Status::Finished;
        }
        run
    }

    /// Convenience: builds the problem too (no sharing).
    pub fn build(sc: &Scenario, curve: Curve, data: Option<&Arc<Dataset>>) -> Result<Run, String> {
        Ok(Run::new(sc, curve, problem::build(sc, &super::data::Datasets::of(data.cloned()))?))
    }

    pub fn problem(&self) -> &Arc<dyn Problem> {
        &self.problem
    }

    pub fn is_running(&self) -> bool {
        self.status.is_running()
    }

    /// Runs to the end (or divergence / a declared stationary point).
    pub fn run_to_end(&mut self) -> &Trace {
        while self.step() {}
        &self.trace
    }

    /// Step size at iteration t (0-based).
    fn eta(&self) -> f64 {
        match self.sc.sched {
            Schedule::Const => self.sc.eta,
            Schedule::Sqrt => self.sc.eta / ((self.t + 1) as f64).sqrt(),
        }
    }

    fn poison(&self, i: usize) -> Poison {
        if i < self.q {
            self.attack.poison()
        } else {
            Poison::None
        }
    }

    /// How worker i computes its gradients: its data poisoned if it is Byzantine, DRO if it is
    /// honest and DRO is on, on `batch` if given.
    fn grad_opts<'a>(&self, i: usize, batch: Option<&'a [usize]>) -> GradOpts<'a> {
        let honest = i >= self.q;
        GradOpts {
            poison: self.poison(i),
            batch,
            dro: if honest { self.dro } else { None },
            adv: if honest { self.sc.adv } else { 0.0 },
            drop: if honest { self.sc.drop } else { 0.0 },
            sgld: if honest { self.sc.sgld } else { 0.0 },
            quant: honest && self.sc.quant,
            key: rng::key(self.sc.seed, self.t as u64, i as u64),
        }
    }

    /// Draws worker i's next mini-batch into `self.batch`; false when workers use all local data.
    fn draw_batch(&mut self, i: usize) -> bool {
        let bsize = if self.sc.batch > 0 && self.problem.supports_batch() { self.sc.batch } else { 0 };
        if bsize == 0 {
            return false;
        }
        let ni = self.problem.samples(i);
        self.batch.clear();
        for _ in 0..bsize {
            self.batch.push(rng::below(&mut self.batch_rng, ni));
        }
        true
    }

    /// Every worker's message at `point` (rows 0..q then attacked).
    fn compute_messages(&mut self, point: &[f64]) {
        self.msgs_at.clear();
        self.msgs_at.extend_from_slice(point);
        for i in 0..self.problem.workers() {
            let batched = self.draw_batch(i);
            let opts = self.grad_opts(i, batched.then_some(self.batch.as_slice()));
            let (rows, cols) = (self.msgs.rows, self.msgs.cols);
            let row = &mut self.msgs.data[i * cols..(i + 1) * cols];
            self.problem.grad(i, point, &opts, row);
            if self.sc.local > 1 {
                let key = opts.key;
                self.local_steps(i, point, key);
            }
            let row = &mut self.msgs.data[i * cols..(i + 1) * cols];
            if self.sc.mom > 0.0 {
                // mᵢ ← β·mᵢ + (1 − β)·gᵢ from mᵢ = 0, as ByzFL's client does
                // (fed_framework/client.py, get_flat_gradients_with_momentum); the worker sends mᵢ.
                let (beta, m) = (self.sc.mom, self.momentum.get_or_insert_with(|| Mat::zeros(rows, cols)).row_mut(i));
                m.iter_mut().zip(row.iter_mut()).for_each(|(m, g)| {
                    *m = beta * *m + (1.0 - beta) * *g;
                    *g = *m;
                });
            }
        }
        if self.agg.spec.kind == crate::scenario::AggKind::FlTrust {
            self.agg.root = self.root_update(point);
        }
    }

    /// FLTrust's server update at `point`: computed as a worker's is (K = `local` steps, here on
    /// the full root set each time), without momentum; None if the problem has no root set.
    fn root_update(&self, point: &[f64]) -> Option<Vec<f64>> {
        let eta = self.eta();
        let mut g = vec![0.0; point.len()];
        if !self.problem.root_grad(point, &mut g) {
            return None;
        }
        let mut sum = g.clone();
        let mut w = point.to_vec();
        for _ in 1..self.sc.local {
            super::linalg::axpy(-eta, &g, &mut w);
            self.problem.root_grad(&w, &mut g);
            sum.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
        }
        Some(sum)
    }

    /// Local steps (`local` = K > 1): worker i, whose row holds its gradient g₀ at `point`, takes K
    /// local SGD steps wₛ₊₁ = wₛ − η·gₛ (a fresh mini-batch each, the round's η) and sends the model
    /// difference over η, (w₀ − w_K)/η = g₀ + … + g_{K−1}, accumulated as that sum (so η = 0 is
    /// defined); the master's step w − η·agg then applies the aggregated model difference, as
    /// FedAvg's server with learning rate 1 does (McMahan et al. 2017). K = 1 is plain GD. Step s's randomness
    /// (DropConnect, SGLD, quantization) comes from its own key; the regulariser stays at the master.
    fn local_steps(&mut self, i: usize, point: &[f64], key: u64) {
        let cols = self.msgs.cols;
        let eta = self.eta();
        let mut w = point.to_vec();
        let mut g = self.msgs.row(i).to_vec();
        let mut sum = g.clone();
        for s in 1..self.sc.local {
            super::linalg::axpy(-eta, &g, &mut w);
            let batched = self.draw_batch(i);
            let opts = GradOpts {
                key: rng::key(key, s as u64, rng::stream::LOCAL),
                ..self.grad_opts(i, batched.then_some(self.batch.as_slice()))
            };
            self.problem.grad(i, &w, &opts, &mut g);
            sum.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
        }
        self.msgs.data[i * cols..(i + 1) * cols].copy_from_slice(&sum);
    }

    /// Honest mean and spread of rows q..m; then the attack overwrites rows 0..q.
    fn honest_stats_and_attack(&mut self, point: &[f64]) -> (f64, f64) {
        let m = self.msgs.rows;
        super::linalg::mean_rows(&self.msgs, self.q..m, &mut self.honest_mean);
        let h = (m - self.q).max(1) as f64;
        let spread = (self.q..m).map(|i| dist2(self.msgs.row(i), &self.honest_mean)).sum::<f64>() / h;
        let escape = self.problem.escape_direction(point);
        self.attack.apply(&mut self.msgs, self.q, escape.as_deref(), Some(&self.agg));
        // From round hand_t on (this is round t + 1), the messages placed by hand replace the
        // attack's, which are kept for the master's view to compare with.
        self.attack_rows = None;
        if !self.sc.hand.is_empty() && self.q > 0 && self.t + 1 >= self.sc.hand_t.max(1) {
            let k = self.q.min(self.sc.hand.len());
            self.attack_rows = Some((0..k).flat_map(|i| self.msgs.row(i).to_vec()).collect());
            super::attack::place_by_hand(&mut self.msgs, self.q, &self.honest_mean, &self.sc.hand);
        }
        (norm(&self.honest_mean), spread)
    }

    /// One gradient round at `point`: messages, attack, aggregation into `self.g`.
    fn gradient_round(&mut self, point: &[f64]) -> Round {
        self.compute_messages(point);
        let (honest_norm, spread) = self.honest_stats_and_attack(point);
        if self.sc.part < 1.0 {
            // Partial participation: the master hears a uniform sample of the workers this round.
            let m = self.msgs.rows;
            let k = ((self.sc.part * m as f64).ceil() as usize).clamp(1, m);
            let mut idx: Vec<usize> = (0..m).collect();
            rng::shuffle(&mut rng::rng(self.sc.seed, rng::stream::PARTICIPATE, self.t as u64), &mut idx);
            idx.truncate(k);
            idx.sort_unstable();
            self.agg.aggregate(&self.msgs.select(&idx), &mut self.g);
        } else {
            self.agg.aggregate(&self.msgs, &mut self.g);
        }
        // The oracle-level attack replaces the aggregate only when there are Byzantine workers.
        if self.attack.kind() == AttackKind::Oracle && self.q > 0 {
            if let (Some(g), Some(e)) = (self.problem.exact_grad(point, self.q), self.problem.escape_direction(point)) {
                self.g = self.attack.oracle(&g, &e);
            }
        }
        let agg_err = dist(&self.g, &self.honest_mean);
        add_regulariser(&self.sc, point, &mut self.g);
        Round { agg_err, honest_norm, spread }
    }

    /// Test-set metrics of classification problems cost about as much as a gradient round, so they
    /// are evaluated at most ~200 times per run (fewer where the problem says so; and always at the
    /// start, at events and at the end).
    fn eval_due(&self, event: Event) -> bool {
        if !self.sc.problem.is_classification() || event != Event::None || self.t == 0 || !self.status.is_running() || self.t >= self.sc.t {
            return true;
        }
        self.evals > 0 && self.t.is_multiple_of(self.sc.t.div_ceil(self.evals).max(1))
    }

    fn record(&mut self, point: &[f64], round: Option<&Round>, event: Event) {
        let e = if event == Event::Diverged {
            // The iterate is no longer finite: report an infinite error, not NaN garbage.
            super::problem::Eval { err: f64::INFINITY, loss: f64::INFINITY, grad_norm: f64::INFINITY, ..super::problem::Eval::NONE }
        } else if self.eval_due(event) {
            self.problem.eval(point, self.q)
        } else {
            super::problem::Eval::NONE
        };
        let grad_norm = if e.grad_norm.is_finite() { e.grad_norm } else { round.map_or(f64::NAN, |r| r.honest_norm) };
        let w = [point.first().copied().unwrap_or(f64::NAN), point.get(1).copied().unwrap_or(f64::NAN)];
        self.trace.push(Record {
            t: self.t,
            err: e.err,
            loss: e.loss,
            acc: e.acc,
            train_acc: e.train_acc,
            train_loss: e.train_loss,
            diversity: e.diversity,
            grad_norm,
            agg_err: round.map_or(f64::NAN, |r| r.agg_err),
            spread: round.map_or(f64::NAN, |r| r.spread),
            w,
            event,
        });
    }

    /// Marks divergence if the iterate is no longer finite or has exploded. Returns true if so.
    fn check_divergence(&mut self) -> bool {
        let n = norm(&self.w);
        if n.is_finite() && n < self.limit {
            return false;
        }
        let why = if n.is_finite() { format!("‖w‖ > {:.0e}", self.limit) } else { "non-finite iterate".into() };
        self.status = Status::Diverged(why);
        let w = self.w.clone();
        self.record(&w, None, Event::Diverged);
        true
    }

    fn project(&mut self) {
        if self.sc.proj > 0.0 {
            let n = norm(&self.w);
            if n > self.sc.proj {
                let s = self.sc.proj / n;
                self.w.iter_mut().for_each(|v| *v *= s);
            }
        }
    }

    /// One parallel iteration. Returns false once the run has stopped.
    pub fn step(&mut self) -> bool {
        if !self.status.is_running() {
            return false;
        }
        match std::mem::replace(&mut self.algo, Algo::Gd) {
            Algo::Gd => {
                self.gd_step();
                self.algo = Algo::Gd;
            }
            Algo::Pgd { last } => {
                let last = self.pgd_step(last);
                self.algo = Algo::Pgd { last };
            }
            Algo::Bpgd(state) => {
                let state = self.bpgd_step(state);
                self.algo = Algo::Bpgd(state);
            }
            Algo::OneRound { locals } => {
                let locals = self.one_round_step(locals);
                self.algo = Algo::OneRound { locals };
            }
            Algo::Rsa { locals } => {
                let locals = self.rsa_step(locals);
                self.algo = Algo::Rsa { locals };
            }
        }
        if self.status.is_running() && self.check_divergence() {
            return false;
        }
        if self.status.is_running() && self.t >= self.sc.t {
            self.status = Status::Finished;
            let w = self.w.clone();
            self.record(&w, None, Event::None);
        }
        self.status.is_running()
    }

    fn descend(&mut self) {
        let eta = self.eta();
        let g = std::mem::take(&mut self.g);
        super::linalg::axpy(-eta, &g, &mut self.w);
        self.g = g;
        self.project();
    }

    fn gd_step(&mut self) {
        let w = self.w.clone();
        let round = self.gradient_round(&w);
        self.record(&w, Some(&round), Event::None);
        self.descend();
        self.t += 1;
    }

    fn pgd_step(&mut self, last: Option<usize>) -> Option<usize> {
        let w = self.w.clone();
        let round = self.gradient_round(&w);
        let small = norm(&self.g) <= self.sc.bpgd.eps;
        let due = last.is_none_or(|l| self.t - l >= self.sc.bpgd.tth);
        if small && due {
            self.record(&w, Some(&round), Event::Perturb);
            let p = rng::in_ball(&mut self.perturb_rng, w.len(), self.sc.bpgd.r);
            super::linalg::axpy(1.0, &p, &mut self.w);
            self.t += 1;
            return Some(self.t - 1);
        }
        self.record(&w, Some(&round), Event::None);
        self.descend();
        self.t += 1;
        last
    }

    fn perturbed(&mut self, w_tilde: &[f64]) -> Vec<f64> {
        let p = rng::in_ball(&mut self.perturb_rng, w_tilde.len(), self.sc.bpgd.r);
        w_tilde.iter().zip(&p).map(|(a, b)| a + b).collect()
    }

    fn bpgd_step(&mut self, state: Bpgd) -> Bpgd {
        let w = self.w.clone();
        let round = self.gradient_round(&w);
        let eta = self.eta();
        self.t += 1;
        match state {
            Bpgd::Descent => {
                if norm(&self.g) <= self.sc.bpgd.eps {
                    // Start escape round 1 from w̃ = w.
                    self.trace_at(&w, &round, Event::Perturb);
                    let start = self.perturbed(&w);
                    self.w = start.clone();
                    Bpgd::Escape { w_tilde: w, start, round: 1, t_in: 0 }
                } else {
                    self.trace_at(&w, &round, Event::None);
                    super::linalg::axpy(-eta, &self.g.clone(), &mut self.w);
                    self.project();
                    Bpgd::Descent
                }
            }
            Bpgd::Escape { w_tilde, start, round: k, t_in } => {
                if dist(&w, &start) >= self.sc.bpgd.big_r {
                    self.trace_at(&w, &round, Event::Escaped);
                    super::linalg::axpy(-eta, &self.g.clone(), &mut self.w);
                    self.project();
                    Bpgd::Descent
                } else if t_in >= self.sc.bpgd.tth {
                    if k >= self.sc.bpgd.q_rounds {
                        self.trace_at(&w, &round, Event::None);
                        self.w = w_tilde;
                        self.status = Status::Stationary;
                        let wt = self.w.clone();
                        self.record(&wt, None, Event::Stationary);
                        Bpgd::Descent
                    } else {
                        self.trace_at(&w, &round, Event::Perturb);
                        let start = self.perturbed(&w_tilde);
                        self.w = start.clone();
                        Bpgd::Escape { w_tilde, start, round: k + 1, t_in: 0 }
                    }
                } else {
                    self.trace_at(&w, &round, Event::None);
                    super::linalg::axpy(-eta, &self.g.clone(), &mut self.w);
                    self.project();
                    Bpgd::Escape { w_tilde, start, round: k, t_in: t_in + 1 }
                }
            }
        }
    }

    /// Records the point of the round just done (its index is t − 1).
    fn trace_at(&mut self, w: &[f64], round: &Round, event: Event) {
        self.t -= 1;
        self.record(w, Some(round), event);
        self.t += 1;
    }

    fn one_round_step(&mut self, locals: Option<Mat>) -> Option<Mat> {
        let m = self.problem.workers();
        let d = self.problem.dim();
        let mut locals = match locals {
            Some(l) => l,
            None => {
                let closed: Option<Vec<Vec<f64>>> = (0..m).map(|i| self.problem.local_erm(i, self.poison(i))).collect();
                if let Some(rows) = closed {
                    // Closed-form local ERMs: the whole algorithm is one round of communication.
                    let w0 = self.w.clone();
                    self.record(&w0, None, Event::None);
                    self.msgs = Mat::from_rows(&rows);
                    self.finish_one_round();
                    self.t = self.sc.t;
                    return None;
                }
                let w0 = self.problem.init();
                let mut l = Mat::zeros(m, d);
                (0..m).for_each(|i| l.row_mut(i).copy_from_slice(&w0));
                l
            }
        };
        // Record the current one-round output, then take one local GD step on every worker.
        let w = self.w.clone();
        self.record(&w, None, Event::None);
        let eta = self.eta();
        let mut g = vec![0.0; d];
        for i in 0..m {
            let opts = self.grad_opts(i, None);
            let xi = locals.row(i).to_vec();
            self.problem.grad(i, &xi, &opts, &mut g);
            add_regulariser(&self.sc, &xi, &mut g);
            super::linalg::axpy(-eta, &g, locals.row_mut(i));
        }
        self.msgs = locals.clone();
        self.finish_one_round();
        self.t += 1;
        Some(locals)
    }

    /// Attacks the local models in `self.msgs` and aggregates them into the iterate.
    fn finish_one_round(&mut self) -> f64 {
        let w = self.w.clone();
        let (_, spread) = self.honest_stats_and_attack(&w);
        self.agg.aggregate(&self.msgs, &mut self.g);
        self.w = self.g.clone();
        self.project();
        spread
    }

    fn rsa_step(&mut self, mut locals: Mat) -> Mat {
        let m = self.problem.workers();
        let d = self.problem.dim();
        let lam = self.sc.rsa.lam;
        let eta = self.eta();
        // Messages: every worker's local model; the Byzantine ones are then attacked.
        self.msgs = locals.clone();
        let x0 = self.w.clone();
        let (_, spread) = self.honest_stats_and_attack(&x0);
        let mut sub = vec![0.0; d];
        // Master: x₀ ← x₀ − α(∇f₀(x₀) + λ Σᵢ ∂‖x₀ − zᵢ‖_p).
        let mut step = vec![0.0; d];
        add_regulariser(&self.sc, &x0, &mut step);
        for i in 0..m {
            let u: Vec<f64> = x0.iter().zip(self.msgs.row(i)).map(|(a, b)| a - b).collect();
            norm_subgradient(self.sc.rsa.norm, &u, &mut sub);
            super::linalg::axpy(lam, &sub, &mut step);
        }
        let agg_err = dist(&x0, &self.honest_mean);
        self.record(&x0, Some(&Round { agg_err, honest_norm: f64::NAN, spread }), Event::None);
        super::linalg::axpy(-eta, &step, &mut self.w);
        self.project();
        // Workers: xᵢ ← xᵢ − α(∇Fᵢ(xᵢ) + λ ∂‖xᵢ − x₀‖_p), with the old x₀.
        let mut g = vec![0.0; d];
        for i in 0..m {
            let xi = locals.row(i).to_vec();
            let batched = self.draw_batch(i);
            let opts = self.grad_opts(i, batched.then_some(self.batch.as_slice()));
            self.problem.grad(i, &xi, &opts, &mut g);
            let u: Vec<f64> = xi.iter().zip(&x0).map(|(a, b)| a - b).collect();
            norm_subgradient(self.sc.rsa.norm, &u, &mut sub);
            let row = locals.row_mut(i);
            for k in 0..d {
                row[k] -= eta * (g[k] + lam * sub[k]);
            }
        }
        self.t += 1;
        locals
    }

    /// The last record (the current iterate's metrics).
    /// Makes this run follow a copy of it computed elsewhere (the page's workers), which called
    /// `trace.tap()` from its start: takes the records that copy pushed since the last call, its
    /// iteration count and its status. The trace is then the one the copy has; the rest of this
    /// run's state (iterate, messages, random streams) stays as it was, so a followed run is never
    /// stepped here.
    pub fn follow(&mut self, records: Vec<Record>, t: usize, status: Status) {
        records.into_iter().for_each(|r| self.trace.push(r));
        self.t = t;
        self.status = status;
    }

    pub fn last(&self) -> Option<&Record> {
        self.trace.last()
    }

    /// The headline final metric (error, or test error), +∞ if the run diverged.
    pub fn final_metric(&self) -> f64 {
        if matches!(self.status, Status::Diverged(_)) {
            return f64::INFINITY;
        }
        self.trace.last().map_or(f64::NAN, |r| r.headline())
    }

    /// The full-resolution trace as CSV, replaying the run from the start (runs are deterministic).
    pub fn csv(&self) -> String {
        let mut replay = Run::new(&self.sc, self.curve, self.problem.clone());
        replay.trace = Trace::with_capacity(usize::MAX / 4);
        while replay.t < self.t && replay.step() {}
        let mut out = String::from(Record::CSV_HEADER);
        out.push('\n');
        for r in replay.trace.records() {
            out.push_str(&r.csv_row());
            out.push('\n');
        }
        out
    }
}

/// Adds the regularisers' (sub)gradient at `point` to `g`: l2·point + l1·sign(point), sign(0) = 0.
fn add_regulariser(sc: &Scenario, point: &[f64], g: &mut [f64]) {
    if sc.l2 > 0.0 {
        super::linalg::axpy(sc.l2, point, g);
    }
    if sc.l1 > 0.0 {
        for (gi, &p) in g.iter_mut().zip(point) {
            if p != 0.0 {
                *gi += sc.l1 * p.signum();
            }
        }
    }
}

/// A subgradient of ‖u‖_p at u (p = 1, 2, ∞), robust to non-finite entries (treated by their sign,
/// NaN as 0), so an infinite message moves the master by at most λ per coordinate.
pub fn norm_subgradient(p: RsaNorm, u: &[f64], out: &mut [f64]) {
    let sign = |x: f64| {
        if x > 0.0 {
            1.0
        } else if x < 0.0 {
            -1.0
        } else {
            0.0
        }
    };
    match p {
        RsaNorm::L1 => out.iter_mut().zip(u).for_each(|(o, x)| *o = sign(*x)),
        RsaNorm::L2 => {
            let n = norm(u);
            if n.is_finite() && n > 0.0 {
                out.iter_mut().zip(u).for_each(|(o, x)| *o = x / n);
            } else if n == 0.0 {
                out.iter_mut().for_each(|o| *o = 0.0);
            } else {
                // Infinite or NaN: the direction of the infinite coordinates.
                let inf: Vec<f64> = u.iter().map(|x| if x.is_infinite() { sign(*x) } else { 0.0 }).collect();
                let k = norm(&inf);
                out.iter_mut().zip(&inf).for_each(|(o, x)| *o = if k > 0.0 { x / k } else { 0.0 });
            }
        }
        RsaNorm::Linf => {
            out.iter_mut().for_each(|o| *o = 0.0);
            let key = |x: f64| if x.is_nan() { -1.0 } else { x.abs() };
            if let Some((j, x)) = u.iter().enumerate().max_by(|a, b| key(*a.1).total_cmp(&key(*b.1)).then(b.0.cmp(&a.0))) {
                out[j] = sign(*x);
            }
        }
    }
}

/// The stuck band of a saddle problem: the interval [lo, hi] of w₂ (at w₁ = 0) around the saddle
/// where the attacked aggregate has no component along the escape direction, so gradient steps
/// cannot leave it. It is measured by probing the master's rule under the scenario's attack: from
/// w₂ = 0 outwards in steps of `half_width`/256 to the first probe that is not stuck, then bisecting
/// that step down to `tol`. Only the part connected to the saddle counts: the minima (0, ±1) are
/// zeros of ∇F too, so they are "stuck" as well, but they are not part of the trap. None if the
/// saddle itself (w₂ = 0) is not stuck.
pub fn stuck_band(sc: &Scenario, spec: AggSpec, problem: Arc<dyn Problem>, half_width: f64, tol: f64) -> Option<(f64, f64)> {
    let mut probe = Run::new(sc, Curve::gd(spec), problem.clone());
    let e = problem.escape_direction(&[0.0, 0.0])?;
    let mut stuck = |w2: f64| {
        let p = [0.0, w2];
        probe.gradient_round(&p);
        super::linalg::dot(&probe.g, &e).abs() <= 1e-9
    };
    if !stuck(0.0) {
        return None;
    }
    const SCAN_STEPS: usize = 256;
    let step = half_width / SCAN_STEPS as f64;
    let mut edge = |sign: f64| {
        let mut inside = 0.0;
        let mut outside = None;
        for k in 1..=SCAN_STEPS {
            let y = k as f64 * step;
            if stuck(sign * y) {
                inside = y;
            } else {
                outside = Some(y);
                break;
            }
        }
        let Some(mut outside) = outside else { return sign * half_width };
        while outside - inside > tol {
            let mid = 0.5 * (inside + outside);
            if stuck(sign * mid) {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        sign * inside
    };
    let hi = edge(1.0);
    let lo = edge(-1.0);
    Some((lo, hi))
}
