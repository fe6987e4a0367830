//! View 1, error curves: a metric against the iteration, one curve per rule (and algorithm), the
//! clean run as reference and the lower bound no rule can beat as a dashed line.

use super::super::view::{Shared, View, ViewInfo, ViewOption, ViewText};
use crate::engine::scenario::Scenario;
use crate::engine::theory;
use crate::engine::trace::Record;
use crate::engine::ProblemKind;
use crate::plots::error_curves::{ErrorCurves, Series};
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "curves", label: "Error curves", make: || Box::new(Curves { metric: Metric::Error }) };

/// The quantity the view plots.
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
    fn value(self, r: &Record) -> f64 {
        match self {
            Metric::Error => r.err,
            Metric::Accuracy => r.acc,
            Metric::Loss => r.loss,
            Metric::AggError => r.agg_err,
            Metric::GradNorm => r.grad_norm,
        }
    }
}

pub struct Curves {
    metric: Metric,
}

impl View for Curves {
    fn reset(&mut self, sc: &Scenario) {
        if !self.metric.applies(sc.problem) {
            self.metric = Metric::default_for(sc.problem);
        }
    }

    fn work(&mut self, lab: &mut Shared, steps: usize) -> usize {
        lab.main.work(steps)
    }

    fn is_done(&self, lab: &Shared) -> bool {
        lab.main.is_done()
    }

    fn step_size(&self, lab: &Shared) -> usize {
        lab.main.count()
    }

    fn paced(&self) -> bool {
        true
    }

    fn status(&self, lab: &Shared) -> String {
        main_status(lab)
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let (sc, m) = (&lab.sc, self.metric);
        let mut series: Vec<Series> = lab
            .main
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| Series {
                label: sc.curve_label(&r.curve),
                color: i,
                points: r.trace.records().map(|x| (x.t as f64, m.value(x))).collect(),
                dashed: false,
                diverged: matches!(r.status, crate::engine::Status::Diverged(_)),
            })
            .collect();
        if let Some(c) = &lab.main.clean {
            series.push(Series {
                label: "clean run (α = 0, mean)".into(),
                color: 7,
                points: c.trace.records().map(|x| (x.t as f64, m.value(x))).collect(),
                dashed: true,
                diverged: false,
            });
        }
        let floor = (m == Metric::Error && sc.problem.has_optimum())
            .then(|| ("lower bound σ(α/√n + √(d/nm))".to_string(), sc.sigma * theory::lower_bound(sc.alpha, sc.n, sc.m, sc.d)));
        let y_label = if m == Metric::Error && sc.problem == ProblemKind::Saddle { "distance to nearest minimum".into() } else { m.label().to_string() };
        let title = format!("{}, {}: {} of {} workers Byzantine", sc.problem.label(), sc.attack.kind.label(), sc.byzantine(), sc.m);
        Plot::Curves(ErrorCurves { title, y_label, log_y: m != Metric::Accuracy, series, floor, t_max: sc.t as f64 })
    }

    fn csv(&self, lab: &Shared) -> String {
        runs_csv(lab)
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        ViewText {
            lines: vec![
                "Every worker computes its local gradient gᵢ(w_t); the Byzantine ones send whatever hurts most. The master aggregates and steps.".into(),
                format!("{} One curve per rule; the dashed black curve is the clean run (α = 0, mean).", sc.byzantine_sentence()),
                "The grey dashed line is the lower bound no rule can beat, up to a constant (Observation 1).".into(),
            ],
            mathml: r#"<math display="block"><msub><mi>w</mi><mrow><mi>t</mi><mo>+</mo><mn>1</mn></mrow></msub><mo>=</mo><msub><mi>w</mi><mi>t</mi></msub><mo>−</mo><mi>η</mi><mspace width="0.2em"></mspace><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><msub><mi>w</mi><mi>T</mi></msub><mo>−</mo><msup><mi>w</mi><mo>*</mo></msup><mo>‖</mo><mo>≳</mo><mi>σ</mi><mo>(</mo><mfrac><mi>α</mi><msqrt><mi>n</mi></msqrt></mfrac><mo>+</mo><msqrt><mfrac><mi>d</mi><mrow><mi>n</mi><mi>m</mi></mrow></mfrac></msqrt><mo>)</mo></math>"#,
            source: "Yin, Chen, Ramchandran, Bartlett (ICML 2018), Algorithm 1 and Observation 1",
        }
    }

    fn options(&self, sc: &Scenario) -> Vec<ViewOption> {
        let choices = Metric::ALL.iter().filter(|m| m.applies(sc.problem)).map(|m| (m.key(), m.label())).collect();
        vec![ViewOption { id: "metric", label: "plot", choices, value: self.metric.key() }]
    }

    fn set_option(&mut self, id: &str, value: &str) -> bool {
        match Metric::ALL.iter().find(|m| m.key() == value) {
            Some(m) if id == "metric" => {
                self.metric = *m;
                true
            }
            _ => false,
        }
    }
}

/// "t = 37 / 100", with the curves that diverged, for the views of the scenario's own runs.
pub(super) fn main_status(lab: &Shared) -> String {
    if lab.main.building() {
        return format!("t = 0 / {} · building the workers' data…", lab.sc.t);
    }
    let mut s = format!("t = {} / {}", lab.main.iteration(), lab.sc.t);
    let diverged: Vec<String> = lab.main.diverged().iter().map(|r| lab.sc.curve_label(&r.curve)).collect();
    if !diverged.is_empty() {
        s.push_str(&format!(" · diverged: {}", diverged.join(", ")));
    }
    s
}

/// The scenario's runs at full resolution (replayed), one row per curve and iteration.
pub(super) fn runs_csv(lab: &Shared) -> String {
    let mut out = format!("curve,{}\n", Record::CSV_HEADER);
    for (name, r) in lab.main.named() {
        for line in r.csv().lines().skip(1) {
            out.push_str(&format!("{name},{line}\n"));
        }
    }
    out
}
