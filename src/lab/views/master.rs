//! View 4, what the master sees: the m messages of the current iteration of one of the scenario's
//! runs, projected to 2-D (along the honest mean and the honest messages' top principal direction
//! orthogonal to it), the honest mean, the true gradient, and where each rule lands on them.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::aggregate::Aggregator;
use crate::engine::attack;
use crate::engine::linalg::{dist, dot, norm, Mat};
use crate::engine::run::Run;
use crate::engine::scenario::Scenario;
use crate::plots::master::MasterView;
use crate::plots::{say, Plot};

pub const INFO: ViewInfo = ViewInfo { key: "master", label: "What the master sees", problem: None, make: || Box::<Master>::default() };

/// The view, with what the reader is doing to it: Byzantine messages being dragged (a preview,
/// not yet in the scenario), and whether the strongest attack was asked for.
#[derive(Default)]
pub struct Master {
    /// Each Byzantine worker's message being placed by hand, relative to the honest mean in the
    /// plane (the page's view setting `hand`, sent while a drag is on).
    preview: Option<Vec<[f64; 2]>>,
    /// The strongest attack against the shown rule is wanted (setting `strongest=1`).
    strongest: bool,
    /// The cloud shown: 0 the messages as sent, k > 0 after the k-th pre-aggregation stage of
    /// the shown run's rule (setting `stage`).
    stage: usize,
}

/// The `stage` menu's values: as sent, then after each of up to eight stages.
const STAGES: [&str; 9] = ["0", "1", "2", "3", "4", "5", "6", "7", "8"];

/// The stages every rule of a scenario runs (`pre=`, then NNM when a rule asks for it): the
/// `stage` menu's entries beyond "as sent".
fn pipeline(sc: &Scenario) -> Vec<crate::engine::scenario::PreKind> {
    let mut out = sc.pre.0.clone();
    if sc.rules.iter().any(|r| r.nnm) {
        out.push(crate::engine::scenario::PreKind::Nnm);
    }
    out.truncate(STAGES.len() - 1);
    out
}

/// The run whose messages are shown ([`crate::lab::MainRuns::shown`]), once it has sent some.
fn shown(lab: &Shared) -> Option<&Run> {
    lab.main.shown().map(|i| &lab.main.runs[i]).filter(|r| !r.msgs_at.is_empty())
}

/// The rules' outputs on `msgs`: (rule label, colour index, output vector). The shown run's own
/// rule replays that run's round (its bucketing permutation, centered clipping's start), so on
/// the run's messages it lands where the run's aggregate did; the others start afresh.
fn outputs(sc: &Scenario, msgs: &Mat, run: &Run) -> Vec<(String, usize, Vec<f64>)> {
    sc.rules
        .iter()
        .map(|a| {
            let mut out = vec![0.0; msgs.cols];
            let mut agg = if run.curve.rule == Some(*a) { run.aggregator().replay() } else { Aggregator::for_scenario(sc, *a) };
            agg.aggregate(msgs, &mut out);
            (a.label(), super::style_of(&crate::engine::Curve::gd(*a)).0, out)
        })
        .collect()
}

/// Everything the view draws and exports, in the full space and projected.
struct Seen<'a> {
    run: &'a Run,
    /// The messages the master gets: the run's, with those being placed by hand moved.
    msgs: Mat,
    /// The attack's own messages of this round (before any placed by hand), when they differ.
    attack_msgs: Option<Mat>,
    e1: Vec<f64>,
    e2: Vec<f64>,
    x_label: String,
    y_label: String,
    outputs: Vec<(String, usize, Vec<f64>)>,
    truth: Option<Vec<f64>>,
    /// The cloud after a pre-aggregation stage of the shown run's rule, when one is chosen: the
    /// stage, its rows and each row's Byzantine share.
    staged: Option<(crate::engine::scenario::PreKind, Mat, Vec<f64>)>,
}

impl<'a> Seen<'a> {
    fn of(lab: &'a Shared, preview: Option<&[[f64; 2]]>, stage: usize) -> Option<Seen<'a>> {
        let run = shown(lab)?;
        let (d, q) = (run.msgs.cols, run.q);
        let mu = &run.honest_mean;
        let (e1, e2) = attack::plane(&run.msgs, q, mu);
        let (x_label, y_label) = if d == 2 {
            ("coordinate 1".to_string(), "coordinate 2".to_string())
        } else {
            (format!("along the honest mean (2-D projection of d = {d})"), "top principal direction".to_string())
        };
        let mut msgs = run.msgs.clone();
        // The attack's messages of this round: the run's, or those the hand-placed ones replaced.
        let mut attack_msgs = run.attack_rows.as_ref().map(|rows| {
            let mut a = run.msgs.clone();
            a.data[..rows.len()].copy_from_slice(rows);
            a
        });
        if let Some(p) = preview {
            attack_msgs.get_or_insert_with(|| run.msgs.clone());
            attack::place_by_hand(&mut msgs, q, mu, p);
        }
        let outputs = outputs(&lab.sc, &msgs, run);
        let truth = run.problem().exact_grad(&run.msgs_at, q);
        // The shown run's own pipeline, at the round that made these messages (bucketing's
        // permutation depends on it); a rule-less run (RSA) has none.
        let staged = (stage > 0 && run.curve.rule.is_some())
            .then(|| run.aggregator().replay().stages_traced(&msgs, q).into_iter().nth(stage - 1))
            .flatten();
        Some(Seen { run, msgs, attack_msgs, e1, e2, x_label, y_label, outputs, truth, staged })
    }

    fn proj(&self, x: &[f64]) -> (f64, f64) {
        (dot(x, &self.e1), dot(x, &self.e2))
    }

    /// What moving the messages did: each rule's shift from where the attack's own messages put
    /// it, and its error against ∇F.
    fn readout(&self, sc: &Scenario) -> String {
        let q = self.run.q;
        if q == 0 {
            return "No Byzantine worker: raise α to have messages to move.".into();
        }
        if let Some((k, _, _)) = &self.staged {
            return format!("The cloud after {}, as the rule gets it; to place Byzantine messages by hand, show the messages as sent.", k.label());
        }
        let Some(before) = &self.attack_msgs else {
            return "Be the adversary: drag a Byzantine triangle (or Tab to one and use the arrow keys); every rule follows.".into();
        };
        let was = outputs(sc, before, self.run);
        let moved: Vec<String> = self.outputs.iter().zip(&was).map(|(a, b)| format!("the {} by {}", a.0, say(dist(&a.2, &b.2)))).collect();
        let mut text = format!("You moved {}", moved.join(", "));
        if let Some(t) = &self.truth {
            let errs: Vec<String> = self.outputs.iter().map(|o| format!("{} {}", o.0, say(dist(&o.2, t)))).collect();
            text.push_str(&format!("; error ‖ĝ − ∇F‖: {}", errs.join(", ")));
        }
        text + "."
    }
}


/// The strip of how the shown run's data are split: each worker's label mix (classifiers), or
/// the shift ‖ζᵢ‖ of its optimum (linear regression, mean estimation under a label-skewed split);
/// when the workers hold unequal shares (quantity skew), each cell's height is its share nᵢ.
fn worker_strip(run: &Run) -> Option<crate::plots::master::WorkerStrip> {
    use crate::engine::problem::WorkerData;
    use crate::plots::master::SHIFT;
    let data: Vec<WorkerData> = (0..run.sc.m).map(|i| run.problem().worker_data(i)).collect::<Option<_>>()?;
    let sizes: Vec<f64> = (0..run.sc.m).map(|i| run.problem().samples(i) as f64).collect();
    let largest = sizes.iter().copied().fold(0.0, f64::max);
    if largest > 0.0 && sizes.iter().any(|&k| k != largest) {
        let mut strip = worker_strip_of(run, &data)?;
        for (cell, k) in strip.cells.iter_mut().zip(&sizes) {
            if cell.is_empty() {
                cell.push((1.0, SHIFT));
            }
            cell.iter_mut().for_each(|(f, _)| *f *= k / largest);
        }
        strip.label = "nᵢ".into();
        return Some(strip);
    }
    worker_strip_of(run, &data).filter(|s| s.label != "nᵢ")
}

/// [`worker_strip`] before the shares: a strip of equal cells, or under an i.i.d. split of the
/// quadratic problems (no shift to show) an empty one labelled nᵢ.
fn worker_strip_of(run: &Run, data: &[crate::engine::problem::WorkerData]) -> Option<crate::plots::master::WorkerStrip> {
    use crate::engine::problem::WorkerData;
    use crate::plots::master::{WorkerStrip, SHIFT};
    let (label, cells) = match data.first()? {
        WorkerData::Labels(_) => {
            let cells = data
                .iter()
                .map(|d| match d {
                    WorkerData::Labels(c) => {
                        let n: f64 = c.iter().sum::<f64>().max(1.0);
                        c.iter().enumerate().filter(|(_, k)| **k > 0.0).map(|(j, k)| (k / n, j)).collect()
                    }
                    WorkerData::Shift(_) => Vec::new(),
                })
                .collect();
            ("labels", cells)
        }
        WorkerData::Shift(_) => {
            let z: Vec<f64> = data.iter().map(|d| if let WorkerData::Shift(z) = d { *z } else { 0.0 }).collect();
            let top = z.iter().copied().fold(0.0, f64::max);
            if top <= 0.0 || top.is_nan() {
                // Every worker has the same optimum: only the shares can differ.
                return Some(WorkerStrip { label: "nᵢ".into(), cells: vec![Vec::new(); data.len()], byzantine: run.q });
            }
            ("‖ζᵢ‖", z.iter().map(|v| vec![(v / top, SHIFT)]).collect())
        }
    };
    Some(WorkerStrip { label: label.into(), cells, byzantine: run.q })
}

impl Master {
    /// The strongest of ALIE's and IPM's messages against the shown run's rule, on this round's
    /// honest messages (see [`attack::strongest`]).
    fn strongest_attack(&self, lab: &Shared, seen: &Seen) -> Option<(String, (f64, f64), String)> {
        let run = seen.run;
        let rule = run.curve.rule?;
        let sc = &lab.sc;
        let base = seen.attack_msgs.as_ref().unwrap_or(&seen.msgs);
        let (kind, factor, b, damage) = attack::strongest(base, run.q, &Aggregator::for_scenario(sc, rule))?;
        let (key, sym) = if kind == crate::engine::AttackKind::Alie { ("z", "z") } else { ("ipm", "ε") };
        let factor = format!("{factor:.3}").parse::<f64>().unwrap_or(factor);
        let (p, pm) = (seen.proj(&b), seen.proj(&run.honest_mean));
        let label = format!("the strongest attack on the {}: {} with {sym} = {factor} moves it {} from the honest mean", rule.label(), kind.label(), say(damage));
        Some((label, (p.0 - pm.0, p.1 - pm.1), format!("attack={}&{key}={factor}", kind.key())))
    }
}

impl View for Master {
    fn reset(&mut self, _sc: &Scenario) {
        self.preview = None;
        self.strongest = false;
    }

    /// `hand`: the Byzantine messages being placed (x1,y1,x2,y2,… relative to the honest mean;
    /// empty to stop); `strongest`: 1 to compute the strongest attack, 0 to stop.
    fn set_option(&mut self, id: &str, value: &str) -> bool {
        match (id, value) {
            ("hand", "") => self.preview = None,
            ("hand", v) => {
                let nums: Option<Vec<f64>> = v.split(',').map(|x| x.trim().parse::<f64>().ok().filter(|x| x.is_finite())).collect();
                match nums {
                    Some(n) if n.len() % 2 == 0 => self.preview = Some(n.chunks(2).map(|c| [c[0], c[1]]).collect()),
                    _ => return false,
                }
            }
            ("stage", v) => match STAGES.iter().position(|s| *s == v) {
                Some(k) => self.stage = k,
                None => return false,
            },
            ("strongest", "1") => self.strongest = true,
            ("strongest", "0") => self.strongest = false,
            _ => return false,
        }
        true
    }

    /// With a pipeline: which cloud to show, as sent or after one of its stages.
    fn options(&self, sc: &Scenario) -> Vec<crate::lab::ViewOption> {
        let stages = pipeline(sc);
        if stages.is_empty() {
            return Vec::new();
        }
        let mut choices = vec![(STAGES[0], "as sent")];
        choices.extend(stages.iter().enumerate().map(|(i, k)| (STAGES[i + 1], k.label())));
        let value = STAGES[self.stage.min(stages.len())];
        vec![crate::lab::ViewOption { id: "stage", label: "messages after", choices, value }]
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
        super::curves::main_status(lab)
    }

    fn plot(&self, lab: &Shared) -> Plot {
        let Some(seen) = Seen::of(lab, self.preview.as_deref(), self.stage) else {
            return Plot::Message("press → (step) or play to see one iteration's messages".into());
        };
        let run = seen.run;
        let q = run.q;
        // The rows drawn and which are Byzantine: the messages as sent, or after a stage (a row
        // with any Byzantine share is drawn as Byzantine).
        let (rows, byz): (&Mat, Vec<bool>) = match &seen.staged {
            Some((_, x, share)) => (x, share.iter().map(|s| *s > 0.0).collect()),
            None => (&seen.msgs, (0..seen.msgs.rows).map(|i| i < q).collect()),
        };
        let nb = byz.iter().filter(|b| **b).count();
        let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let mu = &run.honest_mean;
        let pm = seen.proj(mu);
        let byz_all: Vec<((f64, f64), f64)> = (0..rows.rows).filter(|&i| byz[i]).map(|i| (seen.proj(rows.row(i)), dist(rows.row(i), mu))).collect();
        let byzantine: Vec<((f64, f64), f64)> = byz_all.iter().copied().filter(|b| finite(&b.0)).collect();
        // Messages are placed by hand as sent, not after a stage.
        let hand = if seen.staged.is_some() {
            Vec::new()
        } else {
            byz_all.iter().map(|(p, _)| if finite(p) { (p.0 - pm.0, p.1 - pm.1) } else { (0.0, 0.0) }).collect()
        };
        let strongest = self.strongest.then(|| self.strongest_attack(lab, &seen)).flatten();
        // Numbered as the counter counts: round t of T sent the messages that made w_t.
        let round = format!("round {} of {} of the {} run", run.t, lab.sc.t, lab.sc.curve_label(&run.curve));
        let title = match &seen.staged {
            Some((k, x, _)) => format!("After {} ({round}): {} rows, {} all honest, {nb} with a Byzantine share", k.label(), x.rows, x.rows - nb),
            None => format!("Messages of {round} ({} honest, {q} Byzantine)", rows.rows - q),
        };
        Plot::Master(MasterView {
            title,
            x_label: seen.x_label.clone(),
            y_label: seen.y_label.clone(),
            honest: (0..rows.rows).filter(|&i| !byz[i]).map(|i| seen.proj(rows.row(i))).collect(),
            non_finite: byz_all.len() - byzantine.len(),
            byzantine,
            honest_mean: pm,
            truth: seen.truth.as_ref().map(|g| seen.proj(g)),
            outputs: seen.outputs.iter().map(|(l, c, o)| (l.clone(), *c, seen.proj(o), dist(o, mu))).collect(),
            round: run.t,
            hand,
            readout: seen.readout(&lab.sc),
            strongest,
            split: worker_strip(run),
        })
    }

    /// One row per message, rule output, honest mean and true gradient: its projection, its
    /// norm and its distance to the honest mean in the full space.
    fn csv(&self, lab: &Shared) -> String {
        let mut out = String::from("what,index,x,y,norm,dist_to_honest_mean\n");
        let Some(seen) = Seen::of(lab, self.preview.as_deref(), self.stage) else { return out };
        let run = seen.run;
        let mu = &run.honest_mean;
        let mut row = |what: &str, index: &str, v: &[f64]| {
            let (x, y) = seen.proj(v);
            out.push_str(&format!("{what},{index},{x:e},{y:e},{:e},{:e}\n", norm(v), dist(v, mu)));
        };
        for i in 0..seen.msgs.rows {
            row(if i < run.q { "byzantine" } else { "honest" }, &i.to_string(), seen.msgs.row(i));
        }
        // The cloud after the chosen stage: its rows, named by whether they hold a Byzantine share.
        if let Some((k, x, share)) = &seen.staged {
            for (i, sh) in share.iter().enumerate() {
                row(&format!("after_{}_{}", k.key(), if *sh > 0.0 { "byzantine" } else { "honest" }), &i.to_string(), x.row(i));
            }
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
                "The strip above the plot is the split, one cell per worker (the Byzantine ones underlined): the labels it holds, one colour per class, or for linear regression and mean estimation the distance ‖ζᵢ‖ of its own optimum from w* (as a fraction of the largest). Under quantity skew (strip nᵢ) a cell's height is how many examples the worker holds, over the largest share.".into(),
                "With a pipeline (pre=, or an nnm- rule), \"messages after\" shows the cloud each stage hands on to the shown run's rule: clipping shrinks the long messages, bucketing and NNM average several into one — a row is a triangle while it holds any Byzantine share.".into(),
                "Be the adversary: drag a Byzantine triangle (or Tab to it and use the arrow keys). A message put at (x, y) from the honest mean in this plane is sent as μ + x·e₁ + y·e₂ (e₁ along μ, e₂ the honest messages' top principal direction orthogonal to it), so what you see is what the master gets; from this round on, Play continues with your messages (hand= and hand_t= in the link).".into(),
            ],
            why,
            mathml: r#"<math display="block"><mover><mi>g</mi><mo>^</mo></mover><mo>=</mo><mi>agg</mi><mo>(</mo><msub><mi>g</mi><mn>1</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>g</mi><mi>m</mi></msub><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><mo>‖</mo><mover><mi>g</mi><mo>^</mo></mover><mo>−</mo><mo>∇</mo><mi>F</mi><mo>(</mo><mi>w</mi><mo>)</mo><mo>‖</mo><mo>≤</mo><mi>Δ</mi></math>"#,
            source: "Yin et al. 2019, Definition 4.3 (Δ-inexact gradient oracle)",
        }
    }
}
