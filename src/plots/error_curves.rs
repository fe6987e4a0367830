//! View 1, error curves: a metric against the iteration, one curve per aggregator, the clean run as
//! reference and the theory floor as a dashed line.

use super::{color, log_range, log_tick, Corner, Glyph, Legend, PlotError, Style, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub color: usize,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (the clean reference).
    pub dashed: bool,
    /// The run diverged after its last point.
    pub diverged: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCurves {
    pub title: String,
    pub y_label: String,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// A horizontal dashed line: (label, value).
    pub floor: Option<(String, f64)>,
    /// Right end of the x axis (T).
    pub t_max: f64,
}

pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &ErrorCurves, style: &Style) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let xs = 0f64..data.t_max.max(1.0);
    let all_y = data.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).chain(data.floor.iter().map(|f| f.1));
    let chart = super::chart(area, &data.title, style);
    let x = ("iteration t", &super::lin_tick as &dyn Fn(&f64) -> String);
    if data.log_y {
        let (lo, hi) = log_range(all_y, 1e-12);
        let mut c = { chart }.build_cartesian_2d(xs, (lo..hi).log_scale())?;
        super::axes(&mut c, style, x, (&data.y_label, &log_tick), true)?;
        draw_series(&mut c, data, style, lo, hi)
    } else {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for y in all_y.filter(|y| y.is_finite()) {
            lo = lo.min(y);
            hi = hi.max(y);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-9 {
            hi = lo + 1.0;
        }
        let pad = 0.05 * (hi - lo);
        let (lo, hi) = (lo - pad, hi + pad);
        let mut c = { chart }.build_cartesian_2d(xs, lo..hi)?;
        super::axes(&mut c, style, x, (&data.y_label, &super::lin_tick), true)?;
        draw_series(&mut c, data, style, lo, hi)
    }
}

fn draw_series<'a, DB: DrawingBackend + 'a, Y>(
    c: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    data: &ErrorCurves,
    style: &Style,
    lo: f64,
    hi: f64,
) -> Result<(), PlotError>
where
    Y: Ranged<ValueType = f64>,
{
    let clamp = |y: f64| if y.is_nan() { y } else { y.clamp(lo, hi) };
    let lw = style.line;
    let mut legend = Legend::new();
    for s in &data.series {
        let col = color(s.color);
        let st = col.stroke_width(lw);
        let pts: Vec<(f64, f64)> = s.points.iter().filter(|p| p.1.is_finite()).map(|&(x, y)| (x, clamp(y))).collect();
        let label = if s.diverged { format!("{} (diverged)", s.label) } else { s.label.clone() };
        if s.dashed {
            c.draw_series(DashedLineSeries::new(pts.clone(), style.px(8.0) as u32, style.px(5.0) as u32, st))?;
            legend.add(label, Glyph::dashed(col, lw));
        } else {
            c.draw_series(LineSeries::new(pts.clone(), st))?;
            legend.add(label, Glyph::line(col, lw));
        }
        if s.diverged {
            if let Some(&last) = pts.last() {
                c.draw_series(std::iter::once(Cross::new(last, style.marker as i32 * 2, col.stroke_width(lw))))?;
            }
        }
    }
    if let Some((label, v)) = &data.floor {
        if v.is_finite() {
            let (x0, x1) = (0.0, data.t_max.max(1.0));
            c.draw_series(DashedLineSeries::new(
                vec![(x0, clamp(*v)), (x1, clamp(*v))],
                style.px(4.0) as u32,
                style.px(4.0) as u32,
                GREY.stroke_width(lw),
            ))?;
            legend.add(label.clone(), Glyph::dashed(GREY, lw));
        }
    }
    legend.draw(&c.plotting_area().strip_coord_spec(), Corner::UpperRight, style)
}
