//! View 5, rates: the final error against the samples per worker n (or the workers m) on log–log
//! axes at a fixed α, with the −½ slope and the lower bound.

use super::super::view::{Shared, View, ViewInfo, ViewOption, ViewText};
use crate::engine::linalg::{fit_residual, fit_slope};
use crate::engine::scenario::{Scenario, N_MAX};
use crate::engine::sweep::{Axis, Sweep};
use crate::engine::theory;
use crate::plots::breakdown::{Breakdown, Reference};
use crate::plots::Dash;
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "rates", label: "Rates", problem: None, make: || Box::new(Rates { against_m: false, sweep: None, seeds: super::SEEDS_MENU }) };

pub struct Rates {
    /// The x axis: workers m, or samples per worker n.
    against_m: bool,
    sweep: Option<Sweep>,
    seeds: super::Menu,
}

impl Rates {
    /// The values of the x axis.
    fn axis(&self, sc: &Scenario) -> Axis {
        if self.against_m {
            Axis::m(vec![5.0, 10.0, 20.0, 40.0, 80.0, 160.0])
        } else {
            let cap = sc.data_source().map_or(N_MAX, |d| d.train_images() / sc.m.max(1));
            Axis::n([10, 20, 50, 100, 200, 500, 1000, 2000].into_iter().filter(|&n| n <= cap).map(|n| n as f64).collect())
        }
    }
}

impl View for Rates {
    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() {
            self.sweep = Some(super::sweep_with_seeds(&lab.sc, self.axis(&lab.sc), self.seeds.num() as u64));
        }
    }

    sweep_view_methods!();

    fn unit(&self) -> &'static str {
        "points"
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to run the rates sweep".into()) };
        let sc = &lab.sc;
        let (done, total) = sw.progress();
        let mut series = super::band_series(sw, |_| None);
        for s in series.iter_mut() {
            let pts: Vec<(f64, f64)> = s.points.iter().filter(|p| p.1.is_finite() && p.1 > 0.0).map(|p| (p.0.ln(), p.1.ln())).collect();
            // A slope only where a line fits: every point within 15 % of the fitted power law, over
            // at least 3 points. A bent curve gets none.
            if pts.len() >= 3 {
                let (x, y): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
                if fit_residual(&x, &y) <= 0.15_f64.ln_1p() {
                    s.label = format!("{} (slope {:.2})", s.label, fit_slope(&x, &y));
                } else {
                    s.label = format!("{} (not a straight line)", s.label);
                }
            }
        }
        let xs: Vec<f64> = sw.axis.values.clone();
        let mut refs = Vec::new();
        // Anchor the −½ reference on the lowest first point (the most accurate rule).
        let first = series.iter().filter_map(|s| s.points.iter().find(|p| p.1.is_finite() && p.1 > 0.0)).min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(x0, y0, _, _)) = first {
            let points = xs.iter().map(|&x| (x, y0 * (x / x0).powf(-0.5))).collect();
            refs.push(Reference { label: "slope −½".into(), points, dash: Dash::Sparse, dark: false });
        }
        if sc.problem.has_optimum() {
            let lb = |x: f64| {
                let (n, m) = if self.against_m { (sc.n, x as usize) } else { (x as usize, sc.m) };
                sc.sigma * theory::lower_bound(sc.alpha, n, m, sc.d)
            };
            let points = xs.iter().map(|&x| (x, lb(x))).collect();
            refs.push(Reference { label: format!("lower bound at α = {}", sc.alpha), points, dash: Dash::Dotted, dark: true });
        }
        let axis = if self.against_m { format!("m (n = {})", sc.n) } else { format!("n (m = {})", sc.m) };
        Plot::Breakdown(Breakdown {
            title: format!("Error against {axis} at α = {}, {} seeds per point", sc.alpha, sw.seeds.len()),
            y_label: super::final_label(sc.problem).into(),
            series,
            x_range: (xs.first().copied().unwrap_or(1.0), xs.last().copied().unwrap_or(10.0)),
            progress: format!("{done}/{total} runs"),
            refs,
            x_label: if self.against_m { "workers m" } else { "samples per worker n" }.into(),
            log_x: true,
            log_y: true,
        })
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let (n, m, d, a) = (sc.n as f64, sc.m as f64, sc.d as f64, sc.alpha);
        let why = vec![
            format!("Why −½: each worker's gradient averages n samples, so its noise shrinks like 1/√n, and averaging m workers gives 1/√(nm); the error of median and trimmed-mean GD follows, so its log–log slope is −½ against n, and against m while no worker is Byzantine."),
            format!("With α > 0 a second term α/√n appears that more workers cannot remove: here α/√n = {:.4} against √(d/(nm)) = {:.4}. Against m the curve flattens where α/√n takes over; against n both terms fall like 1/√n, so the slope stays −½.", a / n.sqrt(), (d / (n * m)).sqrt()),
        ];
        ViewText {
            lines: vec![
                "Final error against the samples per worker n (or the number of workers m) on log–log axes, α fixed. A slope is printed where a straight line fits.".into(),
                "The sparse grey line has slope −½ through the best first point; the dotted dark line is the lower bound at this α (Observation 1), up to a constant.".into(),
            ],
            why,
            mathml: r#"<math display="block"><mo>‖</mo><mover><mi>w</mi><mo>^</mo></mover><mo>−</mo><msup><mi>w</mi><mo>*</mo></msup><mo>‖</mo><mo>=</mo><mover><mi>O</mi><mo>~</mo></mover><mo>(</mo><mfrac><mi>α</mi><mrow><mo>√</mo><mi>n</mi></mrow></mfrac><mo>+</mo><mfrac><mn>1</mn><mrow><mo>√</mo><mo>(</mo><mi>n</mi><mi>m</mi><mo>)</mo></mrow></mfrac><mo>)</mo></math>"#,
            source: "Yin et al. 2018, Theorems 1 and 4, Observation 1",
        }
    }

    fn options(&self, _sc: &Scenario) -> Vec<ViewOption> {
        let choices = vec![("n", "samples per worker n"), ("m", "workers m")];
        vec![ViewOption { id: "axis", label: "against", choices, value: if self.against_m { "m" } else { "n" } }, self.seeds.option()]
    }

    fn set_option(&mut self, id: &str, value: &str) -> bool {
        if super::set_menus(&mut [&mut self.seeds], id, value, &mut self.sweep) {
            return true;
        }
        let against_m = match (id, value) {
            ("axis", "m") => true,
            ("axis", "n") => false,
            _ => return false,
        };
        if against_m != self.against_m {
            self.against_m = against_m;
            self.sweep = None;
        }
        true
    }
}
