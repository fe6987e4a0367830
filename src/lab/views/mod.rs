//! The registry of views, in the order of their tabs and keyboard shortcuts 1, 2, …. A view is
//! one file here and one line in this list.

use super::view::ViewInfo;

/// The [`super::view::View`] methods every sweep view shares (breakdown, rates, batch size,
/// adversarial gap): a field `sweep: Option<Sweep>` that its `prepare` builds, advanced, shared
/// out, reported and exported the same way.
macro_rules! sweep_view_methods {
    () => {
        fn work(&mut self, lab: &mut Shared, steps: usize) -> usize {
            self.prepare(lab);
            match &mut self.sweep {
                Some(s) if !s.is_done() => s.advance(steps, &mut lab.problems),
                _ => 0,
            }
        }

        fn sweep_mut(&mut self, lab: &mut Shared) -> Option<&mut Sweep> {
            self.prepare(lab);
            self.sweep.as_mut()
        }

        fn is_done(&self, lab: &Shared) -> bool {
            !self.applies(&lab.sc) || self.sweep.as_ref().is_some_and(|s| s.is_done())
        }

        fn progress(&self, _lab: &Shared) -> usize {
            self.sweep.as_ref().map_or(0, super::sweep_points)
        }

        fn status(&self, lab: &Shared) -> String {
            if !self.applies(&lab.sc) {
                return "not for this problem".into();
            }
            super::sweep_status(self.sweep.as_ref())
        }

        fn csv(&self, _lab: &Shared) -> String {
            self.sweep.as_ref().map_or_else(String::new, |s| s.csv())
        }
    };
}

macro_rules! register {
    ($($view:ident),* $(,)?) => {
        $(mod $view;)*
        /// Every view, in tab order.
        pub static VIEWS: &[ViewInfo] = &[$($view::INFO),*];
    };
}

register! {
    curves,
    saddle,
    breakdown,
    master,
    rates,
    batch,
    gap,
    map,
}

/// What the final error of a sweep's runs is, by problem (the breakdown and rates views' y axis).
pub(super) fn final_label(p: crate::engine::ProblemKind) -> &'static str {
    use crate::engine::ProblemKind;
    if p.is_classification() {
        "final test error (1 − accuracy)"
    } else if p == ProblemKind::Saddle {
        "final distance to a minimum"
    } else {
        "final error ‖w − w*‖"
    }
}

/// A curve's style on every plot: its rule's colour and marker (RSA has its own), its algorithm's
/// dash (robust GD and RSA solid, ByzantinePGD dashed, perturbed GD sparse, one-round dotted).
pub fn style_of(c: &crate::engine::Curve) -> (usize, crate::plots::Dash) {
    use crate::engine::AlgoKind;
    use crate::plots::Dash;
    let id = c.rule.map_or(crate::plots::SERIES.len() - 1, |r| r.kind as usize);
    let dash = match c.algo {
        AlgoKind::Gd | AlgoKind::Rsa => Dash::Solid,
        AlgoKind::Bpgd => Dash::Dashed,
        AlgoKind::Pgd => Dash::Sparse,
        AlgoKind::OneRound => Dash::Dotted,
    };
    (id, dash)
}

/// Seeds per breakdown and rates cell.
pub const SWEEP_SEEDS: u64 = 3;
/// One of a view's own menus over fixed choices (in the page's panel, and in the link's hash:
/// `#breakdown:seeds=5`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Menu {
    pub id: &'static str,
    pub label: &'static str,
    /// (value, label) pairs.
    pub choices: &'static [(&'static str, &'static str)],
    /// The chosen one.
    pub at: usize,
}

/// The seeds per point of a sweep view.
pub(super) const SEEDS_MENU: Menu =
    Menu { id: "seeds", label: "seeds per point", choices: &[("1", "1"), ("3", "3"), ("5", "5"), ("10", "10")], at: 1 };

impl Menu {
    pub fn option(&self) -> super::ViewOption {
        super::ViewOption { id: self.id, label: self.label, choices: self.choices.to_vec(), value: self.choices[self.at].0 }
    }
    /// The chosen value as a number (the menus here are numeric).
    pub fn num(&self) -> f64 {
        self.choices[self.at].0.parse().unwrap_or(f64::NAN)
    }
    /// Sets it from a view option: None for another id or an unknown value, else whether it changed.
    pub fn set(&mut self, id: &str, value: &str) -> Option<bool> {
        let at = self.choices.iter().position(|c| id == self.id && c.0 == value)?;
        let changed = at != self.at;
        self.at = at;
        Some(changed)
    }
}

/// Sets the one of a view's `menus` that has this id and value; a changed choice drops what the view
/// computed (its sweep or experiment) so that it is computed again. False when no menu takes it.
pub(super) fn set_menus<T>(menus: &mut [&mut Menu], id: &str, value: &str, computed: &mut Option<T>) -> bool {
    match menus.iter_mut().find_map(|m| m.set(id, value)) {
        Some(changed) => {
            if changed {
                *computed = None;
            }
            true
        }
        None => false,
    }
}

/// Iterations cap of sweep runs (each cell is one run).
pub const SWEEP_T_MAX: usize = 1000;

/// A sweep of the scenario's curves over `axis`, SWEEP_SEEDS seeds from the scenario's, T capped.
pub(super) fn sweep(sc: &crate::engine::Scenario, axis: crate::engine::sweep::Axis) -> crate::engine::sweep::Sweep {
    sweep_with_seeds(sc, axis, SWEEP_SEEDS)
}

/// A sweep as [`sweep`], with `k` seeds per point.
pub(super) fn sweep_with_seeds(sc: &crate::engine::Scenario, axis: crate::engine::sweep::Axis, k: u64) -> crate::engine::sweep::Sweep {
    let mut base = sc.clone();
    base.t = base.t.min(SWEEP_T_MAX);
    let seeds = (0..k.max(1)).map(|k| sc.seed.wrapping_add(k)).collect();
    crate::engine::sweep::Sweep::new(&base, axis, sc.curves(), seeds)
}

/// The band series of a sweep (mean line, min–max band), with `mark` per curve.
pub(super) fn band_series(
    sw: &crate::engine::sweep::Sweep,
    mark: impl Fn(&crate::engine::Curve) -> Option<f64>,
) -> Vec<crate::plots::breakdown::BandSeries> {
    band_series_of(sw, mark, "", sw.axis.len(), |a, g| sw.cell(a, g).map(|c| (sw.axis.value(a), c)))
}

/// Band series from `cell(point, curve)` = (x, its cell) over `points` points, labels suffixed.
pub(super) fn band_series_of(
    sw: &crate::engine::sweep::Sweep,
    mark: impl Fn(&crate::engine::Curve) -> Option<f64>,
    suffix: &str,
    points: usize,
    cell: impl Fn(usize, usize) -> Option<(f64, crate::engine::sweep::Cell)>,
) -> Vec<crate::plots::breakdown::BandSeries> {
    sw.curves
        .iter()
        .enumerate()
        .map(|(g, curve)| crate::plots::breakdown::BandSeries {
            label: format!("{}{suffix}", sw.base.curve_label(curve)),
            id: style_of(curve).0,
            dash: style_of(curve).1,
            points: (0..points).filter_map(|a| cell(a, g).map(|(x, c)| (x, c.mean, c.min, c.max))).collect(),
            mark: mark(curve),
        })
        .collect()
}

/// The grid points of a sweep done (every curve at one axis value for one seed).
pub(super) fn sweep_points(sw: &crate::engine::sweep::Sweep) -> usize {
    sw.progress().0 / sw.curves.len().max(1)
}

/// Status of a sweep view.
pub(super) fn sweep_status(sw: Option<&crate::engine::sweep::Sweep>) -> String {
    match sw {
        Some(s) => {
            let (a, b) = s.progress();
            format!("sweep {a} / {b} runs")
        }
        None => "sweep not started".into(),
    }
}

/// 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st, …
pub(super) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
