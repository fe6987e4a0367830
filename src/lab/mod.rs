//! The laboratory: what the app shows, as plain Rust (no web dependency). It owns a scenario, the
//! runs behind it and one value per view (see [`view`] and the registry in [`views`]), advances them
//! in small budgets (so a UI can time-slice them), and turns their state into the plots' data
//! structs, CSV and SVG. The Yew components only forward user input here and draw what comes back.

pub mod glossary;
pub mod host;
pub mod jobs;
pub mod lessons;
pub mod page;
pub mod presets;
mod runs;
pub mod view;
pub mod views;
pub mod wire;

pub use runs::MainRuns;
pub use view::{Shared, View, ViewId, ViewInfo, ViewOption, ViewText};

use crate::engine::data::{Dataset, Datasets};
use crate::engine::problem::Cache;
use crate::engine::scenario::{DataSource, Edit, Notice, Scenario};
use crate::engine::theory;
use crate::plots::{self, Plot, PlotError, Style};
use std::sync::Arc;

/// What the lab says while a scenario of an uploaded table has no table yet (a link opened
/// elsewhere carries the scenario, never the data).
pub const UPLOAD_FIRST: &str = "this scenario learns from your own CSV table: choose the file under “Your data” (it stays in this page)";

pub struct Lab {
    shared: Shared,
    views: Vec<Box<dyn View>>,
    /// Why the views cannot run, if they cannot (the data are loading, the problem failed).
    error: Option<String>,
    /// The papers' table being computed (it survives scenario changes).
    preset: Option<presets::PresetRun>,
    /// A preset waiting for its data.
    preset_pending: Option<presets::Preset>,
}

impl Lab {
    pub fn new(sc: Scenario) -> Lab {
        Lab::with_data(sc, Datasets::default())
    }

    /// A lab with data already loaded (the CLI and the tests).
    pub fn with_data(sc: Scenario, data: Datasets) -> Lab {
        let shared = Shared { sc, problems: Cache::with_data(data), main: MainRuns::empty() };
        let views = views::VIEWS.iter().map(|v| (v.make)()).collect();
        let mut lab = Lab { shared, views, error: None, preset: None, preset_pending: None };
        lab.reset();
        lab
    }

    pub fn scenario(&self) -> &Scenario {
        &self.shared.sc
    }

    /// Replaces the scenario; every view restarts. Problems are rebuilt only if the data changed.
    pub fn set_scenario(&mut self, sc: Scenario) {
        self.shared.sc = sc;
        self.reset();
    }

    /// Applies a user's edit (see [`Scenario::apply`]); every view restarts. Returns the notices.
    pub fn edit(&mut self, edit: &Edit) -> Vec<Notice> {
        let mut sc = self.shared.sc.clone();
        let notices = sc.apply(edit);
        if sc != self.shared.sc {
            self.set_scenario(sc);
        }
        notices
    }

    /// Hands a data file to the lab (the app fetches one when a problem first needs it).
    pub fn set_data(&mut self, data: Arc<Dataset>) {
        self.shared.problems.set_data(data);
        self.reset();
        if self.preset_pending.as_ref().is_some_and(|p| self.shared.problems.data().missing(&p.data_needed()).is_empty()) {
            self.preset = self.preset_pending.take().map(presets::PresetRun::new);
        }
    }

    /// Loads a paper's preset: its scenario and view, and starts computing its table.
    /// Returns the view to show, or None for an unknown id.
    pub fn load_preset(&mut self, id: &str) -> Option<ViewId> {
        let p = presets::by_id(id)?;
        let view = p.view;
        self.set_scenario(p.scenario.clone());
        if !self.shared.problems.data().missing(&p.data_needed()).is_empty() {
            self.preset = None;
            self.preset_pending = Some(p);
        } else {
            self.preset = Some(presets::PresetRun::new(p));
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

    /// Advances the preset table; 0 when there is nothing left.
    pub fn work_preset(&mut self, budget: usize) -> usize {
        match &mut self.preset {
            Some(p) if !p.is_done() => p.advance(budget, &mut self.shared.problems),
            _ => 0,
        }
    }

    pub fn close_preset(&mut self) {
        self.preset = None;
        self.preset_pending = None;
    }

    /// Why the views cannot run, if they cannot.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Restarts every view from t = 0.
    pub fn reset(&mut self) {
        self.error = None;
        self.shared.main = MainRuns::empty();
        for v in self.views.iter_mut() {
            v.reset(&self.shared.sc);
        }
        if !self.shared.problems.can_build(&self.shared.sc) {
            self.error = Some(match self.shared.sc.data_source() {
                Some(DataSource::Full) => "loading the full MNIST set (11 MB)…".into(),
                Some(DataSource::Spambase) => "loading the Spambase data…".into(),
                Some(DataSource::Upload) => UPLOAD_FIRST.into(),
                _ => "loading the MNIST data…".into(),
            });
            return;
        }
        match MainRuns::new(&self.shared.sc, &mut self.shared.problems) {
            Ok(m) => self.shared.main = m,
            Err(e) => self.error = Some(e),
        }
        let sc = &self.shared.sc;
        if !sc.hand.is_empty() && sc.hand_t > 0 {
            self.shared.main.catch_up(sc.hand_t);
        }
    }

    // ------------------------------------------------------------------------------------------
    // The views.

    /// Advances `view` by at most `steps` run-steps (one parallel iteration of one run; the runs
    /// of a view move in lockstep, the least advanced first), so a caller can stop between any two.
    /// Returns the run-steps done; 0 means there is nothing left to do.
    pub fn work(&mut self, view: ViewId, steps: usize) -> usize {
        if self.error.is_some() {
            return 0;
        }
        self.views[view.0].work(&mut self.shared, steps)
    }

    /// Whether `view` advances the scenario's own runs (see [`View::advances_main_runs`]).
    pub fn advances_main_runs(&self, view: ViewId) -> bool {
        self.error.is_none() && self.views[view.0].advances_main_runs()
    }

    /// The sweep behind `view`, if it sweeps (see [`View::sweep_mut`]).
    pub fn sweep_mut(&mut self, view: ViewId) -> Option<&mut crate::engine::sweep::Sweep> {
        if self.error.is_some() {
            return None;
        }
        self.views[view.0].sweep_mut(&mut self.shared)
    }

    /// The preset table being computed, to record rows computed elsewhere.
    pub fn preset_mut(&mut self) -> Option<&mut presets::PresetRun> {
        self.preset.as_mut()
    }

    /// Sets up `view` without computing anything (cheap), so that its next drawing shows the
    /// view's frame rather than a placeholder.
    pub fn prepare(&mut self, view: ViewId) {
        if self.error.is_none() {
            self.views[view.0].prepare(&mut self.shared);
        }
    }

    /// Whether `view` has nothing left to compute.
    pub fn is_done(&self, view: ViewId) -> bool {
        self.error.is_some() || self.views[view.0].is_done(&self.shared)
    }

    /// How far `view` has come, in its units (the transport's speed is units per second).
    pub fn progress(&self, view: ViewId) -> usize {
        if self.error.is_some() {
            0
        } else {
            self.views[view.0].progress(&self.shared)
        }
    }

    /// What a unit of `view`'s progress is ("iterations", "α points").
    pub fn unit(&self, view: ViewId) -> &'static str {
        self.views[view.0].unit()
    }

    /// The scenario's own runs' iteration count.
    pub fn iteration(&self) -> usize {
        self.shared.main.iteration()
    }

    /// A one-line status of `view`, e.g. "t = 37 / 100" or "sweep 120 / 234 runs".
    pub fn status_line(&self, view: ViewId) -> String {
        match &self.error {
            Some(e) => e.clone(),
            None => self.views[view.0].status(&self.shared),
        }
    }

    /// What `view` draws.
    pub fn plot(&self, view: ViewId) -> Plot {
        match &self.error {
            Some(e) => Plot::Message(e.clone()),
            None => self.views[view.0].plot(&self.shared),
        }
    }

    /// The view as an SVG document.
    pub fn svg(&self, view: ViewId, width: u32, height: u32) -> Result<String, PlotError> {
        plots::to_svg(width, height, &self.plot(view), &Style::normal(1.0))
    }

    /// The data behind `view` as CSV, after a comment line naming the view and the scenario.
    pub fn csv(&self, view: ViewId) -> String {
        let body = if self.error.is_some() { String::new() } else { self.views[view.0].csv(&self.shared) };
        format!("# byzlab {} · {}\n{body}", view.key(), self.shared.sc.to_query())
    }

    /// What `view` shows, with its formula.
    /// Whether `view` can show the scenario (see [`View::applies`]).
    pub fn applies(&self, view: ViewId) -> bool {
        self.views[view.0].applies(&self.shared.sc)
    }

    pub fn explanation(&self, view: ViewId) -> ViewText {
        self.views[view.0].explain(&self.shared.sc)
    }

    /// The view's own settings.
    pub fn options(&self, view: ViewId) -> Vec<ViewOption> {
        self.views[view.0].options(&self.shared.sc)
    }

    /// Sets one of the view's own settings; false if it has no such option or value.
    pub fn set_option(&mut self, view: ViewId, id: &str, value: &str) -> bool {
        self.views[view.0].set_option(id, value)
    }

    /// Notes on settings outside an algorithm's assumptions (e.g. Krum needs m ≥ 2f + 3).
    pub fn assumption_notes(&self) -> Vec<String> {
        let sc = &self.shared.sc;
        let mut out: Vec<String> = sc.curves().iter().filter_map(|c| c.rule).filter_map(|r| theory::assumption_note(r.kind, sc)).collect();
        if let Some(source) = sc.data_source() {
            let images = match source {
                DataSource::Upload => self.shared.problems.data().get(source).map_or(usize::MAX, |d| d.n_train()),
                _ => source.train_images(),
            };
            let cap = images / sc.m.max(1);
            if sc.n > cap {
                let (set, what) = match source {
                    DataSource::Subset => ("The MNIST subset", "images"),
                    DataSource::Full => ("Full MNIST", "images"),
                    DataSource::Spambase => ("Spambase", "e-mails"),
                    DataSource::Upload => ("Your CSV", "rows"),
                };
                out.push(format!("{set} has {images} training {what}: n is capped at ⌊{images}/m⌋ = {cap}"));
            }
        }
        if sc.batch > 0 && !sc.problem.is_classification() {
            out.push("mini-batches apply to the classification problems only; full local gradients are used".into());
        }
        if sc.algos.contains(&crate::engine::AlgoKind::Bpgd) && sc.bpgd.big_r <= sc.bpgd.r {
            out.push("ByzantinePGD needs R well above r, or perturbations alone count as escapes".into());
        }
        let mut out = crate::engine::linalg::sorted_by(&out, &|a, b| a.cmp(b));
        out.dedup();
        out
    }
}
