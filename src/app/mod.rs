//! The Yew single-page app (wasm32 only). It holds no maths and no domain rules: user input becomes
//! an [`Edit`] of the scenario (the page keeps the scenario: it lives in the address bar's query
//! string, the view in its hash) or a [`Command`] for the lab, which runs in a pool of Web Workers
//! ([`pool`], [`worker`]) and answers with [`Snapshot`]s that the page draws on a canvas. Where no
//! worker can start, the same lab runs here, in slices between frames.

mod adversary;
pub mod browser;
mod classroom;
mod compare;
mod controls;
mod map;
mod pool;
mod upload;
pub mod worker;

use crate::engine::data::data_url;
use crate::engine::scenario::DataSource;
use crate::engine::scenario::{Edit, Notice, Scenario};
use crate::lab::host::{Command, Host, Snapshot, ToPage};
use crate::lab::lessons::{self, Lesson};
use crate::lab::page::{self, Page, Theme};
use crate::lab::{presets, ViewId};
use crate::plots::Plot;
use controls::scenario_controls;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::AnimationFrame;
use pool::{Pool, PoolEvent};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The transport's speeds, in the view's units per second (iterations, α points); 0 is as fast
/// as the workers go.
const SPEEDS: [u32; 6] = [1, 5, 20, 60, 300, 0];
/// The speed a page opens with (300 per second: the default run takes a third of a second).
const DEFAULT_SPEED: usize = 4;
/// Scenario changes closer together than this (a slider being dragged) share one history entry.
const HISTORY_MERGE_MS: f64 = 1000.0;
/// Milliseconds of computation per frame when the lab runs on the page itself.
const FRAME_BUDGET_MS: f64 = 10.0;
/// Deaths of the lab worker within this many milliseconds after which it is not restarted with
/// the same scenario again (it would only die again).
const CRASH_WINDOW_MS: f64 = 10_000.0;

/// What a file export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Png,
    Svg,
    Csv,
    /// The scenario as a ByzFL benchmark configuration (`byzlab-cli export byzfl`).
    Byzfl,
}

pub enum Msg {
    Edit(Edit),
    TogglePlay,
    Step,
    Reset,
    Speed(usize),
    View(ViewId),
    ViewOption(String, String),
    Lecture,
    Help(bool),
    /// Open a lesson (at its first step) or close it (None).
    Lesson(Option<String>),
    /// Go to a step of the open lesson.
    GoStep(usize),
    /// One step on (+1) or back (−1) in the open lesson.
    LessonMove(i32),
    /// Hide (true) or show a panel or control.
    Hide(String, bool),
    /// The single controls to hide, as typed (comma-separated keys).
    HideKeys(String),
    Theme(Theme),
    /// Be the adversary: a handle over a Byzantine message.
    Handle(adversary::HandleMsg),
    /// Compare with a second scenario (its query), or stop (None).
    Compare(Option<String>),
    /// The page that embeds this one (compare) moved its transport.
    Remote(compare::Remote),
    /// Show (or hide) compare mode's A − B.
    CompareDiff(bool),
    /// The compared scenario's plot (wire bytes).
    ComparePlot(Vec<u8>),
    CopyLink,
    Export(Export),
    Dismiss(usize),
    Frame,
    /// The address bar's hash was edited.
    HashChanged,
    /// Back or Forward: the address bar holds another scenario.
    PopState,
    /// A data file arrived (or could not).
    Data(DataSource, Result<js_sys::Uint8Array, String>),
    /// A CSV table was chosen in "Your data".
    CsvFile(web_sys::File),
    /// Its bytes were read (or could not be): (file name, bytes).
    CsvRead(String, Result<js_sys::Uint8Array, String>),
    /// Bytes of a download received so far, of the total (0: unknown).
    DataProgress(DataSource, f64, f64),
    /// The reader cancelled the full set's download.
    CancelData,
    Redraw,
    Preset(&'static str),
    ClosePreset,
    Offline,
    OfflineReady(bool),
    /// A message of the lab.
    Lab(ToPage),
    /// A compute worker died.
    WorkerDied {
        worker: usize,
        generation: u64,
        reason: String,
    },
    /// The pool's size was chosen.
    Workers(usize),
    /// The worst-case map's pointer or keys.
    Map(map::MapMsg),
}

#[derive(PartialEq, Default)]
enum DataState {
    #[default]
    Idle,
    /// Bytes received of the total (0 while unknown).
    Loading {
        received: f64,
        total: f64,
    },
    Loaded,
    Failed(String),
}

/// The downloads of the data files.
#[derive(Default)]
struct Loads {
    subset: DataState,
    full: DataState,
    spambase: DataState,
    /// The reader's table ("Your data"): Loaded once one was parsed.
    upload: DataState,
    /// Cancels the full set's download.
    abort: Option<web_sys::AbortController>,
}

impl Loads {
    fn get(&mut self, source: DataSource) -> &mut DataState {
        match source {
            DataSource::Subset => &mut self.subset,
            DataSource::Full => &mut self.full,
            DataSource::Spambase => &mut self.spambase,
            DataSource::Upload => &mut self.upload,
        }
    }
}

/// Where the lab runs.
enum Compute {
    /// In the pool of Web Workers.
    Workers(Pool),
    /// On the page, between frames (no worker could start).
    Here(Box<Host>),
}

pub struct App {
    scenario: Scenario,
    view: ViewId,
    /// The views' own settings the user chose (view, menu id, value), latest first per menu: in
    /// the hash (`#rates:axis=m`) for the shown view, and replayed to a restarted lab.
    view_options: Vec<(ViewId, String, String)>,
    compute: Compute,
    /// The last command's sequence number.
    seq: u32,
    /// The last command that changed what is computed: older snapshots are never drawn.
    fresh_from: u32,
    /// The lab's latest snapshot that may be drawn.
    snap: Option<Snapshot>,
    /// A snapshot arrived since the last frame.
    dirty: bool,
    playing: bool,
    speed: usize,
    /// When the address bar last got a new history entry (ms).
    last_push: f64,
    /// The preset loaded (its table is computing or shown).
    preset: Option<&'static str>,
    /// A CSV export waiting for the lab's data: its file name.
    csv_pending: Option<String>,
    /// When the lab worker died, recently.
    crashes: Vec<f64>,
    /// The page's own settings in the link: lesson and step, hidden panels, embed, theme, lecture.
    page: Page,
    /// The lessons built in.
    lessons: Vec<Lesson>,
    /// The element the lesson step points at, marked.
    pointed: Option<String>,
    /// The pointed element is scrolled into view once, after a step opens.
    scroll_to_point: bool,
    /// A Byzantine message being dragged.
    drag: Option<adversary::Drag>,
    /// The messages gliding to the strongest attack's place.
    glide: Option<adversary::Glide>,
    glide_frame: Option<AnimationFrame>,
    /// The worst-case map's cell under the cursor (an index into its links).
    map_cursor: Option<usize>,
    help: bool,
    notices: Vec<String>,
    share: Option<String>,
    canvas: NodeRef,
    raf: Option<AnimationFrame>,
    data: Loads,
    /// The reader's own table.
    upload: upload::Upload,
    /// Compare mode's A − B.
    diff: compare::Diff,
    _listeners: Vec<EventListener>,
    /// The plot canvas' CSS size, watched once the canvas exists.
    canvas_size: Option<browser::SizeWatch>,
    /// Offline copy: None = not asked, Some(false) = installing, Some(true) = ready.
    offline: Option<bool>,
}

/// The view in the address bar's hash, with its settings: `#rates` or `#rates:axis=m,…` (keys and
/// values of letters, digits and `_` only; anything else is ignored).
fn view_from_hash() -> Option<(ViewId, Vec<(String, String)>)> {
    ViewId::parse_with_options(browser::window().location().hash().unwrap_or_default().trim_start_matches('#'))
}

impl App {
    /// Sends a command to the lab.
    fn send(&mut self, ctx: &Context<Self>, cmd: Command) {
        self.seq += 1;
        if matches!(
            cmd,
            Command::Scenario { .. }
                | Command::View { .. }
                | Command::Reset
                | Command::Option { .. }
                | Command::Preset { .. }
                | Command::Data { .. }
        ) {
            self.fresh_from = self.seq;
        }
        match &mut self.compute {
            Compute::Workers(pool) => pool.send(self.seq, &cmd),
            Compute::Here(host) => {
                host.handle(self.seq, cmd, browser::now());
                let replies = host.take_replies();
                self.snap = Some(host.snapshot());
                self.dirty = true;
                for r in replies {
                    ctx.link().send_message(Msg::Lab(r));
                }
                self.schedule_frame(ctx);
            }
        }
    }

    /// Hands a data file's bytes (`csv`: an uploaded table's) to the lab: to the workers as they
    /// are, or as a command.
    fn send_data(&mut self, ctx: &Context<Self>, bytes: js_sys::Uint8Array, csv: bool) {
        match &mut self.compute {
            Compute::Workers(pool) => {
                self.seq += 1;
                self.fresh_from = self.seq;
                pool.set_data(self.seq, &bytes, csv);
            }
            Compute::Here(_) => self.send(ctx, Command::Data { bytes: bytes.to_vec(), csv }),
        }
    }

    /// Writes the scenario and the view to the address bar; `push` makes a history entry (merged
    /// with the last one when they come in quick succession).
    fn sync_url(&mut self, push: bool) {
        let now = browser::now();
        let push = push && now - self.last_push > HISTORY_MERGE_MS;
        if push {
            self.last_push = now;
        }
        let opts: Vec<String> = self.view_options.iter().filter(|o| o.0 == self.view).map(|(_, k, v)| format!("{k}={v}")).collect();
        let hash = self.view.with_options(&opts);
        browser::set_query(&format!("{}#{hash}", page::join(&self.scenario.to_query(), &self.page)), push);
    }

    /// The data files the scenario and the loaded preset need.
    fn needed_data(&self) -> Vec<DataSource> {
        let mut out: Vec<DataSource> = self.scenario.data_source().into_iter().collect();
        for d in self.preset.and_then(presets::by_id).map(|p| p.data_needed()).unwrap_or_default() {
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    /// Starts the downloads of the sets needed and not fetched yet: the full set (10 MB) with
    /// progress and a way to cancel it.
    fn fetch_data_if_needed(&mut self, ctx: &Context<Self>) {
        for source in self.needed_data() {
            // The reader's table comes from the file picker, never from the network.
            if *self.data.get(source) != DataState::Idle || source == DataSource::Upload {
                continue;
            }
            *self.data.get(source) = DataState::Loading { received: 0.0, total: 0.0 };
            let link = ctx.link().clone();
            let url = data_url(source);
            match source {
                // Skipped above: it comes from the file picker.
                DataSource::Upload => {}
                DataSource::Subset | DataSource::Spambase => wasm_bindgen_futures::spawn_local(async move {
                    link.send_message(Msg::Data(source, browser::fetch_bytes(url).await));
                }),
                DataSource::Full => {
                    let Ok(abort) = web_sys::AbortController::new() else { continue };
                    let signal = abort.signal();
                    self.data.abort = Some(abort);
                    wasm_bindgen_futures::spawn_local(async move {
                        let (mut last, progress_link) = (f64::NEG_INFINITY, link.clone());
                        let result = browser::fetch_bytes_with_progress(url, &signal, move |got, total| {
                            // A few redraws a second are enough for a progress bar.
                            let now = browser::now();
                            if now - last >= 100.0 {
                                last = now;
                                progress_link.send_message(Msg::DataProgress(source, got, total));
                            }
                        })
                        .await;
                        link.send_message(Msg::Data(source, result));
                    });
                }
            }
        }
    }

    /// A set arrived, or could not: a full set that did not load leaves the lab on the subset.
    fn data_arrived(&mut self, ctx: &Context<Self>, source: DataSource, result: Result<js_sys::Uint8Array, String>) {
        if source == DataSource::Full {
            self.data.abort = None;
        }
        match result {
            Ok(bytes) => {
                *self.data.get(source) = DataState::Loaded;
                self.send_data(ctx, bytes, false);
                if !self.playing {
                    self.playing = true;
                    self.send(ctx, Command::Play);
                }
            }
            Err(e) if source == DataSource::Full => {
                // Choosing the full set again tries again.
                *self.data.get(source) = DataState::Idle;
                let what = if e == "cancelled" {
                    "The full MNIST set's download was cancelled".to_string()
                } else {
                    format!("The full MNIST set could not be loaded ({e})")
                };
                self.notices.push(format!("{what}: the lab uses the 5000-digit subset."));
                if self.preset.and_then(presets::by_id).is_some_and(|p| p.data_needed().contains(&DataSource::Full)) {
                    self.preset = None;
                    self.send(ctx, Command::ClosePreset);
                }
                if self.scenario.data == DataSource::Full {
                    self.scenario.data = DataSource::Subset;
                    self.scenario_changed(ctx, false);
                }
            }
            Err(e) => {
                self.notices.push(format!("could not load the {}: {e}", source.label()));
                *self.data.get(source) = DataState::Failed(e);
            }
        }
    }

    /// After the scenario changed: fetch data it needs, update the address bar (a new history
    /// entry when `push`), run.
    fn scenario_changed(&mut self, ctx: &Context<Self>, push: bool) {
        self.fetch_data_if_needed(ctx);
        self.sync_url(push);
        let query = self.scenario.to_query();
        self.send(ctx, Command::Scenario { query });
        self.playing = true;
    }

    /// Runs scenario `sc` if it is not the one running (the runs restart only for a new one),
    /// fetching the data it needs; the address bar is the caller's.
    fn take_scenario(&mut self, ctx: &Context<Self>, sc: Scenario) {
        if sc != self.scenario {
            self.scenario = sc;
            self.fetch_data_if_needed(ctx);
            let query = self.scenario.to_query();
            self.send(ctx, Command::Scenario { query });
            self.playing = true;
        }
    }

    /// The scenario and view the address bar holds now (after Back, or an edited link).
    fn load_from_url(&mut self, ctx: &Context<Self>) {
        let (query, page, mut notices) = page::split(&browser::query());
        let (sc, more) = Scenario::from_query(&query);
        notices.extend(more);
        self.notify(notices);
        self.page = page;
        self.take_scenario(ctx, sc);
        if let Some((v, opts)) = view_from_hash() {
            self.show_view(ctx, v);
            self.set_view_options(ctx, v, opts);
        }
    }

    /// Sets settings of view `v` (remembered for the hash and a restarted lab).
    fn set_view_options(&mut self, ctx: &Context<Self>, v: ViewId, opts: Vec<(String, String)>) {
        for (id, value) in opts {
            self.view_options.retain(|o| !(o.0 == v && o.1 == id));
            self.view_options.push((v, id.clone(), value.clone()));
            self.send(ctx, Command::Option { view: v.0 as u32, id, value });
        }
    }

    fn show_view(&mut self, ctx: &Context<Self>, v: ViewId) {
        self.view = v;
        self.send(ctx, Command::View { view: v.0 as u32 });
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

    /// Everything the lab needs to know, again: for a lab worker that was restarted.
    fn replay(&mut self, ctx: &Context<Self>) {
        let count = match &self.compute {
            Compute::Workers(p) => p.size(),
            Compute::Here(_) => 1,
        };
        self.send(ctx, Command::Workers { count: count as u32 });
        self.send(ctx, Command::Speed { per_second: SPEEDS[self.speed] });
        let query = self.scenario.to_query();
        self.send(ctx, Command::Scenario { query });
        self.send(ctx, Command::View { view: self.view.0 as u32 });
        if let Some(id) = self.preset {
            self.send(ctx, Command::Preset { id: id.into() });
            // The preset's own scenario and view, then the page's (they may have changed since).
            let query = self.scenario.to_query();
            self.send(ctx, Command::Scenario { query });
            self.send(ctx, Command::View { view: self.view.0 as u32 });
        }
        for (v, id, value) in self.view_options.clone() {
            self.send(ctx, Command::Option { view: v.0 as u32, id, value });
        }
        if !self.playing {
            self.send(ctx, Command::Pause);
        }
    }

    fn worker_died(&mut self, ctx: &Context<Self>, worker: usize, generation: u64, reason: String) {
        let now = browser::now();
        self.crashes.retain(|t| now - t < CRASH_WINDOW_MS);
        let which = if worker == 0 { "The lab's worker".to_string() } else { format!("Compute worker {worker}") };
        let Compute::Workers(pool) = &mut self.compute else { return };
        match pool.restart(worker, generation) {
            Ok(true) => {}
            // Already replaced: one death counts once.
            Ok(false) => return,
            Err(e) => {
                // No worker can start at all: the lab runs on the page from now on.
                browser::show_error_banner(
                    &format!("{which} stopped and no new one could start ({e}); the lab now runs on the page itself."),
                    &reason,
                );
                self.compute = Compute::Here(Box::new(Host::new(self.scenario.clone(), self.view, SPEEDS[self.speed])));
                self.replay(ctx);
                return;
            }
        }
        if worker == 0 {
            self.crashes.push(now);
            // A finished view is computed again to its end (the same numbers): it is not paused.
            if self.snap.as_ref().is_some_and(|s| s.done) {
                self.playing = true;
            }
            if self.crashes.len() >= 3 {
                self.playing = false;
            }
            let how = if self.playing {
                "it was restarted and the run started over"
            } else {
                "it was restarted, paused: change a setting or press play to try again"
            };
            browser::show_error_banner(
                &format!("{which} hit an internal error; {how}. The scenario has been logged to the console."),
                &reason,
            );
            self.replay(ctx);
        } else {
            web_sys::console::warn_1(&format!("{which} stopped ({reason}); restarted, its jobs handed out again").into());
            self.send(ctx, Command::WorkerLost { worker: worker as u32 });
        }
    }

    fn on_snapshot(&mut self, ctx: &Context<Self>, s: Snapshot) {
        browser::startup_mark("first-snapshot");
        if s.seq < self.fresh_from {
            return;
        }
        if s.seq == self.seq {
            self.playing = s.playing;
        }
        browser::set_worker_memory(s.memory);
        self.snap = Some(s);
        self.dirty = true;
        self.schedule_frame(ctx);
        if self.glide.as_ref().is_some_and(|g| g.waiting()) && self.glide_frame.is_none() {
            self.start_glide(ctx);
        }
    }

    fn on_key(link: &yew::html::Scope<Self>, e: &web_sys::KeyboardEvent, in_lesson: bool) {
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
        // Arrow keys on a Byzantine message's handle move it (Shift: five times as far).
        if let Some(i) = target
            .as_ref()
            .filter(|t| t.class_list().contains("byz-handle"))
            .and_then(|t| t.id().strip_prefix("byz-")?.parse::<usize>().ok())
        {
            let step = if e.shift_key() { 0.15 } else { 0.03 };
            let (dx, dy) = match key.as_str() {
                "ArrowLeft" => (-step, 0.0),
                "ArrowRight" => (step, 0.0),
                "ArrowUp" => (0.0, step),
                "ArrowDown" => (0.0, -step),
                _ => (0.0, 0.0),
            };
            if dx != 0.0 || dy != 0.0 {
                e.prevent_default();
                link.send_message(Msg::Handle(adversary::HandleMsg::Nudge(i, dx, dy)));
                return;
            }
        }
        // On the focused worst-case map the arrows move its cursor and Enter opens the cell.
        if target.as_ref().is_some_and(|t| t.id() == "plot" && t.has_attribute("tabindex")) && (key.starts_with("Arrow") || key == "Enter")
        {
            e.prevent_default();
            link.send_message(Msg::Map(map::MapMsg::Key(key)));
            return;
        }
        let view = key.chars().next().filter(|_| key.chars().count() == 1).and_then(|c| ViewId::all().find(|v| v.shortcut() == c));
        let msg = match (key.as_str(), view) {
            (_, Some(v)) => Msg::View(v),
            (" ", _) => Msg::TogglePlay,
            // In a lesson the arrows (and a presenter's PageDown / PageUp) move through its steps.
            ("ArrowRight" | "PageDown", _) if in_lesson => Msg::LessonMove(1),
            ("ArrowLeft" | "PageUp", _) if in_lesson => Msg::LessonMove(-1),
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

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        browser::startup_mark("app");
        let (query, page, mut notices) = page::split(&browser::query());
        let (sc, more) = Scenario::from_query(&query);
        notices.extend(more);
        let link = ctx.link().clone();
        // Not passive: a shortcut cancels the key's default (space would scroll the page).
        let keys =
            EventListener::new_with_options(&browser::document(), "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
                if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                    // Whether a lesson is open: the page marks it on the app's root.
                    let in_lesson = browser::document().get_element_by_id("lesson").is_some();
                    App::on_key(&link, e, in_lesson);
                }
            });
        let link = ctx.link().clone();
        let resize = EventListener::new(&browser::window(), "resize", move |_| link.send_message(Msg::Redraw));
        let link = ctx.link().clone();
        let hash = EventListener::new(&browser::window(), "hashchange", move |_| link.send_message(Msg::HashChanged));
        let link = ctx.link().clone();
        let pop = EventListener::new(&browser::window(), "popstate", move |_| link.send_message(Msg::PopState));
        let link = ctx.link().clone();
        let remote = EventListener::new(&browser::window(), "message", move |e| {
            let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
            if let Some(r) = compare::from_parent(e) {
                link.send_message(Msg::Remote(r));
            } else if let Some(bytes) = compare::plot_from_frame(e) {
                link.send_message(Msg::ComparePlot(bytes));
            }
        });
        let (view, view_options) =
            view_from_hash().map_or((ViewId(0), Vec::new()), |(v, o)| (v, o.into_iter().map(|(k, x)| (v, k, x)).collect()));
        let link = ctx.link().clone();
        let mut notices: Vec<String> = notices.iter().map(|n| n.to_string()).collect();
        let compute = match Pool::new(pool::default_size(), move |e| match e {
            PoolEvent::Page(m) => link.send_message(Msg::Lab(m)),
            PoolEvent::Died { worker, generation, reason } => link.send_message(Msg::WorkerDied { worker, generation, reason }),
        }) {
            Ok(p) => Compute::Workers(p),
            Err(e) => {
                notices.push(format!("no Web Worker could start ({e}): the lab runs on the page itself, between frames"));
                Compute::Here(Box::new(Host::new(sc.clone(), view, SPEEDS[DEFAULT_SPEED])))
            }
        };
        let mut app = App {
            scenario: sc,
            view,
            view_options,
            compute,
            seq: 0,
            fresh_from: 0,
            snap: None,
            dirty: false,
            playing: true,
            speed: DEFAULT_SPEED,
            last_push: f64::NEG_INFINITY,
            preset: None,
            csv_pending: None,
            crashes: Vec::new(),
            page,
            lessons: lessons::all(),
            pointed: None,
            scroll_to_point: false,
            drag: None,
            glide: None,
            upload: Default::default(),
            diff: Default::default(),
            glide_frame: None,
            map_cursor: None,
            help: false,
            notices,
            share: None,
            canvas: NodeRef::default(),
            raf: None,
            data: Loads::default(),
            _listeners: vec![keys, resize, hash, pop, remote],
            canvas_size: None,
            offline: browser::offline_ready().then_some(true),
        };
        // Deliberate panics, to check the banners end to end: of the page, of the lab's worker.
        match browser::window().location().hash().unwrap_or_default().as_str() {
            "#panic-test" => panic!("deliberate panic requested by #panic-test"),
            "#worker-panic-test" => app.send(ctx, Command::Panic),
            _ => {}
        }
        // A link with only a lesson's keys opens its step with the step's scenario and view.
        if app.page.lesson.is_some() && query.is_empty() {
            app.enter_step(ctx, app.page.step, false);
        } else if app.page.lesson.is_some() && app.lesson().is_none() {
            app.notices.push(format!("no lesson “{}”: see the list of lessons", app.page.lesson.clone().unwrap_or_default()));
            app.page.lesson = None;
        }
        // Start playing at once: the first plot fills in without a click.
        app.replay(ctx);
        app.fetch_data_if_needed(ctx);
        app.sync_url(false);
        browser::startup_mark("app-created");
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Edit(edit) => {
                let before = self.scenario.clone();
                let notices = self.scenario.apply(&edit);
                self.notify(notices);
                if self.scenario != before {
                    self.scenario_changed(ctx, true);
                }
            }
            Msg::TogglePlay => {
                let cmd = if self.playing { Command::Pause } else { Command::Play };
                self.playing = !self.playing;
                self.send(ctx, cmd);
                self.tell_compare(compare::Remote::Play(self.playing));
            }
            Msg::Step => {
                self.playing = false;
                self.send(ctx, Command::Step);
                self.tell_compare(compare::Remote::Step);
            }
            Msg::Reset => {
                self.send(ctx, Command::Reset);
                self.tell_compare(compare::Remote::Reset);
            }
            Msg::Speed(i) => {
                self.speed = i.min(SPEEDS.len() - 1);
                self.send(ctx, Command::Speed { per_second: SPEEDS[self.speed] });
                self.tell_compare(compare::Remote::Speed(self.speed));
            }
            Msg::Compare(q) => {
                // A new B starts without A − B (its frame reloads, and is asked again).
                self.diff = Default::default();
                self.page.compare = q;
                self.sync_url(true);
            }
            Msg::Remote(r) => self.on_remote(ctx, r),
            Msg::CompareDiff(on) => self.show_difference(on),
            Msg::ComparePlot(bytes) => {
                let Ok(plot) = crate::lab::wire::decode::<Plot>(&bytes) else { return false };
                self.diff.b = Some(plot);
            }
            Msg::View(v) => {
                self.glide = None;
                // A view about one problem only (the saddle toy) loads it: the panel then holds the
                // controls of what is shown, and Back returns to the scenario before.
                let own = crate::lab::views::VIEWS[v.0].problem.filter(|p| *p != self.scenario.problem);
                if let (Some(p), Some(param)) = (own, crate::engine::scenario::param("problem")) {
                    let notices = self.scenario.apply(&Edit::Set(param, p.key().into()));
                    self.notify(notices);
                    self.view = v;
                    self.scenario_changed(ctx, true);
                }
                self.show_view(ctx, v);
                self.sync_url(false);
                self.tell_compare(compare::Remote::View(v));
            }
            Msg::HashChanged => {
                // A panic of the lab's worker mid-session, with commands still on their way to it.
                if browser::window().location().hash().unwrap_or_default() == "#worker-panic-test" {
                    self.send(ctx, Command::Panic);
                    for _ in 0..3 {
                        self.send(ctx, Command::Speed { per_second: SPEEDS[self.speed] });
                    }
                }
                if let Some((v, opts)) = view_from_hash() {
                    if v != self.view {
                        self.show_view(ctx, v);
                    }
                    self.set_view_options(ctx, v, opts);
                }
            }
            Msg::PopState => self.load_from_url(ctx),
            Msg::ViewOption(id, value) => {
                self.set_view_options(ctx, self.view, vec![(id, value)]);
                self.sync_url(false);
            }
            Msg::Lecture => {
                self.page.lecture = !self.page.lecture;
                self.sync_url(false);
            }
            Msg::Lesson(id) => {
                self.page.lesson = id;
                if self.page.lesson.is_some() {
                    self.enter_step(ctx, 0, true);
                } else {
                    self.sync_url(false);
                }
            }
            Msg::GoStep(k) => self.enter_step(ctx, k, true),
            Msg::LessonMove(d) => {
                let last = self.lesson().map_or(0, |l| l.steps.len().saturating_sub(1));
                let k = (self.page.step as i64 + d as i64).clamp(0, last as i64) as usize;
                if k == self.page.step {
                    return false;
                }
                self.enter_step(ctx, k, true);
            }
            Msg::Hide(name, hidden) => {
                self.page.set_hidden(&name, hidden);
                self.sync_url(false);
            }
            Msg::HideKeys(text) => {
                let is_key = |h: &str| crate::engine::scenario::PARAMS.iter().any(|p| p.key == h);
                self.page.hide.retain(|h| !is_key(h));
                for k in text.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    if is_key(k) {
                        self.page.set_hidden(k, true);
                    } else {
                        self.notices.push(format!("hide: no control “{}” (see byzlab-cli keys)", crate::engine::scenario::shorten(k)));
                    }
                }
                self.sync_url(false);
            }
            Msg::Handle(m) => return self.on_handle(ctx, m),
            Msg::Map(m) => return self.on_map_msg(ctx, m),
            Msg::Theme(t) => {
                self.page.theme = t;
                self.sync_url(false);
            }
            Msg::Help(on) => self.help = on,
            Msg::CopyLink => {
                let link = browser::href();
                browser::copy_text(&link);
                self.share = Some(link);
            }
            Msg::Export(kind) => {
                let name = format!("byzlab-{}-seed{}", self.view.key(), self.scenario.seed);
                // Only the ByzFL config may add a notice to draw.
                let notices = matches!(kind, Export::Byzfl);
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
                        match browser::svg(&self.plot(), w, h) {
                            Ok(svg) => browser::download(&format!("{name}.svg"), "image/svg+xml", svg.as_bytes()),
                            Err(e) => self.notices.push(format!("SVG export failed: {e}")),
                        }
                    }
                    Export::Byzfl => match crate::export::byzfl::export(&self.scenario) {
                        Ok(e) => {
                            browser::download(
                                &format!("byzlab-seed{}-byzfl-config.json", self.scenario.seed),
                                "application/json",
                                e.text().as_bytes(),
                            );
                            if !e.notes.is_empty() {
                                let left: Vec<String> = e.notes.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                                self.notices.push(format!("ByzFL config: not carried over — {}", left.join("; ")));
                            }
                        }
                        Err(e) => self.notices.push(format!("No ByzFL config: {e}")),
                    },
                    Export::Csv => {
                        // The lab has the data: it answers with the CSV, downloaded on arrival.
                        self.csv_pending = Some(format!("{name}.csv"));
                        let view = self.view.0 as u32;
                        self.send(ctx, Command::Csv { view });
                    }
                }
                return notices;
            }
            Msg::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Msg::Frame => {
                self.raf = None;
                if let Compute::Here(host) = &mut self.compute {
                    let mut clock = browser::now;
                    let more = host.tick(&mut clock, FRAME_BUDGET_MS);
                    let s = host.snapshot();
                    for r in host.take_replies() {
                        ctx.link().send_message(Msg::Lab(r));
                    }
                    self.playing = s.playing;
                    self.snap = Some(s);
                    self.dirty = true;
                    if more {
                        self.schedule_frame(ctx);
                    }
                }
                // Draw the latest snapshot, once per frame whatever the rate they come at.
                return std::mem::take(&mut self.dirty);
            }
            Msg::Lab(ToPage::Snapshot(s)) => {
                self.on_snapshot(ctx, *s);
                return false;
            }
            Msg::Lab(ToPage::Csv { text, .. }) => {
                if let Some(name) = self.csv_pending.take() {
                    browser::download(&name, "text/csv", text.as_bytes());
                }
                return false;
            }
            Msg::Lab(ToPage::Notice { text }) => self.notices.push(text),
            Msg::WorkerDied { worker, generation, reason } => self.worker_died(ctx, worker, generation, reason),
            Msg::Workers(n) => {
                if let Compute::Workers(pool) = &mut self.compute {
                    let before = pool.size();
                    pool.resize(n);
                    let after = pool.size();
                    for w in after..before {
                        self.send(ctx, Command::WorkerLost { worker: w as u32 });
                    }
                    self.send(ctx, Command::Workers { count: after as u32 });
                }
            }
            Msg::Data(source, result) => self.data_arrived(ctx, source, result),
            Msg::CsvFile(file) => self.csv_chosen(ctx, file),
            Msg::CsvRead(name, bytes) => self.csv_read(ctx, name, bytes),
            Msg::DataProgress(source, received, total) => {
                let state = self.data.get(source);
                if !matches!(state, DataState::Loading { .. }) {
                    return false;
                }
                *state = DataState::Loading { received, total };
            }
            Msg::CancelData => {
                if let Some(a) = self.data.abort.take() {
                    a.abort();
                }
            }
            Msg::Redraw => {}
            Msg::Preset(id) => {
                if let Some(p) = presets::by_id(id) {
                    self.preset = Some(p.id);
                    self.scenario = p.scenario.clone();
                    self.view = p.view;
                    self.send(ctx, Command::Preset { id: id.into() });
                    self.playing = true;
                    self.fetch_data_if_needed(ctx);
                    self.sync_url(true);
                    // The table appears under the plot, at the top of the page.
                    browser::window().scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            Msg::ClosePreset => {
                self.preset = None;
                self.send(ctx, Command::ClosePreset);
            }
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
        self.mark_pointed();
        if let Some(c) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
            if self.canvas_size.is_none() {
                let link = ctx.link().clone();
                self.canvas_size = browser::SizeWatch::new(&c, move || link.send_message(Msg::Redraw));
            }
            let size = self.canvas_size.as_ref().and_then(|s| s.size());
            let plot = self.with_cursor(self.plot());
            let ready = !matches!(plot, Plot::Message(_));
            browser::draw(&c, size, &plot, ready, self.page.lecture, self.palette());
            self.place_handles();
            self.draw_difference(&plot);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_edit = link.callback(Msg::Edit);
        let (text, notes) = match &self.snap {
            Some(s) => (s.text.clone(), s.notes.clone()),
            None => (Default::default(), Vec::new()),
        };
        let shown = |name: &str| !self.page.hides(name);
        let class = classes!(
            "app",
            self.page.lecture.then_some("lecture"),
            self.page.embed.then_some("embed"),
            format!("theme-{}", self.palette().key())
        );
        // The canvas' text for screen readers: what it shows and its key numbers, kept current.
        let summary = self.plot().summary();
        let (map_hover, map_click) = map::handlers(link);
        let plot = html! {
            <div class="plot-wrap">
                if self.on_map() {
                    // The map's cells are chosen on the canvas: it takes the focus and the pointer.
                    <canvas id="plot" ref={self.canvas.clone()} role="img" tabindex="0" aria-label={format!("{} plot: arrow keys choose a cell, Enter opens its run", self.view.label())} aria-describedby="plot-summary map-cell" onpointermove={map_hover} onclick={map_click}></canvas>
                } else {
                    <canvas id="plot" ref={self.canvas.clone()} role="img" aria-label={format!("{} plot", self.view.label())} aria-describedby="plot-summary"></canvas>
                }
                <p id="plot-summary" class="sr-only">{ summary }</p>
                { self.map_readout() }
                { self.adversary_html(link) }
            </div>
        };
        if self.page.embed {
            // Chromeless, for an iframe in slides: the plot, the transport, a caption and a way out.
            let caption = self.lesson_step().map_or_else(|| text.lines.first().cloned().unwrap_or_default(), |(_, s)| s.text.join(" "));
            return html! {
                <div id="app" {class}>
                    <div class="stage">
                        { plot }
                        if shown("transport") { { self.transport(link) } }
                        if shown("caption") && !caption.is_empty() { <p id="caption" class="caption">{ with_symbols(&caption) }</p> }
                        <a class="open-full" href={format!("?{}#{}", self.scenario.to_query(), self.view.key())} target="_blank" rel="noopener">{"open in byzlab ↗"}</a>
                    </div>
                </div>
            };
        }
        html! {
            <div id="app" {class}>
                if shown("header") {
                    <header>
                        <h1>{"byzlab"}</h1>
                        <p class="tagline">{"Byzantine-robust distributed learning, live: one master, m workers, ⌊αm⌋ of them Byzantine."}</p>
                        <div class="header-buttons">
                            <button id="lecture" aria-pressed={self.page.lecture.to_string()} onclick={link.callback(|_| Msg::Lecture)} title="Large type and thick lines for a projector (L)">{"Lecture mode"}</button>
                            <button id="help" onclick={link.callback(|_| Msg::Help(true))} title="Keyboard shortcuts (?)">{"Keys ?"}</button>
                            <button id="offline" disabled={self.offline.is_some()} onclick={link.callback(|_| Msg::Offline)} title="Keep a copy in this browser to present with no network">
                                { match self.offline { None => "Available offline", Some(false) => "Saving…", Some(true) => "✓ Works offline" } }
                            </button>
                            { self.pool_html(link) }
                        </div>
                    </header>
                }
                { self.notices_html(link) }
                <div class={classes!("layout", (!shown("controls")).then_some("no-controls"))}>
                    <div class="stage">
                        { self.lesson_card(link) }
                        if shown("views") {
                            <nav class="views" aria-label="views">
                                { for ViewId::all().map(|v| {
                                    // A view that cannot show this scenario stays reachable (it says what it needs), dimmed.
                                    let applies = self.snap.as_ref().is_none_or(|s| s.applies.get(v.0) != Some(&false));
                                    let title = format!("{} (key {}){}", v.label(), v.shortcut(), if applies { "" } else { ": not for this problem" });
                                    html! { <button id={format!("view-{}", v.key())} class={classes!("tab", (!applies).then_some("na"))} aria-pressed={(v == self.view).to_string()} onclick={link.callback(move |_| Msg::View(v))} {title}>{ format!("{} {}", v.shortcut(), v.label()) }</button> }
                                }) }
                            </nav>
                        }
                        if shown("transport") { { self.transport(link) } }
                        { self.download_html(link) }
                        { self.compare_html(link, plot) }
                        { self.adversary_readout(link) }
                        if !notes.is_empty() {
                            <div class="notes" id="assumptions">{ for notes.iter().map(|n| html! { <span class="warn">{ format!("⚠ {n}") }</span> }) }</div>
                        }
                    </div>
                    if shown("controls") {
                        <aside class="controls" aria-label="scenario controls">
                            if shown("options") { { self.view_options(link) } }
                            { scenario_controls(&self.scenario, &on_edit, &self.page) }
                            if shown("upload") { { self.upload_html(link) } }
                        </aside>
                    }
                    <div class="below">
                        { self.preset_table(link) }
                        if shown("explain") {
                            <section class="explain" aria-label="what this view shows">
                                { for text.lines.iter().map(|l| html! { <p>{ with_symbols(l) }</p> }) }
                                if !text.why.is_empty() {
                                    <div class="why" id="why">
                                        <h3>{"Why"}</h3>
                                        { for text.why.iter().map(|l| html! { <p>{ with_symbols(l) }</p> }) }
                                    </div>
                                }
                                <div class="formula">{ Html::from_html_unchecked(AttrValue::from(text.mathml.clone())) }</div>
                                if !text.source.is_empty() {
                                    <p class="source">{ format!("Source: {}", text.source) }</p>
                                }
                            </section>
                        }
                        if shown("export") {
                            <div class="export">
                                <button id="export-png" title="The plot as a PNG picture" onclick={link.callback(|_| Msg::Export(Export::Png))}>{"PNG"}</button>
                                <button id="export-svg" title="The plot as an SVG drawing" onclick={link.callback(|_| Msg::Export(Export::Svg))}>{"SVG"}</button>
                                <button id="export-csv" title="The data behind the plot" onclick={link.callback(|_| Msg::Export(Export::Csv))}>{"CSV"}</button>
                                <button id="export-byzfl" title="This scenario as a ByzFL benchmark configuration (config.json), to run it at scale; what ByzFL cannot carry is listed in it and shown here" onclick={link.callback(|_| Msg::Export(Export::Byzfl))}>{"ByzFL config"}</button>
                                <button id="copy-link" title="A link that reproduces this run exactly" onclick={link.callback(|_| Msg::CopyLink)}>{"Copy link"}</button>
                                <button id="compare-this" title="Keep this scenario beside the plot as B; then change the controls (A) and compare, with one transport" onclick={{ let q = self.scenario.to_query(); link.callback(move |_| Msg::Compare(Some(q.clone()))) }}>{"Compare with this"}</button>
                                if let Some(s) = &self.share {
                                    <input id="share-link" class="share" readonly=true value={s.clone()} aria-label="link to this run" />
                                }
                            </div>
                        }
                        if shown("lessons") { { self.lesson_list(link) } }
                        if shown("papers") { { self.papers(link) } }
                        if shown("classroom") { { self.classroom_menu(link) } }
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

    /// The full set's download: how far, and a way to cancel it.
    fn download_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let DataState::Loading { received, total } = self.data.full else {
            return html! {};
        };
        let mb = |b: f64| format!("{:.1}", b / 1e6);
        let of = if total > 0.0 { format!("{} of {} MB", mb(received), mb(total)) } else { format!("{} MB", mb(received)) };
        html! {
            <div id="download" class="download" role="status">
                <label for="download-progress">{ format!("Downloading the full MNIST set (60 000 + 10 000 images): {of}") }</label>
                // Without a known size the bar is indeterminate.
                <progress id="download-progress" max={total.max(1.0).to_string()} value={(total > 0.0).then(|| received.to_string())}></progress>
                <button id="download-cancel" onclick={link.callback(|_| Msg::CancelData)} title="stop the download and go on with the 5000-digit subset">{"Cancel"}</button>
            </div>
        }
    }

    /// What to draw: the lab's latest plot, or a word while there is none yet.
    fn plot(&self) -> Plot {
        match &self.snap {
            Some(s) if s.view == self.view.0 as u32 => s.plot.clone(),
            _ => Plot::Message("starting…".into()),
        }
    }

    /// The pool's size, shown and chosen in the page.
    fn pool_html(&self, link: &yew::html::Scope<Self>) -> Html {
        let Compute::Workers(pool) = &self.compute else {
            return html! { <span id="workers-here" class="pool" title="no Web Worker could start: the lab runs on the page">{"computing on the page"}</span> };
        };
        let n = pool.size();
        html! {
            <label class="pool" title="Web Workers computing the lab (each runs its own copy of the engine; sweeps and preset tables split across them). Default: one per core but the page's.">
                {"compute "}
                <select id="workers" onchange={link.callback(|e: Event| Msg::Workers(e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index().max(0) as usize + 1))}>
                    { for (1..=pool::MAX_WORKERS).map(|k| html! { <option selected={k == n}>{ if k == 1 { "1 worker".to_string() } else { format!("{k} workers") } }</option> }) }
                </select>
            </label>
        }
    }

    fn transport(&self, link: &yew::html::Scope<Self>) -> Html {
        let unit = self.snap.as_ref().map_or("iterations", |s| s.unit.as_str());
        let speed = |v: u32| if v == 0 { "max".to_string() } else { format!("{v} {unit}/s") };
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
                // Busy from a command until the lab's answer to it (a snapshot that reflects it).
                <span id="iteration" class="counter" aria-live="polite" aria-busy={ self.snap.as_ref().is_none_or(|s| s.seq < self.seq).to_string() }>
                    { self.snap.as_ref().map_or(String::new(), |s| s.status.clone()) }
                </span>
            </div>
        }
    }

    /// The view's own settings (what the error curves plot, what the rates are against, seeds,
    /// grid), first in the panel: the panel always holds the controls of what is shown.
    fn view_options(&self, link: &yew::html::Scope<Self>) -> Html {
        let Some(menus) = self.snap.as_ref().filter(|s| s.view == self.view.0 as u32).map(|s| &s.menus).filter(|m| !m.is_empty()) else {
            return html! {};
        };
        html! {
            <fieldset class="view-options" id="view-options">
                <legend>{ format!("This view: {}", self.view.label()) }</legend>
                { for menus.iter().map(|o| {
                    let id = o.id.clone();
                    html! {
                        <div class="ctl">
                            <label for={id.clone()}>{ o.label.clone() }</label>
                            <select id={id.clone()} title={format!("the view's setting: {}", o.label)} onchange={link.callback(move |e: Event| Msg::ViewOption(id.clone(), e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                                { for o.choices.iter().map(|(k, l)| html! { <option value={k.clone()} selected={*k == o.value}>{ l.clone() }</option> }) }
                            </select>
                        </div>
                    }
                }) }
            </fieldset>
        }
    }

    /// The loaded preset's table, right under the plot it describes: the paper's numbers beside
    /// ours, the progress with a time estimate, then the checks of the paper's orderings.
    fn preset_table(&self, link: &yew::html::Scope<Self>) -> Html {
        let (Some(_), Some(snap)) = (self.preset, self.snap.as_ref()) else { return html! {} };
        let Some(t) = &snap.preset else {
            return if snap.preset_waiting {
                html! { <p class="progress">{"loading the data for this preset…"}</p> }
            } else {
                html! {}
            };
        };
        html! {
            <div class="preset" id="preset-table">
                <h3>{ t.title.clone() }</h3>
                <p class="progress" id="preset-progress">
                    { t.progress.clone() }
                    if !t.done { <progress max="1" value={t.fraction.to_string()}></progress> }
                </p>
                <table>
                    <thead><tr><th>{ t.unit.clone() }</th><th>{"paper"}</th><th>{"ours (mean over seeds)"}</th><th>{"ours − paper"}</th></tr></thead>
                    <tbody>{ for t.rows.iter().map(|(label, paper, ours, diff)| html! {
                        <tr><th scope="row">{ label.clone() }</th><td>{ paper.clone() }</td><td class="ours">{ ours.clone() }</td><td>{ diff.clone() }</td></tr>
                    }) }</tbody>
                </table>
                if !t.checks.is_empty() {
                    <ul class="checks">{ for t.checks.iter().map(|(o, text)| {
                        let class = ["ok", "even", "no"][(*o as usize).min(2)];
                        html! { <li {class}>{ text.clone() }</li> }
                    }) }</ul>
                }
                <p class="source">{ format!("Source: {}", t.source) }</p>
                <p><b>{"Should match: "}</b>{ t.matches.clone() }</p>
                <p><b>{"Cannot match: "}</b>{ t.differs.clone() }</p>
                <button onclick={link.callback(|_| Msg::ClosePreset)}>{"Close table"}</button>
            </div>
        }
    }

    fn papers(&self, link: &yew::html::Scope<Self>) -> Html {
        let active = self.preset;
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
            ("← →", "in a lesson: the step before, the next step (also PageUp, PageDown)"),
            ("Tab, arrows", "in the master's view: pick a Byzantine message, move it"),
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
