//! View 3, breakdown: final error against α for every aggregator, with the spread across seeds as
//! a band and each rule's theoretical breakdown point as a vertical dashed line. Shared with the rates
//! view (error against n or m on log–log axes), which uses the same band series.

use super::{color, draw_shape, log_range, log_tick, Corner, Glyph, Legend, PlotError, Shape, Style, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One aggregator's cells: (x, mean, min, max); +∞ marks runs that diverged.
#[derive(Clone, Debug, PartialEq)]
pub struct BandSeries {
    pub label: String,
    pub color: usize,
    pub points: Vec<(f64, f64, f64, f64)>,
    /// Theoretical breakdown point (breakdown view) or fitted slope note (rates view).
    pub mark: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    pub title: String,
    pub y_label: String,
    pub series: Vec<BandSeries>,
    /// x range (α from 0 to 0.5).
    pub x_range: (f64, f64),
    /// "12/234 runs" while the sweep fills in.
    pub progress: String,
    /// Dashed grey reference lines (the rates view's −½ slopes): (label, points).
    pub refs: Vec<(String, Vec<(f64, f64)>)>,
    pub x_label: String,
    /// Log x axis (the rates view) or linear (α in the breakdown view).
    pub log_x: bool,
}

/// Draws the bands, lines, markers and reference lines of a breakdown or rates plot.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &Breakdown, style: &Style) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let ys = data.series.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.1, p.2, p.3]));
    let (lo, hi) = log_range(ys, 1e-9);
    let chart = super::chart(area, &data.title, style);
    let y = (data.y_label.as_str(), &log_tick as &dyn Fn(&f64) -> String);
    if data.log_x {
        let (x0, x1) = (data.x_range.0.max(1e-9), data.x_range.1.max(data.x_range.0 * 1.01));
        let mut c = { chart }.build_cartesian_2d((x0..x1).log_scale(), (lo..hi).log_scale())?;
        super::axes(&mut c, style, (&data.x_label, &log_tick), y, true)?;
        body(&mut c, data, style, lo, hi, false)?;
    } else {
        let mut c = { chart }.build_cartesian_2d(data.x_range.0..data.x_range.1, (lo..hi).log_scale())?;
        super::axes(&mut c, style, (&data.x_label, &super::lin_tick), y, true)?;
        body(&mut c, data, style, lo, hi, true)?;
    }
    area.draw(&Text::new(data.progress.clone(), (style.px(8.0), style.px(6.0)), style.small()))?;
    Ok(())
}

fn body<'a, DB: DrawingBackend + 'a, X, Y>(
    c: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    data: &Breakdown,
    style: &Style,
    lo: f64,
    hi: f64,
    marks_are_alphas: bool,
) -> Result<(), PlotError>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let clamp = |y: f64| if y.is_nan() { lo } else { y.clamp(lo, hi) };
    let lw = style.line;
    let mut legend = Legend::new();
    for (k, s) in data.series.iter().enumerate() {
        let col = color(s.color);
        if s.points.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, clamp(p.3))).collect();
            poly.extend(s.points.iter().rev().map(|p| (p.0, clamp(p.2))));
            c.draw_series(std::iter::once(Polygon::new(poly, col.mix(0.15).filled())))?;
        }
        let line: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, clamp(p.1))).collect();
        let mk = style.marker as i32;
        c.draw_series(LineSeries::new(line.clone(), col.stroke_width(lw)))?;
        legend.add(s.label.clone(), Glyph::Line { color: col.to_rgba(), width: lw, dashed: false, marker: Some(Shape::for_series(k)) });
        for &p in &line {
            draw_shape(c.plotting_area(), p, Shape::for_series(k), mk, col.to_rgba(), 2)?;
        }
        if marks_are_alphas {
            if let Some(a) = s.mark {
                c.draw_series(DashedLineSeries::new(
                    vec![(a, lo), (a, hi)],
                    style.px(6.0) as u32,
                    style.px(4.0) as u32,
                    col.mix(0.9).stroke_width(lw.max(2) - 1),
                ))?;
            }
        }
    }
    for (label, pts) in &data.refs {
        let pts: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (x, clamp(y))).collect();
        c.draw_series(DashedLineSeries::new(pts, style.px(6.0) as u32, style.px(4.0) as u32, GREY.stroke_width(lw)))?;
        legend.add(label.clone(), Glyph::dashed(GREY, lw));
    }
    let corner = if marks_are_alphas { Corner::UpperLeft } else { Corner::UpperRight };
    legend.draw(&c.plotting_area().strip_coord_spec(), corner, style)
}
