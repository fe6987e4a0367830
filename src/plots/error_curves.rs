//! View 1, error curves: a metric against the iteration, one curve per rule (and algorithm), the
//! clean run as reference and the lower bound as a dotted line.

use super::figure::{Figure, Item};
use super::{color, Dash, Glyph, Legend, GREY};
use plotters::prelude::*;

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// The series style (see [`super::SERIES`], [`super::CLEAN`]): the rule's, whatever the list.
    pub id: usize,
    pub dash: Dash,
    pub points: Vec<(f64, f64)>,
    /// The run diverged after its last point.
    pub diverged: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCurves {
    pub title: String,
    pub y_label: String,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// A horizontal reference line: (label, value).
    pub floor: Option<(String, f64)>,
    /// Right end of the x axis (T).
    pub t_max: f64,
}

/// The figure of the error curves.
pub fn figure(data: &ErrorCurves) -> Figure {
    let (lw, t_max) = (1.0, data.t_max.max(1.0));
    let mut items = Vec::new();
    let mut legend = Legend::new();
    for s in &data.series {
        let col = color(s.id).to_rgba();
        items.push(Item::Line { pts: s.points.clone(), color: col, width: lw, dash: s.dash });
        let label = if s.diverged { format!("{} (diverged)", s.label) } else { s.label.clone() };
        legend.add(label, Glyph::Line { color: col, width: lw, dash: s.dash, marker: None });
        if s.diverged {
            let last = s.points.iter().rev().find(|p| p.1.is_finite() && (!data.log_y || p.1 > 0.0));
            if let Some(&last) = last {
                items.push(Item::Marks { pts: vec![last], shape: super::Shape::Cross, color: col, size: 2.0 });
            }
        }
    }
    if let Some((label, v)) = &data.floor {
        if v.is_finite() {
            items.push(Item::Line { pts: vec![(0.0, *v), (t_max, *v)], color: GREY.to_rgba(), width: 1.0, dash: Dash::Dotted });
            legend.add(label.clone(), Glyph::line(GREY, 1.0, Dash::Dotted));
        }
    }
    Figure {
        title: data.title.clone(),
        x_label: "iteration t".into(),
        y_label: data.y_label.clone(),
        y_log: data.log_y,
        x_range: Some((0.0, t_max)),
        items,
        legend,
        grid: true,
        ..Figure::default()
    }
}
