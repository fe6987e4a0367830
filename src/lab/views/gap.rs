//! View 7, adversarial gap (Yin's thesis ch. 5): a linear classifier's generalization gap, training
//! minus test accuracy, both under the ℓ∞ attack of the training radius ε, against ε, the ℓ1
//! penalty λ or the dimension d, with Theorem 5.2's term εW·d^{1/q}/√n for p = 1 and p = 2 on the
//! trained weights drawn beside it (constant 1).

use super::super::view::{Shared, View, ViewInfo, ViewOption, ViewText};
use crate::engine::scenario::{fmt_f64, Scenario, ShiftKind};
use crate::engine::sweep::{Axis, Measure, Sweep};
use crate::plots::breakdown::{Breakdown, Reference};
use crate::plots::{Dash, Plot};

pub const INFO: ViewInfo = ViewInfo { key: "gap", label: "Adversarial gap", problem: None, make: || Box::new(Gap::default()) };

/// What the x axis sweeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Against {
    /// The radius ε of adversarial training and of the test attack.
    #[default]
    Eps,
    /// The ℓ1 penalty λ.
    Lambda,
    /// The image resolution d (196, 784, 3136 pixels).
    Dim,
}

const CHOICES: [(Against, &str, &str); 3] =
    [(Against::Eps, "eps", "radius ε"), (Against::Lambda, "lambda", "ℓ1 penalty λ"), (Against::Dim, "d", "dimension d")];

#[derive(Default)]
pub struct Gap {
    against: Against,
    sweep: Option<Sweep>,
}

impl Gap {
    fn axis(&self, sc: &Scenario) -> Axis {
        let known = Axis::known;
        match self.against {
            Against::Eps => known("adv+shift_eps", vec![0.0, 0.01, 0.02, 0.05, 0.1]),
            Against::Lambda => known("l1", vec![0.0, 0.0005, 0.001, 0.002, 0.005]),
            Against::Dim if sc.problem.uses_mnist() => known("pix", vec![196.0, 784.0, 3136.0]),
            // Spambase has one resolution.
            Against::Dim => known("pix", vec![784.0]),
        }
    }
}

impl View for Gap {
    /// A linear classifier: its adversarial training and errors are exact (closed form).
    fn applies(&self, sc: &Scenario) -> bool {
        sc.problem.is_linear_classifier()
    }

    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() && self.applies(&lab.sc) {
            // The test images are attacked in the ℓ∞ ball of the training radius.
            let mut base = lab.sc.clone();
            base.shift = ShiftKind::Linf;
            base.shift_eps = base.adv;
            self.sweep = Some(super::sweep(&base, self.axis(&base)).measuring(Measure::Gap));
        }
    }

    sweep_view_methods!();

    fn unit(&self) -> &'static str {
        "points"
    }

    fn plot(&self, lab: &Shared) -> Plot {
        if !self.applies(&lab.sc) {
            return Plot::Message("the adversarial-gap view trains a linear classifier adversarially: choose MNIST (softmax), MNIST odd/even or Spambase".into());
        }
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to run the adversarial-gap sweep".into()) };
        let (done, total) = sw.progress();
        let series = super::band_series(sw, |_| None);
        let xs = &sw.axis.values;
        // Theorem 5.2's term on the first curve's trained weights, the mean over seeds.
        let term = |k: usize| -> Vec<(f64, f64)> { (0..xs.len()).filter_map(|a| sw.cell_of(a, 0, k).map(|c| (xs[a], c.mean))).collect() };
        let refs = vec![
            Reference { label: "Thm 5.2, p = 1: εW₁/√n".into(), points: term(1), dash: Dash::Dotted, dark: true },
            Reference { label: "Thm 5.2, p = 2: εW₂√d/√n".into(), points: term(2), dash: Dash::Sparse, dark: false },
        ];
        let (x_label, log_x) = match self.against {
            Against::Eps => ("ℓ∞ radius ε (training and test)", false),
            Against::Lambda => ("ℓ1 penalty λ", false),
            Against::Dim => ("dimension d (pixels)", true),
        };
        let sc = &sw.base;
        let fixed = match self.against {
            Against::Eps => format!("λ = {}", fmt_f64(sc.l1)),
            _ => format!("ε = {}", fmt_f64(sc.adv)),
        };
        Plot::Breakdown(Breakdown {
            title: format!("Adversarial generalization gap ({fixed}, n = {}, T = {}), {} seeds per point", sc.m * sc.n, sc.t, sw.seeds.len()),
            y_label: "training − test accuracy under ℓ∞ ε".into(),
            series,
            x_range: (xs[0], *xs.last().unwrap_or(&xs[0])),
            progress: format!("{done}/{total} runs"),
            refs,
            x_label: x_label.into(),
            log_x,
            log_y: false,
        })
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let n = sc.m * sc.n;
        let why = vec![
            format!("What Theorem 5.2 says: attacks of size ε add at most εW·d^(1/q)/√n to the Rademacher complexity of linear classifiers with ‖w‖_p ≤ W (1/p + 1/q = 1), and at least a constant times as much. For p = 2 the term grows like √d; for p = 1 (q = ∞) it does not depend on d, so an ℓ1 penalty, which keeps W₁ small, keeps the gap from growing with the dimension. Here n = {n} training examples."),
            "The measured gap need not follow the bound's shape: the bound is on the complexity, and a larger ε also makes the training examples harder to fit robustly, which lowers the training accuracy itself (the thesis's Figures 5.2 and 5.3 and ours are compared in docs/reproduction.md).".into(),
            "The terms are drawn with constant 1 and W = max_k ‖w_k‖_p of the trained weights (Theorem 5.4's ‖Wᵀ‖_{p,∞}); they bound the complexity, not the gap itself, so compare their shape, not their height.".into(),
            "Try: switch the axis to d and compare λ = 0 with λ = 0.002 (the thesis's Figures 5.2 and 5.3 are presets).".into(),
        ];
        ViewText {
            lines: vec![
                "Training accuracy minus test accuracy of the adversarially trained linear classifier, both under the ℓ∞ attack of the training radius ε (exact for linear models: each class pair's margin loses ε‖w_y − w_k‖₁), against ε, λ or d; the mean over seeds, the min–max as a band.".into(),
                "The dotted dark line is Theorem 5.2's term for p = 1, εW₁/√n, the sparse grey one for p = 2, εW₂√d/√n, on the trained weights (mean over seeds, constant 1).".into(),
            ],
            why,
            mathml: r#"<math display="block"><msub><mi>R</mi><mi>S</mi></msub><mo>(</mo><mover><mi>F</mi><mo>~</mo></mover><mo>)</mo><mo>≤</mo><msub><mi>R</mi><mi>S</mi></msub><mo>(</mo><mi>F</mi><mo>)</mo><mo>+</mo><mi>ε</mi><mi>W</mi><mfrac><msup><mi>d</mi><mrow><mn>1</mn><mo>/</mo><mi>q</mi></mrow></msup><msqrt><mi>n</mi></msqrt></mfrac><mo>,</mo><mspace width="1em"></mspace><mfrac><mn>1</mn><mi>p</mi></mfrac><mo>+</mo><mfrac><mn>1</mn><mi>q</mi></mfrac><mo>=</mo><mn>1</mn></math>"#,
            source: "Yin's thesis ch. 5 (Yin, Ramchandran, Bartlett, ICML 2019): Theorems 5.2 and 5.4, Figures 5.2 and 5.3",
        }
    }

    fn options(&self, _sc: &Scenario) -> Vec<ViewOption> {
        let value = CHOICES.iter().find(|c| c.0 == self.against).map_or("eps", |c| c.1);
        vec![ViewOption { id: "gap_axis", label: "against", choices: CHOICES.iter().map(|c| (c.1, c.2)).collect(), value }]
    }

    fn set_option(&mut self, id: &str, value: &str) -> bool {
        let Some(&(against, _, _)) = CHOICES.iter().find(|c| id == "gap_axis" && c.1 == value) else { return false };
        if against != self.against {
            self.against = against;
            self.sweep = None;
        }
        true
    }
}
