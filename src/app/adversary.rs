//! Be the adversary, in "What the master sees": the Byzantine messages have handles over the plot
//! that a pointer drags (or Tab selects and the arrow keys move). While one moves, the lab
//! previews the rules on the moved messages (the master's view setting `hand`); when it is let
//! go, the scenario gets `hand=` and `hand_t=` (the messages placed from this round on, in the
//! plane drawn: see the engine's `attack::place_by_hand`), so Play continues with the reader's
//! attack and the link reproduces it. "Show the strongest attack" moves the messages to where the
//! strongest of ALIE and IPM puts them, then sets that attack.

use super::{browser, App, Msg};
use crate::engine::scenario::{param, Edit};
use crate::lab::host::Command;
use crate::plots::master::{hand_query, MasterView};
use crate::plots::Plot;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long the messages take to reach the strongest attack's place (ms).
const GLIDE_MS: f64 = 800.0;

impl Glide {
    /// Still waiting for the lab's strongest attack.
    pub(super) fn waiting(&self) -> bool {
        self.t0.is_nan()
    }
}

/// A move in progress: the offsets of every Byzantine message from the honest mean, and the round.
pub(super) struct Drag {
    index: usize,
    offsets: Vec<(f64, f64)>,
    round: usize,
}

/// The messages gliding to the strongest attack's place, then the attack set.
pub(super) struct Glide {
    from: Vec<(f64, f64)>,
    to: (f64, f64),
    keys: String,
    t0: f64,
}

/// What a handle does.
pub enum HandleMsg {
    /// Pointer down on handle i.
    Grab(usize, web_sys::PointerEvent),
    /// The pointer moved (client coordinates).
    Move(f64, f64),
    /// Let go: the move goes into the scenario.
    Release,
    /// An arrow key on handle i: a nudge in units of the frame (x right, y up).
    Nudge(usize, f64, f64),
    /// "Show the strongest attack".
    Strongest,
    /// A frame of the glide.
    GlideFrame,
}

impl App {
    /// The master's view's plot, when it is shown.
    fn master_plot(&self) -> Option<&MasterView> {
        match self.snap.as_ref().filter(|s| s.view == self.view.0 as u32).map(|s| &s.plot) {
            Some(Plot::Master(m)) if self.view.key() == "master" => Some(m),
            _ => None,
        }
    }

    /// The handles over the Byzantine messages, the readout and the strongest-attack button.
    pub(super) fn adversary_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let Some(mv) = self.master_plot() else { return html! {} };
        let n = mv.hand.len();
        html! {
            <>
                { for (0..n).map(|i| html! {
                    <button class="byz-handle" id={format!("byz-{i}")} aria-label={format!("Byzantine message {} of {n}: drag it, or move it with the arrow keys", i + 1)}
                        onpointerdown={link.callback(move |e: web_sys::PointerEvent| Msg::Handle(HandleMsg::Grab(i, e)))}
                        onpointermove={link.batch_callback(|e: web_sys::PointerEvent| (e.buttons() & 1 == 1).then(|| Msg::Handle(HandleMsg::Move(e.client_x() as f64, e.client_y() as f64))))}
                        onpointerup={link.callback(|_: web_sys::PointerEvent| Msg::Handle(HandleMsg::Release))}
                        onpointercancel={link.callback(|_: web_sys::PointerEvent| Msg::Handle(HandleMsg::Release))}></button>
                }) }
            </>
        }
    }

    /// Under the plot: what the reader's moves did, and the strongest attack.
    pub(super) fn adversary_readout(&self, link: &yew::html::Scope<Self>) -> Html {
        let Some(mv) = self.master_plot() else { return html! {} };
        html! {
            <div class="adversary">
                <p id="adversary-readout" aria-live="polite">{ mv.readout.clone() }</p>
                if !mv.hand.is_empty() {
                    <button id="strongest" disabled={self.glide.is_some()} onclick={link.callback(|_| Msg::Handle(HandleMsg::Strongest))}
                        title="move the Byzantine messages to where the strongest of ALIE and IPM (factor by line search against the shown rule) puts them">{"Show the strongest attack"}</button>
                }
                if let Some((label, _, _)) = &mv.strongest { <span class="note">{ format!(" {label}") }</span> }
            </div>
        }
    }

    /// Puts the handles over their messages (CSS positions, set through the CSSOM: the page's
    /// Content-Security-Policy allows no inline style attributes).
    pub(super) fn place_handles(&self) {
        let (Some(mv), Some(canvas)) = (self.master_plot(), self.canvas.cast::<web_sys::HtmlCanvasElement>()) else { return };
        let layout = browser::last_layout();
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let [l, t, r, b] = layout.plot.map(|v| v as f64 / scale);
        let offsets = self.drag.as_ref().map(|d| d.offsets.clone()).or_else(|| self.glide_now()).unwrap_or_else(|| mv.hand.clone());
        let doc = browser::document();
        for (i, o) in offsets.iter().enumerate() {
            let Some(el) = doc.get_element_by_id(&format!("byz-{i}")).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
                continue;
            };
            let p = (mv.honest_mean.0 + o.0, mv.honest_mean.1 + o.1);
            let Some((x, y)) = layout.to_pixel(p.0, p.1) else { continue };
            // Off the frame (an arrow on its edge): the handle waits on the edge.
            let (x, y) = ((x / scale).clamp(l, r), (y / scale).clamp(t, b));
            let style = el.style();
            let _ = style.set_property("left", &format!("{x:.1}px"));
            let _ = style.set_property("top", &format!("{y:.1}px"));
        }
    }

    /// The glide's offsets at this moment.
    fn glide_now(&self) -> Option<Vec<(f64, f64)>> {
        let g = self.glide.as_ref()?;
        let k = ((browser::now() - g.t0) / GLIDE_MS).clamp(0.0, 1.0);
        let k = k * k * (3.0 - 2.0 * k);
        Some(g.from.iter().map(|f| (f.0 + (g.to.0 - f.0) * k, f.1 + (g.to.1 - f.1) * k)).collect())
    }

    /// Sends the moved messages to the lab as a preview.
    fn preview(&mut self, ctx: &Context<Self>, offsets: &[(f64, f64)]) {
        let view = self.view.0 as u32;
        self.send(ctx, Command::Option { view, id: "hand".into(), value: hand_query(offsets) });
    }

    /// The moved messages go into the scenario (from the round shown on), paused there.
    fn commit(&mut self, ctx: &Context<Self>, offsets: &[(f64, f64)], round: usize) {
        let (Some(h), Some(ht)) = (param("hand"), param("hand_t")) else { return };
        let mut notices = self.scenario.apply(&Edit::Set(h, hand_query(offsets)));
        notices.extend(self.scenario.apply(&Edit::Set(ht, round.to_string())));
        self.notify(notices);
        self.scenario_changed(ctx, true);
        self.playing = false;
        self.send(ctx, Command::Pause);
    }

    /// The data point under a pointer at client coordinates (x, y).
    fn point_at(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let canvas = self.canvas.cast::<web_sys::HtmlCanvasElement>()?;
        let rect = canvas.get_bounding_client_rect();
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        browser::last_layout().to_data((x - rect.left()) * scale, (y - rect.top()) * scale)
    }

    pub(super) fn on_handle(&mut self, ctx: &Context<Self>, msg: HandleMsg) -> bool {
        let Some(mv) = self.master_plot().cloned() else { return false };
        match msg {
            HandleMsg::Grab(i, e) => {
                if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = t.set_pointer_capture(e.pointer_id());
                }
                e.prevent_default();
                if self.playing {
                    self.playing = false;
                    self.send(ctx, Command::Pause);
                }
                self.drag = Some(Drag { index: i, offsets: mv.hand.clone(), round: mv.round });
            }
            HandleMsg::Move(x, y) => {
                let Some(p) = self.point_at(x, y) else { return false };
                let Some(d) = self.drag.as_mut() else { return false };
                if let Some(o) = d.offsets.get_mut(d.index) {
                    *o = mv.offset_at(p);
                }
                let offsets = d.offsets.clone();
                self.preview(ctx, &offsets);
            }
            HandleMsg::Release => {
                if let Some(d) = self.drag.take() {
                    self.commit(ctx, &d.offsets, d.round);
                }
            }
            HandleMsg::Nudge(i, dx, dy) => {
                let [x0, x1, y0, y1] = browser::last_layout().frame.unwrap_or([0.0, 1.0, 0.0, 1.0]);
                let mut offsets = mv.hand.clone();
                if let Some(o) = offsets.get_mut(i) {
                    *o = (o.0 + dx * (x1 - x0), o.1 + dy * (y1 - y0));
                }
                self.commit(ctx, &offsets, mv.round);
            }
            HandleMsg::Strongest => {
                let view = self.view.0 as u32;
                self.send(ctx, Command::Option { view, id: "strongest".into(), value: "1".into() });
                self.glide = Some(Glide { from: mv.hand.clone(), to: (0.0, 0.0), keys: String::new(), t0: f64::NAN });
                return self.glide_tick(ctx);
            }
            HandleMsg::GlideFrame => {
                self.glide_frame = None;
                let Some(g) = self.glide.as_mut() else { return false };
                if g.t0.is_nan() {
                    // Waiting for the lab's answer.
                    let Some((_, to, keys)) = mv.strongest.clone() else { return self.glide_tick(ctx) };
                    (g.to, g.keys, g.t0) = (to, keys, browser::now());
                }
                if browser::now() - g.t0 < GLIDE_MS {
                    if let Some(o) = self.glide_now() {
                        self.preview(ctx, &o);
                    }
                    return self.glide_tick(ctx);
                }
                let Some(g) = self.glide.take() else { return false };
                self.set_attack(ctx, &g.keys);
            }
        }
        true
    }

    /// Asks for the glide's next frame.
    fn glide_tick(&mut self, ctx: &Context<Self>) -> bool {
        let link = ctx.link().clone();
        self.glide_frame = Some(gloo_render::request_animation_frame(move |_| link.send_message(Msg::Handle(HandleMsg::GlideFrame))));
        true
    }

    /// Starts the glide (after the lab was asked for the strongest attack).
    pub(super) fn start_glide(&mut self, ctx: &Context<Self>) {
        if self.glide.is_some() {
            self.glide_tick(ctx);
        }
    }

    /// Sets the strongest attack found (`attack=alie&z=…`), with no message placed by hand.
    fn set_attack(&mut self, ctx: &Context<Self>, keys: &str) {
        let mut notices = Vec::new();
        for (k, v) in keys.split('&').filter_map(|kv| kv.split_once('=')) {
            if let Some(p) = param(k) {
                notices.extend(self.scenario.apply(&Edit::Set(p, v.to_string())));
            }
        }
        if let Some(h) = param("hand") {
            notices.extend(self.scenario.apply(&Edit::Set(h, "none".into())));
        }
        self.notify(notices);
        self.scenario_changed(ctx, true);
    }
}
