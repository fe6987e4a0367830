//! Compare: a second scenario (`compare=` its query) drawn beside this one, with one transport.
//! The second is the same page, embedded (`embed=1`, its own lab in its own workers) in an iframe
//! of this origin; this page's play, pause, step, reset, speed and view go to it by `postMessage`,
//! and it obeys only messages from its parent on the same origin.

use super::{browser, App, Msg};
use crate::lab::host::Command;
use crate::lab::page;
use crate::lab::ViewId;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the page tells the scenario it compares with.
pub enum Remote {
    Play(bool),
    Step,
    Reset,
    Speed(usize),
    View(ViewId),
}

impl Remote {
    fn encode(&self) -> String {
        match self {
            Remote::Play(on) => format!("byzlab:play:{}", *on as u8),
            Remote::Step => "byzlab:step".into(),
            Remote::Reset => "byzlab:reset".into(),
            Remote::Speed(i) => format!("byzlab:speed:{i}"),
            Remote::View(v) => format!("byzlab:view:{}", v.key()),
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

impl App {
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
        }
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
                    <figcaption>{ format!("A: {}", self.scenario.to_query()) }</figcaption>
                    { plot }
                </figure>
                <figure>
                    <figcaption>
                        { format!("B: {q} ") }
                        <button id="compare-close" class="dismiss" onclick={link.callback(|_| Msg::Compare(None))} title="stop comparing" aria-label="stop comparing">{"×"}</button>
                    </figcaption>
                    <iframe id="compare-frame" src={src} title="scenario B, compared"></iframe>
                </figure>
            </div>
        }
    }
}
