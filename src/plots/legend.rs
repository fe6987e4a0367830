//! Legends, and where a drawing put things ([`Layout`]), so that a legend can go where it hides no
//! data and the tests can check that it does. plotters' own legend measures every label through
//! the font, which in the browser means a `<span>` and a forced layout per label; this one measures
//! text through the drawing backend, which the app answers from the canvas (`measureText`, cached).

use super::{draw_shape, Dash, PlotError, Shape, Style, GREY};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A pixel rectangle [x0, y0, x1, y1] of the whole drawing (x0 ≤ x1, y0 ≤ y1).
pub type Rect = [i32; 4];

/// What a legend entry shows beside its label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Glyph {
    /// A sample of a line in its dash pattern, with the series' marker in its middle if it has one;
    /// `width` in units of the style's line width.
    Line { color: RGBAColor, width: f64, dash: Dash, marker: Option<Shape> },
    /// A filled patch (a shaded region).
    Patch(RGBAColor),
    /// A marker alone (scatter points), `size` in units of the style's marker size.
    Marker { shape: Shape, color: RGBAColor, size: f64 },
}

impl Glyph {
    pub fn line(color: RGBColor, width: f64, dash: Dash) -> Glyph {
        Glyph::Line { color: color.to_rgba(), width, dash, marker: None }
    }
    /// The entry's colour as `#rrggbb` (for the layout the tests read).
    pub fn hex(&self) -> String {
        let c = match self {
            Glyph::Line { color, .. } | Glyph::Patch(color) | Glyph::Marker { color, .. } => color,
        };
        format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
    }
}

/// Where a drawing put things, in pixels of the whole drawing: the plotting area, the legend box,
/// every data line (as drawn, after clipping) and every marker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub plot: Rect,
    pub legend: Option<Rect>,
    pub lines: Vec<Vec<(i32, i32)>>,
    pub points: Vec<(i32, i32)>,
    /// (label, colour) of each legend entry.
    pub entries: Vec<(String, String)>,
    /// The smallest text on the plot, in device pixels.
    pub min_text: f64,
    /// A plot with linear axes: the data coordinates of its edges (x left, x right, y bottom, y top).
    pub frame: Option<[f64; 4]>,
    /// A heat map's cells, in its order (see [`super::heatmap::HeatMap::links`]).
    pub cells: Vec<Rect>,
}

/// Whether the segment a–b meets rectangle `r`.
fn segment_hits(a: (i32, i32), b: (i32, i32), r: &Rect) -> bool {
    let inside = |p: (i32, i32)| p.0 >= r[0] && p.0 <= r[2] && p.1 >= r[1] && p.1 <= r[3];
    if inside(a) || inside(b) {
        return true;
    }
    // Liang–Barsky clipping of the segment against the rectangle.
    let (x0, y0, dx, dy) = (a.0 as f64, a.1 as f64, (b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, x0 - r[0] as f64), (dx, r[2] as f64 - x0), (-dy, y0 - r[1] as f64), (dy, r[3] as f64 - y0)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 <= t1
}

impl Layout {
    /// Where data point (x, y) is drawn, in the plot's pixels (None without a linear frame).
    pub fn to_pixel(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let [x0, x1, y0, y1] = self.frame?;
        let [l, t, r, b] = self.plot.map(|v| v as f64);
        Some((l + (x - x0) / (x1 - x0) * (r - l), b - (y - y0) / (y1 - y0) * (b - t)))
    }

    /// The data point drawn at pixel (px, py): the inverse of [`Layout::to_pixel`].
    pub fn to_data(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let [x0, x1, y0, y1] = self.frame?;
        let [l, t, r, b] = self.plot.map(|v| v as f64);
        Some((x0 + (px - l) / (r - l) * (x1 - x0), y0 + (b - py) / (b - t) * (y1 - y0)))
    }

    /// How many drawn points and line segments `r` covers (a marker of half-size `pad` counts
    /// when its box meets `r`).
    pub fn hits(&self, r: &Rect, pad: i32) -> usize {
        let grown = [r[0] - pad, r[1] - pad, r[2] + pad, r[3] + pad];
        let points = self.points.iter().filter(|p| p.0 >= grown[0] && p.0 <= grown[2] && p.1 >= grown[1] && p.1 <= grown[3]).count();
        let segments = self.lines.iter().flat_map(|l| l.windows(2)).filter(|s| segment_hits(s[0], s[1], r)).count();
        let dots = self.lines.iter().filter(|l| l.len() == 1 && segment_hits(l[0], l[0], r)).count();
        points + segments + dots
    }

    /// Whether the legend covers any drawn point or line.
    pub fn legend_overlaps(&self) -> bool {
        self.legend.is_some_and(|r| self.hits(&r, 0) > 0)
    }

    /// The layout as JSON (for the end-to-end tests, through `window.byzlabLayout`).
    pub fn to_json(&self) -> String {
        let rect = |r: &Rect| format!("[{},{},{},{}]", r[0], r[1], r[2], r[3]);
        let pts = |v: &[(i32, i32)]| v.iter().map(|p| format!("[{},{}]", p.0, p.1)).collect::<Vec<_>>().join(",");
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        format!(
            "{{\"plot\":{},\"legend\":{},\"lines\":[{}],\"points\":[{}],\"entries\":[{}],\"minText\":{},\"cells\":[{}]}}",
            rect(&self.plot),
            self.legend.as_ref().map_or("null".into(), rect),
            self.lines.iter().map(|l| format!("[{}]", pts(l))).collect::<Vec<_>>().join(","),
            pts(&self.points),
            self.entries.iter().map(|(l, c)| format!("[\"{}\",\"{}\"]", esc(l), c)).collect::<Vec<_>>().join(","),
            self.min_text,
            self.cells.iter().map(rect).collect::<Vec<_>>().join(",")
        )
    }
}

/// A plot legend: entries, measured and drawn in a box.
#[derive(Clone, Debug, Default)]
pub struct Legend {
    pub entries: Vec<(String, Glyph)>,
}

impl Legend {
    pub fn new() -> Legend {
        Legend::default()
    }

    pub fn add(&mut self, label: impl Into<String>, glyph: Glyph) {
        self.entries.push((label.into(), glyph));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (width, height) of the legend box in pixels.
    pub fn size<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> Result<(i32, i32), PlotError> {
        let m = self.metrics(area, style)?;
        Ok((m.box_w, m.box_h))
    }

    fn metrics<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> Result<Metrics, PlotError> {
        let font = style.small();
        let sizes = self.entries.iter().map(|(label, _)| area.estimate_text_size(label, &font)).collect::<Result<Vec<_>, _>>()?;
        let (pad, gap) = (style.px(8.0), style.px(8.0));
        let sample = (style.font * 2.2).round() as i32;
        let marker = style.marker as i32;
        let row_h = sizes.iter().map(|s| s.1 as i32).max().unwrap_or(0).max(2 * marker + 2) + style.px(3.0);
        let text_w = sizes.iter().map(|s| s.0 as i32).max().unwrap_or(0);
        Ok(Metrics { pad, gap, sample, row_h, box_w: 2 * pad + sample + gap + text_w, box_h: 2 * pad + row_h * self.entries.len() as i32 })
    }

    /// Draws the legend with its top-left corner at pixel `at` of `area` (whose origin is `origin`
    /// in the drawing); returns its box in the drawing's pixels.
    pub fn draw_at<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, at: (i32, i32), style: &Style) -> Result<Rect, PlotError> {
        let m = self.metrics(area, style)?;
        let (x0, y0) = at;
        area.draw(&Rectangle::new([(x0, y0), (x0 + m.box_w, y0 + m.box_h)], style.paper().mix(0.9).filled()))?;
        area.draw(&Rectangle::new([(x0, y0), (x0 + m.box_w, y0 + m.box_h)], style.tone(GREY.to_rgba()).stroke_width(1)))?;
        let font = style.small().pos(Pos::new(HPos::Left, VPos::Center));
        for (k, (label, glyph)) in self.entries.iter().enumerate() {
            let yc = y0 + m.pad + m.row_h * k as i32 + m.row_h / 2;
            let (xa, xb) = (x0 + m.pad, x0 + m.pad + m.sample);
            match *glyph {
                Glyph::Line { color, width, dash, marker } => {
                    let color = style.tone(color);
                    let width = style.width(width);
                    let st = color.stroke_width(width);
                    match dash.pattern() {
                        Some((d, g)) => {
                            // The line's own dash pattern, so that dotted looks dotted.
                            let (d, g) = (style.px(d).max(1), style.px(g).max(1));
                            let mut x = xa;
                            while x < xb {
                                area.draw(&PathElement::new(vec![(x, yc), ((x + d).min(xb), yc)], st))?;
                                x += d + g;
                            }
                        }
                        None => area.draw(&PathElement::new(vec![(xa, yc), (xb, yc)], st))?,
                    }
                    if let Some(shape) = marker {
                        draw_shape(area, ((xa + xb) / 2, yc), shape, style.marker as i32, color, width)?;
                    }
                }
                Glyph::Patch(color) => {
                    area.draw(&Rectangle::new([(xa, yc - m.row_h / 3), (xb, yc + m.row_h / 3)], style.tone(color).filled()))?;
                }
                Glyph::Marker { shape, color, size } => {
                    draw_shape(area, ((xa + xb) / 2, yc), shape, style.size(size), style.tone(color), style.line.max(2))?
                }
            }
            area.draw(&Text::new(label.clone(), (xb + m.gap, yc), font.clone()))?;
        }
        let (ox, oy) = area.get_base_pixel();
        Ok([ox + x0, oy + y0, ox + x0 + m.box_w, oy + y0 + m.box_h])
    }

    /// The boxes a legend of size `size` may take inside `plot` (a drawing-pixel rectangle), best
    /// first: the four corners, then the middles of the sides.
    pub fn candidates(plot: &Rect, size: (i32, i32), margin: i32) -> Vec<Rect> {
        let (w, h) = size;
        let (l, t, r, b) = (plot[0] + margin, plot[1] + margin, plot[2] - margin - w, plot[3] - margin - h);
        let (cx, cy) = ((plot[0] + plot[2] - w) / 2, (plot[1] + plot[3] - h) / 2);
        [(r, t), (l, t), (r, b), (l, b), (cx, t), (r, cy), (l, cy), (cx, b)].into_iter().map(|(x, y)| [x, y, x + w, y + h]).collect()
    }
}

struct Metrics {
    pad: i32,
    gap: i32,
    sample: i32,
    row_h: i32,
    box_w: i32,
    box_h: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_boxes() {
        let r = [10, 10, 20, 20];
        assert!(segment_hits((0, 15), (30, 15), &r), "crossing");
        assert!(segment_hits((15, 15), (100, 100), &r), "starting inside");
        assert!(!segment_hits((0, 0), (30, 5), &r), "passing above");
        assert!(!segment_hits((0, 30), (30, 25), &r), "passing below");
        let l = Layout { lines: vec![vec![(0, 15), (30, 15)]], points: vec![(50, 50)], ..Layout::default() };
        assert_eq!(l.hits(&r, 0), 1);
        assert_eq!(l.hits(&[45, 45, 55, 55], 0), 1);
        assert_eq!(l.hits(&[60, 60, 70, 70], 0), 0);
    }
}
