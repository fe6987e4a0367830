//! View 8, the worst-case map: for every rule, its final error over a grid of the Byzantine
//! fraction α × the data's heterogeneity, each cell the worst over a set of attacks (or the
//! scenario's own attack), and a panel with the best rule per cell. A cell opens its run.

use super::super::view::{Shared, View, ViewInfo, ViewText};
use crate::engine::scenario::{Scenario, Split};
use crate::engine::sweep::{Axis, Sweep};
use crate::plots::heatmap::{CellLink, HeatMap, Panel};
use crate::plots::Plot;

pub const INFO: ViewInfo = ViewInfo {
    key: "map",
    label: "Worst-case map",
    problem: None,
    make: || Box::new(Map { sweep: None, seeds: super::Menu { at: 0, ..super::SEEDS_MENU }, grid: GRID, over: OVER }),
};

/// The worst over the breakdown view's attacks, or the scenario's attack alone.
const OVER: super::Menu = super::Menu { id: "over", label: "attack", choices: &[("worst", "the worst over attacks"), ("one", "the scenario's")], at: 0 };

/// The step in α (columns from 0 to 0.45).
const GRID: super::Menu = super::Menu { id: "grid", label: "α step", choices: &[("0.05", "0.05"), ("0.1", "0.1")], at: 0 };

/// The largest α of the map: a majority of the workers honest.
const ALPHA_MAX: f64 = 0.45;

/// The heterogeneity axis of a problem: the parameter, its values from the most alike data up,
/// their row labels, the axis label, and the split it needs.
struct Hetero {
    key: &'static str,
    values: &'static [f64],
    sym: &'static str,
    label: &'static str,
    split: Split,
}

/// Linear regression and mean estimation: the spread ζ of the workers' optima (any non-i.i.d. split).
const ZETA: Hetero = Hetero {
    key: "zeta",
    values: &[0.0, 0.5, 1.0, 2.0, 4.0],
    sym: "ζ",
    label: "spread ζ of the workers' optima",
    split: Split::Hetero,
};
/// Everything else: Dirichlet label skew, from nearly i.i.d. (a = 100) to about one label per worker.
const DIRICHLET: Hetero = Hetero {
    key: "dir_a",
    values: &[100.0, 10.0, 1.0, 0.3, 0.1],
    sym: "a",
    label: "Dirichlet a (up: more heterogeneous)",
    split: Split::Dirichlet,
};

fn hetero(sc: &Scenario) -> &'static Hetero {
    if sc.problem.has_optimum() {
        &ZETA
    } else {
        &DIRICHLET
    }
}

pub struct Map {
    sweep: Option<Sweep>,
    seeds: super::Menu,
    grid: super::Menu,
    over: super::Menu,
}

impl Map {
    fn worst(&self) -> bool {
        self.over.choices[self.over.at].0 == "worst"
    }

    /// The map's base: the scenario with the split its heterogeneity axis needs (a non-i.i.d.
    /// split already chosen for linear regression or mean estimation is kept).
    fn base(sc: &Scenario) -> Scenario {
        let h = hetero(sc);
        let mut base = sc.clone();
        if !(h.key == "zeta" && sc.split.shifts_optima()) {
            base.split = h.split;
        }
        base
    }

    /// The run behind cell (panel g, row r, column c) once it has a value: its line and its
    /// scenario (the curve's rule alone under the attack that was worst for it, or every rule under
    /// the winner's worst attack for the best-rule panel).
    fn link(sw: &Sweep, g: Option<usize>, r: usize, c: usize, best: Option<usize>) -> CellLink {
        let nb = sw.axis.by_len();
        let group = c * nb + r;
        let Some(curve) = g.or(best) else { return CellLink { text: String::new(), query: String::new() } };
        let Some((attack, cell)) = sw.worst(group, curve) else { return CellLink { text: String::new(), query: String::new() } };
        let j = sw.axis.attacks.iter().position(|a| *a == attack).unwrap_or(0);
        let mut sc = sw.axis.apply(&sw.base, group * sw.axis.per_group() + j);
        sc.seed = sw.seeds[0];
        let label = sw.base.curve_label(&sw.curves[curve]);
        if g.is_some() {
            let cv = sw.curves[curve];
            sc.algos = vec![cv.algo];
            if let Some(rule) = cv.rule {
                sc.rules = vec![rule];
            }
        }
        let (p, v) = (hetero(&sw.base).sym, sw.axis.by.as_ref().map_or(f64::NAN, |(_, v)| v[r]));
        let what = if g.is_some() { label } else { format!("best: {label}") };
        let text = format!(
            "{what} at α = {}, {p} = {}: {} under {}",
            crate::plots::say(sw.axis.values[c]),
            crate::plots::say(v),
            crate::plots::say(cell.mean),
            attack.label()
        );
        CellLink { text, query: sc.to_query() }
    }
}

impl View for Map {
    fn reset(&mut self, _sc: &Scenario) {
        self.sweep = None;
    }

    fn applies(&self, sc: &Scenario) -> bool {
        sc.problem != crate::engine::ProblemKind::Saddle
    }

    fn prepare(&mut self, lab: &mut Shared) {
        if self.sweep.is_none() && self.applies(&lab.sc) {
            let h = hetero(&lab.sc);
            let base = Map::base(&lab.sc);
            let mut axis = Axis::alpha_range(0.0, ALPHA_MAX, self.grid.num()).by(h.key, h.values.to_vec()).expect("a numeric parameter");
            if self.worst() {
                axis = axis.crossed_with(super::breakdown::worst_of(&base));
            }
            self.sweep = Some(super::sweep_with_seeds(&base, axis, self.seeds.num() as u64));
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
        "grid points"
    }

    fn plot(&self, lab: &Shared) -> Plot {
        if !self.applies(&lab.sc) {
            return Plot::Message("the worst-case map needs data split over workers: not the 2-D saddle toy".into());
        }
        let Some(sw) = &self.sweep else { return Plot::Message("press play (space) to compute the worst-case map".into()) };
        let h = hetero(&lab.sc);
        let (nc, nr) = (sw.axis.values.len(), sw.axis.by_len());
        let value = |g: usize, r: usize, c: usize| sw.worst(c * nr + r, g).map_or(f64::NAN, |(_, cell)| cell.mean);
        let mut panels: Vec<Panel> = (0..sw.curves.len())
            .map(|g| Panel {
                title: sw.base.curve_label(&sw.curves[g]),
                values: (0..nr).flat_map(|r| (0..nc).map(move |c| (r, c))).map(|(r, c)| value(g, r, c)).collect(),
                winners: Vec::new(),
            })
            .collect();
        // The best rule per cell, once every rule has a value there (ties: the first listed).
        let winner = |i: usize| -> Option<usize> {
            let vals: Vec<f64> = panels.iter().map(|p| p.values[i]).collect();
            if vals.iter().any(|v| v.is_nan()) {
                return None;
            }
            let (g, v) = vals.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1))?;
            v.is_finite().then_some(g)
        };
        let winners: Vec<Option<usize>> = (0..nr * nc).map(winner).collect();
        let all_diverged: Vec<f64> = (0..nr * nc)
            .map(|i| if panels.iter().all(|p| p.values[i].is_infinite()) { f64::INFINITY } else { f64::NAN })
            .collect();
        let mut links = Vec::with_capacity((panels.len() + 1) * nr * nc);
        for g in 0..panels.len() {
            for r in 0..nr {
                for c in 0..nc {
                    links.push(Map::link(sw, Some(g), r, c, None));
                }
            }
        }
        for r in 0..nr {
            for c in 0..nc {
                links.push(Map::link(sw, None, r, c, winners[r * nc + c]));
            }
        }
        let style = |g: usize| super::style_of(&sw.curves[g]).0;
        panels.push(Panel {
            title: "best rule".into(),
            values: all_diverged,
            winners: winners.iter().map(|w| w.map(style)).collect(),
        });
        let (done, total) = sw.progress();
        let under = if self.worst() { format!("the worst of {} attacks", sw.axis.attacks.len()) } else { lab.sc.attack.kind.label().to_string() };
        let seeds = sw.seeds.len();
        Plot::Heatmap(HeatMap {
            title: format!("Worst-case map under {under}: T = {}, {seeds} seed{} per cell", sw.base.t, if seeds == 1 { "" } else { "s" }),
            x_label: "Byzantine fraction α".into(),
            y_label: h.label.into(),
            cols: sw.axis.values.iter().map(|v| crate::plots::say(*v)).collect(),
            rows: h.values.iter().map(|v| format!("{} = {}", h.sym, crate::plots::say(*v))).collect(),
            panels,
            value_label: super::final_label(lab.sc.problem).split([' ', '(', '‖']).take(3).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "),
            rules: (0..sw.curves.len()).map(|g| (sw.base.curve_label(&sw.curves[g]), style(g))).collect(),
            links,
            cursor: None,
            progress: format!("{done}/{total} runs"),
        })
    }

    fn explain(&self, sc: &Scenario) -> ViewText {
        let h = hetero(sc);
        let mut lines = vec![
            format!(
                "One heat map per rule: each cell is a run's final error at a Byzantine fraction α (across) and a heterogeneity {} (up, from nearly alike data to very different ones), on one logarithmic colour scale (the bar on the right); dark grey cells diverged. The last panel colours each cell by the rule with the smallest error there, with its marker.",
                h.sym
            ),
            format!(
                "The map sets the {} split (data split in the panel) and sweeps {} itself; T is capped at {} per run.",
                Map::base(sc).split.label(),
                h.key,
                super::SWEEP_T_MAX
            ),
            "Click a cell, or focus the plot (Tab) and move with the arrow keys and press Enter, to open that run in the error curves; Back returns to the map.".into(),
        ];
        if self.worst() {
            let names: Vec<&str> = super::breakdown::worst_of(&Map::base(sc)).iter().map(|a| a.label()).collect();
            lines.insert(1, format!("Each cell is the worst over {} attacks ({}): the mean over seeds of the attack that hurts that rule most there.", names.len(), names.join(", ")));
        }
        let mut why = vec![format!(
            "Heterogeneity and Byzantine workers add up: with {} the honest messages themselves disagree, so a robust rule cannot tell an attacker hiding inside that spread from an honest outlier. Robust aggregation then has an error floor of order √α·ζ (Karimireddy et al. 2022's lower bound, ζ² the variance of the honest gradients' means), which no rule avoids: the cells brighten upwards as well as to the right.",
            if h.key == "zeta" { "a spread ζ of the workers' optima" } else { "a small Dirichlet a (few labels per worker)" }
        )];
        if let Some(sw) = &self.sweep {
            let (nc, nr) = (sw.axis.values.len(), sw.axis.by_len());
            let corner = (0..sw.curves.len())
                .filter_map(|g| sw.worst((nc - 1) * nr + (nr - 1), g).map(|(a, c)| (g, a, c)))
                .min_by(|a, b| a.2.mean.total_cmp(&b.2.mean));
            if let Some((g, a, c)) = corner {
                why.push(format!(
                    "In the hardest corner here (α = {}, {} = {}) the best rule is {}, with a final error of {} under {}.",
                    crate::plots::say(sw.axis.values[nc - 1]),
                    h.sym,
                    crate::plots::say(h.values[nr - 1]),
                    sw.base.curve_label(&sw.curves[g]),
                    crate::plots::say(c.mean),
                    a.label()
                ));
            }
        }
        ViewText {
            lines,
            why,
            mathml: r#"<math display="block"><mrow><mi>E</mi><mo>(</mo><mi>α</mi><mo>,</mo><mi>h</mi><mo>,</mo><mi>r</mi><mo>)</mo><mo>=</mo><munder><mo>max</mo><mrow><mi>A</mi><mo>∈</mo><mi mathvariant="script">A</mi></mrow></munder><mspace width="0.3em"></mspace><mfrac><mn>1</mn><mi>S</mi></mfrac><munderover><mo>∑</mo><mrow><mi>s</mi><mo>=</mo><mn>1</mn></mrow><mi>S</mi></munderover><msub><mi>err</mi><mi>T</mi></msub><mo>(</mo><mi>r</mi><mo>,</mo><mi>A</mi><mo>,</mo><mi>s</mi><mo>)</mo><mo>,</mo><mspace width="1em"></mspace><msup><mi>r</mi><mo>⋆</mo></msup><mo>(</mo><mi>α</mi><mo>,</mo><mi>h</mi><mo>)</mo><mo>=</mo><munder><mo>argmin</mo><mi>r</mi></munder><mi>E</mi><mo>(</mo><mi>α</mi><mo>,</mo><mi>h</mi><mo>,</mo><mi>r</mi><mo>)</mo></mrow></math>"#,
            source: "Karimireddy, He and Jaggi 2022 (heterogeneity and Byzantine robustness); Allouah et al. 2023 (ByzFL's heterogeneity); the attacks' sources as in the breakdown view",
        }
    }
}
