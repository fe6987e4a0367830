//! View 1, error curves: a metric against the iteration, one curve per rule (and algorithm), the
//! clean run as reference and the lower bound no rule can beat as a dashed line.

use super::super::view::{Shared, View, ViewInfo, ViewOption, ViewText};
use crate::engine::scenario::Scenario;
use crate::engine::theory;
use crate::engine::trace::Record;
use crate::engine::ProblemKind;
use crate::plots::error_curves::{ErrorCurves, Series};
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "curves", label: "Error curves", problem: None, make: || Box::new(Curves { metric: Metric::Error }) };

/// The quantity the view plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Error,
    Accuracy,
    /// Accuracy on the honest workers' training examples (under the training's ℓ∞ radius).
    TrainAccuracy,
    /// Training minus test accuracy: the (adversarial) generalization gap of the thesis's ch. 5.
    Gap,
    Loss,
    TrainLoss,
    /// Gradient diversity's batch-size bound B_D = nΔ_D (thesis ch. 2).
    Diversity,
    AggError,
    GradNorm,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::Error,
        Metric::Accuracy,
        Metric::TrainAccuracy,
        Metric::Gap,
        Metric::Loss,
        Metric::TrainLoss,
        Metric::Diversity,
        Metric::AggError,
        Metric::GradNorm,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Metric::Error => "error",
            Metric::Accuracy => "accuracy",
            Metric::TrainAccuracy => "trainacc",
            Metric::Gap => "gap",
            Metric::Loss => "loss",
            Metric::TrainLoss => "trainloss",
            Metric::Diversity => "diversity",
            Metric::AggError => "aggerr",
            Metric::GradNorm => "gradnorm",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Metric::Error => "‖w − w*‖",
            Metric::Accuracy => "test accuracy",
            Metric::TrainAccuracy => "training accuracy",
            Metric::Gap => "generalization gap (training − test accuracy)",
            Metric::Loss => "loss",
            Metric::TrainLoss => "training loss",
            Metric::Diversity => "batch-size bound B_D = nΔ_D (gradient diversity)",
            Metric::AggError => "‖ĝ − honest mean‖",
            Metric::GradNorm => "‖∇F(w)‖",
        }
    }
    /// Whether the metric applies to a problem.
    pub fn applies(self, p: ProblemKind) -> bool {
        match self {
            Metric::Error => !p.is_classification(),
            Metric::Accuracy => p.is_classification(),
            Metric::TrainAccuracy | Metric::Gap | Metric::TrainLoss | Metric::Diversity => p.is_linear_classifier(),
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
            Metric::TrainAccuracy => r.train_acc,
            Metric::Gap => r.train_acc - r.acc,
            Metric::Loss => r.loss,
            Metric::TrainLoss => r.train_loss,
            Metric::Diversity => r.diversity,
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
            let stat = sc.sigma * theory::lower_bound(sc.alpha, sc.n, sc.m, sc.d);
            match heterogeneity_floor(sc) {
                Some(h) if h > stat => (format!("lower bound at α = {}, ζ = {}: (ζ/2)√(f/(m − 2f)), f = {}", sc.alpha, sc.zeta, sc.byzantine()), h),
                _ => (format!("lower bound at α = {}: σ(α/√n + √(d/nm))", sc.alpha), stat),
            }
        });
        let y_label = if m == Metric::Error && sc.problem == ProblemKind::Saddle { "distance to nearest minimum".into() } else { m.label().to_string() };
        let title = format!("{}, {}: {} of {} workers Byzantine", sc.problem.label(), sc.attack.kind.label(), sc.byzantine(), sc.m);
        Plot::Curves(ErrorCurves { title, y_label, log_y: !matches!(m, Metric::Accuracy | Metric::TrainAccuracy | Metric::Gap), series, floor, t_max: sc.t as f64 })
    }

    fn csv(&self, lab: &Shared) -> String {
        runs_csv(lab)
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let mut lines = vec![
            "Every worker computes its local gradient gᵢ(wₜ); the Byzantine ones send whatever hurts most. The master aggregates the m messages and steps.".into(),
            format!("{} One curve per rule.", sc.byzantine_sentence()),
        ];
        match sc.problem {
            crate::engine::ProblemKind::CsvLs => lines.push(
                "Your CSV: least squares on its standardised columns. w* is the honest workers' own least-squares fit (of their pooled rows), so ‖w − w*‖ → 0 is learning what the honest data say; the loss is ½·mean squared error on the test rows (every fifth row), in units of the target's standard deviation."
                    .into(),
            ),
            crate::engine::ProblemKind::CsvClass => lines.push(
                "Your CSV: softmax (logistic) regression on its standardised features; the accuracy is measured on its test rows (every fifth row of each class).".into(),
            ),
            _ => {}
        }
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
        if let Some(h) = heterogeneity_floor(sc).filter(|_| draws_bound(sc, self.metric)) {
            lines.push(format!(
                "Each honest worker has its own optimum (split {}, spread ζ = {}), and the error is measured to their mean w*_H. A Byzantine worker can pose as an honest one with another optimum, and the master cannot tell which f = {} of the m = {} are lying: no rule can guarantee an error below (ζ/2)√(f/(m − 2f)) = {h:.3}, whatever n. A rule can end below it on one split under one attack: the floor is what the worst split of this spread, under the worst attack, forces on every rule. The line shows the larger of this floor and the statistical one.",
                sc.split.key(),
                sc.zeta,
                sc.byzantine(),
                sc.m
            ));
        }
        if sc.problem.is_linear_classifier() && (sc.adv > 0.0 || matches!(self.metric, Metric::TrainAccuracy | Metric::Gap)) {
            return adversarial_text(sc, lines);
        }
        if sc.problem.is_linear_classifier() && (sc.drop > 0.0 || sc.rep > 1 || self.metric == Metric::Diversity) {
            return diversity_text(sc, lines);
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

/// The explanation of ℓ∞ adversarial training and its generalization gap (thesis ch. 5).
fn adversarial_text(sc: &Scenario, mut lines: Vec<String>) -> ViewText {
    let fmt = crate::engine::scenario::fmt_f64;
    lines.push(if sc.adv > 0.0 {
        format!(
            "Adversarial training at ε = {}: every honest gradient is taken at the worst inputs of the ℓ∞ ball of radius ε around each example. For a linear model the worst case is closed-form: the margin z_y − z_k of each pair of classes loses exactly ε‖w_y − w_k‖₁.",
            fmt(sc.adv)
        )
    } else {
        "Natural training (ε = 0); set the ℓ∞ adversarial-training radius to train robustly.".into()
    });
    lines.push(format!(
        "Training accuracy is measured on up to {} of the honest workers' examples, under the training's radius; test accuracy under the test-time shift ({}). Their difference is the generalization gap.",
        crate::engine::problem::TRAIN_EVAL,
        if sc.shift == crate::engine::scenario::ShiftKind::None { "none is set".to_string() } else { format!("{} of budget {}", sc.shift.label(), fmt(sc.shift_eps)) }
    ));
    ViewText {
        lines,
        why: vec![
            "Why the gap depends on the dimension (Theorem 5.2): an ℓ∞ attack of size ε adds εW·d^(1/q)/√n to the Rademacher complexity of linear classifiers with ‖w‖_p ≤ W (1/p + 1/q = 1), and at least a constant times that. For p = 2 this grows like √d; only an ℓ1 bound on w (p = 1, q = ∞) removes the dimension, which is why an ℓ1 penalty λ‖W‖₁ narrows the gap.".into(),
            "Try: switch the image resolution between 196, 784 and 3136 pixels (every image keeps its ℓ2 norm), or raise the ℓ1 regulariser, and plot the gap.".into(),
        ],
        mathml: r#"<math display="block"><munder><mi>min</mi><mi>W</mi></munder><mfrac><mn>1</mn><mi>n</mi></mfrac><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><munder><mi>max</mi><mrow><msup><mi>x</mi><mo>′</mo></msup><mo>∈</mo><msubsup><mi>B</mi><msub><mi>x</mi><mi>i</mi></msub><mi>∞</mi></msubsup><mo>(</mo><mi>ε</mi><mo>)</mo></mrow></munder><mi>ℓ</mi><mo>(</mo><mi>W</mi><msup><mi>x</mi><mo>′</mo></msup><mo>,</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo><mo>+</mo><mi>λ</mi><mo>‖</mo><mi>W</mi><msub><mo>‖</mo><mn>1</mn></msub><mo>,</mo><mspace width="1em"></mspace><msub><mi>R</mi><mi>S</mi></msub><mo>(</mo><mover><mi>F</mi><mo>~</mo></mover><mo>)</mo><mo>≤</mo><msub><mi>R</mi><mi>S</mi></msub><mo>(</mo><mi>F</mi><mo>)</mo><mo>+</mo><mi>ε</mi><mi>W</mi><mfrac><msup><mi>d</mi><mrow><mn>1</mn><mo>/</mo><mi>q</mi></mrow></msup><msqrt><mi>n</mi></msqrt></mfrac></math>"#,
        source: "Yin's thesis ch. 5 (Yin, Ramchandran, Bartlett, ICML 2019): objective (5.8), Theorems 5.2 and 5.4",
    }
}

/// The explanation of gradient diversity and the batch-size bound (thesis ch. 2).
fn diversity_text(sc: &Scenario, mut lines: Vec<String>) -> ViewText {
    let fmt = crate::engine::scenario::fmt_f64;
    lines.push(format!(
        "Gradient diversity Δ_D(w) = Σᵢ‖∇fᵢ(w)‖² / ‖Σᵢ∇fᵢ(w)‖² over the examples, measured on up to {} of the honest workers' examples; the batch-size bound B_D = nΔ_D is plotted.",
        crate::engine::problem::TRAIN_EVAL
    ));
    if sc.rep > 1 {
        lines.push(format!("Replication r = {}: each worker keeps a random 1/{} of its examples and repeats them {} times. Copies add to Σ‖∇fᵢ‖² as often as to the sum, so Δ_D falls (replicating every example r times divides it by exactly r).", sc.rep, sc.rep, sc.rep));
    }
    let s_n = "With S = Σᵢ‖∇fᵢ‖² and N = ‖Σᵢ∇fᵢ‖², B_D = nS/N and";
    if sc.drop > 0.0 {
        let p = fmt(sc.drop);
        lines.push(format!("DropConnect p = {p}: each honest example's gradient keeps each coordinate with probability 1 − p (Dᵢ∇fᵢ, not rescaled). E‖Dᵢ∇fᵢ‖² = (1 − p)‖∇fᵢ‖² and E⟨Dⱼ∇fⱼ, Dₖ∇fₖ⟩ = (1 − p)²⟨∇fⱼ, ∇fₖ⟩, so {s_n} B^drop = nS / (S + (1 − p)(N − S)), the curve shown: above B_D while B_D ≤ n (Theorem 2.7, (2.11))."));
    }
    if sc.sgld > 0.0 {
        lines.push(format!("Langevin noise σ = {}: each honest example's gradient gets ξᵢ ~ N(0, σ²I), d the model's dimension, so {s_n} B^sgld = n(S + ndσ²) / (N + ndσ²), the curve shown (Theorem 2.7, (2.12)).", fmt(sc.sgld)));
    }
    if sc.quant {
        lines.push(format!("Quantized gradients: each honest example's gradient v is sent as Q(v), [Q(v)]ₗ = ‖v‖₂·sign(vₗ)·ηₗ, ηₗ ~ Bernoulli(|vₗ|/‖v‖₂): unbiased, with E‖Q(v)‖² = ‖v‖₂‖v‖₁. So {s_n} B^quant = nQ / (Q + N − S), Q = Σᵢ‖∇fᵢ‖₂‖∇fᵢ‖₁, the curve shown (Theorem 2.7)."));
    }
    if [sc.drop > 0.0, sc.sgld > 0.0, sc.quant].iter().filter(|x| **x).count() > 1 {
        lines.push("With more than one mechanism on, the bound has no closed form and is not plotted.".into());
    }
    let per_round = (sc.m - sc.byzantine()) * if sc.batch > 0 { sc.batch } else { sc.n };
    ViewText {
        lines,
        why: vec![
            format!("Why it bounds the batch size (Lemma 2.1, Theorem 2.1): with B ≤ δB_D + 1 on every iterate, mini-batch SGD with the serial step size reaches a (1 + δ/2)ε-suboptimal point after the same number of gradient updates as serial SGD, that is T/B iterations: a linear speed-up. Past the bound (Theorem 2.6) a batch of B costs up to a factor (1 + δ) in accuracy, and the speed-up saturates. Here every round uses {per_round} honest examples."),
            "Try: raise the replication factor and watch B_D fall; turn on DropConnect, Langevin noise or quantized gradients and watch it rise.".into(),
        ],
        mathml: r#"<math display="block"><msub><mi>Δ</mi><mi>D</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><mo>=</mo><mfrac><mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mo>‖</mo><mo>∇</mo><msub><mi>f</mi><mi>i</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><msup><mo>‖</mo><mn>2</mn></msup></mrow><mrow><mo>‖</mo><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><mo>∇</mo><msub><mi>f</mi><mi>i</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><msup><mo>‖</mo><mn>2</mn></msup></mrow></mfrac><mo>,</mo><mspace width="1em"></mspace><msub><mi>B</mi><mi>D</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo><mo>=</mo><mi>n</mi><msub><mi>Δ</mi><mi>D</mi></msub><mo>(</mo><mi>w</mi><mo>)</mo></math>"#,
        source: "Yin's thesis ch. 2 (Yin, Pananjady, Lam, Papailiopoulos, Ramchandran, Bartlett, AISTATS 2018): Definition 2.4, Lemma 2.1, Theorems 2.1, 2.6 and 2.7",
    }
}

/// Whether the plot draws the lower bound (the error metric on a problem with a known optimum).
fn draws_bound(sc: &Scenario, m: Metric) -> bool {
    m == Metric::Error && sc.problem.has_optimum()
}

/// The heterogeneity floor of linear regression and mean estimation under a split that gives each
/// worker its own optimum ([`theory::heterogeneity_floor`], the slider's ζ as the spread); `None`
/// under the i.i.d. split, for other problems, or when 2f ≥ m.
fn heterogeneity_floor(sc: &Scenario) -> Option<f64> {
    let heterogeneous = matches!(sc.problem, ProblemKind::LinReg | ProblemKind::Mean) && sc.split.shifts_optima();
    heterogeneous.then(|| theory::heterogeneity_floor(sc.zeta, sc.byzantine(), sc.m)).flatten()
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
