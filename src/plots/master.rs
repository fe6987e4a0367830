//! View 4, what the master sees: the m messages of one iteration projected to 2-D (honest as
//! circles, Byzantine as triangles), the honest mean and the true gradient, and where each rule
//! lands. Messages and outputs far outside the frame are arrows on its edge, labelled with their
//! distance to the honest mean.

use super::figure::{Figure, Item, Strip};
use super::{color, Glyph, Legend, Shape, BYZANTINE, HONEST};
use plotters::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct MasterView {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub honest: Vec<(f64, f64)>,
    /// Finite Byzantine messages, with their distance to the honest mean (in the full space).
    pub byzantine: Vec<((f64, f64), f64)>,
    /// Byzantine messages that are not finite (not drawn).
    pub non_finite: usize,
    pub honest_mean: (f64, f64),
    pub truth: Option<(f64, f64)>,
    /// (label, series style, position, distance to the honest mean) of each rule's output.
    pub outputs: Vec<(String, usize, (f64, f64), f64)>,
    /// The round shown (what a message placed by hand starts from: `hand_t`).
    pub round: usize,
    /// Each Byzantine worker's message relative to the honest mean, in the plane ((0, 0) for one
    /// that is not finite): where its handle is, for the reader to move.
    pub hand: Vec<(f64, f64)>,
    /// What the reader's moves did ("you moved the mean by 3.2, …"), or how to start.
    pub readout: String,
    /// The strongest attack against the shown rule, when asked: (what it is, where every Byzantine
    /// message goes relative to the honest mean, the scenario's keys that set it).
    pub strongest: Option<(String, (f64, f64), String)>,
    /// How the data are split: one cell per worker (Byzantine first).
    pub split: Option<WorkerStrip>,
}

/// The split as a strip of workers: each one's label mix, or the shift of its optimum.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerStrip {
    /// What a cell shows.
    pub label: String,
    /// Per worker, (fraction, class) segments from the bottom up; a single segment of class
    /// [`SHIFT`] for the shift of an optimum (as a fraction of the largest).
    pub cells: Vec<Vec<(f64, usize)>>,
    /// The first workers are Byzantine.
    pub byzantine: usize,
}

/// The "class" of a shift bar: drawn in grey.
pub const SHIFT: usize = usize::MAX;

/// The classes' colours (Okabe–Ito's eight and two more), repeated beyond ten classes.
const CLASSES: [RGBColor; 10] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
    RGBColor(153, 153, 153),
    RGBColor(120, 70, 20),
];

impl WorkerStrip {
    fn strip(&self) -> Strip {
        let color = |c: usize| if c == SHIFT { RGBColor(110, 110, 110).to_rgba() } else { CLASSES[c % CLASSES.len()].to_rgba() };
        Strip {
            label: self.label.clone(),
            cells: self.cells.iter().map(|cell| cell.iter().map(|&(f, c)| (f, color(c))).collect()).collect(),
            marked: self.byzantine,
        }
    }
}

impl MasterView {
    /// Where Byzantine message i's handle is drawn: the honest mean plus its offset.
    pub fn handle(&self, i: usize) -> Option<(f64, f64)> {
        self.hand.get(i).map(|o| (self.honest_mean.0 + o.0, self.honest_mean.1 + o.1))
    }

    /// The offset of a message placed at plane point `p`.
    pub fn offset_at(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0 - self.honest_mean.0, p.1 - self.honest_mean.1)
    }
}

/// The `hand` query value of offsets, 4 significant digits each.
pub fn hand_query(offsets: &[(f64, f64)]) -> String {
    let f = |v: f64| {
        if v == 0.0 || !v.is_finite() {
            "0".to_string()
        } else {
            format!("{:.4e}", v).parse::<f64>().map_or("0".into(), |x| format!("{x}"))
        }
    };
    offsets.iter().flat_map(|o| [f(o.0), f(o.1)]).collect::<Vec<_>>().join(",")
}

/// The frame: the honest messages, the honest mean and the truth, padded; outputs and Byzantine
/// messages widen it up to 2.5 times the honest spread, beyond which they are edge arrows.
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
    all.extend(v.byzantine.iter().map(|b| &b.0).chain(v.outputs.iter().map(|o| &o.2)).filter(ok).filter(near).copied());
    let (x0, x1, y0, y1) = bbox(&all);
    let half = 0.6 * (x1 - x0).max(y1 - y0).max(span);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    (cx - half, cx + half, cy - half, cy + half)
}

/// Where the ray from the frame's centre towards `p` leaves the frame (inset a little), and the
/// ray's direction; None if `p` is inside.
fn edge(f: (f64, f64, f64, f64), p: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let (cx, cy, hx, hy) = ((f.0 + f.1) / 2.0, (f.2 + f.3) / 2.0, (f.1 - f.0) / 2.0, (f.3 - f.2) / 2.0);
    let (dx, dy) = ((p.0 - cx) / hx, (p.1 - cy) / hy);
    let t = dx.abs().max(dy.abs());
    if t <= 1.0 {
        return None;
    }
    let s = 0.94 / t;
    Some(((cx + dx * s * hx, cy + dy * s * hy), (dx, dy)))
}

fn distance(d: f64) -> String {
    if d.abs() >= 1e4 || d.abs() < 1e-2 {
        format!("{d:.1e}")
    } else {
        format!("{d:.3}")
    }
}

/// The figure of what the master sees.
pub fn figure(v: &MasterView) -> Figure {
    let f = frame(v);
    let mut items = Vec::new();
    let mut legend = Legend::new();
    items.push(Item::Marks { pts: v.honest.clone(), shape: Shape::Dot, color: HONEST.mix(0.7), size: 1.0 });
    legend.add(format!("honest messages ({})", v.honest.len()), Glyph::Marker { shape: Shape::Dot, color: HONEST.to_rgba(), size: 1.0 });
    // Byzantine messages: inside the frame as triangles; outside, one arrow per distinct place.
    let inside: Vec<(f64, f64)> = v.byzantine.iter().filter(|b| edge(f, b.0).is_none()).map(|b| b.0).collect();
    items.push(Item::Marks { pts: inside, shape: Shape::Triangle, color: BYZANTINE.to_rgba(), size: 1.3 });
    let mut outside: Vec<((f64, f64), f64, usize)> = Vec::new();
    for &(p, d) in v.byzantine.iter().filter(|b| edge(f, b.0).is_some()) {
        match outside.iter_mut().find(|o| o.0 == p) {
            Some(o) => o.2 += 1,
            None => outside.push((p, d, 1)),
        }
    }
    for (p, d, k) in &outside {
        let (at, dir) = edge(f, *p).expect("outside");
        let text = if *k > 1 { format!("{k} × {}", distance(*d)) } else { distance(*d) };
        items.push(Item::Edge { at, dir, text, color: BYZANTINE.to_rgba() });
    }
    let n_byz = v.byzantine.len() + v.non_finite;
    let mut byz = format!("Byzantine messages ({n_byz})");
    if !outside.is_empty() {
        byz.push_str("; arrows: off the frame, at distance");
    }
    if v.non_finite > 0 {
        byz.push_str(&format!("; {} not finite", v.non_finite));
    }
    legend.add(byz, Glyph::Marker { shape: Shape::Triangle, color: BYZANTINE.to_rgba(), size: 1.2 });
    items.push(Item::Marks { pts: vec![v.honest_mean], shape: Shape::Cross, color: BLACK.to_rgba(), size: 1.6 });
    legend.add("honest mean", Glyph::Marker { shape: Shape::Cross, color: BLACK.to_rgba(), size: 1.0 });
    if let Some(t) = v.truth {
        items.push(Item::Marks { pts: vec![t], shape: Shape::Frame, color: BLACK.to_rgba(), size: 1.2 });
        legend.add("true gradient ∇F", Glyph::Marker { shape: Shape::Frame, color: BLACK.to_rgba(), size: 1.0 });
    }
    for (label, id, p, d) in &v.outputs {
        let col = color(*id).to_rgba();
        let finite = p.0.is_finite() && p.1.is_finite();
        match edge(f, *p).filter(|_| finite) {
            None if finite => items.push(Item::Marks { pts: vec![*p], shape: Shape::Ring, color: col, size: 1.7 }),
            Some((at, dir)) => items.push(Item::Edge { at, dir, text: distance(*d), color: col }),
            None => {}
        }
        let note = if !finite {
            " (not finite)"
        } else if edge(f, *p).is_some() {
            " (arrow: off the frame)"
        } else {
            ""
        };
        legend.add(format!("{label}{note}"), Glyph::Marker { shape: Shape::Ring, color: col, size: 1.4 });
    }
    Figure {
        title: v.title.clone(),
        x_label: v.x_label.clone(),
        y_label: v.y_label.clone(),
        x_range: Some((f.0, f.1)),
        y_range: Some((f.2, f.3)),
        items,
        legend,
        grid: true,
        strip: v.split.as_ref().map(WorkerStrip::strip),
        ..Figure::default()
    }
}
