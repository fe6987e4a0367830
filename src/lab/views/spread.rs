//! A trivial view, to show what adding one takes: the honest messages' spread against the
//! iteration, for the scenario's own runs.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::scenario::Scenario;
use crate::plots::error_curves::{ErrorCurves, Series};
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "spread", label: "Spread", make: || Box::new(Spread) };

pub struct Spread;

impl View for Spread {
    fn reset(&mut self, _sc: &Scenario) {}
    fn work(&mut self, lab: &mut Shared, steps: usize) -> usize {
        lab.main.work(steps)
    }
    fn is_done(&self, lab: &Shared) -> bool {
        lab.main.is_done()
    }
    fn status(&self, lab: &Shared) -> String {
        super::curves::main_status(lab)
    }
    fn plot(&self, lab: &Shared) -> Plot {
        let series = lab.main.runs.iter().enumerate().map(|(i, r)| Series {
            label: lab.sc.curve_label(&r.curve),
            color: i,
            points: r.trace.records().map(|x| (x.t as f64, x.spread)).collect(),
            dashed: false,
            diverged: false,
        });
        let title = "Spread of the honest messages".to_string();
        Plot::Curves(ErrorCurves { title, y_label: "mean ‖gᵢ − ḡ‖²".into(), log_y: true, series: series.collect(), floor: None, t_max: lab.sc.t as f64 })
    }
    fn csv(&self, lab: &Shared) -> String {
        super::curves::runs_csv(lab)
    }
    fn explain(&self, _sc: &Scenario) -> ViewText {
        ViewText { lines: vec!["How far the honest workers' messages lie from their mean, at every iteration.".into()], mathml: "", source: "" }
    }
}
