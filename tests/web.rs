//! wasm-bindgen tests, run in headless Chromium (scripts/test.sh): the plots on a real canvas and
//! the engine under wasm32.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use byzlab::engine::data::{Dataset, Datasets};
use byzlab::engine::scenario::Scenario;
use byzlab::lab::{Lab, ViewId};
use byzlab::plots::{error_curves, Style};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

/// Fraction of pixels that are not white.
fn ink(c: &web_sys::HtmlCanvasElement) -> f64 {
    let ctx: web_sys::CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64).unwrap().data();
    let px = data.len() / 4;
    let inked = (0..px).filter(|i| data[4 * i] < 250 || data[4 * i + 1] < 250 || data[4 * i + 2] < 250).count();
    inked as f64 / px as f64
}

#[wasm_bindgen_test]
fn error_curves_draw_on_a_canvas() {
    let c = canvas(640, 400);
    let data = error_curves::ErrorCurves {
        title: "test".into(),
        y_label: "‖w − w*‖".into(),
        log_y: true,
        series: vec![error_curves::Series {
            label: "median".into(),
            id: 1,
            points: vec![(0.0, 1.0), (10.0, 0.01)],
            dash: byzlab::plots::Dash::Solid,
            diverged: false,
        }],
        floor: Some(("floor".into(), 0.02)),
        t_max: 10.0,
    };
    let root = CanvasBackend::with_canvas_object(c.clone()).unwrap().into_drawing_area();
    let layout = error_curves::figure(&data).draw(&root, &Style::normal(1.0)).unwrap();
    assert!(layout.legend.is_some() && !layout.legend_overlaps(), "{layout:?}");
    root.present().unwrap();
    let f = ink(&c);
    assert!(f > 0.01 && f < 0.5, "ink fraction {f}");
}

/// The engine under wasm32 reproduces the native traces (tests/fixtures/golden.csv) to 1e-9.
#[wasm_bindgen_test]
fn wasm_traces_match_the_native_fixture() {
    let mut data = Datasets::default();
    data.insert(Arc::new(Dataset::from_bytes(include_bytes!("../static/data/mnist5k.bin")).unwrap()));
    data.insert(Arc::new(Dataset::from_bytes(include_bytes!("../static/data/spambase.bin")).unwrap()));
    let ours = golden::traces(&data);
    golden::compare(&ours, include_str!("fixtures/golden.csv")).unwrap();
}

/// Every lab view draws a non-blank picture on a real canvas, in normal and lecture style.
#[wasm_bindgen_test]
fn every_view_draws_on_a_canvas() {
    let (sc, _) = Scenario::from_query("problem=linreg&T=40");
    let mut lab = Lab::new(sc);
    for lecture in [false, true] {
        // A view that cannot show linear regression (batch size, adversarial gap) draws its message.
        let shown: Vec<ViewId> = ViewId::all().filter(|&v| lab.applies(v)).collect();
        for v in shown {
            while lab.work(v, 500) > 0 {}
            let c = canvas(800, 500);
            let root = CanvasBackend::with_canvas_object(c.clone()).unwrap().into_drawing_area();
            let style = if lecture { Style::lecture(1.0) } else { Style::normal(1.0) };
            byzlab::plots::draw(&root, &lab.plot(v), &style).unwrap();
            root.present().unwrap();
            let f = ink(&c);
            assert!(f > 0.02 && f < 0.9, "{} (lecture {lecture}): ink fraction {f}", v.key());
        }
    }
}

/// The SVG export renders in the browser too (text measured by the canvas font backend).
#[wasm_bindgen_test]
fn svg_export_works_in_the_browser() {
    let (sc, _) = Scenario::from_query("problem=saddle&T=50");
    let mut lab = Lab::new(sc);
    let saddle = ViewId::from_key("saddle").unwrap();
    while lab.work(saddle, 500) > 0 {}
    let svg = lab.svg(saddle, 640, 400).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("ByzantinePGD"), "{}", &svg[..200.min(svg.len())]);
}

/// The app's text measurement (canvas `measureText`, cached) agrees with plotters' own (a styled
/// `<span>` and a forced layout) to within a pixel or two, so legends and axes lay out the same.
#[wasm_bindgen_test]
fn canvas_text_measurement_matches_plotters_span_measurement() {
    use byzlab::app::browser::Measured;
    let c = canvas(200, 100);
    let ctx: web_sys::CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let plain = CanvasBackend::with_canvas_object(c.clone()).unwrap();
    let measured = Measured::new(CanvasBackend::with_canvas_object(c).unwrap(), ctx);
    for size in [12.75, 15.0, 22.0, 33.0] {
        let font = ("sans-serif", size).into_font().color(&BLACK);
        for text in ["0.1", "‖w − w*‖", "lower bound σ(α/√n + √(d/nm))", "Byzantine messages (4)", "iteration t"] {
            let a = plain.estimate_text_size(text, &font).unwrap();
            let b = measured.estimate_text_size(text, &font).unwrap();
            // Twice, the second from the cache.
            assert_eq!(b, measured.estimate_text_size(text, &font).unwrap());
            assert!(a.0.abs_diff(b.0) <= 2 && a.1.abs_diff(b.1) <= 2, "{text:?} at {size}px: span {a:?}, canvas {b:?}");
        }
    }
}

/// The app's own path for filled rectangles (colour strings cached) paints exactly what
/// plotters-canvas paints, for opaque and translucent colours drawn over each other.
#[wasm_bindgen_test]
fn measured_canvas_fills_rectangles_like_plotters_canvas() {
    use byzlab::app::browser::Measured;
    fn draw<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>) {
        root.fill(&WHITE).unwrap();
        for k in 0..40i32 {
            let col = RGBColor((k * 6) as u8, (255 - k * 5) as u8, (k * 37 % 256) as u8).mix(if k % 3 == 0 { 1.0 } else { 0.35 });
            root.draw(&Rectangle::new([(k * 2, k), (k * 2 + 30, k + 25)], col.filled())).unwrap();
        }
        root.present().unwrap();
    }
    let paint = |measured: bool| {
        let c = canvas(120, 80);
        let ctx: web_sys::CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
        let backend = CanvasBackend::with_canvas_object(c.clone()).unwrap();
        if measured {
            draw(Measured::on_canvas(backend, ctx.clone()).into_drawing_area());
        } else {
            draw(backend.into_drawing_area());
        }
        ctx.get_image_data(0.0, 0.0, 120.0, 80.0).unwrap().data().to_vec()
    };
    let (a, b) = (paint(false), paint(true));
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(differing, 0, "{differing} of {} channel values differ", a.len());
}
