//! View 6, batch size (Yin's thesis ch. 2): the training loss reached after a fixed number U of
//! gradient updates per worker against the mini-batch per worker b on log–log axes, so T = ⌈U/b⌉
//! iterations at each point, with gradient diversity's batch-size bound B_D marked. Flat up to
//! about δB_D + 1 (a linear speed-up: the same loss per update), rising beyond (saturation).

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::scenario::Scenario;
use crate::engine::sweep::{Axis, Measure, Sweep};
use crate::plots::breakdown::{Breakdown, Reference};
use crate::plots::{Dash, Plot};

pub const INFO: ViewInfo = ViewInfo { key: "batch", label: "Batch size", problem: None, make: || Box::new(Batch::default()) };

/// The most gradient updates per worker the view spends on a point (T = U at b = 1).
pub const UPDATES_MAX: usize = 10_000;

#[derive(Default)]
pub struct Batch {
    sweep: Option<Sweep>,
    /// B_D(w₀) = nΔ_D at the start (a linear classifier's first evaluation).
    b_d: Option<f64>,
}

/// The updates per worker U (the scenario's T, capped) and the mini-batches b: powers of two up to
/// min(n, U), then n itself (the full local data).
fn axis(sc: &Scenario) -> Axis {
    let u = sc.t.clamp(1, UPDATES_MAX);
    let top = sc.n.min(u).max(1);
    let mut values: Vec<f64> = (0..).map(|k| 1usize << k).take_while(|&b| b <= top).map(|b| b as f64).collect();
    if sc.n <= u && values.last() != Some(&(sc.n as f64)) {
        values.push(sc.n as f64);
    }
    Axis::batch_at(u, values)
}

/// The honest workers, whose b examples each make a round's batch of (m − q)·b.
fn honest(sc: &Scenario) -> usize {
    (sc.m - sc.byzantine()).max(1)
}

impl View for Batch {
    /// A linear classifier, whose training loss and gradient diversity are measured.
    fn applies(&self, sc: &Scenario) -> bool {
        sc.problem.is_linear_classifier()
    }

    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
        self.b_d = None;
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() && self.applies(&lab.sc) {
            self.sweep = Some(super::sweep(&lab.sc, axis(&lab.sc)).measuring(Measure::TrainLoss));
            let sc = lab.sc.clone();
            self.b_d = lab.problems.get(&sc).ok().map(|p| p.eval(&p.init(), sc.byzantine()).diversity).filter(|b| b.is_finite());
        }
    }

    sweep_view_methods!();

    fn unit(&self) -> &'static str {
        "batch points"
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let sc = &lab.sc;
        if !self.applies(sc) {
            return Plot::Message("the batch-size view measures a linear classifier's training loss: choose MNIST (softmax), MNIST odd/even or Spambase".into());
        }
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to run the batch-size sweep".into()) };
        let (done, total) = sw.progress();
        let u = sw.axis.updates.unwrap_or(1);
        let series = super::band_series(sw, |_| None);
        let xs = &sw.axis.values;
        let finite: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| v.is_finite() && *v > 0.0).collect();
        let (lo, hi) = finite.iter().fold((f64::INFINITY, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
        let mut refs = Vec::new();
        // Linear speed-up: the loss of b = 1 at every b (the best curve's first point).
        let first = series.iter().filter_map(|s| s.points.first().filter(|p| p.1.is_finite())).min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(_, y0, _, _)) = first {
            let points = vec![(xs[0], y0), (*xs.last().unwrap_or(&xs[0]), y0)];
            refs.push(Reference { label: "linear speed-up (loss of b = 1)".into(), points, dash: Dash::Sparse, dark: false });
        }
        if let Some(b_d) = self.b_d {
            let x = b_d / honest(sc) as f64;
            let (y0, y1) = if lo.is_finite() { (lo / 1.5, hi * 1.5) } else { (0.1, 10.0) };
            refs.push(Reference { label: format!("B_D(w₀)/(m − q) = {x:.1}"), points: vec![(x, y0), (x, y1)], dash: Dash::Dotted, dark: true });
        }
        Plot::Breakdown(Breakdown {
            title: format!("Training loss after {u} gradient updates per worker (T = ⌈{u}/b⌉), {} seeds per point", sw.seeds.len()),
            y_label: "final training loss".into(),
            series,
            x_range: (xs[0], *xs.last().unwrap_or(&xs[0])),
            progress: format!("{done}/{total} runs"),
            refs,
            x_label: "mini-batch per worker b".into(),
            log_x: true,
            log_y: true,
        })
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let u = sc.t.clamp(1, UPDATES_MAX);
        let h = honest(sc);
        let mut why = vec![
            format!("Why it is flat, then rises (Lemma 2.1, Theorems 2.1 and 2.6): one iteration with mini-batch B moves as far as B serial steps while B ≤ δB_D(w) + 1 on every iterate, so the same {u} updates reach the same loss in {u}/b iterations: a linear speed-up. Beyond the bound a step of B gradients is worth fewer than B serial steps, and the loss at equal updates rises: the speed-up saturates."),
            format!("Here a round averages b examples from each of the {h} honest workers, a batch of B = {h}·b for the mean, so the bound is crossed near b = B_D/{h}. B_D(w) = nΔ_D(w) grows as the model fits (the summed gradient shrinks faster than each example's), so B_D at the start is typically the smallest on the path."),
        ];
        if sc.eta * 16.0 > 1.0 {
            why.push(format!("The step size η = {} is the serial step on each example: a round steps η·b on the mean of b gradients (the thesis's mini-batch SGD, the step on their sum), so a large η diverges already at small b. Try η = 0.005 with m = 1, n = 1000, T = 4096.", crate::engine::scenario::fmt_f64(sc.eta)));
        }
        why.push("Replication r leaves only n/r distinct examples, which caps B_D as the model fits; DropConnect, Langevin noise and quantized gradients raise B_D (Theorem 2.7) and move the knee right.".into());
        ViewText {
            lines: vec![
                format!("The final training loss after U = {u} gradient updates per worker (the scenario's T, at most {UPDATES_MAX}) against the mini-batch per worker b, so T = ⌈U/b⌉ iterations at each point; the mean over seeds, the min–max as a band, log–log axes."),
                "The sparse grey line is a perfect linear speed-up (the loss of b = 1 at every b); the dotted dark line marks B_D(w₀)/(m − q), gradient diversity's batch-size bound at the start over the honest workers.".into(),
            ],
            why,
            mathml: r#"<math display="block"><mi>B</mi><mo>≤</mo><mi>δ</mi><msub><mi>B</mi><mi>D</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><mo>+</mo><mn>1</mn><mo>,</mo><mspace width="1em"></mspace><msub><mi>B</mi><mi>D</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><mo>=</mo><mi>n</mi><mfrac><mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mo>‖</mo><mo>∇</mo><msub><mi>f</mi><mi>i</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><msup><mo>‖</mo><mn>2</mn></msup></mrow><mrow><mo>‖</mo><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mo>∇</mo><msub><mi>f</mi><mi>i</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><msup><mo>‖</mo><mn>2</mn></msup></mrow></mfrac></math>"#,
            source: "Yin's thesis ch. 2 (Yin et al., AISTATS 2018): Lemma 2.1, Theorems 2.1, 2.6 and 2.7",
        }
    }
}
