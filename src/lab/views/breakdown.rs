//! View 3, breakdown: the final error against the Byzantine fraction α for every curve, the spread
//! over seeds as a band, and each rule's theoretical breakdown point.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::scenario::Scenario;
use crate::engine::sweep::{Axis, Sweep};
use crate::engine::theory;
use crate::plots::breakdown::Breakdown as Plotted;
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "breakdown", label: "Breakdown", make: || Box::new(Breakdown::default()) };

#[derive(Default)]
pub struct Breakdown {
    sweep: Option<Sweep>,
}

impl View for Breakdown {
    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() {
            self.sweep = Some(super::sweep(&lab.sc, Axis::alpha_range(0.0, 0.5, 0.02)));
        }
    }

    fn work(&mut self, lab: &mut Shared, steps: usize) -> usize {
        self.prepare(lab);
        match &mut self.sweep {
            Some(s) if !s.is_done() => s.advance(steps, &mut lab.problems),
            _ => 0,
        }
    }

    fn is_done(&self, _lab: &Shared) -> bool {
        self.sweep.as_ref().is_some_and(|s| s.is_done())
    }

    fn status(&self, _lab: &Shared) -> String {
        super::sweep_status(self.sweep.as_ref())
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to run the breakdown sweep".into()) };
        let (done, total) = sw.progress();
        let (m, beta) = (lab.sc.m, lab.sc.beta);
        let series = super::band_series(sw, |c| c.rule.and_then(|r| theory::breakdown_point(r.kind, m, beta)));
        Plot::Breakdown(Plotted {
            title: format!("Breakdown under {}: T = {}, {} seeds per point (dashed: theoretical breakdown)", lab.sc.attack.kind.label(), sw.base.t, sw.seeds.len()),
            y_label: super::final_label(lab.sc.problem).into(),
            series,
            x_range: (0.0, 0.5),
            progress: format!("{done}/{total} runs"),
            refs: Vec::new(),
            x_label: "Byzantine fraction α".into(),
            log_x: false,
        })
    }

    fn csv(&self, _lab: &Shared) -> String {
        self.sweep.as_ref().map_or_else(String::new, |s| s.csv())
    }

    fn explain(&self, _sc: &Scenario) -> ViewText {
        ViewText {
            lines: vec![
                "Final error against the Byzantine fraction α, mean over seeds with the min–max range as a band.".into(),
                "Dashed verticals mark each rule's theoretical breakdown: ½ for the median, β for the trimmed mean, min(β, (1 − β)/2) for NBS (⅓ at β = ⅓), m ≥ 2f + 3 for Krum, m ≥ 4f + 3 for Bulyan.".into(),
            ],
            mathml: r#"<math display="block"><mi>α</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><mspace width="0.6em"></mspace><mtext>(median)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mi>α</mi><mo>≤</mo><mi>β</mi><mspace width="0.6em"></mspace><mtext>(trimmed mean)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mfrac><mrow><mn>2</mn><mi>α</mi></mrow><mrow><mn>1</mn><mo>−</mo><mi>β</mi></mrow></mfrac><mo>&lt;</mo><mn>1</mn><mspace width="0.6em"></mspace><mtext>(NBS)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mi>m</mi><mo>≥</mo><mn>2</mn><mi>f</mi><mo>+</mo><mn>3</mn><mspace width="0.6em"></mspace><mtext>(Krum)</mtext></math>"#,
            source: "Yin et al. 2018 (§3–4); the NBS + DRO paper (§VI-C); Blanchard et al. 2017; El Mhamdi et al. 2018",
        }
    }
}
