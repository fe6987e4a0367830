//! Sweeps: a grid of (axis value × curve × seed) runs, advanced a bounded number of iterations at
//! a time so a UI can show progress, reporting the final error of each cell with its spread. The
//! breakdown view sweeps α; the rates view sweeps n or m; the batch-size view sweeps the mini-batch
//! at a fixed number of gradient updates ([`Axis::batch_at`]).

use super::problem::Cache;
use super::run::Run;
use super::scenario::{param, Curve, Param, Scenario};

/// What the sweep varies: one or more numeric parameters (α, or α and β together) and their values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub params: Vec<&'static Param>,
    pub values: Vec<f64>,
    /// A fixed number U of gradient updates per worker, as in Lemma 2.1 of Yin's thesis: at each
    /// point the run takes T = ⌈U / b⌉ iterations of the base's serial step size η on the sum of the
    /// b gradients of a mini-batch (the thesis's mini-batch SGD), that is η·b on their mean, b the
    /// point's mini-batch (0 = all n). The lemma compares the training loss at equal updates
    /// ([`Measure::TrainLoss`]).
    pub updates: Option<usize>,
    /// Attacks crossed with the values (empty: the base's attack alone): point i takes value
    /// i / |attacks| and attack i mod |attacks|, so a view can keep, per value and curve, the worst
    /// of them ([`Sweep::worst`]).
    pub attacks: Vec<super::scenario::AttackKind>,
    /// A second parameter crossed with every value (the worst-case map's heterogeneity axis), and
    /// its values: point i takes value i / (|by| · |attacks|), by-value (i / |attacks|) mod |by|
    /// and attack i mod |attacks|.
    pub by: Option<(&'static Param, Vec<f64>)>,
}

impl Axis {
    /// An axis over the numeric parameters with these keys, joined by `+` (`alpha+beta`: both take
    /// each value). Fails on an unknown or non-numeric key.
    pub fn on(keys: &str, values: Vec<f64>) -> Result<Axis, String> {
        let params = keys
            .split('+')
            .map(|k| match param(k) {
                Some(p) if p.is_numeric() || numeric_choice(p) => Ok(p),
                Some(_) => Err(format!("“{k}” is not a numeric parameter")),
                None => Err(format!("unknown parameter “{k}”")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Axis { params, values, updates: None, attacks: Vec::new(), by: None })
    }
    /// An axis over parameters of the table, known to be numeric (else a panic).
    pub fn known(keys: &str, values: Vec<f64>) -> Axis {
        Axis::on(keys, values).expect("a numeric parameter of the table")
    }
    /// Samples per worker n.
    pub fn n(values: Vec<f64>) -> Axis {
        Axis::known("n", values)
    }
    /// Workers m.
    pub fn m(values: Vec<f64>) -> Axis {
        Axis::known("m", values)
    }
    /// Evenly spaced α values lo, lo + step, ..., ≤ hi.
    pub fn alpha_range(lo: f64, hi: f64, step: f64) -> Axis {
        let k = (((hi - lo) / step) + 1e-9).floor().max(0.0) as usize;
        Axis::known("alpha", (0..=k).map(|i| ((lo + i as f64 * step) * 1e12).round() / 1e12).collect())
    }
    /// The mini-batch per worker at a fixed number of gradient updates per worker (see
    /// [`Axis::updates`]).
    pub fn batch_at(updates: usize, values: Vec<f64>) -> Axis {
        Axis { updates: Some(updates.max(1)), ..Axis::known("batch", values) }
    }
    /// The same axis, each value crossed with these attacks.
    pub fn crossed_with(self, attacks: Vec<super::scenario::AttackKind>) -> Axis {
        Axis { attacks, ..self }
    }
    /// The same axis, each value crossed with these values of numeric parameter `key` (fails on
    /// an unknown or non-numeric key).
    pub fn by(self, key: &str, values: Vec<f64>) -> Result<Axis, String> {
        let p = Axis::on(key, Vec::new())?.params[0];
        Ok(Axis { by: Some((p, values)), ..self })
    }
    /// How many values of the second parameter each value is crossed with (1 without).
    pub fn by_len(&self) -> usize {
        self.by.as_ref().map_or(1, |b| b.1.len().max(1))
    }
    /// How many points each value has: its second-parameter values times the attacks.
    pub fn per_value(&self) -> usize {
        self.by_len() * self.per_group()
    }
    /// How many attacks each (value, second value) group is crossed with (1 without).
    pub fn per_group(&self) -> usize {
        self.attacks.len().max(1)
    }
    /// How many (value, second value) groups there are (the worst case is taken within each).
    pub fn groups(&self) -> usize {
        self.values.len() * self.by_len()
    }
    /// The second parameter's value at point i, if the axis has one.
    pub fn by_value(&self, i: usize) -> Option<f64> {
        self.by.as_ref().map(|(_, v)| v[(i / self.per_group()) % self.by_len()])
    }
    pub fn len(&self) -> usize {
        self.values.len() * self.per_value()
    }
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    pub fn value(&self, i: usize) -> f64 {
        self.values[i / self.per_value()]
    }
    /// The keys, joined by `+`.
    pub fn name(&self) -> String {
        self.params.iter().map(|p| p.key).collect::<Vec<_>>().join("+")
    }
    /// The scenario at point i (values are clamped to each parameter's domain).
    pub fn apply(&self, base: &Scenario, i: usize) -> Scenario {
        let mut s = base.clone();
        let v = self.value(i);
        for p in &self.params {
            if p.is_numeric() {
                p.set_num(&mut s, v);
            } else {
                let _ = p.set(&mut s, &super::scenario::fmt_f64(v));
            }
        }
        if let (Some((p, _)), Some(v)) = (&self.by, self.by_value(i)) {
            p.set_num(&mut s, v);
        }
        if let Some(&a) = self.attacks.get(i % self.per_group()) {
            s.attack.kind = a;
            s.sanitize();
        }
        if let Some(u) = self.updates {
            let b = if s.batch == 0 { s.n } else { s.batch }.max(1);
            s.t = u.div_ceil(b).clamp(1, super::scenario::T_MAX);
            s.eta = base.eta * b as f64;
        }
        s
    }
}

/// A choice parameter whose options are numbers (`pix=196|784|3136`): an axis can take its values.
fn numeric_choice(p: &Param) -> bool {
    let options = p.domain.options();
    matches!(p.domain, super::scenario::Domain::Choice(_)) && options.iter().all(|(k, _)| k.parse::<f64>().is_ok())
}

/// What a sweep reports of each run: one value, or a few (the first is the plotted one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// The final headline error ([`super::trace::Record::headline`]).
    Headline,
    /// The final training loss (+∞ if the run diverged).
    TrainLoss,
    /// A linear classifier's generalization gap, training − test accuracy (under adversarial
    /// training and an ℓ∞ test shift, the adversarial gap of Yin's thesis ch. 5), then Theorem 5.2's
    /// term εW·d^{1/q}/√n for p = 1 and for p = 2 on the trained weights
    /// ([`super::theory::adversarial_term`]).
    Gap,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Headline, Measure::TrainLoss, Measure::Gap];

    /// Its name in a job's spec.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Headline => "headline",
            Measure::TrainLoss => "train_loss",
            Measure::Gap => "gap",
        }
    }

    pub fn from_key(key: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The CSV names of the values after the first.
    pub fn extras(self) -> &'static [&'static str] {
        match self {
            Measure::Gap => &["bound_p1", "bound_p2"],
            _ => &[],
        }
    }

    /// This measure of a finished run (+∞ first if it diverged).
    pub fn of(self, run: &Run) -> Vec<f64> {
        let last = run.trace.last();
        let diverged = run.final_metric().is_infinite();
        match self {
            Measure::Headline => vec![run.final_metric()],
            _ if diverged => std::iter::once(f64::INFINITY).chain(self.extras().iter().map(|_| f64::NAN)).collect(),
            Measure::TrainLoss => vec![last.map_or(f64::NAN, |r| r.train_loss)],
            Measure::Gap => {
                let sc = &run.sc;
                let term = |p| super::theory::adversarial_term(sc.adv, &run.w, sc.problem.classes(), sc.m * sc.n, p);
                vec![last.map_or(f64::NAN, |r| r.train_acc - r.acc), term(1.0), term(2.0)]
            }
        }
    }
}

/// Summary of one cell's runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub count: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Runs that diverged (their error is +∞ and not in the mean).
    pub diverged: usize,
}

impl Cell {
    fn of(v: &[f64]) -> Option<Cell> {
        if v.is_empty() {
            return None;
        }
        let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let diverged = v.len() - finite.len();
        let (mean, min, max) = if finite.is_empty() {
            (f64::INFINITY, f64::INFINITY, f64::INFINITY)
        } else {
            let mean = finite.iter().sum::<f64>() / finite.len() as f64;
            let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let max = if diverged > 0 { f64::INFINITY } else { finite.iter().copied().fold(f64::NEG_INFINITY, f64::max) };
            (mean, min, max)
        };
        Some(Cell { count: v.len(), mean, min, max, diverged })
    }
}

/// An incremental sweep.
pub struct Sweep {
    pub base: Scenario,
    pub axis: Axis,
    pub curves: Vec<Curve>,
    pub seeds: Vec<u64>,
    /// Jobs in the order they run: seed-major, so every cell gets a first value early.
    jobs: Vec<(usize, usize, usize)>,
    next: usize,
    current: Option<Run>,
    /// What each run reports.
    pub measure: Measure,
    /// results[axis][curve] = the measure's values of each finished seed.
    results: Vec<Vec<Vec<Vec<f64>>>>,
    error: Option<String>,
}

impl Sweep {
    pub fn new(base: &Scenario, axis: Axis, curves: Vec<Curve>, seeds: Vec<u64>) -> Sweep {
        let mut jobs = Vec::new();
        for s in 0..seeds.len() {
            for a in 0..axis.len() {
                for g in 0..curves.len() {
                    jobs.push((a, g, s));
                }
            }
        }
        let results = vec![vec![Vec::new(); curves.len()]; axis.len()];
        Sweep { base: base.clone(), axis, curves, seeds, jobs, next: 0, current: None, measure: Measure::Headline, results, error: None }
    }

    /// The same sweep, reporting `measure` of each run.
    pub fn measuring(self, measure: Measure) -> Sweep {
        Sweep { measure, ..self }
    }

    /// (finished runs, total runs).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.jobs.len())
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.jobs.len() || self.error.is_some()
    }

    /// Stops the sweep with an error (a job failed elsewhere).
    pub fn fail(&mut self, error: String) {
        self.error = Some(error);
    }

    /// Why the sweep stopped early (the problem could not be built).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The scenario of job (axis point a, seed s).
    fn scenario(&self, a: usize, s: usize) -> Scenario {
        let mut sc = self.axis.apply(&self.base, a);
        sc.seed = self.seeds[s];
        sc
    }

    /// Runs at most `budget` iterations (at least one run step), building problems through
    /// `problems`. Returns the iterations done.
    pub fn advance(&mut self, budget: usize, problems: &mut Cache) -> usize {
        let mut done = 0;
        while done < budget.max(1) && !self.is_done() {
            if self.current.is_none() {
                let (sc, curve) = self.job(self.next);
                match Sweep::start_job(&sc, curve, problems) {
                    Ok(run) => self.current = Some(run),
                    Err(e) => {
                        self.error = Some(e);
                        return done;
                    }
                }
            }
            done += 1;
            if let Some(v) = Sweep::step_job(self.current.as_mut().expect("current run"), self.measure) {
                self.current = None;
                self.record(&[v]);
            }
        }
        done
    }

    /// The number of runs (jobs) of the sweep.
    pub fn job_count(&self) -> usize {
        self.jobs.len()
    }

    /// Job i: its scenario and curve. Jobs are independent runs, so any set of them can run
    /// anywhere, in any order; [`Sweep::record`] puts each result where it belongs.
    pub fn job(&self, i: usize) -> (Scenario, Curve) {
        let (a, g, s) = self.jobs[i];
        (self.scenario(a, s), self.curves[g])
    }

    /// A job's run, ready to step (see [`Sweep::step_job`]).
    pub fn start_job(sc: &Scenario, curve: Curve, problems: &mut Cache) -> Result<Run, String> {
        let mut run = Run::new(sc, curve, problems.get(sc)?);
        run.trace = super::trace::Trace::with_capacity(4);
        // Only the final value is kept: the test metrics are evaluated at the end only.
        run.evals = 0;
        Ok(run)
    }

    /// One step of a job's run (or of its problem's preparation); the job's result, its `measure`,
    /// once the run is over.
    pub fn step_job(run: &mut Run, measure: Measure) -> Option<Vec<f64>> {
        if !run.problem().prepare(1) || run.step() {
            return None;
        }
        Some(measure.of(run))
    }

    /// The final metric of job i's run, run to the end (what [`Sweep::advance`] records for it).
    pub fn run_job(sc: &Scenario, curve: Curve, measure: Measure, problems: &mut Cache) -> Result<Vec<f64>, String> {
        let mut run = Sweep::start_job(sc, curve, problems)?;
        loop {
            if let Some(v) = Sweep::step_job(&mut run, measure) {
                return Ok(v);
            }
        }
    }

    /// Records the results of jobs `next..next + values.len()` (each job's values of the measure),
    /// run elsewhere, in job order: the sweep then is exactly as if it had run them itself.
    pub fn record(&mut self, values: &[Vec<f64>]) {
        for v in values {
            if self.is_done() {
                break;
            }
            let (a, g, _) = self.jobs[self.next];
            self.results[a][g].push(v.clone());
            self.next += 1;
        }
        self.current = None;
    }

    /// Runs every job on `threads` threads (native only): the same results, bit for bit, as
    /// [`Sweep::run_to_end`], since every job is an independent, seeded run.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_parallel(&mut self, threads: usize, data: super::data::Datasets) -> Result<(), String> {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().map_err(|e| e.to_string())?;
        let jobs: Vec<(Scenario, Curve)> = (self.next..self.jobs.len()).map(|i| self.job(i)).collect();
        let measure = self.measure;
        let values: Vec<Vec<f64>> = pool.install(|| {
            jobs.par_iter()
                .map_init(|| Cache::with_data(data.clone()), |cache, (sc, c)| Sweep::run_job(sc, *c, measure, cache))
                .collect::<Result<Vec<Vec<f64>>, String>>()
        })?;
        self.record(&values);
        Ok(())
    }

    /// Runs everything.
    pub fn run_to_end(&mut self, problems: &mut Cache) {
        while !self.is_done() {
            self.advance(usize::MAX, problems);
        }
    }

    /// The summary of cell (axis point a, curve g), once at least one seed has finished.
    pub fn cell(&self, a: usize, g: usize) -> Option<Cell> {
        self.cell_of(a, g, 0)
    }

    /// The summary of value k of the measure at cell (a, g).
    pub fn cell_of(&self, a: usize, g: usize, k: usize) -> Option<Cell> {
        Cell::of(&self.results[a][g].iter().filter_map(|v| v.get(k).copied()).collect::<Vec<f64>>())
    }

    /// For a sweep crossed with attacks: per group ((value, second value) index, see
    /// [`Axis::groups`]; the value index without a second parameter) and curve, the attack whose
    /// mean final value is the largest (a diverged run counts as +∞) and its cell; None where no
    /// attack has a finished run yet.
    pub fn worst(&self, v: usize, g: usize) -> Option<(super::scenario::AttackKind, Cell)> {
        let k = self.axis.per_group();
        (0..k)
            .filter_map(|j| {
                let c = self.cell(v * k + j, g)?;
                let attack = self.axis.attacks.get(j).copied().unwrap_or(self.base.attack.kind);
                Some((attack, c))
            })
            .max_by(|a, b| a.1.mean.total_cmp(&b.1.mean))
    }

    /// CSV: axis value, curve, seed count, mean, min, max, diverged.
    pub fn csv(&self) -> String {
        let extras: String = self.measure.extras().iter().map(|e| format!(",{e}")).collect();
        let crossed = !self.axis.attacks.is_empty();
        let by = self.axis.by.as_ref().map_or(String::new(), |(p, _)| format!(",{}", p.key));
        let mut out = format!("{}{by}{},agg,runs,mean,min,max,diverged{extras}\n", self.axis.name(), if crossed { ",attack" } else { "" });
        for a in 0..self.axis.len() {
            let attack = if crossed { format!(",{}", self.axis.attacks[a % self.axis.per_group()].key()) } else { String::new() };
            let by = self.axis.by_value(a).map_or(String::new(), |v| format!(",{v}"));
            for (g, curve) in self.curves.iter().enumerate() {
                if let Some(c) = self.cell(a, g) {
                    let extras: String = (1..=self.measure.extras().len())
                        .map(|k| format!(",{:e}", self.cell_of(a, g, k).map_or(f64::NAN, |c| c.mean)))
                        .collect();
                    out.push_str(&format!(
                        "{}{by}{attack},{},{},{:e},{:e},{:e},{}{extras}\n",
                        self.axis.value(a),
                        curve.key(),
                        c.count,
                        c.mean,
                        c.min,
                        c.max,
                        c.diverged
                    ));
                }
            }
        }
        out
    }
}
