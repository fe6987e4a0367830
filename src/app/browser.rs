//! Thin wrappers over the browser APIs the app uses: the address bar, downloads, the clipboard,
//! fetching the data file, timing, drawing a lab view on a canvas, and the panic banner.

use crate::plots::{Palette, Plot, PlotError, Style};
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("window")
}

pub fn document() -> web_sys::Document {
    window().document().expect("document")
}

/// Milliseconds since the page loaded.
pub fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The query string of the page (without `?`).
pub fn query() -> String {
    let s = window().location().search().unwrap_or_default();
    s.strip_prefix('?').unwrap_or(&s).to_string()
}

thread_local! {
    /// The current scenario query, logged by the panic hook.
    static CURRENT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Puts the scenario in the address bar (without adding history entries).
/// Puts the scenario (and view hash) in the address bar: a new history entry when `push`, so Back
/// returns to the previous scenario, else in place.
pub fn set_query(q: &str, push: bool) {
    CURRENT.with(|c| *c.borrow_mut() = q.to_string());
    if let Ok(h) = window().history() {
        let url = format!("?{q}");
        let _ = if push {
            h.push_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            h.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

thread_local! {
    /// Where the last drawing put things (see `crate::plots::Layout`).
    static LAYOUT: RefCell<crate::plots::Layout> = RefCell::new(Default::default());
}

/// The last drawn plot's layout as JSON: the end-to-end tests check the legend hides no data.
#[wasm_bindgen]
pub fn plot_layout() -> String {
    LAYOUT.with(|l| l.borrow().to_json())
}

/// The last drawn plot's layout.
pub fn last_layout() -> crate::plots::Layout {
    LAYOUT.with(|l| l.borrow().clone())
}

/// The full link to the current page.
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

/// Offers `bytes` as a file download.
pub fn download(name: &str, mime: &str, bytes: &[u8]) {
    let arr = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&arr);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Follows a (data or object) URL as a download.
pub fn download_url(name: &str, url: &str) {
    let Ok(a) = document().create_element("a") else { return };
    let a: web_sys::HtmlAnchorElement = a.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.set_attribute("hidden", "").ok();
    if let Some(body) = document().body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    }
}

/// Copies text to the clipboard (best effort: the page also shows the link in a text field).
pub fn copy_text(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

/// Fetches a file of the page's own origin. The bytes stay in JavaScript: the page hands them to
/// its workers without copying them through its own wasm memory.
pub async fn fetch_bytes(url: &str) -> Result<js_sys::Uint8Array, String> {
    let abort = web_sys::AbortController::new().map_err(|e| format!("{e:?}"))?;
    fetch_bytes_with_progress(url, &abort.signal(), |_, _| {}).await
}

/// Fetches `url` in chunks, calling `progress(received, total)` (total: the Content-Length, 0 if
/// unknown) as they arrive; `abort` cancels it (the result is then an error). The bytes stay in
/// JavaScript.
pub async fn fetch_bytes_with_progress(
    url: &str,
    abort: &web_sys::AbortSignal,
    mut progress: impl FnMut(f64, f64),
) -> Result<js_sys::Uint8Array, String> {
    use wasm_bindgen_futures::JsFuture;
    let err = |e: JsValue| {
        let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        if name == "AbortError" {
            "cancelled".to_string()
        } else {
            format!("{e:?}")
        }
    };
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(abort));
    let resp = JsFuture::from(window().fetch_with_str_and_init(url, &init)).await.map_err(err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let total = resp.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let Some(body) = resp.body() else {
        let buf = JsFuture::from(resp.array_buffer().map_err(err)?).await.map_err(err)?;
        return Ok(js_sys::Uint8Array::new(&buf));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let (mut chunks, mut received) = (Vec::new(), 0u32);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(err)?;
        if js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value: js_sys::Uint8Array = js_sys::Reflect::get(&chunk, &"value".into()).map_err(err)?.unchecked_into();
        received += value.length();
        chunks.push(value);
        progress(received as f64, total);
    }
    let out = js_sys::Uint8Array::new_with_length(received);
    let mut at = 0;
    for c in &chunks {
        out.set(c, at);
        at += c.length();
    }
    Ok(out)
}

/// A drawing backend that measures text with a canvas' `measureText` (cached) instead of plotters'
/// web font code, which inserts a `<span>` into the page and forces a layout for every label (that
/// cost more than drawing the plot). Everything else goes to the wrapped backend unchanged.
///
/// When it draws on the canvas it measures with ([`Measured::on_canvas`]), it also fills
/// rectangles itself, with the colour strings cached: plotters-canvas formats `rgba(…)` anew for
/// every rectangle, which dominated the cost of the saddle view's shading.
pub struct Measured<B> {
    inner: B,
    ctx: web_sys::CanvasRenderingContext2d,
    /// `ctx` belongs to the canvas `inner` draws on.
    direct: bool,
    /// The last fill colours and their CSS strings.
    fills: Vec<((u8, u8, u8), f64, String)>,
}

thread_local! {
    static TEXT_SIZES: RefCell<std::collections::HashMap<(String, String), (u32, u32)>> = RefCell::new(Default::default());
}

impl<B: DrawingBackend> Measured<B> {
    /// Wraps `inner`, measuring with `ctx` (any 2-D context; its font is set per measurement).
    pub fn new(inner: B, ctx: web_sys::CanvasRenderingContext2d) -> Self {
        Measured { inner, ctx, direct: false, fills: Vec::new() }
    }

    /// Wraps `inner`, which draws on the canvas of `ctx`.
    pub fn on_canvas(inner: B, ctx: web_sys::CanvasRenderingContext2d) -> Self {
        Measured { inner, ctx, direct: true, fills: Vec::new() }
    }

    /// Sets the fill colour, its CSS string formatted once per colour (a plot uses a few dozen).
    fn set_fill(&mut self, c: BackendColor) {
        let k = match self.fills.iter().position(|(rgb, a, _)| *rgb == c.rgb && *a == c.alpha) {
            Some(k) => k,
            None => {
                if self.fills.len() >= 64 {
                    self.fills.remove(0);
                }
                let (r, g, b) = c.rgb;
                self.fills.push((c.rgb, c.alpha, format!("rgba({r},{g},{b},{})", c.alpha)));
                self.fills.len() - 1
            }
        };
        self.ctx.set_fill_style_str(&self.fills[k].2);
    }

    /// Width and height of `text` as plotters' web fonts measure them: the advance width, and the
    /// font's line box (ascent + descent), both rounded up.
    fn measure(&self, text: &str, font: String, size: f64) -> (u32, u32) {
        TEXT_SIZES.with(|cache| {
            let mut cache = cache.borrow_mut();
            let key = (font, text.to_string());
            if let Some(&v) = cache.get(&key) {
                return v;
            }
            self.ctx.set_font(&key.0);
            let (w, h) = match self.ctx.measure_text(text) {
                Ok(m) => {
                    let h = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
                    (m.width(), if h.is_finite() && h > 0.0 { h } else { 1.15 * size })
                }
                Err(_) => (0.55 * size * text.chars().count() as f64, 1.15 * size),
            };
            let v = (w.ceil() as u32, h.ceil() as u32);
            if cache.len() > 4096 {
                cache.clear();
            }
            cache.insert(key, v);
            v
        })
    }
}

impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !(self.direct && fill) {
            return self.inner.draw_rect(a, b, style, fill);
        }
        // What CanvasBackend::draw_rect does for a filled rectangle, without formatting the colour.
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.set_fill(c);
        self.ctx.fill_rect(f64::from(a.0), f64::from(a.1), f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_text(text, style, pos)
    }
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        // The same font string plotters-canvas draws with.
        let font = format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str());
        Ok(self.measure(text, font, style.size()))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}

/// The page's two drawing targets as one backend type, so that the plots' drawing code exists
/// once in the wasm (a generic draw per backend type doubled it; the download is ≤ 400 KiB gzip).
pub enum Target<'a> {
    Canvas(CanvasBackend),
    Svg(SVGBackend<'a>),
}

/// A drawing error of either target.
#[derive(Debug)]
pub struct TargetError(String);

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TargetError {}

fn target_err<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<TargetError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(TargetError(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// Calls the same method on whichever backend the target is.
macro_rules! on_target {
    ($t:expr, $b:ident => $call:expr) => {
        match $t {
            Target::Canvas($b) => $call.map_err(target_err),
            Target::Svg($b) => $call.map_err(target_err),
        }
    };
}

impl DrawingBackend for Target<'_> {
    type ErrorType = TargetError;
    fn get_size(&self) -> (u32, u32) {
        match self {
            Target::Canvas(b) => b.get_size(),
            Target::Svg(b) => b.get_size(),
        }
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.ensure_prepared())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.present())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_pixel(point, color))
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_line(from, to, style))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        c: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_rect(a, c, style, fill))
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_path(path, style))
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_circle(center, radius, style, fill))
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.fill_polygon(vert, style))
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.draw_text(text, style, pos))
    }
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.estimate_text_size(text, style))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<TargetError>> {
        on_target!(self, b => b.blit_bitmap(pos, size, src))
    }
}

fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// A plot as SVG, with text measured by the browser's canvas (see [`Measured`]).
pub fn svg(plot: &Plot, width: u32, height: u32) -> Result<String, PlotError> {
    let no_canvas = || PlotError::Backend("no canvas to measure text with".into());
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok().and_then(|c| c.dyn_into().ok()).ok_or_else(no_canvas)?;
    let ctx = context_2d(&canvas).ok_or_else(no_canvas)?;
    let mut out = String::new();
    {
        let root = Measured::new(Target::Svg(SVGBackend::with_string(&mut out, (width, height))), ctx).into_drawing_area();
        crate::plots::draw(&root, plot, &Style::normal(1.0))?;
        root.present()?;
    }
    Ok(out)
}

/// The size of the plot canvas as a `ResizeObserver` last reported it: in CSS pixels, and where the
/// browser says (`devicePixelContentBoxSize`), in device pixels. Drawing then neither reads
/// `clientWidth` (which forces a layout of the page whenever the DOM has just changed, as it has on
/// every frame: the iteration counter) nor rounds a fractional CSS size (the canvas is
/// `min(62vh, 46vw)` high), which would leave the bitmap slightly scaled and the text blurred.
/// `on_change` runs when the size changes.
pub struct SizeWatch {
    size: std::rc::Rc<std::cell::Cell<Option<CanvasSize>>>,
    _observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CanvasSize {
    pub css: (f64, f64),
    pub device: Option<(u32, u32)>,
}

impl SizeWatch {
    pub fn new(element: &web_sys::Element, mut on_change: impl FnMut() + 'static) -> Option<SizeWatch> {
        let size = std::rc::Rc::new(std::cell::Cell::new(None));
        let cell = size.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Some(entry) = entries.iter().last().and_then(|e| e.dyn_into::<web_sys::ResizeObserverEntry>().ok()) else { return };
            let r = entry.content_rect();
            // Not in every browser (Safari), so looked up rather than called.
            let device = js_sys::Reflect::get(&entry, &"devicePixelContentBoxSize".into())
                .ok()
                .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
                .and_then(|a| a.get(0).dyn_into::<web_sys::ResizeObserverSize>().ok())
                .map(|s| (s.inline_size().round() as u32, s.block_size().round() as u32))
                .filter(|d| d.0 > 0 && d.1 > 0);
            let new = Some(CanvasSize { css: (r.width(), r.height()), device });
            if cell.replace(new) != new {
                on_change();
            }
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(SizeWatch { size, _observer: observer, _callback: callback })
    }

    pub fn size(&self) -> Option<CanvasSize> {
        self.size.get()
    }
}

/// Whether the reader's system asks for dark colours (`prefers-color-scheme: dark`).
pub fn prefers_dark() -> bool {
    window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches())
}

/// Draws `plot` on `canvas` at its CSS size (`size`, or the canvas' client size) for the device's
/// pixel density; the layout drawn (in CSS pixels), if it could draw.
pub fn paint(
    canvas: &web_sys::HtmlCanvasElement,
    size: Option<CanvasSize>,
    plot: &Plot,
    lecture: bool,
    palette: Palette,
) -> Option<crate::plots::Layout> {
    let raw_dpr = window().device_pixel_ratio();
    let dpr = raw_dpr.clamp(1.0, 3.0);
    let (w, h) = size.map_or_else(|| (canvas.client_width() as f64, canvas.client_height() as f64), |s| s.css);
    let (w, h) = (w.max(200.0), h.max(150.0));
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    // The exact device-pixel box where the browser reports one that is this size snapped to the
    // pixel grid (under emulated densities Chromium reports CSS pixels there instead), and unless
    // the density is clamped (then the bitmap is scaled anyway).
    let (pw, ph) = match size.and_then(|s| s.device) {
        Some(d) if (1.0..=3.0).contains(&raw_dpr) && d.0.abs_diff(pw) <= 1 && d.1.abs_diff(ph) <= 1 => d,
        _ => (pw, ph),
    };
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let style = Style::for_width(w, dpr, lecture).with_palette(palette);
    let (backend, ctx) = (CanvasBackend::with_canvas_object(canvas.clone())?, context_2d(canvas)?);
    let root = Measured::on_canvas(Target::Canvas(backend), ctx).into_drawing_area();
    let out = match crate::plots::draw(&root, plot, &style) {
        Ok(mut layout) => {
            layout.min_text /= dpr;
            Some(layout)
        }
        Err(e) => {
            web_sys::console::error_1(&format!("drawing the plot: {e}").into());
            None
        }
    };
    let _ = root.present();
    out
}

/// Draws a plot on a canvas at the device's pixel density; `size` is the canvas' size if known
/// (see [`SizeWatch`]); `ready` says the plot is the lab's (not a loading message). The drawing
/// time goes to `window.byzlabDrawMs`.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, size: Option<CanvasSize>, plot: &Plot, ready: bool, lecture: bool, palette: Palette) {
    let t0 = now();
    if let Some(layout) = paint(canvas, size, plot, lecture, palette) {
        LAYOUT.with(|l| *l.borrow_mut() = layout);
    }
    // The end-to-end tests read the time of the first drawn plot.
    let win = window();
    if js_sys::Reflect::get(&win, &"byzlabFirstPlotMs".into()).map_or(true, |v| v.is_undefined()) && ready {
        let _ = js_sys::Reflect::set(&win, &"byzlabFirstPlotMs".into(), &now().into());
    }
    // And the time of this drawing, for the performance figures of the end-to-end tests.
    let _ = js_sys::Reflect::set(&win, &"byzlabDrawMs".into(), &(now() - t0).into());
}

/// Records when start-up milestone `name` was first reached (`window.byzlabStartup[name]`, ms since
/// navigation), for the end-to-end tests' start-up figures.
pub fn startup_mark(name: &str) {
    let win = window();
    let marks = js_sys::Reflect::get(&win, &"byzlabStartup".into()).ok().filter(|m| m.is_object()).unwrap_or_else(|| {
        let m: JsValue = js_sys::Object::new().into();
        let _ = js_sys::Reflect::set(&win, &"byzlabStartup".into(), &m);
        m
    });
    if js_sys::Reflect::get(&marks, &name.into()).map_or(true, |v| v.is_undefined()) {
        let _ = js_sys::Reflect::set(&marks, &name.into(), &now().into());
    }
}

/// Shows a visible error banner with a "reset to defaults" link when the app panics, and logs the
/// scenario that caused it. Text only: nothing is inserted as HTML.
pub fn install_panic_hook() {
    // Through Yew, which otherwise replaces any hook with its own when the app is rendered.
    yew::set_custom_panic_hook(Box::new(|info| {
        show_error_banner("byzlab hit an internal error and stopped. The scenario has been logged to the console.", &info.to_string());
    }));
}

/// The error banner: what happened, the error itself, and a "reset to defaults" link; the
/// scenario goes to the console. Shown once (the first error is the one that matters).
pub fn show_error_banner(what: &str, error: &str) {
    let scenario = CURRENT.with(|c| c.borrow().clone());
    web_sys::console::error_1(&format!("byzlab: {what}\n{error}\nscenario: ?{scenario}").into());
    let doc = document();
    if doc.get_element_by_id("panic").is_some() {
        return;
    }
    let Ok(div) = doc.create_element("div") else { return };
    div.set_id("panic");
    div.set_attribute("role", "alert").ok();
    if let Ok(p) = doc.create_element("p") {
        p.set_text_content(Some(what));
        let _ = div.append_child(&p);
    }
    if let Ok(pre) = doc.create_element("pre") {
        pre.set_text_content(Some(error));
        let _ = div.append_child(&pre);
    }
    if let Ok(a) = doc.create_element("a") {
        a.set_attribute("href", "./").ok();
        a.set_id("panic-reset");
        a.set_text_content(Some("Reset to defaults"));
        let _ = div.append_child(&a);
    }
    if let Some(body) = doc.body() {
        let _ = body.prepend_with_node_1(&div);
    }
}

/// The lab worker's memory, for the end-to-end tests (`window.byzlabWorkerMemory`, bytes).
pub fn set_worker_memory(bytes: f64) {
    let _ = js_sys::Reflect::set(&window(), &"byzlabWorkerMemory".into(), &bytes.into());
}

/// Whether a service worker already controls the page (the offline copy exists).
pub fn offline_ready() -> bool {
    let sw = js_sys::Reflect::get(&window().navigator(), &"serviceWorker".into()).ok().filter(|v| !v.is_undefined());
    sw.and_then(|sw| js_sys::Reflect::get(&sw, &"controller".into()).ok()).is_some_and(|c| !c.is_null() && !c.is_undefined())
}

/// Registers the service worker through `window.byzlabOffline` (static/boot.js).
pub async fn make_offline() -> bool {
    let Ok(f) = js_sys::Reflect::get(&window(), &"byzlabOffline".into()) else { return false };
    let Ok(f) = f.dyn_into::<js_sys::Function>() else { return false };
    let Ok(p) = f.call0(&JsValue::NULL) else { return false };
    let Ok(p) = p.dyn_into::<js_sys::Promise>() else { return false };
    wasm_bindgen_futures::JsFuture::from(p).await.map(|v| v.as_bool().unwrap_or(false)).unwrap_or(false)
}
