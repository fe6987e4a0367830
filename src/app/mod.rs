//! The Yew single-page app (wasm32 only). It holds no maths: user input goes to the [`Lab`], whose
//! views are drawn on a canvas; the scenario lives in the address bar's query string.

pub mod browser;
mod controls;

use crate::engine::data::{Dataset, DATA_URL};
use crate::engine::scenario::{self, AggKind, AggSpec, AlgoKind, AttackKind, ProblemKind, Scenario};
use crate::lab::{explanation, Lab, Metric, RatesAxis, View};
use controls::{Check, NumberField, OnSet, Select, Slider};
use gloo_events::EventListener;
use gloo_render::AnimationFrame;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Iterations per animation frame for the error curves, by speed setting.
const SPEEDS: [(usize, &str); 6] = [(1, "1×"), (2, "2×"), (5, "5×"), (20, "20×"), (100, "100×"), (usize::MAX, "max")];
/// Milliseconds of computation allowed per animation frame.
const FRAME_BUDGET_MS: f64 = 10.0;

pub enum Msg {
    Set(String, String),
    ToggleAgg(AggKind, bool),
    Nnm(bool),
    TogglePlay,
    Step,
    Reset,
    Speed(usize),
    View(View),
    Metric(Metric),
    RatesAxis(RatesAxis),
    Lecture,
    Help(bool),
    CopyLink,
    Export(&'static str),
    Dismiss(usize),
    Frame,
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
    view: View,
    playing: bool,
    speed: usize,
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

fn view_from_hash() -> Option<View> {
    let h = browser::window().location().hash().unwrap_or_default();
    View::from_key(h.trim_start_matches('#'))
}

impl App {
    fn sync_url(&self) {
        browser::set_query(&format!("{}#{}", self.lab.scenario().to_query(), self.view.key()));
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

    fn set_scenario(&mut self, ctx: &Context<Self>, sc: Scenario) {
        self.lab.set_scenario(sc);
        self.fetch_data_if_needed(ctx);
        self.sync_url();
    }

    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.raf.is_none() {
            let link = ctx.link().clone();
            self.raf = Some(gloo_render::request_animation_frame(move |_| link.send_message(Msg::Frame)));
        }
    }

    /// Runs the visible view (and a preset's table, if one is computing) for at most the frame budget.
    fn work_frame(&mut self) {
        let preset_running = self.lab.preset().is_some_and(|p| !p.is_done());
        if preset_running {
            let lab = &mut self.lab;
            within_budget(FRAME_BUDGET_MS / 2.0, || lab.work_preset(4) > 0);
        }
        let (lab, view) = (&mut self.lab, self.view);
        match view {
            View::Curves | View::Master => {
                // Speed = iterations of every curve per frame; work goes one run-step at a time.
                let mut left = SPEEDS[self.speed].0.saturating_mul(lab.run_count(view));
                within_budget(FRAME_BUDGET_MS, || {
                    left = left.saturating_sub(1);
                    lab.work(view, 1) > 0 && left > 0
                });
            }
            _ => within_budget(FRAME_BUDGET_MS, || lab.work(view, 4) > 0),
        }
        if self.lab.is_done(self.view) && !self.lab.preset().is_some_and(|p| !p.is_done()) {
            self.playing = false;
        }
    }

    fn on_key(link: &yew::html::Scope<Self>, e: &web_sys::KeyboardEvent) {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        // In text and number fields every key is typing; on sliders the arrows move the slider.
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let (tag, kind) = target.as_ref().map_or((String::new(), String::new()), |t| (t.tag_name(), t.get_attribute("type").unwrap_or_default()));
        let typing = tag == "TEXTAREA" || tag == "SELECT" || (tag == "INPUT" && kind != "range" && kind != "checkbox");
        let key = e.key();
        if key == "Escape" {
            link.send_message(Msg::Help(false));
            return;
        }
        if typing || (tag == "INPUT" && key.starts_with("Arrow")) {
            return;
        }
        let msg = match key.as_str() {
            " " => Msg::TogglePlay,
            "ArrowRight" => Msg::Step,
            "r" | "R" => Msg::Reset,
            "l" | "L" => Msg::Lecture,
            "?" => Msg::Help(true),
            k if k.len() == 1 && ("1"..="5").contains(&k) => Msg::View(View::ALL[k.parse::<usize>().unwrap_or(1) - 1]),
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
        let keys = EventListener::new(&browser::document(), "keydown", move |e| {
            if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                App::on_key(&link, e);
            }
        });
        let link = ctx.link().clone();
        let resize = EventListener::new(&browser::window(), "resize", move |_| link.send_message(Msg::Redraw));
        let mut app = App {
            lab: Lab::new(sc),
            view: view_from_hash().unwrap_or(View::Curves),
            playing: false,
            speed: 2,
            lecture: false,
            help: false,
            notices: notices.iter().map(|n| n.to_string()).collect(),
            share: None,
            canvas: NodeRef::default(),
            raf: None,
            data: DataState::Idle,
            _listeners: vec![keys, resize],
            canvas_size: None,
            offline: browser::offline_ready().then_some(true),
        };
        // A deliberate panic, to check the panic banner end to end.
        if browser::window().location().hash().unwrap_or_default() == "#panic-test" {
            panic!("deliberate panic requested by #panic-test");
        }
        app.fetch_data_if_needed(ctx);
        app.sync_url();
        // Start playing at once: the first plot fills in without a click.
        app.playing = true;
        app.schedule_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Set(key, value) => {
                let mut sc = self.lab.scenario().clone();
                if key == "problem" {
                    match ProblemKind::from_key(&value) {
                        Some(p) => sc = Scenario { seed: sc.seed, ..Scenario::defaults_for(p) },
                        None => return false,
                    }
                } else {
                    // Out-of-range values are clamped; the control then shows the clamped value.
                    let _ = sc.set(&key, &value);
                }
                sc.sanitize();
                self.set_scenario(ctx, sc);
                self.playing = true;
                self.schedule_frame(ctx);
            }
            Msg::ToggleAgg(kind, on) => {
                let mut sc = self.lab.scenario().clone();
                let nnm = sc.aggs.iter().any(|a| a.nnm);
                sc.aggs.retain(|a| a.kind != kind);
                if on {
                    sc.aggs.push(AggSpec { kind, nnm: nnm && kind != AggKind::Rsa });
                    let order = |a: &AggSpec| AggKind::ALL.iter().position(|k| *k == a.kind);
                    sc.aggs.sort_by_key(order);
                }
                if sc.aggs.is_empty() {
                    return true;
                }
                self.set_scenario(ctx, sc);
                self.playing = true;
                self.schedule_frame(ctx);
            }
            Msg::Nnm(on) => {
                let mut sc = self.lab.scenario().clone();
                sc.aggs.iter_mut().filter(|a| a.kind != AggKind::Rsa).for_each(|a| a.nnm = on);
                self.set_scenario(ctx, sc);
                self.playing = true;
                self.schedule_frame(ctx);
            }
            Msg::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else {
                    if self.lab.is_done(self.view) {
                        self.lab.reset();
                    }
                    self.playing = true;
                    self.schedule_frame(ctx);
                }
            }
            Msg::Step => {
                // One iteration of every run of the view (a sweep: one more run-step).
                self.playing = false;
                let n = self.lab.run_count(self.view);
                self.lab.work(self.view, n);
            }
            Msg::Reset => {
                self.lab.reset();
            }
            Msg::Speed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Msg::View(v) => {
                self.view = v;
                // Set the view up now, so this task draws its first (empty) frame and the first
                // unit of work comes in the next one: the first draw of a view runs code the
                // browser has not compiled yet, and together with work it made a 60 ms task.
                self.lab.prepare(v);
                self.sync_url();
                // A view that has not been computed yet starts filling in at once.
                if !self.lab.is_done(v) {
                    self.playing = true;
                }
                if self.playing {
                    self.schedule_frame(ctx);
                }
            }
            Msg::Metric(m) => self.lab.metric = m,
            Msg::RatesAxis(a) => self.lab.set_rates_axis(a),
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
                    "png" => {
                        if let Some(c) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
                            if let Ok(url) = c.to_data_url() {
                                browser::download_url(&format!("{name}.png"), &url);
                            }
                        }
                    }
                    "svg" => {
                        let (w, h) = self.canvas.cast::<web_sys::HtmlCanvasElement>().map_or((960, 600), |c| (c.client_width().max(320) as u32, c.client_height().max(200) as u32));
                        match browser::svg(&self.lab, self.view, w, h) {
                            Ok(svg) => browser::download(&format!("{name}.svg"), "image/svg+xml", svg.as_bytes()),
                            Err(e) => self.notices.push(format!("SVG export failed: {e}")),
                        }
                    }
                    _ => browser::download(&format!("{name}.csv"), "text/csv", self.lab.csv(self.view).as_bytes()),
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
                if self.playing {
                    self.work_frame();
                    if self.playing {
                        self.schedule_frame(ctx);
                    }
                }
            }
            Msg::Data(result) => match result.and_then(|b| Dataset::from_bytes(&b)) {
                Ok(d) => {
                    self.data = DataState::Idle;
                    self.lab.set_data(Arc::new(d));
                    self.playing = true;
                    self.schedule_frame(ctx);
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
                    self.fetch_data_if_needed(ctx);
                    self.sync_url();
                    self.playing = true;
                    self.schedule_frame(ctx);
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
            browser::draw(&c, size, &self.lab, self.view, self.lecture);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let sc = self.lab.scenario();
        let text = explanation(self.view, sc);
        let on_set: OnSet = link.callback(|(k, v): (String, String)| Msg::Set(k, v));
        html! {
            <div id="app" class={classes!("app", self.lecture.then_some("lecture"))}>
                <header>
                    <h1>{"byzlab"}</h1>
                    <p class="tagline">{"Byzantine-robust distributed learning, live: one master, m workers, ⌊αm⌋ of them Byzantine."}</p>
                    <div class="header-buttons">
                        <button id="lecture" aria-pressed={self.lecture.to_string()} onclick={link.callback(|_| Msg::Lecture)} title="Large type and thick lines (L)">{"Lecture mode"}</button>
                        <button id="help" onclick={link.callback(|_| Msg::Help(true))} title="Keyboard shortcuts (?)">{"Keys ?"}</button>
                        <button id="offline" disabled={self.offline.is_some()} onclick={link.callback(|_| Msg::Offline)} title="Keep a copy in this browser to present with no network">
                            { match self.offline { None => "Available offline", Some(false) => "Saving…", Some(true) => "✓ Works offline" } }
                        </button>
                    </div>
                </header>
                { self.notices_html(link) }
                <div class="layout">
                    <aside class="controls" aria-label="scenario controls">{ self.controls(link, &on_set) }</aside>
                    <main>
                        <nav class="views" aria-label="views">
                            { for View::ALL.iter().enumerate().map(|(i, v)| {
                                let v = *v;
                                html! { <button id={format!("view-{}", v.key())} class="tab" aria-pressed={(v == self.view).to_string()} onclick={link.callback(move |_| Msg::View(v))} title={format!("key {}", i + 1)}>{ format!("{} {}", i + 1, v.label()) }</button> }
                            }) }
                        </nav>
                        { self.transport(link) }
                        <div class="plot-wrap">
                            <canvas id="plot" ref={self.canvas.clone()} role="img" aria-label={format!("{} plot", self.view.label())}></canvas>
                        </div>
                        { self.view_options(link) }
                        <section class="explain" aria-label="what this view shows">
                            { for text.lines.iter().map(|l| html! { <p>{ l.clone() }</p> }) }
                            <div class="formula">{ Html::from_html_unchecked(AttrValue::from(text.mathml)) }</div>
                            <p class="source">{ format!("Source: {}", text.source) }</p>
                        </section>
                        <div class="export">
                            <button id="export-png" onclick={link.callback(|_| Msg::Export("png"))}>{"PNG"}</button>
                            <button id="export-svg" onclick={link.callback(|_| Msg::Export("svg"))}>{"SVG"}</button>
                            <button id="export-csv" onclick={link.callback(|_| Msg::Export("csv"))}>{"CSV"}</button>
                            <button id="copy-link" onclick={link.callback(|_| Msg::CopyLink)}>{"Copy link"}</button>
                            if let Some(s) = &self.share {
                                <input id="share-link" class="share" readonly=true value={s.clone()} aria-label="link to this run" />
                            }
                        </div>
                        { self.papers(link) }
                    </main>
                </div>
                if self.help { { self.help_html(link) } }
            </div>
        }
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
        let notes = self.lab.assumption_notes();
        html! {
            <div class="transport">
                <button id="play" class="primary" onclick={link.callback(|_| Msg::TogglePlay)} title="play / pause (space)">
                    { if self.playing { "‖ Pause" } else { "▶ Play" } }
                </button>
                <button id="step" onclick={link.callback(|_| Msg::Step)} title="one iteration (→)">{"Step →"}</button>
                <button id="reset" onclick={link.callback(|_| Msg::Reset)} title="restart (r)">{"Reset ↺"}</button>
                <label for="speed">{"speed"}</label>
                <select id="speed" onchange={link.callback(|e: Event| Msg::Speed(e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index().max(0) as usize))}>
                    { for SPEEDS.iter().enumerate().map(|(i, (_, l))| html! { <option selected={i == self.speed}>{ *l }</option> }) }
                </select>
                <span id="iteration" class="counter" aria-live="polite">{ self.lab.status_line(self.view) }</span>
                { for notes.iter().map(|n| html! { <span class="warn">{ format!("⚠ {n}") }</span> }) }
            </div>
        }
    }

    fn view_options(&self, link: &yew::html::Scope<Self>) -> Html {
        match self.view {
            View::Curves => {
                let p = self.lab.scenario().problem;
                html! {
                    <div class="view-options">
                        <label for="metric">{"plot"}</label>
                        <select id="metric" onchange={link.callback(|e: Event| Msg::Metric(Metric::from_key(&e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()).unwrap_or(Metric::Error)))}>
                            { for Metric::ALL.iter().filter(|m| m.applies(p)).map(|m| html! { <option value={m.key()} selected={*m == self.lab.metric}>{ m.label() }</option> }) }
                        </select>
                    </div>
                }
            }
            View::Rates => html! {
                <div class="view-options">
                    <label for="rates-axis">{"against"}</label>
                    <select id="rates-axis" onchange={link.callback(|e: Event| Msg::RatesAxis(if e.target_unchecked_into::<web_sys::HtmlSelectElement>().value() == "m" { RatesAxis::M } else { RatesAxis::N }))}>
                        <option value="n" selected={self.lab.rates_axis == RatesAxis::N}>{"samples per worker n"}</option>
                        <option value="m" selected={self.lab.rates_axis == RatesAxis::M}>{"workers m"}</option>
                    </select>
                </div>
            },
            _ => html! {},
        }
    }

    fn controls(&self, link: &yew::html::Scope<Self>, on_set: &OnSet) -> Html {
        let sc = self.lab.scenario();
        let p = sc.problem;
        let opts = |pairs: Vec<(&str, &str)>| pairs.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let problems = ProblemKind::ALL.iter().map(|k| (k.key().to_string(), k.label().to_string())).collect::<Vec<_>>();
        let attacks = AttackKind::ALL
            .iter()
            .filter(|a| match a {
                AttackKind::Saddle | AttackKind::Oracle => p == ProblemKind::Saddle,
                AttackKind::LabelFlip | AttackKind::RandLabel => p != ProblemKind::Saddle,
                _ => true,
            })
            .map(|k| (k.key().to_string(), k.label().to_string()))
            .collect::<Vec<_>>();
        let algos = AlgoKind::ALL
            .iter()
            .filter(|a| p != ProblemKind::Saddle || **a != AlgoKind::OneRound)
            .map(|k| (k.key().to_string(), k.label().to_string()))
            .collect::<Vec<_>>();
        let has = |k: AggKind| sc.aggs.iter().any(|a| a.kind == k);
        let nnm = sc.aggs.iter().any(|a| a.nnm);
        let f = sc.assumed_f();
        html! {
            <>
            <fieldset>
                <legend>{"Problem and data"}</legend>
                <Select id="problem" label={html!{"problem"}} options={problems} value={p.key()} on_set={on_set.clone()} />
                <Slider id="m" label={html!{<><i>{"m"}</i>{" workers"}</>}} min={1.0} max={scenario::M_MAX as f64} step={1.0} value={sc.m as f64} on_set={on_set.clone()} />
                <Slider id="n" label={html!{<><i>{"n"}</i>{" samples per worker"}</>}} min={1.0} max={scenario::N_MAX as f64} step={1.0} value={sc.n as f64} on_set={on_set.clone()} />
                if matches!(p, ProblemKind::LinReg | ProblemKind::Mean) {
                    <Slider id="d" label={html!{<><i>{"d"}</i>{" dimension"}</>}} min={1.0} max={scenario::D_MAX as f64} step={1.0} value={sc.d as f64} on_set={on_set.clone()} />
                }
                if p != ProblemKind::Saddle {
                    <Select id="split" label={html!{"data split"}} options={opts(vec![("iid", "i.i.d."), ("hetero", "heterogeneous")])} value={sc.split.key()} on_set={on_set.clone()} />
                }
                if p == ProblemKind::LinReg {
                    <Select id="x" label={html!{<>{"features "}<i>{"x"}</i></>}} options={opts(vec![("pm1", "uniform on {±1}ᵈ"), ("gauss", "Gaussian N(0, I)")])} value={sc.xdist.key()} on_set={on_set.clone()} />
                }
                if !p.is_classification() {
                    <Slider id="sigma" label={html!{<><i>{"σ"}</i>{" noise"}</>}} min={0.0} max={5.0} step={0.05} value={sc.sigma} on_set={on_set.clone()} />
                }
                if p == ProblemKind::Saddle {
                    <NumberField id="w0" label={html!{<><i>{"w"}</i><sub>{"0"}</sub>{" start (w₁,w₂)"}</>}} value={format!("{},{}", sc.w0[0], sc.w0[1])} on_set={on_set.clone()} />
                }
            </fieldset>
            <fieldset>
                <legend>{"Byzantine workers"}</legend>
                <Slider id="alpha" label={html!{<><i>{"α"}</i>{" Byzantine fraction"}</>}} min={0.0} max={scenario::ALPHA_MAX} step={0.01} value={sc.alpha}
                    note={AttrValue::from(format!("⌊αm⌋ = {} of {} workers", sc.byzantine(), sc.m))} on_set={on_set.clone()} />
                <Select id="attack" label={html!{"attack"}} options={attacks} value={sc.attack.key()} on_set={on_set.clone()} />
                { self.attack_params(on_set) }
            </fieldset>
            <fieldset>
                <legend>{"Master's aggregation"}</legend>
                <Slider id="beta" label={html!{<><i>{"β"}</i>{" assumed fraction"}</>}} min={0.0} max={scenario::BETA_MAX} step={0.01} value={sc.beta}
                    note={AttrValue::from(format!("trims / screens f = ⌊βm⌋ = {f}"))} on_set={on_set.clone()} />
                <div class="aggs" role="group" aria-label="aggregators to compare">
                    { for AggKind::ALL.iter().map(|k| {
                        let k = *k;
                        html! { <Check id={format!("agg-{}", k.key())} label={html!{ k.label() }} checked={has(k)} on_toggle={link.callback(move |on| Msg::ToggleAgg(k, on))} /> }
                    }) }
                </div>
                <Check id="nnm" label={html!{"NNM pre-aggregation (mix each message with its m − f nearest)"}} checked={nnm} on_toggle={link.callback(Msg::Nnm)} />
                if has(AggKind::GeoMed) {
                    <Slider id="gm_it" label={html!{"geometric median: Weiszfeld iterations"}} min={1.0} max={200.0} step={1.0} value={sc.gm_it as f64} on_set={on_set.clone()} />
                }
                if has(AggKind::CClip) {
                    <Slider id="cc_tau" label={html!{<>{"centered clipping "}<i>{"τ"}</i></>}} min={0.0} max={100.0} step={0.1} value={sc.cc_tau} on_set={on_set.clone()} />
                    <Slider id="cc_it" label={html!{<>{"centered clipping "}<i>{"L"}</i>{" iterations"}</>}} min={1.0} max={20.0} step={1.0} value={sc.cc_it as f64} on_set={on_set.clone()} />
                }
                if has(AggKind::Rsa) {
                    <Slider id="lam" label={html!{<>{"RSA penalty "}<i>{"λ"}</i></>}} min={0.0} max={5.0} step={0.01} value={sc.lam} on_set={on_set.clone()} />
                    <Select id="norm" label={html!{"RSA norm"}} options={opts(vec![("l1", "ℓ1"), ("l2", "ℓ2"), ("linf", "ℓ∞")])} value={sc.norm.key()} on_set={on_set.clone()} />
                }
            </fieldset>
            <fieldset>
                <legend>{"Algorithm"}</legend>
                <Select id="algo" label={html!{"algorithm"}} options={algos} value={sc.algo.key()} on_set={on_set.clone()} />
                <Slider id="eta" label={html!{<><i>{"η"}</i>{" step size"}</>}} min={0.001} max={2.0} step={0.001} value={sc.eta} on_set={on_set.clone()} />
                <Slider id="T" label={html!{<><i>{"T"}</i>{" iterations"}</>}} min={1.0} max={2000.0} step={1.0} value={sc.t as f64} on_set={on_set.clone()} />
                <Select id="sched" label={html!{"step schedule"}} options={opts(vec![("const", "constant η"), ("sqrt", "η/√k")])} value={sc.sched.key()} on_set={on_set.clone()} />
                if matches!(sc.algo, AlgoKind::Bpgd | AlgoKind::Pgd) {
                    if sc.algo == AlgoKind::Bpgd {
                        <Slider id="Q" label={html!{<><i>{"Q"}</i>{" perturbation rounds"}</>}} min={1.0} max={10.0} step={1.0} value={sc.q_rounds as f64} on_set={on_set.clone()} />
                        <Slider id="R" label={html!{<><i>{"R"}</i>{" escape radius"}</>}} min={0.05} max={2.0} step={0.05} value={sc.big_r} on_set={on_set.clone()} />
                    }
                    <Slider id="r" label={html!{<><i>{"r"}</i>{" perturbation radius"}</>}} min={0.0} max={1.0} step={0.01} value={sc.r} on_set={on_set.clone()} />
                    <Slider id="tth" label={html!{<><i>{"T"}</i><sub>{"th"}</sub>{" escape steps"}</>}} min={1.0} max={200.0} step={1.0} value={sc.tth as f64} on_set={on_set.clone()} />
                    <Slider id="eps" label={html!{<><i>{"ε"}</i>{" gradient threshold"}</>}} min={0.0} max={1.0} step={0.01} value={sc.eps} on_set={on_set.clone()} />
                }
                if p.is_classification() {
                    <Slider id="batch" label={html!{"mini-batch per worker (0 = all)"}} min={0.0} max={200.0} step={1.0} value={sc.batch as f64} on_set={on_set.clone()} />
                    <Slider id="l2" label={html!{"ℓ2 regulariser"}} min={0.0} max={0.1} step={0.001} value={sc.l2} on_set={on_set.clone()} />
                    <Check id="dro" label={html!{"Wasserstein DRO on honest workers"}} checked={sc.dro} on_toggle={{ let cb = on_set.clone(); Callback::from(move |on: bool| cb.emit(("dro".into(), if on { "1" } else { "0" }.into()))) }} />
                    if sc.dro {
                        <Slider id="dlam" label={html!{<>{"DRO "}<i>{"λ"}</i></>}} min={0.1} max={20.0} step={0.1} value={sc.dlam} on_set={on_set.clone()} />
                        <Slider id="eta_z" label={html!{<><i>{"η"}</i><sub>{"z"}</sub>{" inner step"}</>}} min={0.0} max={0.5} step={0.01} value={sc.eta_z} on_set={on_set.clone()} />
                        <Slider id="tz" label={html!{<><i>{"T"}</i><sub>{"z"}</sub>{" inner steps"}</>}} min={0.0} max={50.0} step={1.0} value={sc.tz as f64} on_set={on_set.clone()} />
                    }
                    <Select id="shift" label={html!{"test-time shift"}} options={opts(vec![("none", "none"), ("l1", "ℓ1"), ("l2", "ℓ2")])} value={sc.shift.key()} on_set={on_set.clone()} />
                }
                <NumberField id="seed" label={html!{"seed"}} value={sc.seed.to_string()} on_set={on_set.clone()} />
            </fieldset>
            </>
        }
    }

    fn attack_params(&self, on_set: &OnSet) -> Html {
        let sc = self.lab.scenario();
        let s = on_set.clone();
        match sc.attack {
            AttackKind::SameValue => html! { <Slider id="c" label={html!{<><i>{"c"}</i>{" (sends c·1)"}</>}} min={-200.0} max={200.0} step={1.0} value={sc.c} on_set={s} /> },
            AttackKind::SignFlip => html! { <Slider id="sf" label={html!{<><i>{"σ"}</i>{" (sends σ·g)"}</>}} min={-20.0} max={5.0} step={0.5} value={sc.sf} on_set={s} /> },
            AttackKind::Gaussian => html! { <Slider id="gstd" label={html!{"standard deviation"}} min={0.0} max={500.0} step={1.0} value={sc.gstd} on_set={s} /> },
            AttackKind::Ipm => html! { <Slider id="ipm" label={html!{<><i>{"ε"}</i>{" (sends −ε·μ)"}</>}} min={0.0} max={20.0} step={0.05} value={sc.ipm} on_set={s} /> },
            AttackKind::Alie => html! {
                <NumberField id="z" label={html!{<><i>{"z"}</i>{" (μ − z·s; auto = z_max)"}</>}} value={sc.z.map_or("auto".to_string(), scenario::fmt_f64)} on_set={s} />
            },
            AttackKind::Shift => html! { <Slider id="kappa" label={html!{<><i>{"κ"}</i>{" (μ + κ·s)"}</>}} min={0.0} max={50.0} step={0.5} value={sc.kappa} on_set={s} /> },
            AttackKind::Oracle => html! { <Slider id="delta" label={html!{<><i>{"Δ"}</i>{" oracle inexactness"}</>}} min={0.0} max={0.5} step={0.005} value={sc.delta} on_set={s} /> },
            _ => html! {},
        }
    }

    fn papers(&self, link: &yew::html::Scope<Self>) -> Html {
        use crate::lab::presets::{self, Paper};
        let active = self.lab.preset_id();
        let table = match self.lab.preset() {
            Some(run) => {
                let p = &run.preset;
                let (done, total) = run.progress();
                let unit = match p.unit {
                    presets::Unit::Accuracy => "test accuracy (%)",
                    presets::Unit::Misclass => "misclassification rate",
                    presets::Unit::Error => "final ‖w − w*‖",
                    presets::Unit::Probability => "probability",
                    presets::Unit::Slope => "log–log slope",
                    presets::Unit::Spread => "variance",
                };
                let rows = p.rows.iter().zip(&run.values).enumerate().map(|(i, (r, v))| {
                    let (paper, diff) = match &r.paper {
                        Paper::Num(x) => (p.format(*x), if v.is_finite() { p.format(v - x) } else { "–".into() }),
                        Paper::Text(t) => (t.to_string(), "–".into()),
                    };
                    let ours = if i == done && !run.is_done() { "computing…".to_string() } else if matches!(r.job, presets::Job::Spread { .. }) { presets::format_value(presets::Unit::Spread, *v) } else { p.format(*v) };
                    html! { <tr><th scope="row">{ r.label.clone() }</th><td>{ paper }</td><td class="ours">{ ours }</td><td>{ diff }</td></tr> }
                });
                let checks = if run.is_done() { run.check_orders() } else { Vec::new() };
                html! {
                    <div class="preset" id="preset-table">
                        <h3>{ p.title }</h3>
                        <p class="source">{ format!("Source: {}", p.source) }</p>
                        <table>
                            <thead><tr><th>{ unit }</th><th>{"paper"}</th><th>{"ours"}</th><th>{"ours − paper"}</th></tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                        <p class="progress" id="preset-progress">{ if let Some(e) = &run.error { format!("stopped: {e}") } else if run.is_done() { "table complete".to_string() } else { format!("computing row {} of {total}…", done + 1) } }</p>
                        if !checks.is_empty() {
                            <ul class="checks">{ for checks.iter().map(|(c, ok)| html! { <li class={if *ok { "ok" } else { "no" }}>{ format!("{} {c}", if *ok { "✓" } else { "✗ not reproduced:" }) }</li> }) }</ul>
                        }
                        <p><b>{"Should match: "}</b>{ p.matches }</p>
                        <p><b>{"Cannot match: "}</b>{ p.differs }</p>
                        <button onclick={link.callback(|_| Msg::ClosePreset)}>{"Close table"}</button>
                    </div>
                }
            }
            None if active.is_some() => html! { <p class="progress">{"loading the MNIST data for this preset…"}</p> },
            None => html! {},
        };
        html! {
            <section id="papers" class="papers" aria-label="reproduce the papers">
                <h2>{"Papers"}</h2>
                <p>{"Each preset loads a paper's set-up (a link like any other) and computes its table: the paper's numbers beside ours."}</p>
                <div class="preset-list">
                    { for presets::all().into_iter().map(|p| {
                        let id = p.id;
                        html! { <button id={format!("preset-{id}")} aria-pressed={(active == Some(id)).to_string()} title={p.title} onclick={link.callback(move |_| Msg::Preset(id))}>{ p.short }</button> }
                    }) }
                </div>
                { table }
            </section>
        }
    }

    fn help_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let keys = [
            ("space", "play / pause"),
            ("→", "one step"),
            ("r", "reset"),
            ("1 – 5", "switch view"),
            ("l", "lecture mode"),
            ("?", "this help"),
            ("Esc", "close"),
        ];
        html! {
            <div id="help-overlay" class="overlay" role="dialog" aria-modal="true" aria-label="keyboard shortcuts" onclick={link.callback(|_| Msg::Help(false))}>
                <div class="dialog">
                    <h2>{"Keyboard shortcuts"}</h2>
                    <dl>{ for keys.iter().map(|(k, v)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *v }</dd></> }) }</dl>
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
    wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

pub fn start() {
    browser::install_panic_hook();
    let root = browser::document().get_element_by_id("root").expect("#root");
    yew::Renderer::<App>::with_root(root).render();
}
