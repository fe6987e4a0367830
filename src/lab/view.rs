//! What a view is. Every view is one type implementing [`View`], in one file of `views/`, and one
//! line of the registry ([`super::views::VIEWS`]); its key, label and shortcut (its place in the
//! registry) come from there, so the app's tabs, keyboard shortcuts and help, the CLI and the
//! tests list the views without naming them.

use super::runs::MainRuns;
use crate::engine::problem::Cache;
use crate::engine::scenario::Scenario;
use crate::plots::Plot;

/// What every view works with: the scenario, its built problems, and its own runs (the
/// error-curves and master's views show the same runs).
pub struct Shared {
    pub sc: Scenario,
    pub problems: Cache,
    pub main: MainRuns,
}

/// One view of the lab. Work is counted in run-steps (one parallel iteration of one run), so a
/// caller can time-slice it.
pub trait View {
    /// Forgets everything computed, for a new scenario (keeping the view's own options).
    fn reset(&mut self, sc: &Scenario);
    /// Sets the view up without computing (cheap), so its first drawing shows its frame.
    fn prepare(&mut self, _lab: &mut Shared) {}
    /// Advances by at most `steps` run-steps; returns the run-steps done, 0 when nothing is left.
    fn work(&mut self, lab: &mut Shared, steps: usize) -> usize;
    fn is_done(&self, lab: &Shared) -> bool;
    /// How far the view has come, in whole units of [`View::unit`]: the transport's speed is units
    /// per second, and Step adds one.
    fn progress(&self, lab: &Shared) -> usize;
    /// What one unit of progress is, in the plural ("iterations", "α points").
    fn unit(&self) -> &'static str {
        "iterations"
    }
    /// A one-line status, e.g. "t = 37 / 100" or "sweep 120 / 234 runs".
    fn status(&self, lab: &Shared) -> String;
    /// What to draw.
    fn plot(&self, lab: &Shared) -> Plot;
    /// The data behind the plot.
    fn csv(&self, lab: &Shared) -> String;
    /// What the view shows, with its formula and source.
    fn explain(&self, sc: &Scenario) -> ViewText;
    /// Whether the view can show this scenario (else it shows a message saying what it needs).
    fn applies(&self, _sc: &Scenario) -> bool {
        true
    }
    /// The view's own settings (a menu each).
    fn options(&self, _sc: &Scenario) -> Vec<ViewOption> {
        Vec::new()
    }
    /// The view's sweep, set up if it was not, for a host that runs its jobs on other workers
    /// (see [`super::jobs`]); None for a view that does not sweep.
    fn sweep_mut(&mut self, _lab: &mut Shared) -> Option<&mut crate::engine::sweep::Sweep> {
        None
    }
    /// Whether the view advances the scenario's own runs ([`super::MainRuns`]), which a host can
    /// share out to other workers.
    fn advances_main_runs(&self) -> bool {
        false
    }
    /// Sets one of [`View::options`]; false for an unknown id or value.
    fn set_option(&mut self, _id: &str, _value: &str) -> bool {
        false
    }
}

/// A view's entry in the registry.
pub struct ViewInfo {
    /// The URL hash (`#breakdown`) and the element ids' suffix.
    pub key: &'static str,
    pub label: &'static str,
    /// The problem the view is about, if it shows only one: the page loads it when the view is
    /// chosen for another problem, so the panel's controls are always those of what is shown.
    pub problem: Option<crate::engine::scenario::ProblemKind>,
    pub make: fn() -> Box<dyn View>,
}

/// A view, by its place in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ViewId(pub usize);

impl ViewId {
    /// A view and its settings from their link form, `rates` or `rates:axis=m,seeds=5` (the URL's
    /// hash, a lesson's `view:`); settings whose key or value holds anything but letters, digits,
    /// `_` and `.` are dropped.
    pub fn parse_with_options(s: &str) -> Option<(ViewId, Vec<(String, String)>)> {
        let (key, opts) = s.trim().split_once(':').unwrap_or((s.trim(), ""));
        let plain = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let opts = opts
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, v)| plain(k) && plain(v))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ViewId::from_key(key.trim()).map(|v| (v, opts))
    }

    /// The link form of this view with settings `opts` (read back by [`ViewId::parse_with_options`]).
    pub fn with_options(self, opts: &[String]) -> String {
        if opts.is_empty() {
            self.key().to_string()
        } else {
            format!("{}:{}", self.key(), opts.join(","))
        }
    }

    pub fn all() -> impl Iterator<Item = ViewId> {
        (0..super::views::VIEWS.len()).map(ViewId)
    }
    pub fn from_key(key: &str) -> Option<ViewId> {
        super::views::VIEWS.iter().position(|v| v.key == key).map(ViewId)
    }
    pub fn info(self) -> &'static ViewInfo {
        &super::views::VIEWS[self.0]
    }
    pub fn key(self) -> &'static str {
        self.info().key
    }
    pub fn label(self) -> &'static str {
        self.info().label
    }
    /// The keyboard shortcut: 1, 2, … in registry order.
    pub fn shortcut(self) -> char {
        char::from_digit(self.0 as u32 + 1, 10).unwrap_or('?')
    }
}

/// A menu of a view's own (e.g. which metric the error curves plot).
#[derive(Clone, Debug, PartialEq)]
pub struct ViewOption {
    pub id: &'static str,
    pub label: &'static str,
    /// (value, label) pairs.
    pub choices: Vec<(&'static str, &'static str)>,
    pub value: &'static str,
}

/// What a view shows, in a few lines, with its formula (MathML) and source.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewText {
    /// What the plot shows (only what is drawn).
    pub lines: Vec<String>,
    /// Why it looks as it does, worked through with the scenario's numbers.
    pub why: Vec<String>,
    /// A `<math>` element; static text written in the view's file, never built from user input.
    pub mathml: &'static str,
    pub source: &'static str,
}
