//! View 3, breakdown: final error against α for every curve, with the spread across seeds as a
//! band, each rule's theoretical breakdown point as a vertical dashed line, and the runs that
//! diverged marked in a row above the plot (not drawn as a large error). Shared with the rates
//! view (error against n or m on log–log axes), which adds reference lines labelled at their ends.

use super::figure::{Figure, Item, TopRow};
use super::{color, shape, Dash, Glyph, Legend, BLACK_REF, GREY};
use plotters::prelude::*;

/// One curve's cells: (x, mean, min, max) over seeds; the mean is +∞ where every seed diverged,
/// the max where some did.
#[derive(Clone, Debug, PartialEq)]
pub struct BandSeries {
    pub label: String,
    /// The series style (see [`super::SERIES`]).
    pub id: usize,
    pub dash: Dash,
    pub points: Vec<(f64, f64, f64, f64)>,
    /// Theoretical breakdown point (breakdown view).
    pub mark: Option<f64>,
}

/// A reference line (the rates view's −½ slope and lower bound).
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub dash: Dash,
    /// Drawn in black (else grey).
    pub dark: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    pub title: String,
    pub y_label: String,
    pub series: Vec<BandSeries>,
    pub x_range: (f64, f64),
    /// "12/234 runs" while the sweep fills in.
    pub progress: String,
    pub refs: Vec<Reference>,
    pub x_label: String,
    /// Log x axis (the rates view) or linear (α in the breakdown view).
    pub log_x: bool,
    /// Log y axis (errors and losses) or linear (a gap, which may be negative).
    pub log_y: bool,
}

/// The figure of a breakdown or rates plot.
pub fn figure(data: &Breakdown) -> Figure {
    let mut items = Vec::new();
    let mut legend = Legend::new();
    let mut row = TopRow { label: "diverged".into(), marks: Vec::new() };
    for s in &data.series {
        let col = color(s.id).to_rgba();
        let band: Vec<&(f64, f64, f64, f64)> = s.points.iter().filter(|p| p.2.is_finite() && p.3.is_finite()).collect();
        if band.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = band.iter().map(|p| (p.0, p.3)).collect();
            poly.extend(band.iter().rev().map(|p| (p.0, p.2)));
            items.push(Item::Band { poly, color: color(s.id).mix(0.15) });
        }
        let line: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.1)).collect();
        let finite: Vec<(f64, f64)> = line.iter().copied().filter(|p| p.1.is_finite()).collect();
        items.push(Item::Line { pts: line, color: col, width: 1.0, dash: s.dash });
        items.push(Item::Marks { pts: finite, shape: shape(s.id), color: col, size: 1.0 });
        row.marks.extend(s.points.iter().filter(|p| !p.3.is_finite()).map(|p| (p.0, col, shape(s.id), !p.1.is_finite())));
        if let Some(a) = s.mark {
            items.push(Item::VLine { x: a, color: color(s.id).mix(0.9), width: 0.6, dash: Dash::Dashed });
        }
        legend.add(s.label.clone(), Glyph::Line { color: col, width: 1.0, dash: s.dash, marker: Some(shape(s.id)) });
    }
    for r in &data.refs {
        let c = if r.dark { BLACK_REF } else { GREY };
        items.push(Item::Line { pts: r.points.clone(), color: c.to_rgba(), width: 0.8, dash: r.dash });
        if let Some(&end) = r.points.iter().rev().find(|p| p.1.is_finite() && p.1 > 0.0) {
            items.push(Item::Label { at: end, text: r.label.clone(), color: c.to_rgba() });
        }
        legend.add(r.label.clone(), Glyph::line(c, 0.8, r.dash));
    }
    if !row.marks.is_empty() {
        legend.add(
            "diverged (row above the plot; faint: some seeds)",
            Glyph::Marker { shape: super::Shape::Cross, color: GREY.to_rgba(), size: 1.0 },
        );
    }
    Figure {
        title: data.title.clone(),
        x_label: data.x_label.clone(),
        y_label: data.y_label.clone(),
        x_log: data.log_x,
        y_log: data.log_y,
        x_range: Some(data.x_range),
        items,
        legend,
        top_row: Some(row),
        note: Some(data.progress.clone()),
        grid: true,
        ..Figure::default()
    }
}
