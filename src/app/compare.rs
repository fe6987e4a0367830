//! Compare: a second scenario (`compare=` its query) drawn beside this one, with one transport.
//! The second is the same page, embedded (`embed=1`, its own lab in its own workers) in an iframe
//! of this origin; this page's play, pause, step, reset, speed and view go to it by `postMessage`,
//! and it obeys only messages from its parent on the same origin. On request ("A − B") the second
//! sends its plot back as wire bytes after each drawing, and this page draws the difference of
//! the two plots' curves ([`crate::plots::Plot::difference`]) under them.

use super::{browser, App, Msg};
use crate::lab::host::Command;
use crate::lab::page;
use crate::lab::ViewId;
use crate::plots::Plot;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the page tells the scenario it compares with.
pub enum Remote {
    Play(bool),
    Step,
    Reset,
    Speed(usize),
    View(ViewId),
    /// Send (or stop sending) your plot after each drawing.
    Report(bool),
}

/// Compare mode's difference of the curves: in the page that compares (A), whether it is shown
/// and B's latest plot; in the embedded one (B), whether to report its plot, and what it sent last.
#[derive(Default)]
pub struct Diff {
    pub shown: bool,
    pub b: Option<Plot>,
    pub canvas: NodeRef,
    pub report: bool,
    pub sent: Vec<u8>,
}

impl Remote {
    fn encode(&self) -> String {
        match self {
            Remote::Play(on) => format!("byzlab:play:{}", *on as u8),
            Remote::Step => "byzlab:step".into(),
            Remote::Reset => "byzlab:reset".into(),
            Remote::Speed(i) => format!("byzlab:speed:{i}"),
            Remote::View(v) => format!("byzlab:view:{}", v.key()),
            Remote::Report(on) => format!("byzlab:report:{}", *on as u8),
        }
    }

    fn decode(s: &str) -> Option<Remote> {
        let rest = s.strip_prefix("byzlab:")?;
        let (what, arg) = rest.split_once(':').unwrap_or((rest, ""));
        Some(match what {
            "play" => Remote::Play(arg == "1"),
            "step" => Remote::Step,
            "reset" => Remote::Reset,
            "speed" => Remote::Speed(arg.parse().ok()?),
            "view" => Remote::View(ViewId::from_key(arg)?),
            "report" => Remote::Report(arg == "1"),
            _ => return None,
        })
    }
}

/// The message a parent page sent, if it is one (same origin, from the parent window).
pub fn from_parent(e: &web_sys::MessageEvent) -> Option<Remote> {
    let win = browser::window();
    let parent = win.parent().ok().flatten()?;
    // The parent's window comes from another realm: compared by identity, not by `instanceof`.
    let from_parent = e.source().is_some_and(|s| wasm_bindgen::JsValue::from(s) == wasm_bindgen::JsValue::from(parent));
    if !from_parent || e.origin() != win.location().origin().ok()? {
        return None;
    }
    Remote::decode(&e.data().as_string()?)
}

/// The compared scenario's plot, if the message is one: bytes from the compare frame's window on
/// this origin.
pub fn plot_from_frame(e: &web_sys::MessageEvent) -> Option<Vec<u8>> {
    let frame = browser::document().get_element_by_id("compare-frame")?.dyn_into::<web_sys::HtmlIFrameElement>().ok()?;
    let from_frame = e.source().is_some_and(|s| wasm_bindgen::JsValue::from(s) == wasm_bindgen::JsValue::from(frame.content_window()));
    if !from_frame || e.origin() != browser::window().location().origin().ok()? {
        return None;
    }
    Some(e.data().dyn_into::<js_sys::Uint8Array>().ok()?.to_vec())
}

impl App {
    /// After a drawing: the embedded scenario sends its plot when asked (and when it changed); the
    /// page comparing draws A − B.
    pub(super) fn draw_difference(&mut self, plot: &Plot) {
        if self.diff.report {
            let bytes = crate::lab::wire::encode(plot);
            if bytes != self.diff.sent {
                if let (Ok(Some(parent)), Ok(origin)) = (browser::window().parent(), browser::window().location().origin()) {
                    let _ = parent.post_message(&js_sys::Uint8Array::from(&bytes[..]).into(), &origin);
                }
                self.diff.sent = bytes;
            }
        }
        if let (true, Some(c)) = (self.diff.shown, self.diff.canvas.cast::<web_sys::HtmlCanvasElement>()) {
            browser::paint(&c, None, &self.difference(plot), self.page.lecture, self.palette());
        }
    }

    /// A − B of this page's plot and the compared one's.
    fn difference(&self, plot: &Plot) -> Plot {
        match &self.diff.b {
            Some(b) => plot.difference(b),
            None => Plot::Message("waiting for B's curves…".into()),
        }
    }

    /// Tells the embedded second scenario, if there is one.
    pub(super) fn tell_compare(&self, r: Remote) {
        if self.page.compare.is_none() {
            return;
        }
        let frame = browser::document().get_element_by_id("compare-frame").and_then(|e| e.dyn_into::<web_sys::HtmlIFrameElement>().ok());
        if let (Some(w), Ok(origin)) = (frame.and_then(|f| f.content_window()), browser::window().location().origin()) {
            let _ = w.post_message(&r.encode().into(), &origin);
        }
    }

    /// Obeys the page that embeds this one.
    pub(super) fn on_remote(&mut self, ctx: &Context<Self>, r: Remote) {
        match r {
            Remote::Play(on) => {
                self.playing = on;
                self.send(ctx, if on { Command::Play } else { Command::Pause });
            }
            Remote::Step => {
                self.playing = false;
                self.send(ctx, Command::Step);
            }
            Remote::Reset => self.send(ctx, Command::Reset),
            Remote::Speed(i) => ctx.link().send_message(Msg::Speed(i)),
            Remote::View(v) => {
                self.show_view(ctx, v);
                self.sync_url(false);
            }
            Remote::Report(on) => {
                self.diff.report = on;
                self.diff.sent.clear();
            }
        }
    }

    /// Shows or hides A − B, and asks B for its plot (or to stop).
    pub(super) fn show_difference(&mut self, on: bool) {
        self.diff.shown = on;
        self.diff.b = None;
        self.tell_compare(Remote::Report(on));
    }

    /// The two scenarios side by side: this page's plot and the second one's, each with its query.
    pub(super) fn compare_html(&self, link: &yew::html::Scope<Self>, plot: Html) -> Html {
        let Some(q) = &self.page.compare else { return plot };
        let mut inner =
            page::Page { embed: true, hide: vec!["transport".into(), "caption".into()], theme: self.page.theme, ..Default::default() };
        inner.lecture = self.page.lecture;
        let src = format!("?{}#{}", page::join(q, &inner), self.view.key());
        html! {
            <div class="compare" id="compare">
                <figure>
                    <figcaption>
                        { format!("A: {} ", self.scenario.to_query()) }
                        <button id="compare-diff" aria-pressed={self.diff.shown.to_string()} onclick={{ let on = !self.diff.shown; link.callback(move |_| Msg::CompareDiff(on)) }}
                            title="Draw A − B, curve by curve, under the two plots">{"A − B"}</button>
                    </figcaption>
                    { plot }
                </figure>
                <figure>
                    <figcaption>
                        { format!("B: {q} ") }
                        <button id="compare-close" class="dismiss" onclick={link.callback(|_| Msg::Compare(None))} title="stop comparing" aria-label="stop comparing">{"×"}</button>
                    </figcaption>
                    <iframe id="compare-frame" src={src} title="scenario B, compared"></iframe>
                </figure>
                if self.diff.shown {
                    <figure class="diff">
                        <figcaption>{"A − B: each curve of A minus B's namesake, at the iterations both have drawn"}</figcaption>
                        <canvas id="diff-plot" ref={self.diff.canvas.clone()} role="img" aria-label="A − B plot" aria-describedby="diff-summary"></canvas>
                        <p id="diff-summary" class="sr-only">{ self.difference(&self.plot()).summary() }</p>
                    </figure>
                }
            </div>
        }
    }
}
