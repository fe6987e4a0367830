//! The worst-case map: one heat map per rule of its final error over a grid (α across,
//! heterogeneity up), on one shared logarithmic colour scale with its colour bar, and a last panel
//! colouring each cell by the rule that does best there (its colour and its marker, so the map
//! reads without colour too). Where every cell went is reported in [`Layout::cells`], so a page can
//! tell which cell a pointer or a keyboard cursor is on.

use super::{color, draw_shape, shape, Glyph, Layout, Legend, PlotError, Rect, Style, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One panel: a rule's value per cell, or (with `winners`) the best rule per cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub title: String,
    /// rows × columns values, row-major from the bottom row: NaN not computed yet, +∞ diverged.
    pub values: Vec<f64>,
    /// The best-rule panel: each cell's winner as a series style (see [`super::SERIES`]); None
    /// while a rule has no value there yet, or where every rule diverged. Empty for a rule's panel.
    pub winners: Vec<Option<usize>>,
}

/// What a cell opens: a line saying what it holds, and the scenario of its run (a query string;
/// empty while it has no value).
#[derive(Clone, Debug, PartialEq)]
pub struct CellLink {
    pub text: String,
    pub query: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HeatMap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// The columns' labels (α values), left to right.
    pub cols: Vec<String>,
    /// The rows' labels, bottom to top.
    pub rows: Vec<String>,
    pub panels: Vec<Panel>,
    /// What the colours measure (the colour bar's label).
    pub value_label: String,
    /// The best-rule panel's legend: (rule, series style).
    pub rules: Vec<(String, usize)>,
    /// Every cell of every panel, panel by panel, row-major from the bottom row.
    pub links: Vec<CellLink>,
    /// The cell a keyboard cursor is on (an index into `links`), outlined.
    pub cursor: Option<usize>,
    /// "12/234 runs" while the sweep fills in.
    pub progress: String,
}

/// Colour of a diverged cell.
const DIVERGED: RGBColor = RGBColor(60, 60, 60);

/// The viridis colour map at t ∈ [0, 1] (perceptually uniform, colour-blind safe), from its
/// values at the nine stops 0, ⅛, …, 1.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 9] = [
        (68.0, 1.0, 84.0),
        (71.0, 44.0, 122.0),
        (59.0, 81.0, 139.0),
        (44.0, 113.0, 142.0),
        (33.0, 144.0, 141.0),
        (39.0, 173.0, 129.0),
        (92.0, 200.0, 99.0),
        (170.0, 220.0, 50.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * 8.0;
    let i = (x.floor() as usize).min(7);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl HeatMap {
    /// The colour scale's range: log₁₀ of the smallest and largest finite positive value of the
    /// rules' panels (a decade wide at least).
    pub fn scale(&self) -> (f64, f64) {
        let logs = self
            .panels
            .iter()
            .filter(|p| p.winners.is_empty())
            .flat_map(|p| p.values.iter())
            .filter(|v| v.is_finite() && **v > 0.0)
            .map(|v| v.log10());
        let (lo, hi) = logs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !lo.is_finite() {
            return (-2.0, 1.0);
        }
        let (lo, hi) = (lo.floor(), hi.ceil());
        (lo, if hi > lo { hi } else { lo + 1.0 })
    }

    /// The cells per panel.
    pub fn per_panel(&self) -> usize {
        self.rows.len() * self.cols.len()
    }
}

/// Draws the map; returns where everything went (the cells in [`Layout::cells`]).
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, data: &HeatMap, style: &Style) -> Result<Layout, PlotError> {
    area.fill(&style.paper())?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let mut layout = Layout { min_text: style.small_px(), ..Layout::default() };
    let top = super::draw_title(area, &data.title, style)?;
    let small = style.small();
    let text_h = (style.small_px() * 1.3).round() as i32;
    let pad = style.px(6.0);
    let (nr, nc) = (data.rows.len().max(1), data.cols.len().max(1));
    // Room on the right for the colour bar and its ticks, on the left for the rows' labels.
    let label_w = |t: &str| area.estimate_text_size(t, &small).map(|s| s.0 as i32).unwrap_or(0);
    let row_w = data.rows.iter().map(|r| label_w(r)).max().unwrap_or(0) + pad;
    let bar_w = (style.px(14.0) + pad + label_w("1e-10").max(label_w("diverged"))).max(label_w(&data.value_label)) + pad;
    let legend = best_legend(data);
    let (legend_w, legend_h) = if legend.is_empty() { (0, 0) } else { legend.size(area, style)? };
    let bottom_room = text_h * 2 + pad * 2 + if legend_h > 0 { legend_h + pad } else { 0 };
    let left = pad + text_h + pad + row_w;
    let right = w - bar_w - pad;
    let (region_w, region_h) = ((right - left).max(10), (h - top - bottom_room - pad).max(10));
    // As many panels side by side as leave each at least ~9 characters of small text wide.
    let n = data.panels.len().max(1);
    let min_panel = (style.small_px() * 9.0) as i32 + pad;
    let per_row = ((region_w / min_panel.max(1)) as usize).clamp(1, n);
    let panel_rows = n.div_ceil(per_row);
    let (pw, ph) = (region_w / per_row as i32, region_h / panel_rows as i32);
    let (lo, hi) = data.scale();
    for (k, panel) in data.panels.iter().enumerate() {
        let (px, py) = (left + (k % per_row) as i32 * pw, top + (k / per_row) as i32 * ph);
        // Panel title above, column labels below.
        let gx0 = px + pad / 2;
        let gx1 = px + pw - pad;
        let gy0 = py + text_h + pad / 2;
        let gy1 = py + ph - text_h - pad;
        if gx1 - gx0 < nc as i32 || gy1 - gy0 < nr as i32 {
            continue;
        }
        area.draw(&Text::new(
            fit(area, &panel.title, &small, gx1 - gx0),
            ((gx0 + gx1) / 2, py),
            small.pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        let cw = (gx1 - gx0) as f64 / nc as f64;
        let ch = (gy1 - gy0) as f64 / nr as f64;
        for r in 0..nr {
            for c in 0..nc {
                let i = r * nc + c;
                let x0 = gx0 + (c as f64 * cw).round() as i32;
                let x1 = gx0 + ((c + 1) as f64 * cw).round() as i32;
                let y1 = gy1 - (r as f64 * ch).round() as i32;
                let y0 = gy1 - ((r + 1) as f64 * ch).round() as i32;
                let rect: Rect = [x0, y0, x1, y1];
                let v = panel.values.get(i).copied().unwrap_or(f64::NAN);
                if panel.winners.is_empty() {
                    fill_value(area, rect, v, (lo, hi), style)?;
                } else {
                    match panel.winners.get(i).copied().flatten() {
                        Some(id) => {
                            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style.tone(color(id).to_rgba()).filled()))?;
                            let size = ((x1 - x0).min(y1 - y0) / 4).clamp(2, style.size(1.0));
                            draw_shape(area, ((x0 + x1) / 2, (y0 + y1) / 2), shape(id), size, style.paper().to_rgba(), style.width(0.8))?;
                        }
                        None => fill_value(area, rect, if v.is_infinite() { v } else { f64::NAN }, (lo, hi), style)?,
                    }
                }
                layout.cells.push(rect);
            }
        }
        area.draw(&Rectangle::new([(gx0, gy0), (gx1, gy1)], style.ink().stroke_width(1)))?;
        // Column labels: the first, middle and last α, so they never crowd.
        let picks = [0, nc / 2, nc - 1];
        for (j, &c) in picks.iter().enumerate() {
            if j > 0 && c == picks[j - 1] {
                continue;
            }
            let x = gx0 + ((c as f64 + 0.5) * cw).round() as i32;
            area.draw(&Text::new(data.cols[c].clone(), (x, gy1 + pad / 2), small.pos(Pos::new(HPos::Center, VPos::Top))))?;
        }
        if k % per_row == 0 {
            for (r, label) in data.rows.iter().enumerate() {
                let y = gy1 - ((r as f64 + 0.5) * ch).round() as i32;
                area.draw(&Text::new(label.clone(), (gx0 - pad / 2, y), small.pos(Pos::new(HPos::Right, VPos::Center))))?;
            }
        }
    }
    if let Some(rect) = data.cursor.and_then(|i| layout.cells.get(i)) {
        let [x0, y0, x1, y1] = *rect;
        let g = style.px(2.0);
        area.draw(&Rectangle::new([(x0 - g, y0 - g), (x1 + g, y1 + g)], style.ink().stroke_width(style.width(1.2))))?;
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style.paper().stroke_width(style.width(0.5))))?;
    }
    layout.plot = [left, top, right, top + region_h];
    // Axis names: α under the panels, heterogeneity up the left edge.
    let axis = style.small().pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(data.x_label.clone(), ((left + right) / 2, top + region_h + pad / 2 + text_h), axis.clone()))?;
    let up = style.small().transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(data.y_label.clone(), (pad, top + region_h / 2), up))?;
    colour_bar(area, data, style, (w - bar_w, top, h - bottom_room), (lo, hi))?;
    if !legend.is_empty() {
        let at = ((left + right - legend_w) / 2).max(pad);
        let r = legend.draw_at(area, (at, h - legend_h - pad), style)?;
        layout.legend = Some(r);
        layout.entries = legend.entries.iter().map(|(l, g)| (l.clone(), g.hex())).collect();
    }
    area.draw(&Text::new(data.progress.clone(), (w - pad, h - pad), style.small().pos(Pos::new(HPos::Right, VPos::Bottom))))?;
    Ok(layout)
}

/// `text`, cut with "…" until it fits `room` pixels.
fn fit<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, font: &TextStyle, room: i32) -> String {
    let mut t = text.to_string();
    while area.estimate_text_size(&t, font).map(|s| s.0 as i32).unwrap_or(0) > room && t.chars().count() > 2 {
        let n = t.chars().count();
        t = t.chars().take(n - 2).collect::<String>() + "…";
    }
    t
}

/// Fills a cell with its value's colour: the scale for a finite value, dark grey with a cross if
/// the runs diverged, the paper with a faint frame while it has none.
fn fill_value<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: Rect,
    v: f64,
    (lo, hi): (f64, f64),
    style: &Style,
) -> Result<(), PlotError> {
    let [x0, y0, x1, y1] = r;
    if v.is_nan() {
        area.draw(&Rectangle::new([(x0 + 1, y0 + 1), (x1 - 1, y1 - 1)], style.tone(GREY.mix(0.35)).stroke_width(1)))?;
    } else if v.is_infinite() {
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style.tone(DIVERGED.to_rgba()).filled()))?;
        let c = RGBColor(235, 235, 235).stroke_width(style.width(0.5));
        area.draw(&PathElement::new(vec![(x0 + 2, y0 + 2), (x1 - 2, y1 - 2)], c))?;
        area.draw(&PathElement::new(vec![(x0 + 2, y1 - 2), (x1 - 2, y0 + 2)], c))?;
    } else {
        let t = if v > 0.0 { (v.log10() - lo) / (hi - lo) } else { 0.0 };
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], viridis(t).filled()))?;
    }
    Ok(())
}

/// The colour bar: the scale from 10^lo at the bottom to 10^hi at the top, decade ticks, and a
/// "diverged" swatch under it.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &HeatMap,
    style: &Style,
    (x, top, bottom): (i32, i32, i32),
    (lo, hi): (f64, f64),
) -> Result<(), PlotError> {
    let small = style.small();
    let text_h = (style.small_px() * 1.3).round() as i32;
    let bw = style.px(14.0);
    let y0 = top + text_h + style.px(4.0);
    let y1 = bottom - 2 * text_h - style.px(8.0);
    if y1 - y0 < 20 {
        return Ok(());
    }
    area.draw(&Text::new(
        fit(area, &data.value_label, &small, area.dim_in_pixel().0 as i32 - x),
        (x, top),
        small.pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    for y in y0..y1 {
        let t = (y1 - y) as f64 / (y1 - y0) as f64;
        area.draw(&Rectangle::new([(x, y), (x + bw, y + 1)], viridis(t).filled()))?;
    }
    area.draw(&Rectangle::new([(x, y0), (x + bw, y1)], style.ink().stroke_width(1)))?;
    let decades = (hi - lo).round().max(1.0) as i32;
    let every = (decades as f64 / 5.0).ceil().max(1.0) as i32;
    for k in (0..=decades).step_by(every as usize) {
        let y = y1 - ((k as f64 / decades as f64) * (y1 - y0) as f64).round() as i32;
        area.draw(&PathElement::new(vec![(x + bw, y), (x + bw + style.px(4.0), y)], style.ink().stroke_width(1)))?;
        let label = super::log_tick(&10f64.powf(lo + k as f64));
        area.draw(&Text::new(label, (x + bw + style.px(6.0), y), small.pos(Pos::new(HPos::Left, VPos::Center))))?;
    }
    let sy = y1 + style.px(8.0);
    area.draw(&Rectangle::new([(x, sy), (x + bw, sy + text_h)], style.tone(DIVERGED.to_rgba()).filled()))?;
    area.draw(&Text::new("diverged", (x + bw + style.px(6.0), sy + text_h / 2), small.pos(Pos::new(HPos::Left, VPos::Center))))?;
    Ok(())
}

/// The best-rule panel's legend (empty without that panel).
fn best_legend(data: &HeatMap) -> Legend {
    let mut legend = Legend::new();
    if data.panels.iter().any(|p| !p.winners.is_empty()) {
        for (label, id) in &data.rules {
            legend.add(label.clone(), Glyph::Marker { shape: shape(*id), color: color(*id).to_rgba(), size: 1.0 });
        }
    }
    legend
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn map(values: Vec<f64>) -> HeatMap {
        let cells = values.len();
        HeatMap {
            title: "Worst-case map".into(),
            x_label: "α".into(),
            y_label: "a".into(),
            cols: vec!["0".into(), "0.1".into(), "0.2".into()],
            rows: vec!["100".into(), "1".into()],
            panels: vec![
                Panel { title: "median".into(), values: values.clone(), winners: Vec::new() },
                Panel { title: "mean".into(), values: values.iter().map(|v| v * 10.0).collect(), winners: Vec::new() },
                Panel { title: "best rule".into(), values: vec![f64::NAN; cells], winners: vec![Some(1); cells] },
            ],
            value_label: "final error".into(),
            rules: vec![("median".into(), 1), ("mean".into(), 0)],
            links: Vec::new(),
            cursor: Some(4),
            progress: "6/6 runs".into(),
        }
    }

    #[test]
    fn every_cell_is_drawn_where_the_layout_says_in_its_value_s_colour() {
        let data = map(vec![0.01, 0.02, 0.5, 0.03, f64::INFINITY, f64::NAN]);
        let (svg, layout) =
            super::super::to_svg_with_layout(900, 520, &super::super::Plot::Heatmap(data.clone()), &Style::normal(1.0)).unwrap();
        assert_eq!(layout.cells.len(), 3 * 6, "one rectangle per cell of each panel");
        // Cells of a panel tile a grid: bottom row first, left to right.
        let (a, b, up) = (layout.cells[0], layout.cells[1], layout.cells[3]);
        assert!(b[0] >= a[2] - 1 && b[1] == a[1], "{a:?} then {b:?}");
        assert!(up[3] <= a[1] + 1 && up[0] == a[0], "row 1 is above row 0: {a:?}, {up:?}");
        // The scale spans the rules' values: 0.01 … 5 → decades −2 … 1.
        assert_eq!(data.scale(), (-2.0, 1.0));
        let hex = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(svg.contains(&hex(viridis(0.0))), "the smallest value takes the scale's bottom colour");
        assert!(svg.contains(&hex(DIVERGED)), "a diverged cell is drawn as such");
        assert!(svg.contains("diverged") && svg.contains("best rule"));
        assert_eq!(layout.entries.len(), 2, "the best-rule legend names each rule");
    }

    #[test]
    fn the_colour_map_runs_from_dark_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        let lum = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        let mut last = -1.0;
        for k in 0..=16 {
            let l = lum(viridis(k as f64 / 16.0));
            assert!(l > last, "lightness rises along the map");
            last = l;
        }
    }
}
