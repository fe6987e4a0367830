//! View 2, saddle escape: the landscape as a contour map, trajectories of robust GD and of
//! ByzantinePGD from several seeds, the stuck band, the perturbation ball r and the escape radius R.

use super::{color, err, Style, BYZANTINE, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub points: Vec<(f64, f64)>,
    /// Index into `SaddleView::algos`.
    pub algo: usize,
    pub escaped: bool,
}

#[derive(Clone, Debug)]
pub struct SaddleView {
    pub title: String,
    /// The landscape, evaluated on a grid over the visible region.
    pub loss: fn([f64; 2]) -> f64,
    /// The w₂ range shown; the w₁ range follows from the plot's aspect ratio, so circles are round.
    pub y_range: (f64, f64),
    /// Curve labels, e.g. ["robust GD", "ByzantinePGD"].
    pub algos: Vec<String>,
    pub trajectories: Vec<Trajectory>,
    /// Where perturbations start (the saddle region), r and R.
    pub center: (f64, f64),
    pub r: f64,
    pub big_r: f64,
    /// Half-width of the stuck band |w₂| ≤ b, if known.
    pub band: Option<f64>,
    /// Critical points: (point, label).
    pub marks: Vec<((f64, f64), String)>,
    /// One line of counts, e.g. "ByzantinePGD escaped 28/30 · theory 0.93".
    pub counter: String,
}

/// Marching squares: line segments where the grid crosses `level`.
pub fn contour_segments(grid: &[f64], nx: usize, ny: usize, ext: (f64, f64, f64, f64), level: f64) -> Vec<[(f64, f64); 2]> {
    let dx = (ext.1 - ext.0) / (nx - 1) as f64;
    let dy = (ext.3 - ext.2) / (ny - 1) as f64;
    let v = |i: usize, j: usize| grid[j * nx + i];
    let mut segs = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let mut pts = Vec::with_capacity(4);
            for k in 0..4 {
                let (a, b) = (corners[k], corners[(k + 1) % 4]);
                let (va, vb) = (v(a.0, a.1), v(b.0, b.1));
                if (va < level) != (vb < level) && va.is_finite() && vb.is_finite() {
                    let t = (level - va) / (vb - va);
                    let x = ext.0 + (a.0 as f64 + t * (b.0 as f64 - a.0 as f64)) * dx;
                    let y = ext.2 + (a.1 as f64 + t * (b.1 as f64 - a.1 as f64)) * dy;
                    pts.push((x, y));
                }
            }
            if pts.len() >= 2 {
                segs.push([pts[0], pts[1]]);
            }
            if pts.len() == 4 {
                segs.push([pts[2], pts[3]]);
            }
        }
    }
    segs
}

fn circle(c: (f64, f64), r: f64) -> Vec<(f64, f64)> {
    (0..=72).map(|k| {
        let a = k as f64 / 72.0 * std::f64::consts::TAU;
        (c.0 + r * a.cos(), c.1 + r * a.sin())
    }).collect()
}

pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &SaddleView, style: &Style) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    // Equal scales on both axes: the w₁ range is set by the plot's pixel aspect ratio.
    let (w, h) = area.dim_in_pixel();
    let (xla, yla) = (style.font * 2.8, style.font * 3.6);
    let plot_w = (w as f64 - yla - 2.0 * style.px(10.0) as f64).max(10.0);
    let plot_h = (h as f64 - xla - 2.0 * style.px(10.0) as f64 - style.font * 2.0).max(10.0);
    let (y0, y1) = data.y_range;
    let half = 0.5 * (y1 - y0) * plot_w / plot_h;
    let (x0, x1) = (-half, half);
    let mut chart = ChartBuilder::on(area)
        .caption(&data.title, style.title())
        .margin(style.px(10.0))
        .x_label_area_size(xla)
        .y_label_area_size(yla)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("w₁")
        .y_desc("w₂ (escape direction)")
        .label_style(style.small())
            .x_label_formatter(&super::lin_tick)
            .y_label_formatter(&super::lin_tick)
        .axis_desc_style(style.text())
        .disable_mesh()
        .draw()
        .map_err(err)?;
    // Shaded loss levels and contour lines on a grid of ~6-pixel cells.
    let ny = ((plot_h / style.px(6.0).max(1) as f64) as usize).clamp(20, 120);
    let nx = ((ny as f64 * plot_w / plot_h) as usize).clamp(20, 240);
    let extent = (x0, x1, y0, y1);
    let grid: Vec<f64> = (0..ny)
        .flat_map(|j| (0..nx).map(move |i| (i, j)))
        .map(|(i, j)| (data.loss)([x0 + (x1 - x0) * i as f64 / (nx - 1) as f64, y0 + (y1 - y0) * j as f64 / (ny - 1) as f64]))
        .collect();
    {
        let finite = grid.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let dx = (x1 - x0) / (nx - 1) as f64;
        let dy = (y1 - y0) / (ny - 1) as f64;
        let shade = |v: f64| {
            let t = ((v - lo) / (hi - lo + 1e-12)).clamp(0.0, 1.0).sqrt();
            let c = (255.0 - 70.0 * t) as u8;
            RGBColor(c, c, (255.0 - 40.0 * t) as u8)
        };
        chart
            .draw_series((0..ny).flat_map(|j| (0..nx).map(move |i| (i, j))).map(|(i, j)| {
                let (cx, cy) = (x0 + i as f64 * dx, y0 + j as f64 * dy);
                Rectangle::new([(cx - dx / 2.0, cy - dy / 2.0), (cx + dx / 2.0, cy + dy / 2.0)], shade(grid[j * nx + i]).filled())
            }))
            .map_err(err)?;
        for k in 1..=10 {
            let level = lo + (hi - lo) * (k as f64 / 11.0).powi(2);
            let segs = contour_segments(&grid, nx, ny, extent, level);
            chart.draw_series(segs.into_iter().map(|s| PathElement::new(s.to_vec(), GREY.mix(0.6).stroke_width(1)))).map_err(err)?;
        }
    }
    if let Some(b) = data.band {
        chart
            .draw_series(std::iter::once(Rectangle::new([(x0, -b), (x1, b)], BYZANTINE.mix(0.18).filled())))
            .map_err(err)?
            .label(format!("stuck band |w₂| ≤ {b:.3}"))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], BYZANTINE.mix(0.3).filled()));
    }
    let lw = style.line;
    // Perturbation ball and escape radius.
    chart
        .draw_series(std::iter::once(PathElement::new(circle(data.center, data.r), BLACK.stroke_width(lw))))
        .map_err(err)?
        .label(format!("perturbation ball r = {}", data.r))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(lw)));
    chart
        .draw_series(DashedLineSeries::new(circle(data.center, data.big_r), style.px(6.0) as u32, style.px(4.0) as u32, BLACK.stroke_width(lw.max(2) - 1)))
        .map_err(err)?
        .label(format!("escape radius R = {}", data.big_r))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(1)));
    for (a, name) in data.algos.iter().enumerate() {
        let col = color(if a == 0 { 1 } else { 0 });
        let mut first = true;
        for tr in data.trajectories.iter().filter(|t| t.algo == a) {
            let pts: Vec<(f64, f64)> = tr.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
            let s = if a == 0 {
                chart.draw_series(DashedLineSeries::new(pts.clone(), style.px(6.0) as u32, style.px(3.0) as u32, col.stroke_width(lw)))
            } else {
                chart.draw_series(LineSeries::new(pts.clone(), col.mix(0.8).stroke_width(lw)))
            }
            .map_err(err)?;
            if first {
                s.label(name.clone()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], col.stroke_width(lw)));
                first = false;
            }
            if let Some(&end) = pts.last() {
                let mk = style.marker as i32;
                if tr.escaped {
                    chart.draw_series(std::iter::once(Circle::new(end, mk, col.filled()))).map_err(err)?;
                } else {
                    chart.draw_series(std::iter::once(Cross::new(end, mk, col.stroke_width(lw)))).map_err(err)?;
                }
            }
        }
    }
    for (p, label) in &data.marks {
        chart
            .draw_series(std::iter::once(EmptyElement::at(*p) + TriangleMarker::new((0, 0), style.marker as i32, BLACK.filled()) + Text::new(label.clone(), (style.px(8.0), -style.px(18.0)), style.small())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font(style.small())
        .draw()
        .map_err(err)?;
    // The counter, top left inside the plot, on a white box.
    let (tx, ty) = ((yla + style.px(18.0) as f64) as i32, (style.font * 2.4 + style.px(14.0) as f64) as i32);
    let tw = (data.counter.chars().count() as f64 * style.font * 0.52) as i32;
    area.draw(&Rectangle::new([(tx - style.px(4.0), ty - style.px(2.0)), (tx + tw, ty + style.font as i32 + style.px(4.0))], WHITE.mix(0.85).filled())).map_err(err)?;
    area.draw(&Text::new(data.counter.clone(), (tx, ty), style.text())).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contour_of_a_cone_is_a_ring() {
        let n = 41;
        let ext = (-1.0, 1.0, -1.0, 1.0);
        let grid: Vec<f64> = (0..n * n).map(|k| {
            let (i, j) = (k % n, k / n);
            let (x, y) = (-1.0 + 2.0 * i as f64 / 40.0, -1.0 + 2.0 * j as f64 / 40.0);
            (x * x + y * y).sqrt()
        }).collect();
        let segs = contour_segments(&grid, n, n, ext, 0.5);
        assert!(segs.len() > 20);
        for s in segs {
            for p in s {
                assert!(((p.0 * p.0 + p.1 * p.1).sqrt() - 0.5).abs() < 0.02);
            }
        }
    }
}
