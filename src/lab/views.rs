//! Turning the lab's runs into the plots' data, and the few lines of text with the formula that
//! explain each view.

use super::{Lab, Metric, RatesAxis, View};
use crate::engine::aggregate::{AggParams, Aggregator};
use crate::engine::linalg::{dot, fit_slope, norm};
use crate::engine::run::Run;
use crate::engine::scenario::{AggKind, ProblemKind, Scenario};
use crate::engine::theory;
use crate::engine::trace::{Event, Record};
use crate::plots::breakdown::{BandSeries, Breakdown};
use crate::plots::error_curves::{ErrorCurves, Series};
use crate::plots::master::MasterView;
use crate::plots::saddle::{SaddleView, Trajectory};

fn metric_value(m: Metric, r: &Record) -> f64 {
    match m {
        Metric::Error => r.err,
        Metric::Accuracy => r.acc,
        Metric::Loss => r.loss,
        Metric::AggError => r.agg_err,
        Metric::GradNorm => r.grad_norm,
    }
}

fn describe(sc: &Scenario) -> String {
    format!("{}, {}: {} of {} workers Byzantine", sc.problem.label(), sc.attack.label(), sc.byzantine(), sc.m)
}

/// The error label of a problem's final metric.
fn final_label(p: ProblemKind) -> &'static str {
    if p.is_classification() {
        "final test error (1 − accuracy)"
    } else if p == ProblemKind::Saddle {
        "final distance to a minimum"
    } else {
        "final ‖w_T − w*‖"
    }
}

impl Lab {
    /// View 1.
    pub fn curves_plot(&self) -> ErrorCurves {
        let m = self.metric;
        let mut series: Vec<Series> = self
            .curves
            .iter()
            .enumerate()
            .map(|(i, r)| Series {
                label: r.spec.label(),
                color: i,
                points: r.trace.records().map(|x| (x.t as f64, metric_value(m, x))).collect(),
                dashed: false,
                diverged: matches!(r.status, crate::engine::Status::Diverged(_)),
            })
            .collect();
        if let Some(c) = &self.clean {
            series.push(Series {
                label: "clean run (α = 0, mean)".into(),
                color: 7,
                points: c.trace.records().map(|x| (x.t as f64, metric_value(m, x))).collect(),
                dashed: true,
                diverged: false,
            });
        }
        let sc = &self.sc;
        let floor = (m == Metric::Error && matches!(sc.problem, ProblemKind::LinReg | ProblemKind::Mean)).then(|| {
            ("lower bound σ(α/√n + √(d/nm))".to_string(), sc.sigma * theory::lower_bound(sc.alpha, sc.n, sc.m, sc.d))
        });
        let y_label = if m == Metric::Error && sc.problem == ProblemKind::Saddle { "distance to nearest minimum".into() } else { m.label().to_string() };
        ErrorCurves { title: describe(sc), y_label, log_y: m != Metric::Accuracy, series, floor, t_max: sc.t as f64 }
    }

    /// View 2 (None until the experiment starts).
    pub fn saddle_plot(&self) -> Option<SaddleView> {
        let s = self.saddle.as_ref()?;
        let escaped = |r: &Run| r.w.get(1).is_some_and(|w2| w2.abs() > 0.5);
        let mut trajectories = Vec::new();
        for (algo, runs) in [(0usize, &s.gd), (1, &s.bpgd)] {
            for r in runs.iter() {
                trajectories.push(Trajectory { points: r.trace.records().map(|x| (x.w[0], x.w[1])).collect(), algo, escaped: escaped(r) });
            }
        }
        let center = s.bpgd.first().and_then(|r| r.trace.events().iter().find(|e| e.event == Event::Perturb)).map_or((0.0, 0.0), |e| (e.w[0], e.w[1]));
        let n_gd = s.gd.iter().filter(|r| escaped(r)).count();
        let n_bp = s.bpgd.iter().filter(|r| escaped(r)).count();
        let k = s.bpgd.len().max(1);
        let theory = 1.0 - s.p_stuck.iter().map(|p| p.powi(s.sc.q_rounds as i32)).sum::<f64>() / s.p_stuck.len().max(1) as f64;
        let band = s.band.map(|(lo, hi)| lo.abs().max(hi.abs()));
        Some(SaddleView {
            title: format!("Saddle toy, {} with {} of {} Byzantine ({})", s.sc.attack.label(), s.sc.byzantine(), s.sc.m, s.spec.label()),
            loss: crate::engine::problem::toy_loss,
            y_range: (-1.4, 1.4),
            algos: vec!["robust GD".into(), format!("ByzantinePGD (Q = {})", s.sc.q_rounds)],
            trajectories,
            center,
            r: s.sc.r,
            big_r: s.sc.big_r,
            band,
            marks: vec![((0.0, 0.0), "saddle".into()), ((0.0, 1.0), "min".into()), ((0.0, -1.0), "min".into())],
            counter: if s.is_set_up() {
                format!("escaped: ByzantinePGD {n_bp}/{k}, robust GD {n_gd}/{}\ntheory for ByzantinePGD: 1 − P(stuck)^Q = {theory:.2}", s.gd.len())
            } else {
                format!("measuring the stuck band of seed {} of {}…", s.gd.len() + 1, super::SADDLE_SEEDS)
            },
        })
    }

    /// Band series of a sweep.
    fn band_series(sw: &crate::engine::sweep::Sweep, marks: impl Fn(AggKind) -> Option<f64>) -> Vec<BandSeries> {
        sw.aggs
            .iter()
            .enumerate()
            .map(|(g, spec)| BandSeries {
                label: spec.label(),
                color: g,
                points: (0..sw.axis.len()).filter_map(|a| sw.cell(a, g).map(|c| (sw.axis.value(a), c.mean, c.min, c.max))).collect(),
                mark: marks(spec.kind),
            })
            .collect()
    }

    /// View 3 (None until the sweep starts).
    pub fn breakdown_plot(&self) -> Option<Breakdown> {
        let sw = self.breakdown.as_ref()?;
        let (done, total) = sw.progress();
        let (m, beta) = (self.sc.m, self.sc.beta);
        let series = Self::band_series(sw, |k| theory::breakdown_point(k, m, beta));
        Some(Breakdown {
            title: format!("Breakdown under {}: T = {}, {} seeds per point (dashed: theoretical breakdown)", self.sc.attack.label(), sw.base.t, sw.seeds.len()),
            y_label: final_label(self.sc.problem).into(),
            series,
            x_range: (0.0, 0.5),
            progress: format!("{done}/{total} runs"),
            refs: Vec::new(),
        })
    }

    /// View 5 (None until the sweep starts).
    pub fn rates_plot(&self) -> Option<Breakdown> {
        let sw = self.rates.as_ref()?;
        let (done, total) = sw.progress();
        let mut series = Self::band_series(sw, |_| None);
        for s in series.iter_mut() {
            let pts: Vec<(f64, f64)> = s.points.iter().filter(|p| p.1.is_finite() && p.1 > 0.0).map(|p| (p.0.ln(), p.1.ln())).collect();
            if pts.len() >= 2 {
                let (x, y): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
                s.label = format!("{} (slope {:.2})", s.label, fit_slope(&x, &y));
            }
        }
        let xs: Vec<f64> = (0..sw.axis.len()).map(|a| sw.axis.value(a)).collect();
        let mut refs = Vec::new();
        // Anchor the −½ reference on the lowest first point (the most accurate rule).
        let first = series.iter().filter_map(|s| s.points.iter().find(|p| p.1.is_finite() && p.1 > 0.0)).min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(x0, y0, _, _)) = first {
            refs.push(("slope −½".to_string(), xs.iter().map(|&x| (x, y0 * (x / x0).powf(-0.5))).collect()));
        }
        let sc = &self.sc;
        if matches!(sc.problem, ProblemKind::LinReg | ProblemKind::Mean) {
            let lb = |x: f64| {
                let (n, m) = if self.rates_axis == RatesAxis::N { (x as usize, sc.m) } else { (sc.n, x as usize) };
                sc.sigma * theory::lower_bound(sc.alpha, n, m, sc.d)
            };
            refs.push(("lower bound σ(α/√n + √(d/nm))".to_string(), xs.iter().map(|&x| (x, lb(x))).collect()));
        }
        let axis = if self.rates_axis == RatesAxis::N { format!("n (m = {})", sc.m) } else { format!("m (n = {})", sc.n) };
        Some(Breakdown {
            title: format!("Error against {axis} at α = {}, {} seeds per point", sc.alpha, sw.seeds.len()),
            y_label: final_label(sc.problem).into(),
            series,
            x_range: (xs.first().copied().unwrap_or(1.0), xs.last().copied().unwrap_or(10.0)),
            progress: format!("{done}/{total} runs"),
            refs,
        })
    }

    /// View 4 (None before the first iteration).
    pub fn master_plot(&self) -> Option<MasterView> {
        // The messages of the first robust curve (the mean's run wanders off under attack).
        let usable = |r: &&Run| r.spec.kind != AggKind::Rsa && !r.msgs_at.is_empty();
        let run = self.curves.iter().filter(usable).find(|r| r.spec.kind != AggKind::Mean).or_else(|| self.curves.iter().find(usable))?;
        let msgs = &run.msgs;
        let (m, d, q) = (msgs.rows, msgs.cols, run.q);
        let mu = &run.honest_mean;
        let (e1, e2, xl, yl) = if d == 2 {
            (vec![1.0, 0.0], vec![0.0, 1.0], "coordinate 1".to_string(), "coordinate 2".to_string())
        } else {
            let nm = norm(mu);
            let mut e1 = vec![0.0; d];
            if nm > 0.0 && nm.is_finite() {
                e1.iter_mut().zip(mu).for_each(|(e, v)| *e = v / nm);
            } else {
                e1[0] = 1.0;
            }
            let e2 = principal_direction(msgs, q, mu, &e1);
            (e1, e2, format!("along the honest mean (2-D projection of d = {d})"), "top principal direction".to_string())
        };
        let proj = |x: &[f64]| (dot(x, &e1), dot(x, &e2));
        let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let honest: Vec<(f64, f64)> = (q..m).map(|i| proj(msgs.row(i))).collect();
        let byz_all: Vec<(f64, f64)> = (0..q).map(|i| proj(msgs.row(i))).collect();
        let byzantine: Vec<(f64, f64)> = byz_all.iter().copied().filter(finite).collect();
        let truth = self.problem.as_ref().and_then(|p| p.exact_grad(&run.msgs_at, run.q)).map(|g| proj(&g));
        let params = AggParams::from_scenario(&self.sc);
        let outputs = self
            .sc
            .aggs
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind != AggKind::Rsa)
            .map(|(i, a)| {
                let mut out = vec![0.0; d];
                Aggregator::new(*a, params).aggregate(msgs, &mut out);
                (a.label(), i, proj(&out))
            })
            .collect();
        Some(MasterView {
            title: format!("Messages at iteration {} of the {} run ({} honest, {} Byzantine)", run.t.saturating_sub(1), run.spec.label(), m - q, q),
            x_label: xl,
            y_label: yl,
            honest,
            off_frame: byz_all.len() - byzantine.len(),
            byzantine,
            honest_mean: proj(mu),
            truth,
            outputs,
        })
    }
}

/// The top principal direction of the honest messages (rows q..m) around `mu`, orthogonal to `e1`.
fn principal_direction(msgs: &crate::engine::linalg::Mat, q: usize, mu: &[f64], e1: &[f64]) -> Vec<f64> {
    let d = msgs.cols;
    let rows: Vec<Vec<f64>> = (q..msgs.rows)
        .map(|i| {
            let mut y: Vec<f64> = msgs.row(i).iter().zip(mu).map(|(a, b)| a - b).collect();
            let c = dot(&y, e1);
            y.iter_mut().zip(e1).for_each(|(v, e)| *v -= c * e);
            y
        })
        .collect();
    let k = rows.len();
    let mut g = vec![0.0; k * k];
    for a in 0..k {
        for b in a..k {
            let v = dot(&rows[a], &rows[b]);
            g[a * k + b] = v;
            g[b * k + a] = v;
        }
    }
    let mut v = vec![0.0; d];
    if k > 0 {
        let (_, u) = crate::engine::linalg::top_eigen(&g, k, 100);
        for (r, ua) in rows.iter().zip(&u) {
            crate::engine::linalg::axpy(*ua, r, &mut v);
        }
    }
    let n = norm(&v);
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x /= n);
    } else {
        // Any unit vector orthogonal to e1.
        let j = (0..d).min_by(|&a, &b| e1[a].abs().total_cmp(&e1[b].abs())).unwrap_or(0);
        v = vec![0.0; d];
        v[j] = 1.0;
        let c = dot(&v, e1);
        v.iter_mut().zip(e1).for_each(|(x, e)| *x -= c * e);
        let n = norm(&v);
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// What a view shows, in a few lines, with its formula (MathML) and source.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewText {
    pub lines: Vec<String>,
    /// A `<math>` element; static text written here, never built from user input.
    pub mathml: &'static str,
    pub source: &'static str,
}

/// The explanation of `view` for scenario `sc`.
pub fn explanation(view: View, sc: &Scenario) -> ViewText {
    match view {
        View::Curves => ViewText {
            lines: vec![
                "Every worker computes its local gradient gᵢ(w_t); the Byzantine ones send whatever hurts most. The master aggregates and steps.".into(),
                format!("{} One curve per rule; the dashed black curve is the clean run (α = 0, mean).", sc.byzantine_sentence()),
                "The grey dashed line is the lower bound no rule can beat, up to a constant (Observation 1).".into(),
            ],
            mathml: r#"<math display="block"><msub><mi>w</mi><mrow><mi>t</mi><mo>+</mo><mn>1</mn></mrow></msub><mo>=</mo><msub><mi>w</mi><mi>t</mi></msub><mo>−</mo><mi>η</mi><mspace width="0.2em"></mspace><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><msub><mi>w</mi><mi>T</mi></msub><mo>−</mo><msup><mi>w</mi><mo>*</mo></msup><mo>‖</mo><mo>≳</mo><mi>σ</mi><mo>(</mo><mfrac><mi>α</mi><msqrt><mi>n</mi></msqrt></mfrac><mo>+</mo><msqrt><mfrac><mi>d</mi><mrow><mi>n</mi><mi>m</mi></mrow></mfrac></msqrt><mo>)</mo></math>"#,
            source: "Yin, Chen, Ramchandran, Bartlett (ICML 2018), Algorithm 1 and Observation 1",
        },
        View::Saddle => ViewText {
            lines: vec![
                "F(w) = ½w₁² + (w₂² − 1)²/4 has a saddle at 0 and minima at (0, ±1). Inside the shaded band the Byzantine workers cancel the escape direction w₂, so robust GD stays at the saddle.".into(),
                "ByzantinePGD perturbs uniformly in a ball of radius r, runs T_th steps and calls it an escape if it moved at least R; it retries up to Q times.".into(),
                "Filled dots: runs that reached a minimum; crosses: runs left at the saddle.".into(),
            ],
            mathml: r#"<math display="block"><msub><mi>P</mi><mtext>stuck</mtext></msub><mo>=</mo><mfrac><mn>2</mn><mi>π</mi></mfrac><mo>(</mo><mo>arcsin</mo><mi>x</mi><mo>+</mo><mi>x</mi><msqrt><mn>1</mn><mo>−</mo><msup><mi>x</mi><mn>2</mn></msup></msqrt><mo>)</mo><mo>,</mo><mspace width="0.5em"></mspace><mi>x</mi><mo>=</mo><mfrac><mi>Δ</mi><mrow><mi>λ</mi><mi>r</mi></mrow></mfrac><mo>,</mo><mspace width="1em"></mspace><mi>P</mi><mo>(</mo><mtext>escape</mtext><mo>)</mo><mo>=</mo><mn>1</mn><mo>−</mo><msubsup><mi>P</mi><mtext>stuck</mtext><mi>Q</mi></msubsup></math>"#,
            source: "Yin, Chen, Ramchandran, Bartlett (ICML 2019); Yin's thesis ch. 4, Algorithm 3 and Proposition 4.4",
        },
        View::Breakdown => ViewText {
            lines: vec![
                "Final error against the Byzantine fraction α, mean over seeds with the min–max range as a band.".into(),
                "Dashed verticals mark each rule's theoretical breakdown: ½ for the median, β for the trimmed mean, min(β, (1 − β)/2) for NBS (⅓ at β = ⅓), m ≥ 2f + 3 for Krum, m ≥ 4f + 3 for Bulyan.".into(),
            ],
            mathml: r#"<math display="block"><mi>α</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><mspace width="0.6em"></mspace><mtext>(median)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mi>α</mi><mo>≤</mo><mi>β</mi><mspace width="0.6em"></mspace><mtext>(trimmed mean)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mfrac><mrow><mn>2</mn><mi>α</mi></mrow><mrow><mn>1</mn><mo>−</mo><mi>β</mi></mrow></mfrac><mo>&lt;</mo><mn>1</mn><mspace width="0.6em"></mspace><mtext>(NBS)</mtext><mo>,</mo><mspace width="0.8em"></mspace><mi>m</mi><mo>≥</mo><mn>2</mn><mi>f</mi><mo>+</mo><mn>3</mn><mspace width="0.6em"></mspace><mtext>(Krum)</mtext></math>"#,
            source: "Yin et al. 2018 (§3–4); the NBS + DRO paper (§VI-C); Blanchard et al. 2017; El Mhamdi et al. 2018",
        },
        View::Master => ViewText {
            lines: vec![
                "The m messages of the current iteration, projected to 2-D: honest circles, Byzantine triangles. The cross is the honest mean, the square the true gradient ∇F.".into(),
                "Each ringed dot is where a rule lands on these same messages: how far it sits from ∇F is the rule's inexactness Δ at this step.".into(),
            ],
            mathml: r#"<math display="block"><mover><mi>g</mi><mo>^</mo></mover><mo>=</mo><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><mover><mi>g</mi><mo>^</mo></mover><mo>−</mo><mo>∇</mo><mi>F</mi><mo>(</mo><mi>w</mi><mo>)</mo><mo>‖</mo><mo>≤</mo><mi>Δ</mi></math>"#,
            source: "Yin et al. 2019, Definition 4.3 (Δ-inexact gradient oracle)",
        },
        View::Rates => ViewText {
            lines: vec![
                "Final error against the samples per worker n (or the number of workers m) on log–log axes, α fixed.".into(),
                "Median and trimmed-mean GD reach Õ(α/√n + 1/√(nm)): the error falls with slope −½ until the α/√n term, which more workers cannot remove, dominates.".into(),
            ],
            mathml: r#"<math display="block"><mo>‖</mo><mover><mi>w</mi><mo>^</mo></mover><mo>−</mo><msup><mi>w</mi><mo>*</mo></msup><mo>‖</mo><mo>=</mo><mover><mi>O</mi><mo>~</mo></mover><mo>(</mo><mfrac><mi>α</mi><msqrt><mi>n</mi></msqrt></mfrac><mo>+</mo><mfrac><mn>1</mn><msqrt><mrow><mi>n</mi><mi>m</mi></mrow></msqrt></mfrac><mo>)</mo></math>"#,
            source: "Yin et al. 2018, Theorems 1 and 4, Observation 1",
        },
    }
}
