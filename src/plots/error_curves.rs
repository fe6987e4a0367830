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

impl ErrorCurves {
    /// The difference of two scenarios' curves (compare mode): for every curve of `self` (A) with
    /// a namesake in `b`, A − B at the iterations both have, on a linear axis (a difference may be
    /// negative). A curve whose run diverged in either is marked diverged.
    pub fn difference(&self, b: &ErrorCurves) -> ErrorCurves {
        let series = self
            .series
            .iter()
            .filter_map(|s| {
                let other = b.series.iter().find(|o| o.label == s.label)?;
                let points = s
                    .points
                    .iter()
                    .filter_map(|&(t, a)| other.points.iter().find(|p| p.0 == t).map(|&(_, v)| (t, a - v)))
                    .filter(|p| p.1.is_finite())
                    .collect();
                Some(Series { points, diverged: s.diverged || other.diverged, ..s.clone() })
            })
            .collect();
        ErrorCurves {
            title: "A − B, curve by curve".into(),
            y_label: format!("A − B: {}", self.y_label),
            log_y: false,
            series,
            floor: Some(("A = B".into(), 0.0)),
            t_max: self.t_max.max(b.t_max),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn curves(series: &[(&str, &[(f64, f64)])]) -> ErrorCurves {
        ErrorCurves {
            title: "t".into(),
            y_label: "error".into(),
            log_y: true,
            series: series
                .iter()
                .enumerate()
                .map(|(id, (l, p))| Series { label: l.to_string(), id, dash: Dash::Solid, points: p.to_vec(), diverged: false })
                .collect(),
            floor: None,
            t_max: 10.0,
        }
    }

    #[test]
    fn the_difference_pairs_curves_by_name_and_points_by_iteration() {
        let a = curves(&[("mean", &[(0.0, 5.0), (1.0, 3.0), (2.0, 2.0)]), ("median", &[(0.0, 5.0), (2.0, 1.0)]), ("krum", &[(0.0, 1.0)])]);
        let b = curves(&[("median", &[(0.0, 4.0), (1.0, 2.0), (2.0, 1.5)]), ("mean", &[(0.0, 5.0), (2.0, 7.0)])]);
        let d = a.difference(&b);
        assert!(!d.log_y && d.y_label == "A − B: error");
        let got: Vec<(&str, Vec<(f64, f64)>)> = d.series.iter().map(|s| (s.label.as_str(), s.points.clone())).collect();
        assert_eq!(got, vec![("mean", vec![(0.0, 0.0), (2.0, -5.0)]), ("median", vec![(0.0, 1.0), (2.0, -0.5)])]);
        assert_eq!(d.series[1].id, 1, "a curve keeps its style");
    }
}
