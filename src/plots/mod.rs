//! Plots, drawn by functions generic over plotters' `DrawingBackend`: the same code draws on a
//! canvas in the browser (plotters-canvas) and to SVG in tests, in the CLI and in the app's exports.
//! Each view has a plain data struct (built by `crate::lab` from the engine); the cartesian ones
//! become a [`figure::Figure`], which lays itself out (the legend where it hides no data) and
//! reports where everything went as a [`Layout`].

pub mod breakdown;
pub mod error_curves;
pub mod figure;
pub mod heatmap;
pub mod legend;
pub mod master;
pub mod saddle;

pub use legend::{Glyph, Layout, Legend, Rect};

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A rule's (or an algorithm's) colour and marker, the same in every view and whatever else is on
/// the plot: index = [`crate::engine::AggKind`] order, then RSA. Okabe–Ito first (safe for
/// colour-blind viewers), then darker tones; shapes tell neighbours apart too.
pub const SERIES: [(RGBColor, Shape); 18] = [
    (RGBColor(0, 114, 178), Shape::Dot),        // mean: blue
    (RGBColor(213, 94, 0), Shape::Triangle),    // median: vermillion
    (RGBColor(0, 158, 115), Shape::Square),     // trimmed mean: bluish green
    (RGBColor(204, 121, 167), Shape::Cross),    // filtering: reddish purple
    (RGBColor(230, 159, 0), Shape::Ring),       // NBS: orange
    (RGBColor(86, 180, 233), Shape::Frame),     // geometric median: sky blue
    (RGBColor(120, 94, 40), Shape::Dot),        // Krum: brown
    (RGBColor(117, 112, 179), Shape::Triangle), // Multi-Krum: slate purple
    (RGBColor(27, 120, 55), Shape::Square),     // Bulyan: dark green
    (RGBColor(165, 15, 21), Shape::Cross),      // centered clipping: dark red
    (RGBColor(128, 128, 0), Shape::Ring),       // Meamed: olive
    (RGBColor(0, 109, 119), Shape::Cross),      // MDA: dark teal
    (RGBColor(231, 41, 138), Shape::Dot),       // MoNNA: magenta
    (RGBColor(31, 47, 110), Shape::Square),     // CAF: navy
    (RGBColor(102, 166, 30), Shape::Frame),     // DnC: yellow-green
    (RGBColor(106, 61, 154), Shape::Ring),      // SignGuard: deep violet
    (RGBColor(153, 52, 4), Shape::Triangle),    // FLTrust: rust brown
    (RGBColor(170, 51, 119), Shape::Frame),     // RSA: wine
];

/// The style index of the clean reference run (black, dashed).
pub const CLEAN: usize = usize::MAX;

pub const HONEST: RGBColor = RGBColor(0, 114, 178);
pub const BYZANTINE: RGBColor = RGBColor(213, 94, 0);
pub const GREY: RGBColor = RGBColor(110, 110, 110);
/// Dark reference lines (the rates view's lower bound).
pub const BLACK_REF: RGBColor = RGBColor(40, 40, 40);

/// The colour of series style `i` (see [`SERIES`]; [`CLEAN`] is black).
pub fn color(i: usize) -> RGBColor {
    if i == CLEAN {
        BLACK
    } else {
        SERIES[i % SERIES.len()].0
    }
}

/// The marker of series style `i`.
pub fn shape(i: usize) -> Shape {
    if i == CLEAN {
        Shape::Dot
    } else {
        SERIES[i % SERIES.len()].1
    }
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    /// Long dashes (the clean reference run; ByzantinePGD).
    Dashed,
    /// Short dashes close together (reference lines: bounds).
    Dotted,
    /// Long dashes with long gaps (the fitted −½ slope; perturbed GD).
    Sparse,
}

impl Dash {
    /// (dash, gap) in CSS pixels, None for a solid line.
    pub fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((9.0, 5.0)),
            Dash::Dotted => Some((2.5, 3.5)),
            Dash::Sparse => Some((14.0, 9.0)),
        }
    }
}

/// Sizes for one rendering: normal or lecture mode, scaled by the device pixel ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// The colours it is drawn in.
    pub palette: Palette,
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
        Style {
            palette: Palette::Light,
            font: 15.0 * scale,
            line: (2.0 * scale).round().max(1.0) as u32,
            marker: (5.0 * scale).round() as u32,
            scale,
        }
    }
    /// Large type and thick lines for projection: the smallest text (ticks, legend) is 24.6 CSS px.
    pub fn lecture(scale: f64) -> Style {
        Style {
            palette: Palette::Light,
            font: 29.0 * scale,
            line: (4.0 * scale).round() as u32,
            marker: (9.0 * scale).round() as u32,
            scale,
        }
    }
    /// The style for a plot `css_width` CSS pixels wide: type shrinks on narrow plots (a phone),
    /// but never below 10 CSS px for the smallest text, nor in lecture mode below 24.
    pub fn for_width(css_width: f64, scale: f64, lecture: bool) -> Style {
        let mut s = if lecture { Style::lecture(scale) } else { Style::normal(scale) };
        let min = if lecture { 24.0 / 0.85 / 29.0 } else { 10.0 / 0.85 / 15.0 };
        let shrink = (css_width / if lecture { 1000.0 } else { 760.0 }).clamp(min, 1.0);
        s.font *= shrink;
        s.marker = ((s.marker as f64) * shrink).round().max(2.0) as u32;
        s
    }
    /// A line width given in units of this style's line width.
    pub fn width(&self, factor: f64) -> u32 {
        ((factor * self.line as f64).round() as u32).max(1)
    }
    /// A marker size given in units of this style's marker size.
    pub fn size(&self, factor: f64) -> i32 {
        ((factor * self.marker as f64).round() as i32).max(2)
    }
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }
    /// In `palette`; the high-contrast palette draws lines half as thick again.
    pub fn with_palette(mut self, palette: Palette) -> Style {
        if palette == Palette::Contrast && self.palette != Palette::Contrast {
            self.line = (self.line as f64 * 1.5).round() as u32;
        }
        self.palette = palette;
        self
    }
    /// The colour of text and axes.
    pub fn ink(&self) -> RGBColor {
        match self.palette {
            Palette::Dark => RGBColor(232, 232, 232),
            Palette::Light | Palette::Contrast => BLACK,
        }
    }
    /// The background.
    pub fn paper(&self) -> RGBColor {
        match self.palette {
            Palette::Dark => RGBColor(21, 23, 26),
            Palette::Light | Palette::Contrast => WHITE,
        }
    }
    /// A data colour as this palette draws it: on dark paper greys are mirrored (black lines turn
    /// light) and hues lifted by 30 % towards white; in high contrast greys and hues darkened (to
    /// at least 4.5 : 1 against white for the Okabe–Ito set's lightest, orange and sky blue).
    /// Hue order, and so the colour-blind-safe distinctions, are kept; shapes and dashes stay.
    pub fn tone(&self, c: RGBAColor) -> RGBAColor {
        let RGBAColor(r, g, b, a) = c;
        let grey = r.max(g).max(b) - r.min(g).min(b) < 16;
        let f = |x: u8| -> u8 {
            let x = x as f64;
            (match (self.palette, grey) {
                (Palette::Light, _) => x,
                (Palette::Dark, true) => (255.0 - x).max(120.0),
                (Palette::Dark, false) => x + (255.0 - x) * 0.3,
                (Palette::Contrast, true) => x * 0.5,
                (Palette::Contrast, false) => x * 0.62,
            })
            .round() as u8
        };
        RGBAColor(f(r), f(g), f(b), a)
    }
    pub fn text(&self) -> TextStyle<'static> {
        ("sans-serif", self.font).into_font().color(&self.ink())
    }
    /// Ticks, legends, notes: the smallest text on a plot.
    pub fn small(&self) -> TextStyle<'static> {
        ("sans-serif", self.small_px()).into_font().color(&self.ink())
    }
    /// The smallest text's size in device pixels.
    pub fn small_px(&self) -> f64 {
        self.font * 0.85
    }
    pub fn title(&self) -> TextStyle<'static> {
        ("sans-serif", self.font * 1.15).into_font().color(&self.ink())
    }
}

/// The colours of a plot: light paper (the default, and every export's), dark paper, or high
/// contrast for a washed-out projector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Light,
    Dark,
    Contrast,
}

impl Palette {
    /// Its name (the page's style class `theme-<name>`).
    pub fn key(self) -> &'static str {
        match self {
            Palette::Light => "light",
            Palette::Dark => "dark",
            Palette::Contrast => "contrast",
        }
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
#[derive(Clone, Debug, PartialEq)]
pub enum Plot {
    Curves(error_curves::ErrorCurves),
    Saddle(saddle::SaddleView),
    Breakdown(breakdown::Breakdown),
    Master(master::MasterView),
    Heatmap(heatmap::HeatMap),
    Message(String),
}

/// A number for a sentence (a plot's summary, a readout): 3 decimals, scientific beyond 10⁴ or
/// below 10⁻³.
pub fn say(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() { "not a number".into() } else { "∞".into() };
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e4).contains(&a) {
        format!("{v:.2e}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Plot {
    /// Compare mode's A − B of two scenarios' plots ([`error_curves::ErrorCurves::difference`]):
    /// defined for curves; anything else says so.
    pub fn difference(&self, b: &Plot) -> Plot {
        match (self, b) {
            (Plot::Curves(a), Plot::Curves(b)) => Plot::Curves(a.difference(b)),
            (Plot::Message(m), _) | (_, Plot::Message(m)) => Plot::Message(m.clone()),
            _ => Plot::Message("A − B is drawn for the curves: show the error or accuracy curves (key 1)".into()),
        }
    }

    /// What the plot shows, in words, with its key numbers: the text a screen reader reads for
    /// the canvas (kept current as the plot changes), e.g. "mean diverged at t = 4; median 0.08".
    pub fn summary(&self) -> String {
        match self {
            Plot::Message(m) => m.clone(),
            Plot::Curves(d) => {
                let each: Vec<String> = d
                    .series
                    .iter()
                    .map(|s| match s.points.last() {
                        Some(&(t, _)) if s.diverged => format!("{} diverged at t = {}", s.label, say(t)),
                        Some(&(t, v)) => format!("{} {} at t = {}", s.label, say(v), say(t)),
                        None => format!("{}: no point yet", s.label),
                    })
                    .collect();
                format!("{}. {}: {}.", d.title, d.y_label, each.join("; "))
            }
            Plot::Breakdown(d) => {
                let each: Vec<String> = d
                    .series
                    .iter()
                    .map(|s| {
                        let last = s.points.iter().rev().find(|p| p.1.is_finite());
                        let from = s
                            .points
                            .iter()
                            .find(|p| !p.1.is_finite())
                            .map(|p| format!(", diverges from {} = {}", d.x_label, say(p.0)))
                            .unwrap_or_default();
                        let mark = s.mark.map(|m| format!(", breakdown point {}", say(m))).unwrap_or_default();
                        match last {
                            Some(p) => format!("{}: {} at {}{from}{mark}", s.label, say(p.1), say(p.0)),
                            None => format!("{}: no finite point{from}{mark}", s.label),
                        }
                    })
                    .collect();
                format!("{}. {} against {} ({}): {}.", d.title, d.y_label, d.x_label, d.progress, each.join("; "))
            }
            Plot::Master(d) => {
                let outs: Vec<String> =
                    d.outputs.iter().map(|(l, _, _, dist)| format!("{l} {} from the honest mean", say(*dist))).collect();
                format!(
                    "{}. {} honest and {} Byzantine messages{}; {}.",
                    d.title,
                    d.honest.len(),
                    d.byzantine.len() + d.non_finite,
                    if d.non_finite > 0 { format!(" ({} not finite)", d.non_finite) } else { String::new() },
                    outs.join("; ")
                )
            }
            Plot::Saddle(d) => format!("{}. {}", d.title, d.counter.replace('\n', ". ")),
            Plot::Heatmap(d) => {
                let best = d.panels.iter().find(|p| !p.winners.is_empty()).map(|p| {
                    let mut wins: Vec<(usize, &str)> = d
                        .rules
                        .iter()
                        .map(|(label, id)| (p.winners.iter().filter(|w| **w == Some(*id)).count(), label.as_str()))
                        .filter(|w| w.0 > 0)
                        .collect();
                    wins.sort_by_key(|w| std::cmp::Reverse(w.0));
                    let each: Vec<String> = wins.iter().map(|(n, l)| format!("{l} {n}")).collect();
                    format!(" Best rule, cells won: {}.", if each.is_empty() { "none yet".into() } else { each.join(", ") })
                });
                let worst: Vec<String> = d
                    .panels
                    .iter()
                    .filter(|p| p.winners.is_empty())
                    .map(|p| {
                        let max = p.values.iter().copied().filter(|v| !v.is_nan()).fold(f64::NAN, f64::max);
                        let diverged = p.values.iter().filter(|v| v.is_infinite()).count();
                        format!(
                            "{} largest {}{}",
                            p.title,
                            say(max),
                            if diverged > 0 { format!(", {diverged} cells diverged") } else { String::new() }
                        )
                    })
                    .collect();
                format!(
                    "{} ({}), {} across, {} up: {}.{}",
                    d.title,
                    d.progress,
                    d.x_label,
                    d.y_label,
                    worst.join("; "),
                    best.unwrap_or_default()
                )
            }
        }
    }
}

/// Draws a plot on any plotters backend; returns where everything went.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plot: &Plot, style: &Style) -> Result<Layout, PlotError> {
    match plot {
        Plot::Curves(d) => error_curves::figure(d).draw(area, style),
        Plot::Breakdown(d) => breakdown::figure(d).draw(area, style),
        Plot::Master(d) => master::figure(d).draw(area, style),
        Plot::Saddle(d) => saddle::draw(area, d, style),
        Plot::Heatmap(d) => heatmap::draw(area, d, style),
        Plot::Message(m) => {
            draw_message(area, style, m)?;
            Ok(Layout::default())
        }
    }
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

/// Draws a centred message (used while a view has no data yet).
pub fn draw_message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &Style, msg: &str) -> Result<(), PlotError> {
    area.fill(&style.paper())?;
    let (w, h) = area.dim_in_pixel();
    let t = style.text().pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(msg.to_string(), (w as i32 / 2, h as i32 / 2), t))?;
    Ok(())
}

/// Draws `title` centred at the top of `area`, shrunk (down to 60 %) and then cut with "…" until it
/// fits the width. Returns the height it took.
pub fn draw_title<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: &str, style: &Style) -> Result<i32, PlotError> {
    let (w, _) = area.dim_in_pixel();
    let room = w as i32 - 2 * style.px(10.0);
    let mut size = style.font * 1.15;
    let mut text = title.to_string();
    let measure = |t: &str, size: f64| area.estimate_text_size(t, &("sans-serif", size).into_font().color(&BLACK)).map(|s| s.0 as i32);
    while measure(&text, size)? > room && size > style.font * 0.7 {
        size *= 0.93;
    }
    while measure(&text, size)? > room && text.chars().count() > 4 {
        let n = text.chars().count();
        text = text.chars().take(n - 2).collect::<String>() + "…";
    }
    let font = ("sans-serif", size).into_font().color(&style.ink()).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(text, (w as i32 / 2, style.px(8.0)), font))?;
    Ok(style.px(8.0) + (size * 1.35) as i32)
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

/// Renders a plot to an SVG string (native and wasm alike), with its layout.
pub fn to_svg_with_layout(width: u32, height: u32, plot: &Plot, style: &Style) -> Result<(String, Layout), PlotError> {
    #[cfg(not(target_arch = "wasm32"))]
    ensure_fonts()?;
    let mut out = String::new();
    let layout = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let layout = draw(&root, plot, style)?;
        root.present()?;
        layout
    };
    Ok((out, layout))
}

/// Renders a plot to an SVG string.
pub fn to_svg(width: u32, height: u32, plot: &Plot, style: &Style) -> Result<String, PlotError> {
    to_svg_with_layout(width, height, plot, style).map(|r| r.0)
}

#[cfg(test)]
mod summary_tests {
    use super::error_curves::{ErrorCurves, Series};
    use super::*;

    #[test]
    fn a_summary_names_each_curve_with_its_last_value_or_divergence() {
        let series = |label: &str, points: Vec<(f64, f64)>, diverged: bool| Series {
            label: label.into(),
            id: 0,
            dash: Dash::Solid,
            points,
            diverged,
        };
        let plot = Plot::Curves(ErrorCurves {
            title: "Error curves".into(),
            y_label: "‖w − w*‖".into(),
            log_y: true,
            series: vec![series("mean", vec![(0.0, 1.0), (4.0, 1e9)], true), series("median", vec![(0.0, 1.0), (100.0, 0.08)], false)],
            floor: None,
            t_max: 100.0,
        });
        assert_eq!(plot.summary(), "Error curves. ‖w − w*‖: mean diverged at t = 4; median 0.08 at t = 100.");
        assert_eq!(say(12345.0), "1.23e4");
        assert_eq!(say(0.5), "0.5");
    }
}
