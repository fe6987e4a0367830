//! The Yew single-page app (wasm32 only). It holds no maths and no domain rules: user input becomes
//! an [`Edit`] of the scenario or a message to the [`Lab`], whose views are drawn on a canvas; the
//! scenario lives in the address bar's query string, the view in its hash.

pub mod browser;
mod controls;

use crate::engine::data::{Dataset, DATA_URL};
use crate::engine::scenario::{Edit, Notice, Scenario};
use crate::lab::{presets, Lab, ViewId};
use controls::scenario_controls;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::AnimationFrame;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The transport's speeds, in the view's units per second (iterations, α points); the last is as
/// fast as frames allow.
const SPEEDS: [usize; 6] = [1, 5, 20, 60, 300, usize::MAX];
/// The speed a page opens with (300 per second: the default run takes a third of a second).
const DEFAULT_SPEED: usize = 4;
/// Scenario changes closer together than this (a slider being dragged) share one history entry.
const HISTORY_MERGE_MS: f64 = 1000.0;
/// Milliseconds of computation allowed per animation frame.
const FRAME_BUDGET_MS: f64 = 10.0;

/// What a file export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Png,
    Svg,
    Csv,
}

pub enum Msg {
    Edit(Edit),
    TogglePlay,
    Step,
    Reset,
    Speed(usize),
    View(ViewId),
    ViewOption(&'static str, String),
    Lecture,
    Help(bool),
    CopyLink,
    Export(Export),
    Dismiss(usize),
    Frame,
    /// The address bar's hash was edited.
    HashChanged,
    /// Back or Forward: the address bar holds another scenario.
    PopState,
    Data(Result<Vec<u8>, String>),
    Redraw,
    Preset(&'static str),
    ClosePreset,
    Offline,
    OfflineReady(bool),
}

#[derive(PartialEq)]
enum DataState {
    Idle,
    Loading,
    Failed(String),
}

pub struct App {
    lab: Lab,
    view: ViewId,
    playing: bool,
    speed: usize,
    /// Units of progress the speed has granted and the view not yet made.
    credit: f64,
    /// The time of the last worked frame (ms), for the speed.
    last_frame: Option<f64>,
    /// Step: the progress to reach before pausing.
    step_to: Option<usize>,
    /// When the address bar last got a new history entry (ms).
    last_push: f64,
    /// When the loaded preset started computing (ms), for its time estimate.
    preset_started: f64,
    lecture: bool,
    help: bool,
    notices: Vec<String>,
    share: Option<String>,
    canvas: NodeRef,
    raf: Option<AnimationFrame>,
    data: DataState,
    _listeners: Vec<EventListener>,
    /// The plot canvas' CSS size, watched once the canvas exists.
    canvas_size: Option<browser::SizeWatch>,
    /// Offline copy: None = not asked, Some(false) = installing, Some(true) = ready.
    offline: Option<bool>,
}

fn view_from_hash() -> Option<ViewId> {
    let h = browser::window().location().hash().unwrap_or_default();
    ViewId::from_key(h.trim_start_matches('#'))
}

impl App {
    /// Writes the scenario and the view to the address bar; `push` makes a history entry (merged
    /// with the last one when they come in quick succession).
    fn sync_url(&mut self, push: bool) {
        let now = browser::now();
        let push = push && now - self.last_push > HISTORY_MERGE_MS;
        if push {
            self.last_push = now;
        }
        browser::set_query(&format!("{}#{}", self.lab.scenario().to_query(), self.view.key()), push);
    }

    fn fetch_data_if_needed(&mut self, ctx: &Context<Self>) {
        if self.lab.wants_data() && self.data == DataState::Idle {
            self.data = DataState::Loading;
            let link = ctx.link().clone();
            wasm_bindgen_futures::spawn_local(async move {
                link.send_message(Msg::Data(browser::fetch_bytes(DATA_URL).await));
            });
        }
    }

    /// After the scenario changed: fetch data it needs, update the address bar (a new history
    /// entry when `push`), run.
    fn scenario_changed(&mut self, ctx: &Context<Self>, push: bool) {
        self.fetch_data_if_needed(ctx);
        self.sync_url(push);
        self.play(ctx);
    }

    fn play(&mut self, ctx: &Context<Self>) {
        self.playing = true;
        self.last_frame = None;
        self.schedule_frame(ctx);
    }

    /// The scenario and view the address bar holds now (after Back, or an edited link).
    fn load_from_url(&mut self, ctx: &Context<Self>) {
        let (sc, notices) = Scenario::from_query(&browser::query());
        self.notify(notices);
        if sc != *self.lab.scenario() {
            self.lab.set_scenario(sc);
            self.fetch_data_if_needed(ctx);
            self.play(ctx);
        }
        if let Some(v) = view_from_hash() {
            self.show_view(ctx, v);
        }
    }

    fn show_view(&mut self, ctx: &Context<Self>, v: ViewId) {
        self.view = v;
        self.step_to = None;
        // Set the view up now, so this task draws its first (empty) frame and the first unit of
        // work comes in the next one: the first draw of a view runs code the browser has not
        // compiled yet, and together with work it made a 60 ms task.
        self.lab.prepare(v);
        // A view that has not been computed yet starts filling in at once.
        if !self.lab.is_done(v) {
            self.play(ctx);
        }
    }

    fn notify(&mut self, notices: Vec<Notice>) {
        self.notices.extend(notices.iter().map(|n| n.to_string()));
    }

    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.raf.is_none() {
            let link = ctx.link().clone();
            self.raf = Some(gloo_render::request_animation_frame(move |_| link.send_message(Msg::Frame)));
        }
    }

    /// Runs the visible view (and a preset's table, if one is computing) for at most the frame
    /// budget, at the chosen speed: the speed grants units of progress per second, spent as the
    /// view makes them.
    fn work_frame(&mut self) {
        let preset_running = self.lab.preset().is_some_and(|p| !p.is_done());
        if preset_running {
            let lab = &mut self.lab;
            within_budget(FRAME_BUDGET_MS / 2.0, || lab.work_preset(4) > 0);
        }
        let now = browser::now();
        let dt = self.last_frame.map_or(1000.0 / 60.0, |t| (now - t).clamp(0.0, 100.0));
        self.last_frame = Some(now);
        let (lab, view) = (&mut self.lab, self.view);
        if let Some(target) = self.step_to {
            within_budget(FRAME_BUDGET_MS, || lab.progress(view) < target && lab.work(view, 4) > 0);
            if lab.progress(view) >= target || lab.is_done(view) {
                self.step_to = None;
            }
            return;
        }
        let rate = SPEEDS[self.speed];
        if rate == usize::MAX {
            within_budget(FRAME_BUDGET_MS, || lab.work(view, 4) > 0);
        } else {
            // At most a quarter second of credit, so a stalled frame does not cause a burst.
            self.credit = (self.credit + rate as f64 * dt / 1000.0).min(rate as f64 / 4.0 + 1.0);
            let credit = &mut self.credit;
            within_budget(FRAME_BUDGET_MS, || {
                if *credit < 1.0 {
                    return false;
                }
                let before = lab.progress(view);
                let more = lab.work(view, 4) > 0;
                *credit -= lab.progress(view).saturating_sub(before) as f64;
                more
            });
        }
        if self.lab.is_done(self.view) && self.lab.preset().is_none_or(|p| p.is_done()) {
            self.playing = false;
        }
    }

    fn on_key(link: &yew::html::Scope<Self>, e: &web_sys::KeyboardEvent) {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        // In text and number fields every key is typing; on sliders the arrows move the slider.
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let (tag, kind) =
            target.as_ref().map_or((String::new(), String::new()), |t| (t.tag_name(), t.get_attribute("type").unwrap_or_default()));
        let typing = tag == "TEXTAREA" || tag == "SELECT" || (tag == "INPUT" && kind != "range" && kind != "checkbox");
        let key = e.key();
        if key == "Escape" {
            link.send_message(Msg::Help(false));
            return;
        }
        if typing || (tag == "INPUT" && key.starts_with("Arrow")) {
            return;
        }
        let view = key.chars().next().filter(|_| key.chars().count() == 1).and_then(|c| ViewId::all().find(|v| v.shortcut() == c));
        let msg = match (key.as_str(), view) {
            (_, Some(v)) => Msg::View(v),
            (" ", _) => Msg::TogglePlay,
            ("ArrowRight", _) => Msg::Step,
            ("r" | "R", _) => Msg::Reset,
            ("l" | "L", _) => Msg::Lecture,
            ("?", _) => Msg::Help(true),
            _ => return,
        };
        e.prevent_default();
        link.send_message(msg);
    }
}

/// Runs `unit` (which returns whether there is more to do) at least once, and again only while
/// the time spent plus the last unit's duration fits in `budget_ms`: a frame overshoots its budget
/// by less than one unit, and not at all once the units' cost is known.
fn within_budget(budget_ms: f64, mut unit: impl FnMut() -> bool) {
    let t0 = browser::now();
    let mut last = 0.0;
    loop {
        let t = browser::now();
        if t - t0 + last > budget_ms {
            break;
        }
        if !unit() {
            break;
        }
        last = browser::now() - t;
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (sc, notices) = Scenario::from_query(&browser::query());
        let link = ctx.link().clone();
        // Not passive: a shortcut cancels the key's default (space would scroll the page).
        let keys =
            EventListener::new_with_options(&browser::document(), "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
                if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                    App::on_key(&link, e);
                }
            });
        let link = ctx.link().clone();
        let resize = EventListener::new(&browser::window(), "resize", move |_| link.send_message(Msg::Redraw));
        let link = ctx.link().clone();
        let hash = EventListener::new(&browser::window(), "hashchange", move |_| link.send_message(Msg::HashChanged));
        let link = ctx.link().clone();
        let pop = EventListener::new(&browser::window(), "popstate", move |_| link.send_message(Msg::PopState));
        let mut app = App {
            lab: Lab::new(sc),
            view: view_from_hash().unwrap_or(ViewId(0)),
            playing: false,
            speed: DEFAULT_SPEED,
            credit: 0.0,
            last_frame: None,
            step_to: None,
            last_push: f64::NEG_INFINITY,
            preset_started: 0.0,
            lecture: false,
            help: false,
            notices: notices.iter().map(|n| n.to_string()).collect(),
            share: None,
            canvas: NodeRef::default(),
            raf: None,
            data: DataState::Idle,
            _listeners: vec![keys, resize, hash, pop],
            canvas_size: None,
            offline: browser::offline_ready().then_some(true),
        };
        // A deliberate panic, to check the panic banner end to end.
        if browser::window().location().hash().unwrap_or_default() == "#panic-test" {
            panic!("deliberate panic requested by #panic-test");
        }
        // Start playing at once: the first plot fills in without a click.
        app.scenario_changed(ctx, false);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Edit(edit) => {
                let before = self.lab.scenario().clone();
                let notices = self.lab.edit(&edit);
                self.notify(notices);
                if *self.lab.scenario() != before {
                    self.scenario_changed(ctx, true);
                }
            }
            Msg::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else {
                    if self.lab.is_done(self.view) {
                        self.lab.reset();
                    }
                    self.play(ctx);
                }
            }
            Msg::Step => {
                // One unit of the view: an iteration of every run, one α point, one n point. What
                // fits in this task is done now, the rest in the next frames.
                self.playing = false;
                let (lab, view) = (&mut self.lab, self.view);
                let target = lab.progress(view) + 1;
                within_budget(FRAME_BUDGET_MS, || lab.progress(view) < target && lab.work(view, 4) > 0);
                if lab.progress(view) < target && !lab.is_done(view) {
                    self.step_to = Some(target);
                    self.schedule_frame(ctx);
                }
            }
            Msg::Reset => {
                self.lab.reset();
                self.credit = 0.0;
            }
            Msg::Speed(i) => {
                self.speed = i.min(SPEEDS.len() - 1);
                self.credit = 0.0;
            }
            Msg::View(v) => {
                self.show_view(ctx, v);
                self.sync_url(false);
            }
            Msg::HashChanged => {
                if let Some(v) = view_from_hash().filter(|v| *v != self.view) {
                    self.show_view(ctx, v);
                }
            }
            Msg::PopState => self.load_from_url(ctx),
            Msg::ViewOption(id, value) => {
                if self.lab.set_option(self.view, id, &value) && !self.lab.is_done(self.view) {
                    self.play(ctx);
                }
            }
            Msg::Lecture => self.lecture = !self.lecture,
            Msg::Help(on) => self.help = on,
            Msg::CopyLink => {
                let link = browser::href();
                browser::copy_text(&link);
                self.share = Some(link);
            }
            Msg::Export(kind) => {
                let name = format!("byzlab-{}-seed{}", self.view.key(), self.lab.scenario().seed);
                match kind {
                    Export::Png => {
                        if let Some(c) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
                            if let Ok(url) = c.to_data_url() {
                                browser::download_url(&format!("{name}.png"), &url);
                            }
                        }
                    }
                    Export::Svg => {
                        let (w, h) = self
                            .canvas
                            .cast::<web_sys::HtmlCanvasElement>()
                            .map_or((960, 600), |c| (c.client_width().max(320) as u32, c.client_height().max(200) as u32));
                        match browser::svg(&self.lab.plot(self.view), w, h) {
                            Ok(svg) => browser::download(&format!("{name}.svg"), "image/svg+xml", svg.as_bytes()),
                            Err(e) => self.notices.push(format!("SVG export failed: {e}")),
                        }
                    }
                    Export::Csv => browser::download(&format!("{name}.csv"), "text/csv", self.lab.csv(self.view).as_bytes()),
                }
                return false;
            }
            Msg::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Msg::Frame => {
                self.raf = None;
                if self.playing || self.step_to.is_some() {
                    self.work_frame();
                    if self.playing || self.step_to.is_some() {
                        self.schedule_frame(ctx);
                    }
                }
            }
            Msg::Data(result) => match result.and_then(|b| Dataset::from_bytes(&b)) {
                Ok(d) => {
                    self.data = DataState::Idle;
                    self.lab.set_data(Arc::new(d));
                    self.play(ctx);
                }
                Err(e) => {
                    self.notices.push(format!("could not load the MNIST data: {e}"));
                    self.data = DataState::Failed(e);
                }
            },
            Msg::Redraw => {}
            Msg::Preset(id) => {
                if let Some(v) = self.lab.load_preset(id) {
                    self.view = v;
                    self.preset_started = browser::now();
                    self.scenario_changed(ctx, true);
                    // The table appears under the plot, at the top of the page.
                    browser::window().scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            Msg::ClosePreset => self.lab.close_preset(),
            Msg::Offline => {
                self.offline = Some(false);
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    link.send_message(Msg::OfflineReady(browser::make_offline().await));
                });
            }
            Msg::OfflineReady(ok) => {
                self.offline = ok.then_some(true);
                if !ok {
                    self.notices.push("this browser cannot keep an offline copy (no service worker support)".into());
                }
            }
        }
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first: bool) {
        if let Some(c) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
            if self.canvas_size.is_none() {
                let link = ctx.link().clone();
                self.canvas_size = browser::SizeWatch::new(&c, move || link.send_message(Msg::Redraw));
            }
            let size = self.canvas_size.as_ref().and_then(|s| s.size());
            browser::draw(&c, size, &self.lab.plot(self.view), self.lab.error().is_none(), self.lecture);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let text = self.lab.explanation(self.view);
        let on_edit = link.callback(Msg::Edit);
        let notes = self.lab.assumption_notes();
        html! {
            <div id="app" class={classes!("app", self.lecture.then_some("lecture"))}>
                <header>
                    <h1>{"byzlab"}</h1>
                    <p class="tagline">{"Byzantine-robust distributed learning, live: one master, m workers, ⌊αm⌋ of them Byzantine."}</p>
                    <div class="header-buttons">
                        <button id="lecture" aria-pressed={self.lecture.to_string()} onclick={link.callback(|_| Msg::Lecture)} title="Large type and thick lines for a projector (L)">{"Lecture mode"}</button>
                        <button id="help" onclick={link.callback(|_| Msg::Help(true))} title="Keyboard shortcuts (?)">{"Keys ?"}</button>
                        <button id="offline" disabled={self.offline.is_some()} onclick={link.callback(|_| Msg::Offline)} title="Keep a copy in this browser to present with no network">
                            { match self.offline { None => "Available offline", Some(false) => "Saving…", Some(true) => "✓ Works offline" } }
                        </button>
                    </div>
                </header>
                { self.notices_html(link) }
                <div class="layout">
                    <div class="stage">
                        <nav class="views" aria-label="views">
                            { for ViewId::all().map(|v| {
                                html! { <button id={format!("view-{}", v.key())} class="tab" aria-pressed={(v == self.view).to_string()} onclick={link.callback(move |_| Msg::View(v))} title={format!("{} (key {})", v.label(), v.shortcut())}>{ format!("{} {}", v.shortcut(), v.label()) }</button> }
                            }) }
                        </nav>
                        { self.transport(link) }
                        <div class="plot-wrap">
                            <canvas id="plot" ref={self.canvas.clone()} role="img" aria-label={format!("{} plot", self.view.label())}></canvas>
                        </div>
                        if !notes.is_empty() {
                            <div class="notes" id="assumptions">{ for notes.iter().map(|n| html! { <span class="warn">{ format!("⚠ {n}") }</span> }) }</div>
                        }
                        { self.view_options(link) }
                    </div>
                    <aside class="controls" aria-label="scenario controls">{ scenario_controls(self.lab.scenario(), &on_edit) }</aside>
                    <div class="below">
                        { self.preset_table(link) }
                        <section class="explain" aria-label="what this view shows">
                            { for text.lines.iter().map(|l| html! { <p>{ with_symbols(l) }</p> }) }
                            if !text.why.is_empty() {
                                <div class="why" id="why">
                                    <h3>{"Why"}</h3>
                                    { for text.why.iter().map(|l| html! { <p>{ with_symbols(l) }</p> }) }
                                </div>
                            }
                            <div class="formula">{ Html::from_html_unchecked(AttrValue::from(text.mathml)) }</div>
                            <p class="source">{ format!("Source: {}", text.source) }</p>
                        </section>
                        <div class="export">
                            <button id="export-png" title="The plot as a PNG picture" onclick={link.callback(|_| Msg::Export(Export::Png))}>{"PNG"}</button>
                            <button id="export-svg" title="The plot as an SVG drawing" onclick={link.callback(|_| Msg::Export(Export::Svg))}>{"SVG"}</button>
                            <button id="export-csv" title="The data behind the plot" onclick={link.callback(|_| Msg::Export(Export::Csv))}>{"CSV"}</button>
                            <button id="copy-link" title="A link that reproduces this run exactly" onclick={link.callback(|_| Msg::CopyLink)}>{"Copy link"}</button>
                            if let Some(s) = &self.share {
                                <input id="share-link" class="share" readonly=true value={s.clone()} aria-label="link to this run" />
                            }
                        </div>
                        { self.papers(link) }
                    </div>
                </div>
                if self.help { { self.help_html(link) } }
            </div>
        }
    }
}

/// A line of text with every symbol of the glossary given its meaning as a tooltip.
fn with_symbols(text: &str) -> Html {
    html! {
        { for crate::lab::glossary::spans(text).into_iter().map(|(t, meaning)| match meaning {
            Some(m) => html! { <abbr class="sym" title={m}>{ t }</abbr> },
            None => html! { { t } },
        }) }
    }
}

impl App {
    fn notices_html(&self, link: &yew::html::Scope<Self>) -> Html {
        if self.notices.is_empty() {
            return html! {};
        }
        html! {
            <div id="notices" class="notices" role="status">
                { for self.notices.iter().enumerate().map(|(i, n)| html! {
                    <div class="notice">
                        <span>{ n.clone() }</span>
                        <button class="dismiss" aria-label="dismiss" onclick={link.callback(move |_| Msg::Dismiss(i))}>{"×"}</button>
                    </div>
                }) }
            </div>
        }
    }

    fn transport(&self, link: &yew::html::Scope<Self>) -> Html {
        let unit = self.lab.unit(self.view);
        let speed = |v: usize| if v == usize::MAX { "max".to_string() } else { format!("{v} {unit}/s") };
        html! {
            <div class="transport">
                <button id="play" class="primary" onclick={link.callback(|_| Msg::TogglePlay)} title="play / pause (space)">
                    { if self.playing { "‖ Pause" } else { "▶ Play" } }
                </button>
                <button id="step" onclick={link.callback(|_| Msg::Step)} title={format!("one step: one more of the {unit} (→)")}>{"Step →"}</button>
                <button id="reset" onclick={link.callback(|_| Msg::Reset)} title="restart (r)">{"Reset ↺"}</button>
                <label for="speed" title="how many units the view advances per second">{"speed"}</label>
                <select id="speed" title={format!("{unit} per second")} onchange={link.callback(|e: Event| Msg::Speed(e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index().max(0) as usize))}>
                    { for SPEEDS.iter().enumerate().map(|(i, v)| html! { <option selected={i == self.speed}>{ speed(*v) }</option> }) }
                </select>
                <span id="iteration" class="counter" aria-live="polite">{ self.lab.status_line(self.view) }</span>
            </div>
        }
    }

    /// The view's own menus (what the error curves plot, what the rates are against).
    fn view_options(&self, link: &yew::html::Scope<Self>) -> Html {
        let options = self.lab.options(self.view);
        if options.is_empty() {
            return html! {};
        }
        html! {
            <div class="view-options">
                { for options.into_iter().map(|o| {
                    let id = o.id;
                    html! {
                        <>
                            <label for={id}>{ o.label }</label>
                            <select {id} title={format!("what the plot shows: {}", o.label)} onchange={link.callback(move |e: Event| Msg::ViewOption(id, e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                                { for o.choices.iter().map(|(k, l)| html! { <option value={*k} selected={*k == o.value}>{ *l }</option> }) }
                            </select>
                        </>
                    }
                }) }
            </div>
        }
    }

    /// The loaded preset's table, right under the plot it describes: the paper's numbers beside
    /// ours, the progress with a time estimate, then the checks of the paper's orderings.
    fn preset_table(&self, link: &yew::html::Scope<Self>) -> Html {
        use presets::Paper;
        let Some(run) = self.lab.preset() else {
            return match self.lab.preset_id() {
                Some(_) => html! { <p class="progress">{"loading the MNIST data for this preset…"}</p> },
                None => html! {},
            };
        };
        let p = &run.preset;
        let (done, total) = run.progress();
        let rows = p.rows.iter().zip(&run.values).enumerate().map(|(i, (r, v))| {
            let (paper, diff) = match &r.paper {
                Paper::Num(x) => (p.format(*x), if v.is_finite() { p.format(v - x) } else { "–".into() }),
                Paper::Text(t) => (t.to_string(), "–".into()),
            };
            let ours = if i == done && !run.is_done() { "computing…".to_string() } else { p.format_ours(i, *v, run.spreads[i]) };
            html! { <tr><th scope="row">{ r.label.clone() }</th><td>{ paper }</td><td class="ours">{ ours }</td><td>{ diff }</td></tr> }
        });
        let checks = if run.is_done() { run.check_orders() } else { Vec::new() };
        let progress = if let Some(e) = &run.error {
            format!("stopped: {e}")
        } else if run.is_done() {
            "table complete".to_string()
        } else {
            let f = run.fraction();
            let elapsed = (browser::now() - self.preset_started) / 1000.0;
            let left = if f > 0.02 { format!(" · about {:.0} s left", elapsed * (1.0 - f) / f) } else { String::new() };
            format!("computing row {} of {total} · {:.0} % done{left}", done + 1, 100.0 * f)
        };
        html! {
            <div class="preset" id="preset-table">
                <h3>{ p.title }</h3>
                <p class="progress" id="preset-progress">
                    { progress }
                    if !run.is_done() { <progress max="1" value={run.fraction().to_string()}></progress> }
                </p>
                <table>
                    <thead><tr><th>{ p.unit.label() }</th><th>{"paper"}</th><th>{ format!("ours (range over {} seeds)", presets::ROW_SEEDS) }</th><th>{"ours − paper"}</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if !checks.is_empty() {
                    <ul class="checks">{ for checks.iter().map(|c| {
                        let class = match c.outcome { presets::Outcome::Holds => "ok", presets::Outcome::Indistinct => "even", presets::Outcome::Reversed => "no" };
                        html! { <li {class}>{ format!("{} {}", c.mark(), c.text) }</li> }
                    }) }</ul>
                }
                <p class="source">{ format!("Source: {}", p.source) }</p>
                <p><b>{"Should match: "}</b>{ p.matches }</p>
                <p><b>{"Cannot match: "}</b>{ p.differs }</p>
                <button onclick={link.callback(|_| Msg::ClosePreset)}>{"Close table"}</button>
            </div>
        }
    }

    fn papers(&self, link: &yew::html::Scope<Self>) -> Html {
        let active = self.lab.preset_id();
        html! {
            <section id="papers" class="papers" aria-label="reproduce the papers">
                <h2>{"Papers"}</h2>
                <p>{"Each preset loads a paper's set-up (a link like any other) and computes its table under the plot: the paper's numbers beside ours."}</p>
                <div class="preset-list">
                    { for presets::all().iter().map(|p| {
                        let id = p.id;
                        html! { <button id={format!("preset-{id}")} aria-pressed={(active == Some(id)).to_string()} title={p.title} onclick={link.callback(move |_| Msg::Preset(id))}>{ p.short }</button> }
                    }) }
                </div>
            </section>
        }
    }

    fn help_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let last = ViewId::all().last().map_or('1', |v| v.shortcut());
        let views = format!("1 – {last}");
        let keys = [
            ("space", "play / pause"),
            ("→", "one step"),
            ("r", "reset"),
            (views.as_str(), "switch view"),
            ("l", "lecture mode"),
            ("?", "this help"),
            ("Esc", "close"),
        ];
        html! {
            <div id="help-overlay" class="overlay" role="dialog" aria-modal="true" aria-label="keyboard shortcuts" onclick={link.callback(|_| Msg::Help(false))}>
                <div class="dialog">
                    <h2>{"Keyboard shortcuts"}</h2>
                    <dl>{ for keys.iter().map(|(k, v)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *v }</dd></> }) }</dl>
                    <dl class="views-help">{ for ViewId::all().map(|v| html! { <><dt><kbd>{ v.shortcut() }</kbd></dt><dd>{ v.label() }</dd></> }) }</dl>
                    <p>{"Every control lives in the address bar: copy the link to share a run exactly."}</p>
                    <button onclick={link.callback(|_| Msg::Help(false))}>{"Close"}</button>
                </div>
            </div>
        }
    }
}

/// Bytes of wasm linear memory in use (the end-to-end tests watch it over long sessions).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
        as f64
}

pub fn start() {
    browser::install_panic_hook();
    let root = browser::document().get_element_by_id("root").expect("#root");
    yew::Renderer::<App>::with_root(root).render();
}
