//! View 4, what the master sees: the m messages of one iteration projected to 2-D (honest as
//! circles, Byzantine as triangles, in different colours), the honest mean and the true gradient,
//! and where each aggregator lands.

use super::{color, Corner, Glyph, Legend, PlotError, Shape, Style, BYZANTINE, HONEST};
use plotters::coord::Shift;
use plotters::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct MasterView {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub honest: Vec<(f64, f64)>,
    /// Finite Byzantine messages.
    pub byzantine: Vec<(f64, f64)>,
    /// Byzantine messages that are not finite or far outside the frame (drawn on the border).
    pub off_frame: usize,
    pub honest_mean: (f64, f64),
    pub truth: Option<(f64, f64)>,
    /// (label, colour index, position) of each aggregator's output.
    pub outputs: Vec<(String, usize, (f64, f64))>,
}

/// The frame: the honest messages, the honest mean and the truth, padded; outputs and Byzantine
/// messages widen it up to 2.5 times the honest spread, beyond which they sit on the border.
fn frame(v: &MasterView) -> (f64, f64, f64, f64) {
    let ok = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let core: Vec<(f64, f64)> = v.honest.iter().chain(v.truth.iter()).chain(std::iter::once(&v.honest_mean)).filter(ok).copied().collect();
    let bbox = |pts: &[(f64, f64)]| {
        pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY), |b, p| {
            (b.0.min(p.0), b.1.max(p.0), b.2.min(p.1), b.3.max(p.1))
        })
    };
    let (x0, x1, y0, y1) = bbox(&core);
    if !x0.is_finite() {
        return (-1.0, 1.0, -1.0, 1.0);
    }
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let span = (x1 - x0).max(y1 - y0).max(1e-12 + 1e-6 * cx.abs().max(cy.abs()));
    let near = |p: &&(f64, f64)| (p.0 - cx).abs() <= 2.5 * span && (p.1 - cy).abs() <= 2.5 * span;
    let mut all = core.clone();
    all.extend(v.byzantine.iter().chain(v.outputs.iter().map(|o| &o.2)).filter(ok).filter(near).copied());
    let (x0, x1, y0, y1) = bbox(&all);
    let half = 0.6 * (x1 - x0).max(y1 - y0).max(span);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    (cx - half, cx + half, cy - half, cy + half)
}

pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, v: &MasterView, style: &Style) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let (x0, x1, y0, y1) = frame(v);
    let mut chart = super::chart(area, &v.title, style).build_cartesian_2d(x0..x1, y0..y1)?;
    super::axes(&mut chart, style, (&v.x_label, &super::lin_tick), (&v.y_label, &super::lin_tick), true)?;
    let mk = style.marker as i32;
    let lw = style.line;
    let mut legend = Legend::new();
    chart.draw_series(v.honest.iter().map(|&p| Circle::new(p, mk, HONEST.mix(0.7).filled())))?;
    legend.add(
        format!("honest messages ({})", v.honest.len()),
        Glyph::Marker { shape: Shape::Dot, color: HONEST.to_rgba(), size: mk, width: lw },
    );
    let clampp = |p: (f64, f64)| (p.0.clamp(x0, x1), p.1.clamp(y0, y1));
    let nbyz = v.byzantine.len() + v.off_frame;
    chart.draw_series(v.byzantine.iter().map(|&p| TriangleMarker::new(clampp(p), mk + 2, BYZANTINE.filled())))?;
    let off = if v.off_frame > 0 { format!(", {} off the frame", v.off_frame) } else { String::new() };
    legend.add(
        format!("Byzantine messages ({nbyz}{off})"),
        Glyph::Marker { shape: Shape::Triangle, color: BYZANTINE.to_rgba(), size: mk + 1, width: lw },
    );
    chart.draw_series(std::iter::once(Cross::new(v.honest_mean, mk + 3, BLACK.stroke_width(lw))))?;
    legend.add("honest mean", Glyph::Marker { shape: Shape::Cross, color: BLACK.to_rgba(), size: mk, width: lw });
    if let Some(t) = v.truth {
        chart.draw_series(std::iter::once(EmptyElement::at(t) + Rectangle::new([(-mk, -mk), (mk, mk)], BLACK.stroke_width(lw))))?;
        legend.add("true gradient ∇F", Glyph::Marker { shape: Shape::Frame, color: BLACK.to_rgba(), size: mk, width: lw });
    }
    for (label, c, p) in &v.outputs {
        let col = color(*c);
        let finite = p.0.is_finite() && p.1.is_finite();
        let shown = clampp(if finite { *p } else { (x1, y1) });
        let note = if !finite {
            " (not finite)"
        } else if shown != *p {
            " (off the frame)"
        } else {
            ""
        };
        let size = mk + 3;
        let elem = EmptyElement::at(shown) + Circle::new((0, 0), size, col.stroke_width(lw + 1)) + Circle::new((0, 0), 2, col.filled());
        chart.draw_series(std::iter::once(elem))?;
        legend.add(format!("{label}{note}"), Glyph::Marker { shape: Shape::Ring, color: col.to_rgba(), size, width: lw + 1 });
    }
    legend.draw(&chart.plotting_area().strip_coord_spec(), Corner::UpperRight, style)
}
