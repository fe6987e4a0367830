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

    fn advances_main_runs(&self) -> bool {
        true
    }

    fn is_done(&self, lab: &Shared) -> bool {
        lab.main.is_done()
    }

    fn progress(&self, lab: &Shared) -> usize {
        lab.main.progress()
    }

    fn status(&self, lab: &Shared) -> String {
        main_status(lab)
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let (sc, m) = (&lab.sc, self.metric);
        // A classification run evaluates its test metrics every few iterations only (see
        // `Run::eval_due`): the iterations in between are NaN, not gaps, so they are left out and
        // the curve joins the evaluated points.
        let points = |t: &crate::engine::trace::Trace| t.records().map(|x| (x.t as f64, m.value(x))).filter(|p| !p.1.is_nan()).collect();
        let mut series: Vec<Series> = lab
            .main
            .runs
            .iter()
            .map(|r| Series {
                label: sc.curve_label(&r.curve),
                id: super::style_of(&r.curve).0,
                dash: super::style_of(&r.curve).1,
                points: points(&r.trace),
                diverged: matches!(r.status, crate::engine::Status::Diverged(_)),
            })
            .collect();
        if let Some(c) = &lab.main.clean {
            series.push(Series {
                label: "clean run (α = 0, mean)".into(),
                id: crate::plots::CLEAN,
                dash: crate::plots::Dash::Dashed,
                points: points(&c.trace),
                diverged: false,
            });
        }
        let floor = draws_bound(sc, m).then(|| {
            (format!("lower bound at α = {}: σ(α/√n + √(d/nm))", sc.alpha), sc.sigma * theory::lower_bound(sc.alpha, sc.n, sc.m, sc.d))
        });
        let y_label = if m == Metric::Error && sc.problem == ProblemKind::Saddle { "distance to nearest minimum".into() } else { m.label().to_string() };
        let title = format!("{}, {}: {} of {} workers Byzantine", sc.problem.label(), sc.attack.kind.label(), sc.byzantine(), sc.m);
        Plot::Curves(ErrorCurves { title, y_label, log_y: m != Metric::Accuracy, series, floor, t_max: sc.t as f64 })
    }

    fn csv(&self, lab: &Shared) -> String {
        runs_csv(lab)
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let mut lines = vec![
            "Every worker computes its local gradient gᵢ(wₜ); the Byzantine ones send whatever hurts most. The master aggregates the m messages and steps.".into(),
            format!("{} One curve per rule.", sc.byzantine_sentence()),
        ];
        if sc.alpha > 0.0 || sc.attack.kind != crate::engine::AttackKind::None {
            lines.push("The dashed black curve is the clean run: the same data with no Byzantine worker (α = 0), plain mean.".into());
        }
        if draws_bound(sc, self.metric) {
            let clean = sc.sigma * theory::lower_bound(0.0, sc.n, sc.m, sc.d);
            lines.push(format!(
                "The dotted grey line is the lower bound no rule can beat at α = {} (Observation 1, up to a constant). The clean run has α = 0, whose bound is only σ√(d/nm) = {clean:.3}, so it may lie below the line.",
                sc.alpha
            ));
        }
        ViewText {
            lines,
            why: why_median(sc),
            mathml: r#"<math display="block"><msub><mi>w</mi><mrow><mi>t</mi><mo>+</mo><mn>1</mn></mrow></msub><mo>=</mo><msub><mi>w</mi><mi>t</mi></msub><mo>−</mo><mi>η</mi><mspace width="0.2em"></mspace><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><msub><mi>w</mi><mi>T</mi></msub><mo>−</mo><msup><mi>w</mi><mo>*</mo></msup><mo>‖</mo><mo>≳</mo><mi>σ</mi><mo>(</mo><mfrac><mi>α</mi><mrow><mo>√</mo><mi>n</mi></mrow></mfrac><mo>+</mo><mrow><mo>√</mo><mo>(</mo><mi>d</mi><mo>/</mo><mi>n</mi><mi>m</mi><mo>)</mo></mrow><mo>)</mo></math>"#,
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

/// Whether the plot draws the lower bound (the error metric on a problem with a known optimum).
fn draws_bound(sc: &Scenario, m: Metric) -> bool {
    m == Metric::Error && sc.problem.has_optimum()
}

/// Why a minority cannot move a coordinate's middle value, with the scenario's numbers.
pub(super) fn why_median(sc: &Scenario) -> Vec<String> {
    let (m, q) = (sc.m, sc.byzantine());
    if q == 0 {
        return vec![format!("No worker is Byzantine (⌊αm⌋ = 0): every rule sees honest gradients only, and the robust ones cost a little accuracy against the mean. Move α to see the attack.")];
    }
    let h = m - q;
    let k = m.div_ceil(2);
    let lo = k.saturating_sub(q).max(1);
    let mut why = vec![format!(
        "Why a minority cannot move the median: in each coordinate the median is the {} smallest of the m = {m} values. The {q} Byzantine values take {q} of the {m} places, wherever they are, so the {} value overall lies between the {} and the {} of the {h} honest values: the attack can only pick among honest values.",
        super::ordinal(k),
        super::ordinal(k),
        super::ordinal(lo),
        super::ordinal(k.min(h))
    )];
    if 2 * q >= m {
        why.push(format!("Here the Byzantine workers are a majority ({q} of {m}): the median is no longer sandwiched by honest values, and it breaks."));
    }
    if sc.attack.kind == crate::engine::AttackKind::SameValue {
        why.push(format!(
            "The mean, by contrast, moves by q/m = {q}/{m} of the Byzantine offset in every coordinate: with c = {}, by about {:.3} per step, which the step η = {} keeps adding.",
            crate::engine::scenario::fmt_f64(sc.attack.c),
            q as f64 / m as f64 * sc.attack.c,
            sc.eta
        ));
    }
    let f = sc.assumed_f();
    why.push(if q <= f {
        format!("The trimmed mean drops f = ⌊βm⌋ = {f} values at each end of every coordinate: all {q} Byzantine values can be among them.")
    } else {
        format!("The trimmed mean drops only f = ⌊βm⌋ = {f} values at each end, fewer than the {q} Byzantine ones: {} of them survive, and the trimmed mean breaks like the mean.", q - f)
    });
    why
}

/// "t = 37 / 100", with the curves that diverged, for the views of the scenario's own runs.
pub(super) fn main_status(lab: &Shared) -> String {
    if lab.main.building() {
        return format!("t = 0 / {} · building the workers' data…", lab.sc.t);
    }
    // The iterations every run has made (Step adds exactly one).
    let mut s = format!("t = {} / {}", lab.main.progress(), lab.sc.t);
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
