//! View 2, saddle escape: robust GD and ByzantinePGD from several seeds on the 2-D saddle toy,
//! under the scenario's attack when it is on the toy (else the toy's defaults), with the stuck band
//! measured for the master's rule and the escape counts beside Proposition 4.4's prediction.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::run::{stuck_band, Run};
use crate::engine::scenario::{AggSpec, AlgoKind, Curve, ProblemKind, Scenario};
use crate::engine::trace::{Event, Record};
use crate::engine::{problem, theory};
use crate::plots::saddle::{SaddleView, Trajectory};
use crate::plots::Plot;

pub const INFO: ViewInfo =
    ViewInfo { key: "saddle", label: "Saddle escape", problem: Some(ProblemKind::Saddle), make: || Box::new(Saddle { exp: None, seeds: SEEDS }) };

/// Seeds per algorithm (a view setting, `#saddle:seeds=24`).
const SEEDS: super::Menu = super::Menu { id: "seeds", label: "seeds", choices: &[("4", "4"), ("8", "8"), ("12", "12"), ("24", "24")], at: 2 };

pub struct Saddle {
    /// The experiment, set up on first use.
    exp: Option<Experiment>,
    seeds: super::Menu,
}

struct Experiment {
    sc: Scenario,
    rule: AggSpec,
    gd: Vec<Run>,
    bpgd: Vec<Run>,
    /// P_stuck of each seed (from its measured stuck band), for 1 − P_stuck^Q.
    p_stuck: Vec<f64>,
    band: Option<(f64, f64)>,
    /// Seeds to run.
    seeds: u64,
    /// Seeds set up so far: each costs a stuck-band measurement (a few ms), so they are added one
    /// per unit of work rather than all at once, which would block the page for a frame.
    seeds_added: u64,
}

impl Experiment {
    fn new(sc: &Scenario, seeds: u64) -> Experiment {
        let sc = if sc.problem == ProblemKind::Saddle { sc.clone() } else { Scenario { seed: sc.seed, ..Scenario::defaults_for(ProblemKind::Saddle) } };
        let rule = sc.rules[0];
        Experiment { sc, rule, gd: Vec::new(), bpgd: Vec::new(), p_stuck: Vec::new(), band: None, seeds, seeds_added: 0 }
    }

    fn is_set_up(&self) -> bool {
        self.seeds_added >= self.seeds
    }

    /// Sets up the next seed: its stuck band and its robust GD and ByzantinePGD runs.
    fn add_seed(&mut self) {
        let k = self.seeds_added;
        self.seeds_added += 1;
        let s = Scenario { seed: self.sc.seed.wrapping_add(k), ..self.sc.clone() };
        let Ok(p) = problem::build(&s, &Default::default()) else { return };
        let b = stuck_band(&s, self.rule, p.clone(), 1.0, 1e-5);
        if k == 0 {
            self.band = b;
        }
        self.p_stuck.push(b.map_or(0.0, |(lo, hi)| theory::p_stuck_band(lo, hi, s.bpgd.r)));
        self.gd.push(Run::new(&s, Curve { algo: AlgoKind::Gd, rule: Some(self.rule) }, p.clone()));
        self.bpgd.push(Run::new(&s, Curve { algo: AlgoKind::Bpgd, rule: Some(self.rule) }, p));
    }

    fn runs(&self) -> impl Iterator<Item = &Run> {
        self.gd.iter().chain(&self.bpgd)
    }
}

/// `n` in superscript digits (P(stuck)³).
fn superscript(n: usize) -> String {
    n.to_string().chars().map(|c| ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][c.to_digit(10).unwrap_or(0) as usize]).collect()
}

/// A run ended near a minimum (0, ±1) rather than at the saddle.
fn escaped(r: &Run) -> bool {
    r.w.get(1).is_some_and(|w2| w2.abs() > 0.5)
}

impl View for Saddle {
    fn reset(&mut self, _sc: &Scenario) {
        self.exp = None;
    }

    /// The saddle toy only: chosen for another problem, the page loads the toy (see [`INFO`]).
    fn applies(&self, sc: &Scenario) -> bool {
        sc.problem == ProblemKind::Saddle
    }

    fn options(&self, _sc: &Scenario) -> Vec<crate::lab::ViewOption> {
        vec![self.seeds.option()]
    }

    fn set_option(&mut self, id: &str, value: &str) -> bool {
        super::set_menus(&mut [&mut self.seeds], id, value, &mut self.exp)
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.exp.is_none() {
            self.exp = Some(Experiment::new(&lab.sc, self.seeds.num() as u64));
        }
    }

    fn work(&mut self, lab: &mut Shared, steps: usize) -> usize {
        self.prepare(lab);
        let Some(e) = self.exp.as_mut() else { return 0 };
        if !e.is_set_up() {
            e.add_seed();
            return 1;
        }
        let mut done = 0;
        while done < steps {
            match e.gd.iter_mut().chain(e.bpgd.iter_mut()).filter(|r| r.is_running()).min_by_key(|r| r.t) {
                Some(r) => {
                    r.step();
                    done += 1;
                }
                None => break,
            }
        }
        done
    }

    fn is_done(&self, _lab: &Shared) -> bool {
        self.exp.as_ref().is_some_and(|e| e.is_set_up() && e.runs().all(|r| !r.is_running()))
    }

    fn progress(&self, _lab: &Shared) -> usize {
        // The iterations every trajectory has made (the least advanced running one).
        self.exp.as_ref().filter(|e| e.is_set_up()).map_or(0, |e| {
            let running = e.runs().filter(|r| r.is_running()).map(|r| r.t).min();
            running.unwrap_or_else(|| e.runs().map(|r| r.t).max().unwrap_or(0))
        })
    }

    fn status(&self, lab: &Shared) -> String {
        match &self.exp {
            Some(e) => format!("t = {} / {}", self.progress(lab), e.sc.t),
            None => "t = 0".into(),
        }
    }

    fn plot(&self, _lab: &Shared) -> Plot {
        let Some(s) = &self.exp else { return Plot::Message("press play (space) to run the saddle experiment".into()) };
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
        let q = s.sc.bpgd.q_rounds;
        let theory = 1.0 - s.p_stuck.iter().map(|p| p.powi(q as i32)).sum::<f64>() / s.p_stuck.len().max(1) as f64;
        Plot::Saddle(SaddleView {
            title: format!("Saddle toy, {} with {} of {} Byzantine ({})", s.sc.attack.kind.label(), s.sc.byzantine(), s.sc.m, s.rule.label()),
            landscape: crate::plots::saddle::Landscape::Toy,
            y_range: (-1.4, 1.4),
            algos: vec!["robust GD".into(), format!("ByzantinePGD (Q = {q})")],
            trajectories,
            center,
            r: s.sc.bpgd.r,
            big_r: s.sc.bpgd.big_r,
            band: s.band.map(|(lo, hi)| lo.abs().max(hi.abs())),
            marks: vec![((0.0, 0.0), "saddle".into()), ((0.0, 1.0), "min".into()), ((0.0, -1.0), "min".into())],
            counter: if s.is_set_up() {
                format!("escaped: ByzantinePGD {n_bp}/{k}, robust GD {n_gd}/{}\ntheory for ByzantinePGD: 1 − P(stuck){} = {theory:.2}", s.gd.len(), superscript(q))
            } else {
                format!("measuring the stuck band of seed {} of {}…", s.gd.len() + 1, s.seeds)
            },
        })
    }

    fn csv(&self, _lab: &Shared) -> String {
        let mut out = format!("algo,seed,{}\n", Record::CSV_HEADER);
        if let Some(s) = &self.exp {
            for (name, runs) in [("gd", &s.gd), ("bpgd", &s.bpgd)] {
                for r in runs {
                    for line in r.csv().lines().skip(1) {
                        out.push_str(&format!("{name},{},{line}\n", r.sc.seed));
                    }
                }
            }
        }
        out
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let s = if sc.problem == ProblemKind::Saddle { sc.clone() } else { Scenario::defaults_for(ProblemKind::Saddle) };
        let (q, r, qr) = (s.byzantine(), s.bpgd.r, s.bpgd.q_rounds);
        let why = match self.exp.as_ref().and_then(|e| e.band.map(|b| (b, e))) {
            Some(((lo, hi), _)) => {
                let p = theory::p_stuck_band(lo, hi, r);
                vec![
                    format!("What the saddle point attack does: near the saddle the honest gradients' escape components (w₂) are small and spread around 0. The {q} Byzantine workers send, in w₂, the value that makes the master's {} exactly 0 — found by bisection against the rule itself. They can do so while w₂ stays in the shaded band, here {lo:.3} ≤ w₂ ≤ {hi:.3}: gradient steps started there never leave, so robust GD stays at the saddle.", s.rules[0].label()),
                    format!("A perturbation uniform in the ball of radius r = {r} lands outside the band with probability 1 − P(stuck) = {:.2}; from there the honest majority wins and the run falls to a minimum. With Q = {qr} tries, ByzantinePGD escapes with probability 1 − P(stuck){} = {:.3}.", 1.0 - p, superscript(qr), theory::escape_probability(p, qr)),
                ]
            }
            None => vec!["Press play: the stuck band is measured for each seed before the runs start.".into()],
        };
        ViewText {
            lines: vec![
                "F(w) = ½w₁² + (w₂² − 1)²/4 has a saddle at 0 and minima at (0, ±1). Inside the shaded band the Byzantine workers cancel the escape direction w₂, so robust GD stays at the saddle.".into(),
                "ByzantinePGD perturbs uniformly in a ball of radius r, runs Tₜₕ steps and calls it an escape if it moved at least R; it retries up to Q times.".into(),
                "Filled dots: runs that reached a minimum; crosses: runs left at the saddle.".into(),
            ],
            why,
            mathml: r#"<math display="block"><msub><mi>P</mi><mtext>stuck</mtext></msub><mo>=</mo><mfrac><mn>2</mn><mi>π</mi></mfrac><mrow><mo>(</mo><mo>arcsin</mo><mi>x</mi><mo>+</mo><mi>x</mi><mo>√</mo><mo>(</mo><mn>1</mn><mo>−</mo><msup><mi>x</mi><mn>2</mn></msup><mo>)</mo><mo>)</mo></mrow><mo>,</mo><mspace width="0.5em"></mspace><mi>x</mi><mo>=</mo><mfrac><mi>Δ</mi><mrow><mi>λ</mi><mi>r</mi></mrow></mfrac><mo>,</mo><mspace width="1em"></mspace><mi>P</mi><mo>(</mo><mtext>escape</mtext><mo>)</mo><mo>=</mo><mn>1</mn><mo>−</mo><msubsup><mi>P</mi><mtext>stuck</mtext><mi>Q</mi></msubsup></math>"#,
            source: "Yin, Chen, Ramchandran, Bartlett (ICML 2019); Yin's thesis ch. 4, Algorithm 3 and Proposition 4.4",
        }
    }
}
