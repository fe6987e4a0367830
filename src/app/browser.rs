//! Thin wrappers over the browser APIs the app uses: the address bar, downloads, the clipboard,
//! fetching the data file, timing, drawing a lab view on a canvas, and the panic banner.

use crate::lab::{Lab, View};
use crate::plots::Style;
use plotters::prelude::*;
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
pub fn set_query(q: &str) {
    CURRENT.with(|c| *c.borrow_mut() = q.to_string());
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("?{q}")));
    }
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

/// Fetches a file of the page's own origin.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let resp = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(url)).await.map_err(|e| format!("{e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Draws a lab view on a canvas at the device's pixel density. Returns the drawing time in ms.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, lab: &Lab, view: View, lecture: bool) -> f64 {
    let t0 = now();
    let dpr = window().device_pixel_ratio().clamp(1.0, 3.0);
    let (w, h) = (canvas.client_width().max(200) as f64, canvas.client_height().max(150) as f64);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let style = Style::for_width(w, dpr, lecture);
    if let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) {
        let root = backend.into_drawing_area();
        if let Err(e) = lab.draw(view, &root, &style) {
            web_sys::console::error_1(&format!("drawing {view:?}: {e}").into());
        }
        let _ = root.present();
    }
    // The end-to-end tests read the time of the first drawn plot.
    let win = window();
    if js_sys::Reflect::get(&win, &"byzlabFirstPlotMs".into()).map_or(true, |v| v.is_undefined()) && !lab.error().is_some() {
        let _ = js_sys::Reflect::set(&win, &"byzlabFirstPlotMs".into(), &now().into());
    }
    now() - t0
}

/// Shows a visible error banner with a "reset to defaults" link when the app panics, and logs the
/// scenario that caused it. Text only: nothing is inserted as HTML.
pub fn install_panic_hook() {
    // Through Yew, which otherwise replaces any hook with its own when the app is rendered.
    yew::set_custom_panic_hook(Box::new(|info| {
        let scenario = CURRENT.with(|c| c.borrow().clone());
        let msg = info.to_string();
        web_sys::console::error_1(&format!("byzlab panicked: {msg}\nscenario: ?{scenario}").into());
        let doc = document();
        if doc.get_element_by_id("panic").is_some() {
            return;
        }
        let Ok(div) = doc.create_element("div") else { return };
        div.set_id("panic");
        div.set_attribute("role", "alert").ok();
        let p = doc.create_element("p").ok();
        if let Some(p) = &p {
            p.set_text_content(Some("byzlab hit an internal error and stopped. The scenario has been logged to the console."));
            let _ = div.append_child(p);
        }
        if let Ok(pre) = doc.create_element("pre") {
            pre.set_text_content(Some(&msg));
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
    }));
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
