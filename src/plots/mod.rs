//! Plots, drawn by functions generic over plotters' `DrawingBackend`: the same code draws on a
//! canvas in the browser (plotters-canvas) and to SVG in tests, in the CLI and in the app's exports.
//! Each view has a plain data struct (built by `crate::lab` from the engine) and a `draw` function.

pub mod breakdown;
pub mod error_curves;
pub mod master;
pub mod saddle;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe–Ito colours (safe for colour-blind viewers); curves also differ by dash or marker shape.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(120, 94, 40),   // brown (stands in for yellow, too light on white)
    RGBColor(0, 0, 0),       // black
];

pub const HONEST: RGBColor = RGBColor(0, 114, 178);
pub const BYZANTINE: RGBColor = RGBColor(213, 94, 0);
pub const GREY: RGBColor = RGBColor(110, 110, 110);

pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Sizes for one rendering: normal or lecture mode, scaled by the device pixel ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Base font size in device pixels.
    pub font: f64,
    /// Line width in device pixels.
    pub line: u32,
    /// Marker size in device pixels.
    pub marker: u32,
    /// Device pixel ratio (1 for SVG).
    pub scale: f64,
}

impl Style {
    pub fn normal(scale: f64) -> Style {
        Style { font: 15.0 * scale, line: (2.0 * scale).round().max(1.0) as u32, marker: (5.0 * scale).round() as u32, scale }
    }
    /// Large type and thick lines for projection.
    pub fn lecture(scale: f64) -> Style {
        Style { font: 22.0 * scale, line: (4.0 * scale).round() as u32, marker: (8.0 * scale).round() as u32, scale }
    }
    /// The style for a plot `css_width` CSS pixels wide: type shrinks on phones.
    pub fn for_width(css_width: f64, scale: f64, lecture: bool) -> Style {
        let mut s = if lecture { Style::lecture(scale) } else { Style::normal(scale) };
        let shrink = (css_width / 760.0).clamp(0.6, 1.0);
        s.font *= shrink;
        s.marker = ((s.marker as f64) * shrink).round().max(2.0) as u32;
        s
    }
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }
    pub fn text(&self) -> TextStyle<'static> {
        ("sans-serif", self.font).into_font().color(&BLACK)
    }
    pub fn small(&self) -> TextStyle<'static> {
        ("sans-serif", self.font * 0.85).into_font().color(&BLACK)
    }
    pub fn title(&self) -> TextStyle<'static> {
        ("sans-serif", self.font * 1.15).into_font().color(&BLACK)
    }
}

/// Why a plot could not be drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum PlotError {
    /// The drawing backend failed (a canvas or SVG error).
    Backend(String),
    /// No font to measure or draw text with (native rendering).
    Font(String),
}

impl std::fmt::Display for PlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlotError::Backend(e) => write!(f, "drawing failed: {e}"),
            PlotError::Font(e) => write!(f, "no font: {e}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Backend(e.to_string())
    }
}

/// What a view draws: one of the plots' data structs, or a message while it has nothing to show.
/// This is what the lab hands to whatever draws it (a canvas, an SVG file).
#[derive(Clone, Debug)]
pub enum Plot {
    Curves(error_curves::ErrorCurves),
    Saddle(saddle::SaddleView),
    Breakdown(breakdown::Breakdown),
    Master(master::MasterView),
    Message(String),
}

/// Draws a plot on any plotters backend.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plot: &Plot, style: &Style) -> Result<(), PlotError> {
    match plot {
        Plot::Curves(d) => error_curves::draw(area, d, style),
        Plot::Saddle(d) => saddle::draw(area, d, style),
        Plot::Breakdown(d) => breakdown::draw(area, d, style),
        Plot::Master(d) => master::draw(area, d, style),
        Plot::Message(m) => draw_message(area, style, m),
    }
}

/// A chart with the title, margin and axis-label room every plot uses.
pub fn chart<'a, 'b, DB: DrawingBackend>(area: &'a DrawingArea<DB, Shift>, title: &str, style: &Style) -> ChartBuilder<'a, 'b, DB> {
    let mut c = ChartBuilder::on(area);
    c.caption(title, style.title()).margin(style.px(10.0)).x_label_area_size(style.font * 2.8).y_label_area_size(style.font * 4.6);
    c
}

/// A tick formatter and the axis description it goes with.
pub type Axis<'a> = (&'a str, &'a dyn Fn(&f64) -> String);

/// Draws the axes with their descriptions and tick labels; `grid` keeps the major grid lines
/// (minor ones are never drawn).
pub fn axes<DB, X, Y>(c: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>, style: &Style, x: Axis, y: Axis, grid: bool) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let mut mesh = c.configure_mesh();
    mesh.x_desc(x.0).y_desc(y.0).label_style(style.small()).axis_desc_style(style.text()).x_label_formatter(x.1).y_label_formatter(y.1);
    if grid {
        mesh.light_line_style(WHITE.mix(0.0));
    } else {
        mesh.disable_mesh();
    }
    mesh.draw()?;
    Ok(())
}

/// Marker shapes. Series are told apart by shape as well as colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Dot,
    Ring,
    Triangle,
    Square,
    Cross,
    /// An open square.
    Frame,
}

impl Shape {
    /// The marker of the i-th series of a plot.
    pub fn for_series(i: usize) -> Shape {
        [Shape::Dot, Shape::Triangle, Shape::Square, Shape::Cross, Shape::Ring][i % 5]
    }
}

/// Draws a marker of half-size `size` at `at` (data coordinates of `area`).
pub fn draw_shape<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    shape: Shape,
    size: i32,
    color: RGBAColor,
    width: u32,
) -> Result<(), PlotError> {
    let e = EmptyElement::at(at);
    match shape {
        Shape::Dot => area.draw(&(e + Circle::new((0, 0), size, color.filled()))),
        Shape::Ring => area.draw(&(e + Circle::new((0, 0), size, color.stroke_width(width)))),
        Shape::Triangle => area.draw(&(e + TriangleMarker::new((0, 0), size + 1, color.filled()))),
        Shape::Square => area.draw(&(e + Rectangle::new([(-size, -size), (size, size)], color.filled()))),
        Shape::Frame => area.draw(&(e + Rectangle::new([(-size, -size), (size, size)], color.stroke_width(width)))),
        Shape::Cross => area.draw(&(e + Cross::new((0, 0), size, color.stroke_width(width)))),
    }?;
    Ok(())
}

/// What a legend entry shows beside its label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Glyph {
    /// A sample of a line, dashed or solid, with the series' marker in its middle if it has one.
    Line { color: RGBAColor, width: u32, dashed: bool, marker: Option<Shape> },
    /// A filled patch (a shaded region).
    Patch(RGBAColor),
    /// A marker alone (scatter points).
    Marker { shape: Shape, color: RGBAColor, size: i32, width: u32 },
}

impl Glyph {
    pub fn line(color: RGBColor, width: u32) -> Glyph {
        Glyph::Line { color: color.to_rgba(), width, dashed: false, marker: None }
    }
    pub fn dashed(color: RGBColor, width: u32) -> Glyph {
        Glyph::Line { color: color.to_rgba(), width, dashed: true, marker: None }
    }
}

/// Which corner of the plotting area a legend sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    UpperLeft,
    UpperRight,
}

/// A plot legend. plotters' own legend measures every label through the font, which in the browser
/// means inserting a `<span>` into the page and forcing a layout per label; this one measures text
/// through the drawing backend, which the app answers from the canvas (`measureText`, cached).
#[derive(Clone, Debug, Default)]
pub struct Legend {
    entries: Vec<(String, Glyph)>,
}

impl Legend {
    pub fn new() -> Legend {
        Legend::default()
    }

    pub fn add(&mut self, label: impl Into<String>, glyph: Glyph) {
        self.entries.push((label.into(), glyph));
    }

    /// Draws the legend in a corner of `plot` (the chart's plotting area, in pixels).
    pub fn draw<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, plotters::coord::Shift>,
        corner: Corner,
        style: &Style,
    ) -> Result<(), PlotError> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let font = style.small();
        let sizes = self.entries.iter().map(|(label, _)| plot.estimate_text_size(label, &font)).collect::<Result<Vec<_>, _>>()?;
        let (pad, gap, margin) = (style.px(8.0), style.px(8.0), style.px(10.0));
        let sample = (style.font * 1.8).round() as i32;
        let marker = style.marker as i32;
        let row_h = sizes.iter().map(|s| s.1 as i32).max().unwrap_or(0).max(2 * marker + 2) + style.px(3.0);
        let text_w = sizes.iter().map(|s| s.0 as i32).max().unwrap_or(0);
        let (box_w, box_h) = (2 * pad + sample + gap + text_w, 2 * pad + row_h * self.entries.len() as i32);
        let (pw, _) = plot.dim_in_pixel();
        let x0 = match corner {
            Corner::UpperLeft => margin,
            Corner::UpperRight => (pw as i32 - box_w - margin).max(0),
        };
        let y0 = margin;
        plot.draw(&Rectangle::new([(x0, y0), (x0 + box_w, y0 + box_h)], WHITE.mix(0.85).filled()))?;
        plot.draw(&Rectangle::new([(x0, y0), (x0 + box_w, y0 + box_h)], GREY.stroke_width(1)))?;
        let font = font.pos(Pos::new(HPos::Left, VPos::Center));
        for (k, (label, glyph)) in self.entries.iter().enumerate() {
            let yc = y0 + pad + row_h * k as i32 + row_h / 2;
            let (xa, xb) = (x0 + pad, x0 + pad + sample);
            match *glyph {
                Glyph::Line { color, width, dashed, marker: m } => {
                    if dashed {
                        let part = (xb - xa) * 2 / 5;
                        plot.draw(&PathElement::new(vec![(xa, yc), (xa + part, yc)], color.stroke_width(width)))?;
                        plot.draw(&PathElement::new(vec![(xb - part, yc), (xb, yc)], color.stroke_width(width)))?;
                    } else {
                        plot.draw(&PathElement::new(vec![(xa, yc), (xb, yc)], color.stroke_width(width)))?;
                    }
                    if let Some(shape) = m {
                        draw_shape(plot, ((xa + xb) / 2, yc), shape, marker, color, width)?;
                    }
                }
                Glyph::Patch(color) => {
                    plot.draw(&Rectangle::new([(xa, yc - row_h / 3), (xb, yc + row_h / 3)], color.filled()))?;
                }
                Glyph::Marker { shape, color, size, width } => draw_shape(plot, ((xa + xb) / 2, yc), shape, size, color, width)?,
            }
            plot.draw(&Text::new(label.clone(), (xb + gap, yc), font.clone()))?;
        }
        Ok(())
    }
}

/// Draws a centred message (used while a view has no data yet).
pub fn draw_message<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, style: &Style, msg: &str) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let t = style.text().pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(msg.to_string(), (w as i32 / 2, h as i32 / 2), t))?;
    Ok(())
}

/// A range [lo, hi] covering the finite positive values of `ys`, padded for a log axis.
pub fn log_range(ys: impl Iterator<Item = f64>, floor: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for y in ys.filter(|y| y.is_finite() && *y > 0.0) {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    if !lo.is_finite() {
        return (floor.max(1e-300), 1.0);
    }
    lo = lo.max(floor);
    if hi <= lo {
        hi = lo * 10.0;
    }
    (lo / 1.5, hi * 1.5)
}

/// Formats a tick on a log axis: 10ⁿ as 1e-3 … 1e3, plain numbers in between.
pub fn log_tick(v: &f64) -> String {
    let v = *v;
    if v == 0.0 {
        return "0".into();
    }
    let e = v.abs().log10();
    if (-2.0..=3.0).contains(&e) {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.0e}")
    }
}

/// Formats a tick on a linear axis: integers without decimals.
pub fn lin_tick(v: &f64) -> String {
    let v = *v;
    if (v - v.round()).abs() < 1e-9 && v.abs() < 1e15 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Registers a TrueType font for native rendering (SVG in tests, CLI, benchmarks). The browser
/// measures text with the canvas instead. Looks in the usual Debian places and `BYZLAB_FONT`.
#[cfg(not(target_arch = "wasm32"))]
pub fn ensure_fonts() -> Result<(), PlotError> {
    use std::sync::OnceLock;
    static DONE: OnceLock<Result<(), PlotError>> = OnceLock::new();
    DONE.get_or_init(|| {
        let candidates = [
            std::env::var("BYZLAB_FONT").unwrap_or_default(),
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".into(),
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf".into(),
        ];
        for path in candidates.iter().filter(|p| !p.is_empty()) {
            if let Ok(bytes) = std::fs::read(path) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                for style in [FontStyle::Normal, FontStyle::Bold, FontStyle::Italic, FontStyle::Oblique] {
                    plotters::style::register_font("sans-serif", style, bytes)
                        .map_err(|_| PlotError::Font(format!("{path}: not a font")))?;
                }
                return Ok(());
            }
        }
        Err(PlotError::Font("no TrueType font found (apt-get install fonts-dejavu-core, or set BYZLAB_FONT)".into()))
    })
    .clone()
}

/// Renders a drawing function to an SVG string (native and wasm alike).
pub fn to_svg(width: u32, height: u32, plot: &Plot, style: &Style) -> Result<String, PlotError> {
    #[cfg(not(target_arch = "wasm32"))]
    ensure_fonts()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root, plot, style)?;
        root.present()?;
    }
    Ok(out)
}
