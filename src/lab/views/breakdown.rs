//! View 3, breakdown: the final error against the Byzantine fraction α for every curve, the spread
//! over seeds as a band, and each rule's theoretical breakdown point.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::scenario::{AttackKind, Scenario};
use crate::engine::sweep::{Axis, Sweep};
use crate::engine::theory;
use crate::plots::breakdown::Breakdown as Plotted;
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo {
    key: "breakdown",
    label: "Breakdown",
    problem: None,
    make: || Box::new(Breakdown { sweep: None, seeds: super::SEEDS_MENU, grid: GRID, over: OVER }),
};

/// One attack (the scenario's) or the worst of [`WORST_OF`] at every α.
const OVER: super::Menu = super::Menu { id: "over", label: "attack", choices: &[("one", "the scenario's"), ("worst", "the worst over attacks")], at: 0 };

/// The attacks the worst case is taken over: the adaptive ones (optimal ALIE and IPM against the
/// rule, Min-Max, Min-Sum, Fang et al.'s full-knowledge attack), mimic, and the crude ones. Those the problem cannot take are left out;
/// a classification problem adds label flipping.
pub const WORST_OF: &[AttackKind] = &[
    AttackKind::SameValue,
    AttackKind::SignFlip,
    AttackKind::Gaussian,
    AttackKind::AlieOpt,
    AttackKind::IpmOpt,
    AttackKind::MinMax,
    AttackKind::MinSum,
    AttackKind::Fang,
    AttackKind::Mimic,
];

/// The attacks of the worst case for a scenario.
pub fn worst_of(sc: &Scenario) -> Vec<AttackKind> {
    let mut out: Vec<AttackKind> = WORST_OF.to_vec();
    if sc.problem.is_classification() || sc.problem == crate::engine::ProblemKind::CsvClass {
        out.push(AttackKind::LabelFlip);
    }
    out.retain(|a| {
        let mut s = sc.clone();
        s.attack.kind = *a;
        s.sanitize().is_empty()
    });
    out
}

/// The sweep's step in α.
const GRID: super::Menu = super::Menu { id: "grid", label: "α step", choices: &[("0.05", "0.05"), ("0.02", "0.02"), ("0.01", "0.01")], at: 1 };

pub struct Breakdown {
    sweep: Option<Sweep>,
    seeds: super::Menu,
    grid: super::Menu,
    over: super::Menu,
}

impl View for Breakdown {
    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() {
            let mut axis = Axis::alpha_range(0.0, 0.5, self.grid.num());
            if self.worst() {
                axis = axis.crossed_with(worst_of(&lab.sc));
            }
            self.sweep = Some(super::sweep_with_seeds(&lab.sc, axis, self.seeds.num() as u64));
        }
    }

    sweep_view_methods!();

    fn options(&self, _sc: &Scenario) -> Vec<super::super::ViewOption> {
        vec![self.over.option(), self.seeds.option(), self.grid.option()]
    }

    fn set_option(&mut self, id: &str, value: &str) -> bool {
        super::set_menus(&mut [&mut self.over, &mut self.seeds, &mut self.grid], id, value, &mut self.sweep)
    }

    fn unit(&self) -> &'static str {
        "α points"
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to run the breakdown sweep".into()) };
        let (done, total) = sw.progress();
        let (m, beta) = (lab.sc.m, lab.sc.beta);
        let mark = |c: &crate::engine::Curve| c.rule.and_then(|r| theory::breakdown_point(r.kind, m, beta));
        let (series, under) = if self.worst() {
            let worst = |v, g| sw.worst(v, g).map(|(_, c)| (sw.axis.values[v], c));
            (super::band_series_of(sw, mark, " (worst)", sw.axis.values.len(), worst), format!("the worst of {} attacks", sw.axis.attacks.len()))
        } else {
            (super::band_series(sw, mark), lab.sc.attack.kind.label().to_string())
        };
        Plot::Breakdown(Plotted {
            title: format!("Breakdown under {under}: T = {}, {} seeds per point (dashed: theoretical breakdown)", sw.base.t, sw.seeds.len()),
            y_label: super::final_label(lab.sc.problem).into(),
            series,
            x_range: (0.0, 0.5),
            progress: format!("{done}/{total} runs"),
            refs: Vec::new(),
            x_label: "Byzantine fraction α".into(),
            log_x: false,
            log_y: true,
        })
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let mut text = self.explain_one(sc);
        if self.worst() {
            let names: Vec<&str> = worst_of(sc).iter().map(|a| a.label()).collect();
            text.lines.insert(
                0,
                format!(
                    "Worst case over attacks: at every α each rule's point is the largest mean final error over {} ({}), its band that attack's range over seeds — the breakdown a rule really has, not the one a single attack shows. The optimal ALIE and IPM search their factor against each rule (ByzFL's line search); Min-Max and Min-Sum stay as close to the honest messages as the honest messages are to each other; Fang et al.'s attack pushes the median and the trimmed mean past the honest extremes and puts the largest message Krum (or the rule in use) still selects against the honest mean's sign.",
                    names.len(),
                    names.join(", ")
                ),
            );
        }
        text
    }
}

impl Breakdown {
    fn worst(&self) -> bool {
        self.over.choices[self.over.at].0 == "worst"
    }

    fn explain_one(&self, sc: &Scenario) -> ViewText {
        let f = sc.assumed_f();
        let first = (f + 1) as f64 / sc.m as f64;
        let grid = (first / 0.02).ceil() * 0.02;
        let mut why = vec![format!(
            "Why the trimmed mean breaks at α = {grid:.2} here, not at the β = {} it is told: it drops f = ⌊βm⌋ = {f} values at each end of every coordinate, so it survives as long as ⌊αm⌋ ≤ {f}. The first α with ⌊α × {}⌋ > {f} is (f + 1)/m = {first:.3} (on this sweep's grid, {grid:.2}); from there one Byzantine value per end is averaged in, and it moves as freely as the mean.",
            sc.beta, sc.m
        )];
        why.push("The median needs only an honest majority (⌊αm⌋ < m/2): it breaks near α = ½, whatever β says.".into());
        ViewText {
            lines: vec![
                "Final error against the Byzantine fraction α, the mean over seeds, with the min–max range over seeds as a band. Runs that diverged are not drawn as an error: they are marked in the row above the plot (faint where only some seeds diverged).".into(),
                "Dashed verticals mark each rule's breakdown point for this m and β: ½ for the median, (f + 1)/m for the trimmed mean (f = ⌊βm⌋), NBS also needs 2α/(1 − β) < 1, Krum m ≥ 2f + 3, Bulyan m ≥ 4f + 3; MDA, MoNNA and CAF hold while ⌊αm⌋ ≤ f < m/2; DnC and SignGuard state no point (none drawn: DnC drops ⌊c·f⌋ inputs, SignGuard keeps the larger sign cluster), nor does FLTrust, which trusts the server's root set rather than a majority. A pre-aggregation stage (pre=) keeps the rule's point but for bucketing, which groups s messages so one Byzantine taints its whole bucket.".into(),
            ],
            why,
            mathml: r#"<math display="block"><mrow><mo>⌊</mo><mi>α</mi><mi>m</mi><mo>⌋</mo><mo>&lt;</mo><mfrac><mi>m</mi><mn>2</mn></mfrac></mrow><mspace width="0.6em"></mspace><mtext>(median)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mrow><mo>⌊</mo><mi>α</mi><mi>m</mi><mo>⌋</mo><mo>≤</mo><mi>f</mi><mo>=</mo><mo>⌊</mo><mi>β</mi><mi>m</mi><mo>⌋</mo></mrow><mspace width="0.6em"></mspace><mtext>(trimmed mean)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mfrac><mrow><mn>2</mn><mi>α</mi></mrow><mrow><mn>1</mn><mo>−</mo><mi>β</mi></mrow></mfrac><mo>&lt;</mo><mn>1</mn><mspace width="0.6em"></mspace><mtext>(NBS)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mi>m</mi><mo>≥</mo><mn>2</mn><mi>f</mi><mo>+</mo><mn>3</mn><mspace width="0.6em"></mspace><mtext>(Krum)</mtext></math>"#,
            source: "Yin et al. 2018 (§3–4); Robust distributed learning against distributional shifts and Byzantine attacks (§VI-C); Blanchard et al. 2017; El Mhamdi et al. 2018",
        }
    }
}
