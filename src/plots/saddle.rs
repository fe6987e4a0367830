//! View 2, saddle escape: the landscape as a contour map, trajectories of robust GD and of
//! ByzantinePGD from several seeds, the stuck band, the perturbation ball r and the escape radius R.

use super::{color, Dash, Glyph, Layout, Legend, PlotError, Shape, Style, BYZANTINE, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub points: Vec<(f64, f64)>,
    /// Index into `SaddleView::algos`.
    pub algo: usize,
    pub escaped: bool,
}

/// The loss surface a saddle view shows (evaluated on a grid over the visible region when drawn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landscape {
    /// The toy of Yin et al. 2019: F(w) = ½w₁² + ¼(w₂² − 1)².
    Toy,
}

impl Landscape {
    pub fn loss(self, w: [f64; 2]) -> f64 {
        match self {
            Landscape::Toy => crate::engine::problem::toy_loss(w),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SaddleView {
    pub title: String,
    pub landscape: Landscape,
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

/// Marching squares: the lines where the grid crosses `level`, as polylines (closed ones end where
/// they start). Each crossing is identified by the grid edge it lies on and interpolated once, so
/// the segments of neighbouring cells share end points exactly and chain into few long paths
/// (drawing one path per level, not one per cell, is what keeps the view cheap to redraw).
pub fn contour_lines(grid: &[f64], nx: usize, ny: usize, ext: (f64, f64, f64, f64), level: f64) -> Vec<Vec<(f64, f64)>> {
    let dx = (ext.1 - ext.0) / (nx - 1) as f64;
    let dy = (ext.3 - ext.2) / (ny - 1) as f64;
    let v = |i: usize, j: usize| grid[j * nx + i];
    // Edge ids: 2·(j·nx + i) for the edge (i, j)–(i + 1, j), 2·(j·nx + i) + 1 for (i, j)–(i, j + 1).
    let ends = |id: usize| {
        let (k, vertical) = (id / 2, id % 2 == 1);
        let (i, j) = (k % nx, k / nx);
        if vertical {
            ((i, j), (i, j + 1))
        } else {
            ((i, j), (i + 1, j))
        }
    };
    let point = |id: usize| {
        let (a, b) = ends(id);
        let (va, vb) = (v(a.0, a.1), v(b.0, b.1));
        let t = (level - va) / (vb - va);
        (ext.0 + (a.0 as f64 + t * (b.0 as f64 - a.0 as f64)) * dx, ext.2 + (a.1 as f64 + t * (b.1 as f64 - a.1 as f64)) * dy)
    };
    // Which grid values lie below the level (non-finite values count as not crossing).
    let below: Vec<bool> = grid.iter().map(|&g| g < level).collect();
    let finite: Vec<bool> = grid.iter().map(|g| g.is_finite()).collect();
    let mut segs: Vec<[usize; 2]> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let (k00, k10, k01, k11) = (j * nx + i, j * nx + i + 1, (j + 1) * nx + i, (j + 1) * nx + i + 1);
            let all_below = below[k00] && below[k10] && below[k01] && below[k11];
            let none_below = !(below[k00] || below[k10] || below[k01] || below[k11]);
            if all_below || none_below {
                continue;
            }
            // The cell's edges in order bottom, right, top, left, with the corners they join.
            let edges = [(2 * k00, k00, k10), (2 * k10 + 1, k10, k11), (2 * k01, k01, k11), (2 * k00 + 1, k00, k01)];
            let mut hits = [0usize; 4];
            let mut n = 0;
            for (id, a, b) in edges {
                if below[a] != below[b] && finite[a] && finite[b] {
                    hits[n] = id;
                    n += 1;
                }
            }
            if n >= 2 {
                segs.push([hits[0], hits[1]]);
            }
            if n == 4 {
                segs.push([hits[2], hits[3]]);
            }
        }
    }
    // Chain: every crossing belongs to at most two segments (the cells on either side of its edge),
    // so a table indexed by edge id holds them.
    const NONE: usize = usize::MAX;
    let mut at = vec![[NONE; 2]; 2 * nx * ny];
    for (k, sgm) in segs.iter().enumerate() {
        for &id in sgm {
            let slot = &mut at[id];
            if slot[0] == NONE {
                slot[0] = k;
            } else {
                slot[1] = k;
            }
        }
    }
    let mut used = vec![false; segs.len()];
    let walk = |from: usize, mut id: usize, used: &mut Vec<bool>| {
        let mut ids = Vec::new();
        let mut cur = from;
        loop {
            let next = at[id].into_iter().find(|&k| k != NONE && k != cur && !used[k]);
            let Some(k) = next else { break };
            used[k] = true;
            id = if segs[k][0] == id { segs[k][1] } else { segs[k][0] };
            ids.push(id);
            cur = k;
        }
        ids
    };
    let mut lines = Vec::new();
    for k in 0..segs.len() {
        if used[k] {
            continue;
        }
        used[k] = true;
        let forward = walk(k, segs[k][1], &mut used);
        let backward = walk(k, segs[k][0], &mut used);
        let ids: Vec<usize> = backward.iter().rev().copied().chain([segs[k][0], segs[k][1]]).chain(forward).collect();
        lines.push(ids.into_iter().map(point).collect());
    }
    lines
}

fn circle(c: (f64, f64), r: f64) -> Vec<(f64, f64)> {
    (0..=72)
        .map(|k| {
            let a = k as f64 / 72.0 * std::f64::consts::TAU;
            (c.0 + r * a.cos(), c.1 + r * a.sin())
        })
        .collect()
}

/// Draws the saddle view. The legend and the escape counter sit beside the plot (below it on a
/// narrow screen), where they can hide neither a trajectory nor a minimum.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &SaddleView, style: &Style) -> Result<Layout, PlotError> {
    area.fill(&style.paper())?;
    let ink = style.ink();
    let tone = |c: RGBColor| style.tone(c.to_rgba());
    let title_h = super::draw_title(area, &data.title, style)?;
    let (_, body) = area.split_vertically(title_h);
    let lw = style.line;
    let thin = (lw.max(2) - 1) as f64 / lw as f64;
    let mut legend = Legend::new();
    if let Some(b) = data.band {
        legend.add(format!("stuck band |w₂| ≤ {b:.3}"), Glyph::Patch(BYZANTINE.mix(0.3)));
    }
    legend.add(format!("perturbation ball r = {}", data.r), Glyph::line(BLACK, 1.0, Dash::Solid));
    legend.add(format!("escape radius R = {}", data.big_r), Glyph::line(BLACK, thin, Dash::Dashed));
    for (a, name) in data.algos.iter().enumerate() {
        // Robust GD dashed, ByzantinePGD solid: told apart by more than colour.
        let col = color(if a == 0 { 1 } else { 0 });
        legend.add(name.clone(), Glyph::line(col, 1.0, if a == 0 { Dash::Dashed } else { Dash::Solid }));
    }
    legend.add("reached a minimum", Glyph::Marker { shape: Shape::Dot, color: BLACK.to_rgba(), size: 1.0 });
    legend.add("left at the saddle", Glyph::Marker { shape: Shape::Cross, color: BLACK.to_rgba(), size: 1.0 });
    let (leg_w, leg_h) = legend.size(area, style)?;
    let lines: Vec<&str> = data.counter.lines().collect();
    let line_h = (style.font * 1.3) as i32;
    let counter_w = lines
        .iter()
        .map(|l| area.estimate_text_size(l, &style.small()).map(|s| s.0 as i32))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(0);
    let side_w = leg_w.max(counter_w) + 2 * style.px(10.0);
    let (bw, bh) = body.dim_in_pixel();
    // Beside the plot when that leaves it at least 60 % of the width, else below it.
    let beside = side_w as f64 <= 0.4 * bw as f64;
    let (plot_area, side) = if beside {
        body.split_horizontally(bw as i32 - side_w)
    } else {
        body.split_vertically((bh as i32 - leg_h - line_h * lines.len() as i32 - 3 * style.px(10.0)).max(bh as i32 / 2))
    };
    // Equal scales on both axes: the w₁ range is set by the plot's pixel aspect ratio.
    let (w, h) = plot_area.dim_in_pixel();
    let (xla, yla) = (style.font * 2.8, style.font * 3.6);
    let plot_w = (w as f64 - yla - 2.0 * style.px(10.0) as f64).max(10.0);
    let plot_h = (h as f64 - xla - 2.0 * style.px(10.0) as f64).max(10.0);
    let (y0, y1) = data.y_range;
    let half = 0.5 * (y1 - y0) * plot_w / plot_h;
    let (x0, x1) = (-half, half);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(style.px(10.0))
        .x_label_area_size(xla)
        .y_label_area_size(yla)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc("w₁")
        .y_desc("w₂ (escape direction)")
        .label_style(style.small())
        .axis_desc_style(style.text())
        .axis_style(ink)
        .x_label_formatter(&super::lin_tick)
        .y_label_formatter(&super::lin_tick)
        .disable_mesh()
        .draw()?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let mut layout = Layout { plot: [px.start, py.start, px.end, py.end], min_text: style.small_px(), ..Layout::default() };
    // Shaded loss levels and contour lines on a grid of ~6-pixel cells.
    let ny = ((plot_h / style.px(6.0).max(1) as f64) as usize).clamp(20, 120);
    let nx = ((ny as f64 * plot_w / plot_h) as usize).clamp(20, 240);
    let extent = (x0, x1, y0, y1);
    let grid: Vec<f64> = (0..ny)
        .flat_map(|j| (0..nx).map(move |i| (i, j)))
        .map(|(i, j)| data.landscape.loss([x0 + (x1 - x0) * i as f64 / (nx - 1) as f64, y0 + (y1 - y0) * j as f64 / (ny - 1) as f64]))
        .collect();
    {
        // Filled contours: each cell takes the shade of the band between two contour levels, and
        // equal neighbours along a row are merged into one rectangle.
        let finite = grid.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        const LEVELS: usize = 10;
        let levels: Vec<f64> = (1..=LEVELS).map(|k| lo + (hi - lo) * (k as f64 / (LEVELS + 1) as f64).powi(2)).collect();
        let band = |v: f64| levels.iter().take_while(|&&l| l <= v).count();
        let shade = |b: usize| {
            let t = (b as f64 + 0.5) / (LEVELS + 1) as f64;
            let c = (255.0 - 70.0 * t) as u8;
            style.tone(RGBColor(c, c, (255.0 - 40.0 * t) as u8).to_rgba())
        };
        let dx = (x1 - x0) / (nx - 1) as f64;
        let dy = (y1 - y0) / (ny - 1) as f64;
        let mut runs = Vec::new();
        for j in 0..ny {
            let cy = y0 + j as f64 * dy;
            let mut i = 0;
            while i < nx {
                let b = band(grid[j * nx + i]);
                let mut k = i + 1;
                while k < nx && band(grid[j * nx + k]) == b {
                    k += 1;
                }
                let (xa, xb) = (x0 + i as f64 * dx - dx / 2.0, x0 + (k - 1) as f64 * dx + dx / 2.0);
                runs.push(Rectangle::new([(xa, cy - dy / 2.0), (xb, cy + dy / 2.0)], shade(b).filled()));
                i = k;
            }
        }
        chart.draw_series(runs)?;
        for &level in &levels {
            let lines = contour_lines(&grid, nx, ny, extent, level);
            chart.draw_series(lines.into_iter().map(|l| PathElement::new(l, tone(GREY).mix(0.6).stroke_width(1))))?;
        }
    }
    if let Some(b) = data.band {
        chart.draw_series(std::iter::once(Rectangle::new([(x0, -b), (x1, b)], tone(BYZANTINE).mix(0.18).filled())))?;
    }
    // Perturbation ball and escape radius.
    chart.draw_series(std::iter::once(PathElement::new(circle(data.center, data.r), ink.stroke_width(lw))))?;
    let thin_px = style.width(thin);
    chart.draw_series(DashedLineSeries::new(
        circle(data.center, data.big_r),
        style.px(9.0) as u32,
        style.px(5.0) as u32,
        ink.stroke_width(thin_px),
    ))?;
    for (a, _) in data.algos.iter().enumerate() {
        let col = tone(color(if a == 0 { 1 } else { 0 }));
        for tr in data.trajectories.iter().filter(|t| t.algo == a) {
            let pts: Vec<(f64, f64)> = tr.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
            layout.lines.push(pts.iter().map(|p| chart.backend_coord(p)).collect());
            if a == 0 {
                chart.draw_series(DashedLineSeries::new(pts.clone(), style.px(9.0) as u32, style.px(5.0) as u32, col.stroke_width(lw)))?;
            } else {
                chart.draw_series(LineSeries::new(pts.clone(), col.mix(0.8).stroke_width(lw)))?;
            }
            if let Some(&end) = pts.last() {
                let mk = style.marker as i32;
                layout.points.push(chart.backend_coord(&end));
                if tr.escaped {
                    chart.draw_series(std::iter::once(Circle::new(end, mk, col.filled())))?;
                } else {
                    chart.draw_series(std::iter::once(Cross::new(end, mk, col.stroke_width(lw))))?;
                }
            }
        }
    }
    for (p, label) in &data.marks {
        layout.points.push(chart.backend_coord(p));
        chart.draw_series(std::iter::once(
            EmptyElement::at(*p)
                + TriangleMarker::new((0, 0), style.marker as i32, ink.filled())
                + Text::new(label.clone(), (style.px(8.0), -style.px(18.0)), style.small()),
        ))?;
    }
    // The legend and the counter, beside or below the plot.
    let pad = style.px(10.0);
    layout.legend = Some(legend.draw_at(&side, (pad, pad), style)?);
    layout.entries = legend.entries.iter().map(|(l, g)| (l.clone(), g.hex())).collect();
    let ty = pad + leg_h + pad;
    for (k, line) in lines.iter().enumerate() {
        side.draw(&Text::new(line.to_string(), (pad, ty + k as i32 * line_h), style.small()))?;
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contour_of_a_cone_is_a_ring() {
        let n = 41;
        let ext = (-1.0, 1.0, -1.0, 1.0);
        let grid: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k % n, k / n);
                let (x, y) = (-1.0 + 2.0 * i as f64 / 40.0, -1.0 + 2.0 * j as f64 / 40.0);
                (x * x + y * y).sqrt()
            })
            .collect();
        let lines = contour_lines(&grid, n, n, ext, 0.5);
        // One closed ring, every point on the circle of radius 0.5.
        assert_eq!(lines.len(), 1, "{} pieces", lines.len());
        let ring = &lines[0];
        assert!(ring.len() > 20);
        assert_eq!(ring.first(), ring.last());
        for p in ring {
            assert!(((p.0 * p.0 + p.1 * p.1).sqrt() - 0.5).abs() < 0.02);
        }
    }
}
