//! The laboratory: what the app shows, as plain Rust (no web dependency). It owns a scenario, the
//! runs and sweeps behind the five views, advances them in small budgets (so a UI can time-slice
//! them per animation frame), and turns their state into the plots' data structs, CSV and SVG.
//! The Yew components only forward user input here and draw what comes back.

pub mod presets;
mod views;

pub use views::{explanation, ViewText};

use crate::engine::data::Dataset;
use crate::engine::problem::{self, data_key, Problem};
use crate::engine::run::{stuck_band, Run};
use crate::engine::scenario::{AggKind, AggSpec, AlgoKind, ProblemKind, Scenario};
use crate::engine::sweep::{Axis, Sweep};
use crate::engine::theory;
use crate::plots::{self, Style};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Arc;

/// The five views, in the order of their keyboard shortcuts 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Curves,
    Saddle,
    Breakdown,
    Master,
    Rates,
}

impl View {
    pub const ALL: [View; 5] = [View::Curves, View::Saddle, View::Breakdown, View::Master, View::Rates];
    pub fn key(self) -> &'static str {
        match self {
            View::Curves => "curves",
            View::Saddle => "saddle",
            View::Breakdown => "breakdown",
            View::Master => "master",
            View::Rates => "rates",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            View::Curves => "Error curves",
            View::Saddle => "Saddle escape",
            View::Breakdown => "Breakdown",
            View::Master => "What the master sees",
            View::Rates => "Rates",
        }
    }
    pub fn from_key(s: &str) -> Option<View> {
        View::ALL.iter().copied().find(|v| v.key() == s)
    }
}

/// The quantity the error-curves view plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Error,
    Accuracy,
    Loss,
    AggError,
    GradNorm,
}

impl Metric {
    pub const ALL: [Metric; 5] = [Metric::Error, Metric::Accuracy, Metric::Loss, Metric::AggError, Metric::GradNorm];
    pub fn key(self) -> &'static str {
        match self {
            Metric::Error => "error",
            Metric::Accuracy => "accuracy",
            Metric::Loss => "loss",
            Metric::AggError => "aggerr",
            Metric::GradNorm => "gradnorm",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Metric::Error => "‖w − w*‖",
            Metric::Accuracy => "test accuracy",
            Metric::Loss => "loss",
            Metric::AggError => "‖ĝ − honest mean‖",
            Metric::GradNorm => "‖∇F(w)‖",
        }
    }
    pub fn from_key(s: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.key() == s)
    }
    /// Whether the metric applies to a problem.
    pub fn applies(self, p: ProblemKind) -> bool {
        match self {
            Metric::Error => !p.is_classification(),
            Metric::Accuracy => p.is_classification(),
            _ => true,
        }
    }
    pub fn default_for(p: ProblemKind) -> Metric {
        if p.is_classification() {
            Metric::Accuracy
        } else {
            Metric::Error
        }
    }
}

/// The x axis of the rates view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatesAxis {
    N,
    M,
}

/// Seeds per saddle-view algorithm.
pub const SADDLE_SEEDS: u64 = 12;
/// Seeds per breakdown and rates cell.
pub const SWEEP_SEEDS: u64 = 3;
/// Iterations cap of sweep runs (each cell is one run).
pub const SWEEP_T_MAX: usize = 1000;

/// The saddle view's runs: robust GD and ByzantinePGD from several seeds.
pub(crate) struct SaddleLab {
    sc: Scenario,
    spec: AggSpec,
    gd: Vec<Run>,
    bpgd: Vec<Run>,
    /// P_stuck of each seed (from the measured stuck band), for 1 − P_stuck^Q.
    p_stuck: Vec<f64>,
    band: Option<(f64, f64)>,
    /// Seeds set up so far: each costs a stuck-band measurement (a few ms), so they are added one
    /// per unit of work rather than all at once, which would block the page for a frame.
    seeds_added: u64,
}

impl SaddleLab {
    pub(crate) fn is_set_up(&self) -> bool {
        self.seeds_added >= SADDLE_SEEDS
    }

    /// Sets up the next seed: its stuck band and its robust GD and ByzantinePGD runs.
    fn add_seed(&mut self) {
        let k = self.seeds_added;
        self.seeds_added += 1;
        let mut s = self.sc.clone();
        s.seed = self.sc.seed.wrapping_add(k);
        let Ok(p) = problem::build(&s, None) else { return };
        let b = stuck_band(&s, self.spec, p.clone(), 1.0, 1e-5);
        if k == 0 {
            self.band = b;
        }
        self.p_stuck.push(b.map_or(0.0, |(lo, hi)| theory::p_stuck_band(lo, hi, s.r)));
        self.gd.push(Run::new(&Scenario { algo: AlgoKind::Gd, ..s.clone() }, self.spec, p.clone()));
        self.bpgd.push(Run::new(&Scenario { algo: AlgoKind::Bpgd, ..s }, self.spec, p));
    }
}

pub struct Lab {
    sc: Scenario,
    data: Option<Arc<Dataset>>,
    problem: Option<Arc<dyn Problem>>,
    problem_key: String,
    error: Option<String>,
    curves: Vec<Run>,
    clean: Option<Run>,
    saddle: Option<SaddleLab>,
    breakdown: Option<Sweep>,
    rates: Option<Sweep>,
    pub rates_axis: RatesAxis,
    pub metric: Metric,
    /// The papers' table being computed (it survives scenario changes).
    preset: Option<presets::PresetRun>,
    /// A preset waiting for the MNIST data.
    preset_pending: Option<presets::Preset>,
}

impl Lab {
    pub fn new(sc: Scenario) -> Lab {
        let mut lab = Lab {
            metric: Metric::default_for(sc.problem),
            sc,
            data: None,
            problem: None,
            problem_key: String::new(),
            error: None,
            curves: Vec::new(),
            clean: None,
            saddle: None,
            breakdown: None,
            rates: None,
            rates_axis: RatesAxis::N,
            preset: None,
            preset_pending: None,
        };
        lab.reset();
        lab
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// Replaces the scenario; every view restarts. The data are rebuilt only if they changed.
    pub fn set_scenario(&mut self, sc: Scenario) {
        if !self.metric.applies(sc.problem) {
            self.metric = Metric::default_for(sc.problem);
        }
        self.sc = sc;
        self.reset();
    }

    /// Hands the MNIST data to the lab (the app fetches them when a problem first needs them).
    pub fn set_data(&mut self, data: Arc<Dataset>) {
        self.data = Some(data);
        self.problem_key.clear();
        self.reset();
        if let Some(p) = self.preset_pending.take() {
            self.preset = Some(presets::PresetRun::new(p, self.data.clone()));
        }
    }

    /// Loads a paper's preset: its scenario and view, and starts computing its table.
    /// Returns the view to show, or None for an unknown id.
    pub fn load_preset(&mut self, id: &str) -> Option<View> {
        let p = presets::by_id(id)?;
        let (sc, _) = Scenario::from_query(&p.query);
        let view = p.view;
        self.set_scenario(sc);
        if presets::PresetRun::needs_data(&p) && self.data.is_none() {
            self.preset = None;
            self.preset_pending = Some(p);
        } else {
            self.preset = Some(presets::PresetRun::new(p, self.data.clone()));
        }
        Some(view)
    }

    /// The preset table being computed, if any.
    pub fn preset(&self) -> Option<&presets::PresetRun> {
        self.preset.as_ref()
    }

    /// The id of the loaded preset (computing, done, or waiting for data).
    pub fn preset_id(&self) -> Option<&'static str> {
        self.preset.as_ref().map(|p| p.preset.id).or(self.preset_pending.as_ref().map(|p| p.id))
    }

    /// Whether the MNIST data are needed now (by the scenario or a waiting preset).
    pub fn wants_data(&self) -> bool {
        self.data.is_none() && (self.sc.problem.needs_data() || self.preset_pending.is_some())
    }

    /// Advances the preset table; 0 when there is nothing left.
    pub fn work_preset(&mut self, budget: usize) -> usize {
        match &mut self.preset {
            Some(p) if !p.is_done() => p.advance(budget),
            _ => 0,
        }
    }

    pub fn close_preset(&mut self) {
        self.preset = None;
        self.preset_pending = None;
    }

    /// Whether the scenario needs data the lab does not have yet.
    pub fn needs_data(&self) -> bool {
        self.sc.problem.needs_data() && self.data.is_none()
    }

    /// Why the views cannot run, if they cannot.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Restarts every view from t = 0.
    pub fn reset(&mut self) {
        self.curves.clear();
        self.clean = None;
        self.saddle = None;
        self.breakdown = None;
        self.rates = None;
        self.error = None;
        let key = data_key(&self.sc);
        if key != self.problem_key || self.problem.is_none() {
            self.problem = None;
            if self.needs_data() {
                self.error = Some("loading the MNIST data…".into());
                return;
            }
            match problem::build(&self.sc, self.data.as_ref()) {
                Ok(p) => {
                    self.problem = Some(p);
                    self.problem_key = key;
                }
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
        let p = self.problem.clone().expect("problem");
        self.curves = self.sc.aggs.iter().map(|a| Run::new(&self.sc, *a, p.clone())).collect();
        if self.sc.alpha > 0.0 || self.sc.attack != crate::engine::scenario::AttackKind::None {
            self.clean = Some(Run::new(&self.sc.clean(), AggSpec::new(AggKind::Mean), p));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Advancing.

    /// Advances `view` by at most `steps` run-steps (one parallel iteration of one run; the runs of
    /// a view move in lockstep, the least advanced first), so a caller can stop between any two.
    /// Returns the run-steps done; 0 means there is nothing left to do.
    pub fn work(&mut self, view: View, steps: usize) -> usize {
        if self.error.is_some() {
            return 0;
        }
        match view {
            View::Curves | View::Master => {
                if let Some(p) = &self.problem {
                    if !p.prepare(1) {
                        return 1;
                    }
                }
                let mut done = 0;
                while done < steps {
                    let next = self.curves.iter_mut().chain(self.clean.iter_mut()).filter(|r| r.is_running()).min_by_key(|r| r.t);
                    match next {
                        Some(r) => {
                            r.step();
                            done += 1;
                        }
                        None => break,
                    }
                }
                done
            }
            View::Saddle => {
                self.ensure_saddle();
                let Some(s) = self.saddle.as_mut() else { return 0 };
                if !s.is_set_up() {
                    s.add_seed();
                    return 1;
                }
                let mut done = 0;
                while done < steps {
                    match s.gd.iter_mut().chain(s.bpgd.iter_mut()).filter(|r| r.is_running()).min_by_key(|r| r.t) {
                        Some(r) => {
                            r.step();
                            done += 1;
                        }
                        None => break,
                    }
                }
                done
            }
            View::Breakdown => {
                self.ensure_breakdown();
                self.breakdown.as_mut().map_or(0, |s| if s.is_done() { 0 } else { s.advance(steps) })
            }
            View::Rates => {
                self.ensure_rates();
                self.rates.as_mut().map_or(0, |s| if s.is_done() { 0 } else { s.advance(steps) })
            }
        }
    }

    /// Sets up `view`'s runs or sweep without computing anything (cheap), so that its next
    /// drawing shows the view's frame rather than a placeholder.
    pub fn prepare(&mut self, view: View) {
        match view {
            View::Saddle => self.ensure_saddle(),
            View::Breakdown => self.ensure_breakdown(),
            View::Rates => self.ensure_rates(),
            View::Curves | View::Master => {}
        }
    }

    /// Whether `view` has nothing left to compute.
    pub fn is_done(&self, view: View) -> bool {
        if self.error.is_some() {
            return true;
        }
        match view {
            View::Curves | View::Master => self.curves.iter().chain(self.clean.iter()).all(|r| !r.is_running()),
            View::Saddle => self.saddle.as_ref().is_some_and(|s| s.is_set_up() && s.gd.iter().chain(&s.bpgd).all(|r| !r.is_running())),
            View::Breakdown => self.breakdown.as_ref().is_some_and(|s| s.is_done()),
            View::Rates => self.rates.as_ref().is_some_and(|s| s.is_done()),
        }
    }

    /// How many runs the view advances together (a "step" of the transport moves each of them once).
    pub fn run_count(&self, view: View) -> usize {
        match view {
            View::Curves | View::Master => self.curves.len() + self.clean.is_some() as usize,
            View::Saddle => self.saddle.as_ref().map_or(2 * SADDLE_SEEDS as usize, |s| s.gd.len() + s.bpgd.len()),
            View::Breakdown | View::Rates => 1,
        }
    }

    /// The main runs' iteration count.
    pub fn iteration(&self) -> usize {
        self.curves.iter().map(|r| r.t).max().unwrap_or(0)
    }

    /// A one-line status of `view`, e.g. "t = 37 / 100" or "sweep 120 / 234 runs".
    pub fn status_line(&self, view: View) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        if matches!(view, View::Curves | View::Master) && self.iteration() == 0 && self.problem.as_ref().is_some_and(|p| !p.prepare(0)) {
            return format!("t = 0 / {} · building the workers' data…", self.sc.t);
        }
        match view {
            View::Curves | View::Master => {
                let diverged: Vec<String> = self.curves.iter().filter(|r| matches!(r.status, crate::engine::Status::Diverged(_))).map(|r| r.spec.label()).collect();
                let mut s = format!("t = {} / {}", self.iteration(), self.sc.t);
                if !diverged.is_empty() {
                    s.push_str(&format!(" · diverged: {}", diverged.join(", ")));
                }
                s
            }
            View::Saddle => match &self.saddle {
                Some(s) => format!("t = {} / {}", s.gd.iter().chain(&s.bpgd).map(|r| r.t).max().unwrap_or(0), s.sc.t),
                None => "t = 0".into(),
            },
            View::Breakdown | View::Rates => {
                let sw = if view == View::Breakdown { &self.breakdown } else { &self.rates };
                match sw {
                    Some(s) => {
                        let (a, b) = s.progress();
                        format!("sweep {a} / {b} runs")
                    }
                    None => "sweep not started".into(),
                }
            }
        }
    }

    /// Notes on settings outside an algorithm's assumptions (e.g. Krum needs m ≥ 2f + 3).
    pub fn assumption_notes(&self) -> Vec<String> {
        let mut out: Vec<String> = self.sc.aggs.iter().filter_map(|a| theory::assumption_note(a.kind, &self.sc)).collect();
        if self.sc.problem.is_classification() {
            let cap = 4000 / self.sc.m.max(1);
            if self.sc.n > cap {
                out.push(format!("MNIST has 4000 training images: n is capped at ⌊4000/m⌋ = {cap}"));
            }
        }
        if self.sc.batch > 0 && !self.sc.problem.is_classification() {
            out.push("mini-batches apply to the MNIST problems only; full local gradients are used".into());
        }
        if self.sc.algo == AlgoKind::Bpgd && self.sc.big_r <= self.sc.r {
            out.push("ByzantinePGD needs R well above r, or perturbations alone count as escapes".into());
        }
        out.sort();
        out.dedup();
        out
    }

    // ------------------------------------------------------------------------------------------
    // Lazily built views.

    fn saddle_scenario(&self) -> Scenario {
        if self.sc.problem == ProblemKind::Saddle {
            self.sc.clone()
        } else {
            Scenario { seed: self.sc.seed, ..Scenario::defaults_for(ProblemKind::Saddle) }
        }
    }

    fn ensure_saddle(&mut self) {
        if self.saddle.is_some() {
            return;
        }
        let sc = self.saddle_scenario();
        let spec = sc.aggs.iter().copied().find(|a| a.kind != AggKind::Rsa).unwrap_or(AggSpec::new(AggKind::Median));
        self.saddle = Some(SaddleLab { sc, spec, gd: Vec::new(), bpgd: Vec::new(), p_stuck: Vec::new(), band: None, seeds_added: 0 });
    }

    fn sweep_base(&self) -> Scenario {
        let mut s = self.sc.clone();
        s.t = s.t.min(SWEEP_T_MAX);
        s
    }

    fn sweep_aggs(&self) -> Vec<AggSpec> {
        self.sc.aggs.clone()
    }

    fn ensure_breakdown(&mut self) {
        if self.breakdown.is_none() && self.error.is_none() {
            let seeds = (0..SWEEP_SEEDS).map(|k| self.sc.seed.wrapping_add(k)).collect();
            self.breakdown = Some(Sweep::new(&self.sweep_base(), Axis::alpha_range(0.0, 0.5, 0.02), self.sweep_aggs(), seeds, self.data.clone()));
        }
    }

    /// The values of the rates view's x axis.
    pub fn rates_values(&self) -> Axis {
        match self.rates_axis {
            RatesAxis::N => {
                let cap = if self.sc.problem.is_classification() { 4000 / self.sc.m.max(1) } else { crate::engine::scenario::N_MAX };
                Axis::new("n", [10, 20, 50, 100, 200, 500, 1000, 2000].into_iter().filter(|&n| n <= cap).map(|n| n as f64).collect())
            }
            RatesAxis::M => Axis::new("m", vec![5.0, 10.0, 20.0, 40.0, 80.0, 160.0]),
        }
    }

    fn ensure_rates(&mut self) {
        if self.rates.is_none() && self.error.is_none() {
            let seeds = (0..SWEEP_SEEDS).map(|k| self.sc.seed.wrapping_add(k)).collect();
            self.rates = Some(Sweep::new(&self.sweep_base(), self.rates_values(), self.sweep_aggs(), seeds, self.data.clone()));
        }
    }

    /// Switches the rates view between n and m (restarting its sweep).
    pub fn set_rates_axis(&mut self, a: RatesAxis) {
        if a != self.rates_axis {
            self.rates_axis = a;
            self.rates = None;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Output.

    /// Draws `view` on any plotters backend.
    pub fn draw<DB: DrawingBackend>(&self, view: View, area: &DrawingArea<DB, Shift>, style: &Style) -> Result<(), String> {
        if let Some(e) = &self.error {
            return plots::draw_message(area, style, e);
        }
        match view {
            View::Curves => plots::error_curves::draw(area, &self.curves_plot(), style),
            View::Saddle => match self.saddle_plot() {
                Some(d) => plots::saddle::draw(area, &d, style),
                None => plots::draw_message(area, style, "press play (space) to run the saddle experiment"),
            },
            View::Breakdown => match self.breakdown_plot() {
                Some(d) => plots::breakdown::draw(area, &d, style, "Byzantine fraction α", false),
                None => plots::draw_message(area, style, "press play (space) to run the breakdown sweep"),
            },
            View::Master => match self.master_plot() {
                Some(d) => plots::master::draw(area, &d, style),
                None => plots::draw_message(area, style, "press → (step) or play to see one iteration's messages"),
            },
            View::Rates => match self.rates_plot() {
                Some(d) => {
                    let x = if self.rates_axis == RatesAxis::N { "samples per worker n" } else { "workers m" };
                    plots::breakdown::draw(area, &d, style, x, true)
                }
                None => plots::draw_message(area, style, "press play (space) to run the rates sweep"),
            },
        }
    }

    /// The view as an SVG document.
    pub fn svg(&self, view: View, width: u32, height: u32) -> Result<String, String> {
        plots::to_svg(width, height, |area| self.draw(view, area, &Style::normal(1.0)))
    }

    /// The data behind `view` as CSV. The error curves are replayed at full resolution.
    pub fn csv(&self, view: View) -> String {
        let header = format!("# byzlab {} · {}\n", view.key(), self.sc.to_query());
        let body = match view {
            View::Curves | View::Master => {
                let mut out = format!("curve,{}\n", crate::engine::trace::Record::CSV_HEADER);
                for (name, r) in self.named_runs() {
                    for line in r.csv().lines().skip(1) {
                        out.push_str(&format!("{name},{line}\n"));
                    }
                }
                out
            }
            View::Saddle => {
                let mut out = format!("algo,seed,{}\n", crate::engine::trace::Record::CSV_HEADER);
                if let Some(s) = &self.saddle {
                    for (name, runs) in [("gd", &s.gd), ("bpgd", &s.bpgd)] {
                        for r in runs {
                            for line in r.csv().lines().skip(1) {
                                out.push_str(&format!("{name},{},{line}\n", r.sc.seed));
                            }
                        }
                    }
                }
                out
            }
            View::Breakdown => self.breakdown.as_ref().map_or_else(String::new, |s| s.csv()),
            View::Rates => self.rates.as_ref().map_or_else(String::new, |s| s.csv()),
        };
        header + &body
    }

    fn named_runs(&self) -> Vec<(String, &Run)> {
        let mut v: Vec<(String, &Run)> = self.curves.iter().map(|r| (r.spec.key(), r)).collect();
        if let Some(c) = &self.clean {
            v.push(("clean-mean".into(), c));
        }
        v
    }

    /// The runs behind the error curves (for tests and the master view).
    pub fn runs(&self) -> &[Run] {
        &self.curves
    }
}
