//! View 4, what the master sees: the m messages of the current iteration of one of the scenario's
//! runs, projected to 2-D (along the honest mean and the honest messages' top principal direction
//! orthogonal to it), the honest mean, the true gradient, and where each rule lands on them.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::aggregate::Aggregator;
use crate::engine::linalg::{dist, dot, norm, top_direction};
use crate::engine::run::Run;
use crate::engine::scenario::Scenario;
use crate::plots::master::MasterView;
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo { key: "master", label: "What the master sees", problem: None, make: || Box::new(Master) };

pub struct Master;

/// The run whose messages are shown ([`crate::lab::MainRuns::shown`]), once it has sent some.
fn shown(lab: &Shared) -> Option<&Run> {
    lab.main.shown().map(|i| &lab.main.runs[i]).filter(|r| !r.msgs_at.is_empty())
}

/// Everything the view draws and exports, in the full space and projected.
struct Seen<'a> {
    run: &'a Run,
    e1: Vec<f64>,
    e2: Vec<f64>,
    x_label: String,
    y_label: String,
    /// (rule label, colour index, output vector).
    outputs: Vec<(String, usize, Vec<f64>)>,
    truth: Option<Vec<f64>>,
}

impl<'a> Seen<'a> {
    fn of(lab: &'a Shared) -> Option<Seen<'a>> {
        let run = shown(lab)?;
        let msgs = &run.msgs;
        let (d, q) = (msgs.cols, run.q);
        let mu = &run.honest_mean;
        let (e1, e2, x_label, y_label) = if d == 2 {
            (vec![1.0, 0.0], vec![0.0, 1.0], "coordinate 1".to_string(), "coordinate 2".to_string())
        } else {
            let nm = norm(mu);
            let mut e1 = vec![0.0; d];
            if nm > 0.0 && nm.is_finite() {
                e1.iter_mut().zip(mu).for_each(|(e, v)| *e = v / nm);
            } else {
                e1[0] = 1.0;
            }
            let e2 = principal_direction(run, &e1);
            (e1, e2, format!("along the honest mean (2-D projection of d = {d})"), "top principal direction".to_string())
        };
        let sc = &lab.sc;
        let outputs = sc
            .rules
            .iter()
            .map(|a| {
                let mut out = vec![0.0; d];
                Aggregator::new(*a, sc.agg, sc.assumed_f()).aggregate(msgs, &mut out);
                (a.label(), super::style_of(&crate::engine::Curve::gd(*a)).0, out)
            })
            .collect();
        let truth = run.problem().exact_grad(&run.msgs_at, q);
        Some(Seen { run, e1, e2, x_label, y_label, outputs, truth })
    }

    fn proj(&self, x: &[f64]) -> (f64, f64) {
        (dot(x, &self.e1), dot(x, &self.e2))
    }
}

/// The top principal direction of the honest messages around their mean, orthogonal to `e1`.
fn principal_direction(run: &Run, e1: &[f64]) -> Vec<f64> {
    let (msgs, mu) = (&run.msgs, &run.honest_mean);
    let d = msgs.cols;
    let rows: Vec<Vec<f64>> = (run.q..msgs.rows)
        .map(|i| {
            let mut y: Vec<f64> = msgs.row(i).iter().zip(mu).map(|(a, b)| a - b).collect();
            let c = dot(&y, e1);
            y.iter_mut().zip(e1).for_each(|(v, e)| *v -= c * e);
            y
        })
        .collect();
    let (_, v) = top_direction(&rows, d, 100);
    if norm(&v) > 0.5 {
        return v;
    }
    // The honest messages coincide: any unit vector orthogonal to e1.
    let j = (0..d).min_by(|&a, &b| e1[a].abs().total_cmp(&e1[b].abs())).unwrap_or(0);
    let mut v = vec![0.0; d];
    v[j] = 1.0;
    let c = dot(&v, e1);
    v.iter_mut().zip(e1).for_each(|(x, e)| *x -= c * e);
    let n = norm(&v);
    v.iter_mut().for_each(|x| *x /= n);
    v
}

impl View for Master {
    fn reset(&mut self, _sc: &Scenario) {}

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
        super::curves::main_status(lab)
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let Some(seen) = Seen::of(lab) else { return Plot::Message("press → (step) or play to see one iteration's messages".into()) };
        let run = seen.run;
        let (m, q) = (run.msgs.rows, run.q);
        let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let mu = &run.honest_mean;
        let byz_all: Vec<((f64, f64), f64)> = (0..q).map(|i| (seen.proj(run.msgs.row(i)), dist(run.msgs.row(i), mu))).collect();
        let byzantine: Vec<((f64, f64), f64)> = byz_all.iter().copied().filter(|b| finite(&b.0)).collect();
        Plot::Master(MasterView {
            // Numbered as the counter counts: round t of T sent the messages that made w_t.
            title: format!(
                "Messages of round {} of {} of the {} run ({} honest, {} Byzantine)",
                run.t,
                lab.sc.t,
                lab.sc.curve_label(&run.curve),
                m - q,
                q
            ),
            x_label: seen.x_label.clone(),
            y_label: seen.y_label.clone(),
            honest: (q..m).map(|i| seen.proj(run.msgs.row(i))).collect(),
            non_finite: byz_all.len() - byzantine.len(),
            byzantine,
            honest_mean: seen.proj(&run.honest_mean),
            truth: seen.truth.as_ref().map(|g| seen.proj(g)),
            outputs: seen.outputs.iter().map(|(l, c, o)| (l.clone(), *c, seen.proj(o), dist(o, mu))).collect(),
        })
    }

    /// One row per message, rule output, honest mean and true gradient: its projection, its
    /// norm and its distance to the honest mean in the full space.
    fn csv(&self, lab: &Shared) -> String {
        let mut out = String::from("what,index,x,y,norm,dist_to_honest_mean\n");
        let Some(seen) = Seen::of(lab) else { return out };
        let run = seen.run;
        let mu = &run.honest_mean;
        let mut row = |what: &str, index: &str, v: &[f64]| {
            let (x, y) = seen.proj(v);
            out.push_str(&format!("{what},{index},{x:e},{y:e},{:e},{:e}\n", norm(v), dist(v, mu)));
        };
        for i in 0..run.msgs.rows {
            row(if i < run.q { "byzantine" } else { "honest" }, &i.to_string(), run.msgs.row(i));
        }
        row("honest_mean", "", mu);
        if let Some(t) = &seen.truth {
            row("true_gradient", "", t);
        }
        for (i, a) in lab.sc.rules.iter().enumerate() {
            row("rule", &a.key(), &seen.outputs[i].2);
        }
        format!("# messages of round {} of the {} run\n{out}", run.t, run.curve.key())
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let (q, m) = (sc.byzantine(), sc.m);
        let why = if q == 0 {
            vec!["No worker is Byzantine: every rule lands near the honest mean, a little off ∇F by sampling noise.".into()]
        } else {
            vec![
                format!("Why the mean goes where the triangles pull: it weighs every message 1/m, so {q} Byzantine messages of {m} drag it {q}/{m} of the way towards them; an arrow on the edge says how far off they are."),
                format!("The median and the trimmed mean decide coordinate by coordinate: a Byzantine value only counts if it lands among the honest values, so with {q} of {m} Byzantine they stay inside the honest cloud. Krum picks the message whose nearest neighbours are closest: a lone far-away message never wins."),
            ]
        };
        ViewText {
            lines: vec![
                "The m messages of the current round, projected to 2-D: honest circles, Byzantine triangles (arrows on the edge where they are far off the frame). The cross is the honest mean, the square the true gradient ∇F.".into(),
                "Each ringed dot is where a rule lands on these same messages: how far it sits from ∇F is the rule's inexactness Δ at this step.".into(),
            ],
            why,
            mathml: r#"<math display="block"><mover><mi>g</mi><mo>^</mo></mover><mo>=</mo><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><mover><mi>g</mi><mo>^</mo></mover><mo>−</mo><mo>∇</mo><mi>F</mi><mo>(</mo><mi>w</mi><mo>)</mo><mo>‖</mo><mo>≤</mo><mi>Δ</mi></math>"#,
            source: "Yin et al. 2019, Definition 4.3 (Δ-inexact gradient oracle)",
        }
    }
}
