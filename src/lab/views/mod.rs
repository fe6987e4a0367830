//! The registry of views, in the order of their tabs and keyboard shortcuts 1, 2, …. A view is
//! one file here and one line in this list.

use super::view::ViewInfo;

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
}

/// What the final error of a sweep's runs is, by problem (the breakdown and rates views' y axis).
pub(super) fn final_label(p: crate::engine::ProblemKind) -> &'static str {
    use crate::engine::ProblemKind;
    if p.is_classification() {
        "final test error (1 − accuracy)"
    } else if p == ProblemKind::Saddle {
        "final distance to a minimum"
    } else {
        "final ‖w_T − w*‖"
    }
}

/// Seeds per breakdown and rates cell.
pub const SWEEP_SEEDS: u64 = 3;
/// Iterations cap of sweep runs (each cell is one run).
pub const SWEEP_T_MAX: usize = 1000;

/// A sweep of the scenario's curves over `axis`, SWEEP_SEEDS seeds from the scenario's, T capped.
pub(super) fn sweep(sc: &crate::engine::Scenario, axis: crate::engine::sweep::Axis) -> crate::engine::sweep::Sweep {
    let mut base = sc.clone();
    base.t = base.t.min(SWEEP_T_MAX);
    let seeds = (0..SWEEP_SEEDS).map(|k| sc.seed.wrapping_add(k)).collect();
    crate::engine::sweep::Sweep::new(&base, axis, sc.curves(), seeds)
}

/// The band series of a sweep (mean line, min–max band), with `mark` per curve.
pub(super) fn band_series(
    sw: &crate::engine::sweep::Sweep,
    mark: impl Fn(&crate::engine::Curve) -> Option<f64>,
) -> Vec<crate::plots::breakdown::BandSeries> {
    sw.curves
        .iter()
        .enumerate()
        .map(|(g, curve)| crate::plots::breakdown::BandSeries {
            label: sw.base.curve_label(curve),
            color: g,
            points: (0..sw.axis.len()).filter_map(|a| sw.cell(a, g).map(|c| (sw.axis.value(a), c.mean, c.min, c.max))).collect(),
            mark: mark(curve),
        })
        .collect()
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
