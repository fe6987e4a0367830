//! A cartesian figure: items in data coordinates (lines, markers, bands, reference lines, labels,
//! edge arrows), drawn on linear or log axes with a fitted title, a legend placed where it covers
//! no data (the ranges get headroom when no such place exists), and, where runs diverged, a marked
//! row above the plot. Drawing returns the [`Layout`], which the tests check.

use super::{draw_shape, draw_title, lin_tick, log_tick, Dash, Layout, Legend, PlotError, Rect, Shape, Style, GREY};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One thing a figure draws.
#[derive(Clone, Debug)]
pub enum Item {
    /// A polyline; non-finite points (and non-positive ones on a log axis) break it. Widths and
    /// sizes are in units of the style's line width and marker size.
    Line {
        pts: Vec<(f64, f64)>,
        color: RGBAColor,
        width: f64,
        dash: Dash,
    },
    Marks {
        pts: Vec<(f64, f64)>,
        shape: Shape,
        color: RGBAColor,
        size: f64,
    },
    /// A filled polygon (the spread over seeds): drawn under everything, hidden by nothing.
    Band {
        poly: Vec<(f64, f64)>,
        color: RGBAColor,
    },
    /// A vertical line at x from the bottom of the axis to the top of the data.
    VLine {
        x: f64,
        color: RGBAColor,
        width: f64,
        dash: Dash,
    },
    /// Text starting just right of a point (a line's end label).
    Label {
        at: (f64, f64),
        text: String,
        color: RGBAColor,
    },
    /// A point outside the frame, shown as an arrow on the frame's edge towards it, labelled.
    Edge {
        at: (f64, f64),
        dir: (f64, f64),
        text: String,
        color: RGBAColor,
    },
}

/// The row above the plot that marks where runs diverged.
#[derive(Clone, Debug, Default)]
pub struct TopRow {
    pub label: String,
    /// (x, colour, shape, every seed diverged).
    pub marks: Vec<(f64, RGBAColor, Shape, bool)>,
}

/// A band of cells between the title and the plot, one per worker, each a stack of coloured
/// segments (its label mix, or one bar): how the data are split.
#[derive(Clone, Debug, Default)]
pub struct Strip {
    pub label: String,
    /// Per cell, (fraction of its height, colour) from the bottom up; fractions sum to at most 1.
    pub cells: Vec<Vec<(f64, RGBAColor)>>,
    /// The first cells (the Byzantine workers) get a mark under them.
    pub marked: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Figure {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_log: bool,
    pub y_log: bool,
    /// Fixed ranges; otherwise they cover the items.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub items: Vec<Item>,
    pub legend: Legend,
    pub top_row: Option<TopRow>,
    pub strip: Option<Strip>,
    /// A note in the bottom-left corner of the drawing (a sweep's progress).
    pub note: Option<String>,
    /// Major grid lines.
    pub grid: bool,
}

/// The range covering `vs` (the finite ones; on a log axis already in log₁₀), padded.
fn range(vs: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vs.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    // At most 12 decades below the top on a log axis.
    if log {
        lo = lo.max(hi - 12.0);
    }
    if hi - lo < 1e-12 * (1.0 + hi.abs()) {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Tick positions over [lo, hi]: 1-2-5 steps on a linear axis; decades on a log axis (in log₁₀),
/// with 2 and 5 in between when the range spans less than three decades.
fn ticks(lo: f64, hi: f64, log: bool, max: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    if log {
        // Every decade, or every k-th (multiples of k) when more would not fit the axis' length.
        let decades = (hi.floor() - lo.ceil()).max(0.0) as usize + 1;
        let k = decades.div_ceil(max.max(2)).max(1) as i64;
        let mut out: Vec<f64> = (lo.ceil() as i64..=hi.floor() as i64).filter(|d| d.rem_euclid(k) == 0).map(|d| d as f64).collect();
        if out.len() < 3 {
            out = (lo.floor() as i64..=hi.ceil() as i64)
                .flat_map(|d| [1.0f64, 2.0, 5.0].map(|m| d as f64 + m.log10()))
                .filter(|v| *v >= lo && *v <= hi)
                .collect();
        }
        return out;
    }
    let raw = (hi - lo) / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A linear axis over [lo, hi] with our own ticks (a log axis passes log₁₀ values and labels
/// its ticks with the values themselves).
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    log: bool,
}

impl Ticked {
    /// At most about `max` ticks on a log axis.
    fn new(r: (f64, f64), log: bool, max: usize) -> Ticked {
        Ticked { lo: r.0, hi: r.1, ticks: ticks(r.0, r.1, log, max), log }
    }
}

impl Ranged for Ticked {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        // As plotters' own f64 axis maps.
        let k = (v - self.lo) / (self.hi - self.lo);
        limit.0 + ((limit.1 - limit.0) as f64 * k + 1e-3).floor() as i32
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Ticked {
    fn format_ext(&self, v: &f64) -> String {
        if self.log {
            log_tick(&10f64.powf(*v))
        } else {
            lin_tick(v)
        }
    }
}

/// Where the legend may go in one attempt.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A corner or side of the plot that covers no data.
    Inside,
    /// Beside the plot (below it on a narrow drawing).
    Outside,
}

/// The top of a range stretched so the data keep the lower `1 − f` of the height.
fn headroom(r: (f64, f64), log: bool, f: f64) -> (f64, f64) {
    let f = f.clamp(0.0, 0.6);
    if log {
        let (a, b) = (r.0.ln(), r.1.ln());
        (r.0, (a + (b - a) / (1.0 - f)).exp())
    } else {
        (r.0, r.0 + (r.1 - r.0) / (1.0 - f))
    }
}

impl Figure {
    fn data_points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.items.iter().flat_map(|i| -> Box<dyn Iterator<Item = (f64, f64)> + '_> {
            match i {
                Item::Line { pts, .. } | Item::Marks { pts, .. } | Item::Band { poly: pts, .. } => Box::new(pts.iter().copied()),
                Item::Label { at, .. } => Box::new(std::iter::once(*at)),
                Item::VLine { x, .. } => Box::new(std::iter::once((*x, f64::NAN))),
                Item::Edge { .. } => Box::new(std::iter::empty()),
            }
        })
    }

    /// Draws the figure; returns where everything went.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> Result<Layout, PlotError> {
        // Log axes are drawn as linear axes over log₁₀ of the values, with decade ticks: one
        // coordinate type for every figure keeps the drawing code once in the wasm.
        let t = self.transformed().toned(style);
        let xr = t.x_range.unwrap_or_else(|| range(t.data_points().map(|p| p.0), t.x_log));
        let yr = t.y_range.unwrap_or_else(|| range(t.data_points().map(|p| p.1), t.y_log));
        let mut top = yr;
        let mut layout = Layout::default();
        for attempt in 0..3 {
            area.fill(&style.paper())?;
            let place = if attempt == 2 { Place::Outside } else { Place::Inside };
            let (free, need) = t.render(area, style, xr, top, yr.1, place, &mut layout)?;
            if free {
                break;
            }
            // No place for the legend: clear a band at the top of the data for it, and at last
            // put it beside the plot.
            top = headroom(yr, false, need * (attempt + 1) as f64);
        }
        Ok(layout)
    }

    /// The strip in the band from `top` down `h` pixels, across the plot's columns `x`.
    fn draw_strip<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: &Style,
        strip: &Strip,
        x: (i32, i32),
        top: i32,
        h: i32,
    ) -> Result<(), PlotError> {
        let grey = style.tone(GREY.to_rgba());
        let (pad, mark) = (style.px(3.0), style.px(3.0).max(2));
        let (y0, y1) = (top + pad, top + h - pad - mark - 1);
        let font = style.small().color(&grey).pos(Pos::new(HPos::Right, VPos::Center));
        area.draw(&Text::new(strip.label.clone(), (x.0 - style.px(6.0), (y0 + y1) / 2), font))?;
        let n = strip.cells.len() as f64;
        let width = (x.1 - x.0) as f64;
        for (i, cell) in strip.cells.iter().enumerate() {
            let (a, b) = (x.0 + (width * i as f64 / n) as i32, x.0 + (width * (i + 1) as f64 / n) as i32);
            // A hairline between cells when they are wide enough to tell apart.
            let b = if b - a >= 4 { b - 1 } else { b.max(a + 1) };
            let mut at = y1 as f64;
            for &(frac, color) in cell {
                let top = at - frac.clamp(0.0, 1.0) * (y1 - y0) as f64;
                if at.round() > top.round() {
                    area.draw(&Rectangle::new([(a, top.round() as i32), (b, at.round() as i32)], style.tone(color).filled()))?;
                }
                at = top;
            }
            if i < strip.marked {
                area.draw(&Rectangle::new([(a, y1 + 1), (b, y1 + 1 + mark)], style.tone(super::BYZANTINE.to_rgba()).filled()))?;
            }
        }
        Ok(())
    }

    /// The figure with every colour as `style`'s palette draws it.
    fn toned(mut self, style: &Style) -> Figure {
        let t = |c: &mut RGBAColor| *c = style.tone(*c);
        for i in &mut self.items {
            match i {
                Item::Line { color, .. }
                | Item::Marks { color, .. }
                | Item::Band { color, .. }
                | Item::VLine { color, .. }
                | Item::Label { color, .. }
                | Item::Edge { color, .. } => t(color),
            }
        }
        self
    }

    /// The figure with log axes' values replaced by their log₁₀ (non-positive ones become NaN).
    fn transformed(&self) -> Figure {
        let (lx, ly) = (self.x_log, self.y_log);
        let fx = |v: f64| {
            if lx {
                if v > 0.0 {
                    v.log10()
                } else {
                    f64::NAN
                }
            } else {
                v
            }
        };
        let fy = |v: f64| {
            if ly {
                if v > 0.0 {
                    v.log10()
                } else {
                    f64::NAN
                }
            } else {
                v
            }
        };
        let p = |q: &(f64, f64)| (fx(q.0), fy(q.1));
        let ps = |v: &[(f64, f64)]| v.iter().map(p).collect::<Vec<_>>();
        let items = self
            .items
            .iter()
            .map(|i| match i {
                Item::Line { pts, color, width, dash } => Item::Line { pts: ps(pts), color: *color, width: *width, dash: *dash },
                Item::Marks { pts, shape, color, size } => Item::Marks { pts: ps(pts), shape: *shape, color: *color, size: *size },
                Item::Band { poly, color } => Item::Band { poly: ps(poly), color: *color },
                Item::VLine { x, color, width, dash } => Item::VLine { x: fx(*x), color: *color, width: *width, dash: *dash },
                Item::Label { at, text, color } => Item::Label { at: p(at), text: text.clone(), color: *color },
                Item::Edge { at, dir, text, color } => Item::Edge { at: p(at), dir: *dir, text: text.clone(), color: *color },
            })
            .collect();
        let r = |r: Option<(f64, f64)>, log: bool| {
            r.map(|(a, b)| {
                if log {
                    let (a, b) = (a.max(b * 1e-12).max(1e-300), b.max(1e-300));
                    (a.log10(), b.log10())
                } else {
                    (a, b)
                }
            })
        };
        let top_row = self.top_row.clone().map(|mut row| {
            row.marks.iter_mut().for_each(|m| m.0 = fx(m.0));
            row
        });
        Figure { items, x_range: r(self.x_range, lx), y_range: r(self.y_range, ly), top_row, x_log: lx, y_log: ly, ..self.clone() }
    }

    /// One attempt, on the transformed figure. Returns (the legend found a free place and everything was drawn, the height fraction the
    /// legend needs).
    #[allow(clippy::too_many_arguments)] // one attempt of `draw`, with the ranges of this attempt
    fn render<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: &Style,
        x: (f64, f64),
        y: (f64, f64),
        data_top: f64,
        place: Place,
        layout: &mut Layout,
    ) -> Result<(bool, f64), PlotError> {
        let title_h = draw_title(area, &self.title, style)?;
        let row_h = if self.top_row.as_ref().is_some_and(|r| !r.marks.is_empty()) { (style.font * 1.8) as i32 } else { 0 };
        let strip_h = if self.strip.as_ref().is_some_and(|s| !s.cells.is_empty()) { (style.font * 2.6) as i32 } else { 0 };
        let (_, body) = area.split_vertically(title_h + row_h + strip_h);
        // Beside the plot: a column for the legend on the right (or a band below on a narrow drawing).
        let (leg_w, leg_h) = if self.legend.is_empty() { (0, 0) } else { self.legend.size(area, style)? };
        let (bw, bh) = body.dim_in_pixel();
        let pad = style.px(10.0);
        let beside = place == Place::Outside && (leg_w + 2 * pad) as f64 <= 0.45 * bw as f64;
        let (body, side) = if place != Place::Outside {
            (body, None)
        } else if beside {
            let (a, b) = body.split_horizontally(bw as i32 - leg_w - 2 * pad);
            (a, Some(b))
        } else {
            let (a, b) = body.split_vertically((bh as i32 - leg_h - 2 * pad).max(bh as i32 / 2));
            (a, Some(b))
        };
        // Room on the right for the last tick label and for labels at the lines' ends.
        let mut right = style.px(10.0).max((style.font * 1.6) as i32);
        for item in &self.items {
            if let Item::Label { text, .. } = item {
                right = right.max(area.estimate_text_size(text, &style.small())?.0 as i32 + style.px(14.0));
            }
        }
        let (xl, yl) = (self.x_log, self.y_log);
        let mut c = ChartBuilder::on(&body)
            .margin(style.px(10.0))
            .margin_right(right)
            .x_label_area_size(style.font * 2.8)
            .y_label_area_size(style.font * 4.6)
            // As many log ticks as fit: one per 1.8 lines of tick text up the axis, one per 4 across.
            .build_cartesian_2d(
                Ticked::new(x, xl, (body.dim_in_pixel().0 as f64 / (style.small_px() * 4.0)) as usize),
                Ticked::new(y, yl, (body.dim_in_pixel().1 as f64 / (style.small_px() * 1.8)) as usize),
            )?;
        let label = |log: bool| move |v: &f64| if log { log_tick(&10f64.powf(*v)) } else { lin_tick(v) };
        let (xf, yf) = (label(xl), label(yl));
        let mut mesh = c.configure_mesh();
        mesh.x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(style.small())
            .axis_desc_style(style.text())
            .axis_style(style.ink())
            .bold_line_style(style.ink().mix(0.2))
            .x_label_formatter(&xf)
            .y_label_formatter(&yf);
        if self.grid {
            mesh.light_line_style(WHITE.mix(0.0));
        } else {
            mesh.disable_mesh();
        }
        mesh.draw()?;
        let (px, py) = c.plotting_area().get_pixel_range();
        let plot: Rect = [px.start, py.start, px.end, py.end];
        let y_lo = c.y_range().start;
        // Log axes hold log₁₀ values already: a value that cannot be drawn is not finite.
        let ok = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        // Where the data go, before anything is drawn: the legend's place depends on it.
        // Linear axes: where the plot's edges are in data coordinates (the page maps a pointer back).
        let frame = (!self.x_log && !self.y_log).then(|| [c.x_range().start, c.x_range().end, c.y_range().start, c.y_range().end]);
        *layout = Layout { plot, frame, min_text: style.small_px(), ..Layout::default() };
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        for item in &self.items {
            match item {
                Item::Line { pts, .. } => {
                    for run in pts.split(|p| !ok(p)).filter(|r| !r.is_empty()) {
                        layout.lines.push(run.iter().map(|p| c.backend_coord(p)).collect());
                        runs.push(run.to_vec());
                    }
                }
                Item::Marks { pts, .. } => layout.points.extend(pts.iter().filter(|p| ok(p)).map(|p| c.backend_coord(p))),
                Item::VLine { x, .. } if ok(&(*x, data_top)) => {
                    layout.lines.push(vec![c.backend_coord(&(*x, y_lo)), c.backend_coord(&(*x, data_top))]);
                }
                Item::Label { at, .. } if ok(at) => layout.points.push(c.backend_coord(at)),
                _ => {}
            }
        }
        let root_origin = area.get_base_pixel();
        let legend_place = if self.legend.is_empty() {
            None
        } else if let Some(side) = &side {
            let (sx, sy) = side.get_base_pixel();
            Some([sx + pad, sy + pad, sx + pad + leg_w, sy + pad + leg_h])
        } else {
            let size = (leg_w, leg_h);
            let cands = Legend::candidates(&plot, size, style.px(8.0));
            let free = cands.iter().find(|r| layout.hits(r, style.marker as i32) == 0).copied();
            match free {
                Some(r) => Some(r),
                None => {
                    let need = (size.1 + 3 * style.px(8.0)) as f64 / (plot[3] - plot[1]).max(1) as f64;
                    return Ok((false, need));
                }
            }
        };
        // Draw: bands, reference lines, lines, markers, labels, edge arrows, legend.
        for item in &self.items {
            if let Item::Band { poly, color } = item {
                let poly: Vec<(f64, f64)> = poly.iter().copied().filter(ok).collect();
                if poly.len() >= 3 {
                    c.draw_series(std::iter::once(Polygon::new(poly, color.filled())))?;
                }
            }
        }
        let stroke = |color: &RGBAColor, width: f64| color.stroke_width(style.width(width));
        for item in &self.items {
            match item {
                Item::VLine { x, color, width, dash } if ok(&(*x, data_top)) => {
                    let pts = vec![(*x, y_lo), (*x, data_top)];
                    dashed(&mut c, pts, stroke(color, *width), *dash, style)?;
                }
                Item::Line { pts, color, width, dash } => {
                    for run in pts.split(|p| !ok(p)).filter(|r| !r.is_empty()) {
                        if run.len() == 1 {
                            draw_shape(c.plotting_area(), run[0], Shape::Dot, style.width(*width) as i32 + 1, *color, 1)?;
                        } else {
                            dashed(&mut c, run.to_vec(), stroke(color, *width), *dash, style)?;
                        }
                    }
                }
                _ => {}
            }
        }
        // Edge labels already placed (so that two arrows' labels do not write over each other).
        let mut placed: Vec<Rect> = Vec::new();
        for item in &self.items {
            match item {
                Item::Marks { pts, shape, color, size } => {
                    for p in pts.iter().filter(|p| ok(p)) {
                        draw_shape(c.plotting_area(), *p, *shape, style.size(*size), *color, style.line.max(2))?;
                    }
                }
                Item::Label { at, text, color } if ok(at) => {
                    let font = style.small().color(color).pos(Pos::new(HPos::Left, VPos::Center));
                    c.draw_series(std::iter::once(EmptyElement::at(*at) + Text::new(text.clone(), (style.px(6.0), 0), font)))?;
                }
                Item::Edge { at, dir, text, color } => {
                    let (ax, ay) = c.backend_coord(at);
                    let (ox, oy) = (ax - root_origin.0, ay - root_origin.1);
                    // Direction in pixels (y grows downwards).
                    let n = dir.0.hypot(dir.1).max(1e-12);
                    let (ux, uy) = (dir.0 / n, -dir.1 / n);
                    let s = style.marker as f64 * 2.2;
                    let tip = (ox + (ux * s) as i32, oy + (uy * s) as i32);
                    let back = |side: f64| (ox + (-uy * side * s * 0.6) as i32, oy + (ux * side * s * 0.6) as i32);
                    area.draw(&Polygon::new(vec![tip, back(1.0), back(-1.0)], color.filled()))?;
                    // The label inside the frame, next to the arrow, moved down past labels already there.
                    let (tw, th) = area.estimate_text_size(text, &style.small())?;
                    let (tw, th) = (tw as i32, th as i32);
                    let mut tx = ox - (ux * s * 1.4) as i32 - if ux > 0.3 { tw } else { 0 };
                    let mut ty = oy - (uy * s * 1.4) as i32 - if uy > 0.3 { th } else { 0 };
                    tx = tx.clamp(plot[0] - root_origin.0, (plot[2] - root_origin.0 - tw).max(plot[0] - root_origin.0));
                    let hit =
                        |x: i32, y: i32, placed: &[Rect]| placed.iter().any(|r| x < r[2] && x + tw > r[0] && y < r[3] && y + th > r[1]);
                    for _ in 0..12 {
                        if !hit(tx, ty, &placed) {
                            break;
                        }
                        ty += th + style.px(2.0);
                    }
                    placed.push([tx, ty, tx + tw, ty + th]);
                    area.draw(&Text::new(text.clone(), (tx, ty), style.small().color(color).pos(Pos::new(HPos::Left, VPos::Top))))?;
                    layout.points.push((ax, ay));
                }
                _ => {}
            }
        }
        if let Some(row) = self.top_row.as_ref().filter(|r| !r.marks.is_empty()) {
            let y = title_h + row_h / 2;
            let grey = style.tone(GREY.to_rgba());
            let font = style.small().color(&grey).pos(Pos::new(HPos::Right, VPos::Center));
            area.draw(&Text::new(row.label.clone(), (plot[0] - root_origin.0 - style.px(6.0), y), font))?;
            area.draw(&PathElement::new(
                vec![(plot[0] - root_origin.0, y), (plot[2] - root_origin.0, y)],
                style.tone(GREY.to_rgba()).mix(0.4).stroke_width(1),
            ))?;
            for &(x, color, shape, all) in &row.marks {
                if !ok(&(x, data_top)) {
                    continue;
                }
                let px = c.backend_coord(&(x, data_top)).0 - root_origin.0;
                let color = style.tone(color);
                let fill = if all { color } else { color.mix(0.45) };
                draw_shape(area, (px, y), shape, style.marker as i32, fill, style.line.max(2))?;
            }
        }
        if let Some(strip) = self.strip.as_ref().filter(|s| !s.cells.is_empty()) {
            self.draw_strip(area, style, strip, (plot[0] - root_origin.0, plot[2] - root_origin.0), title_h + row_h, strip_h)?;
        }
        if let Some(note) = &self.note {
            // The bottom-left corner, under the y axis' ticks: the title (centred at the top) may be
            // as wide as the drawing.
            let grey = style.tone(GREY.to_rgba());
            let h = area.dim_in_pixel().1 as i32;
            area.draw(&Text::new(
                note.clone(),
                (style.px(8.0), h - style.px(4.0)),
                style.small().color(&grey).pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }
        if let Some(r) = legend_place {
            layout.legend = Some(self.legend.draw_at(area, (r[0] - root_origin.0, r[1] - root_origin.1), style)?);
            layout.entries = self.legend.entries.iter().map(|(l, g)| (l.clone(), g.hex())).collect();
        }
        Ok((true, 0.0))
    }
}

/// A line in a dash pattern (or solid).
fn dashed<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    c: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    pts: Vec<(f64, f64)>,
    st: ShapeStyle,
    dash: Dash,
    style: &Style,
) -> Result<(), PlotError> {
    match dash.pattern() {
        Some((d, g)) => c.draw_series(DashedLineSeries::new(pts, style.px(d) as u32, style.px(g) as u32, st))?,
        None => c.draw_series(LineSeries::new(pts, st))?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::range;

    /// A linear axis spans all its data; only a log axis (in log₁₀ units) is cut 12 decades below its top.
    #[test]
    fn only_a_log_axis_is_cut_twelve_decades_below_its_top() {
        let (lo, hi) = range([-180.0, -3.0, 0.5].into_iter(), false);
        assert!(lo < -180.0 && hi > 0.5, "{lo} {hi}");
        let (lo, _) = range([-30.0, 2.0].into_iter(), true);
        assert!((-10.7..=-10.0).contains(&lo), "{lo}");
    }
}
