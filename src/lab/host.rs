//! The lab as a service, what the page's lab worker runs (`app::worker` only moves bytes): it takes
//! the page's [`Command`]s, advances the visible view at the chosen speed, splits sweeps and preset
//! tables into jobs for the pool's workers ([`super::jobs`]), and answers with [`Snapshot`]s —
//! everything the page shows, as data. Plain Rust with an injected clock, so the tests drive it,
//! and a pool of any size, natively.

use super::jobs::{row_of, Board, Core, FromWorker, JobSpec, ToWorker};
use super::presets::{self, Paper};
use super::{Lab, ViewId};
use crate::engine::data::Dataset;
use crate::engine::scenario::Scenario;
use crate::plots::Plot;
use crate::{wire_enum, wire_struct};
use std::sync::Arc;

/// Jobs each worker holds at once at least (one running, one queued, so it never waits for the
/// next), and at most ([`Split::depth`]).
pub const DEPTH: usize = 2;
pub const MAX_DEPTH: usize = 16;
/// The work each worker holds once a split's job cost is known: a helper's results reach the lab
/// only between the lab's slices, so a helper holding less than a few slices of work waits (in
/// Chromium on 2 cores, §3's sweep on 2 workers: 1.56–1.64× at 30 ms, 1.68–1.91× at 60 ms).
pub const HOLD_MS: f64 = 60.0;
/// The page's snapshots while the lab computes: about one a frame ([`Host::snapshot_interval_ms`]).
pub const SNAPSHOT_MS: f64 = 15.0;
/// ... and while a sweep is split over two workers or more.
pub const SWEEP_SNAPSHOT_MS: f64 = 100.0;

/// What the page asks of the lab. Each comes with a sequence number (see [`Snapshot::seq`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A new scenario, as its query: every view restarts.
    Scenario {
        query: String,
    },
    View {
        view: u32,
    },
    Play,
    Pause,
    /// One unit of the view (an iteration, an α point), then pause.
    Step,
    Reset,
    /// Units of the view per second; 0: as fast as the workers go.
    Speed {
        per_second: u32,
    },
    Option {
        view: u32,
        id: String,
        value: String,
    },
    Preset {
        id: String,
    },
    ClosePreset,
    /// A data file's bytes, or an uploaded CSV table's (`csv`).
    Data {
        bytes: Vec<u8>,
        csv: bool,
    },
    /// Asks for the view's data as CSV.
    Csv {
        view: u32,
    },
    /// Workers in the pool, this one included (jobs go to workers 0..count).
    Workers {
        count: u32,
    },
    /// Worker `worker` died and was restarted empty: its jobs are handed out again.
    WorkerLost {
        worker: u32,
    },
    /// Panics on purpose: the end-to-end test of a worker's crash (the page's `#worker-panic-test`).
    Panic,
}
wire_enum!(Command {
    0 => Scenario { query },
    1 => View { view },
    2 => Play,
    3 => Pause,
    4 => Step,
    5 => Reset,
    6 => Speed { per_second },
    7 => Option { view, id, value },
    8 => Preset { id },
    9 => ClosePreset,
    10 => Data { bytes, csv },
    11 => Csv { view },
    12 => Workers { count },
    13 => WorkerLost { worker },
    14 => Panic,
});

/// What a view says about itself (its [`super::ViewText`], owned).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub lines: Vec<String>,
    pub why: Vec<String>,
    pub mathml: String,
    pub source: String,
}
wire_struct!(Text { lines, why, mathml, source });

/// A menu of the view's own settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    pub id: String,
    pub label: String,
    pub choices: Vec<(String, String)>,
    pub value: String,
}
wire_struct!(Menu { id, label, choices, value });

/// The loaded preset's table as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetTable {
    pub id: String,
    pub title: String,
    pub unit: String,
    /// (row, paper, ours, ours − paper).
    pub rows: Vec<(String, String, String, String)>,
    /// "computing row 3 of 9 · 40 % done · about 12 s left", "table complete", "stopped: …".
    pub progress: String,
    pub fraction: f64,
    pub done: bool,
    /// (outcome: 0 holds, 1 indistinct, 2 reversed; the sentence with its mark).
    pub checks: Vec<(u8, String)>,
    pub source: String,
    pub matches: String,
    pub differs: String,
}
wire_struct!(PresetTable { id, title, unit, rows, progress, fraction, done, checks, source, matches, differs });

/// Everything the page shows of the lab at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The last command handled: the page draws a snapshot only if it reflects every command
    /// that changed what is computed (no stale result is ever drawn).
    pub seq: u32,
    pub view: u32,
    pub plot: Plot,
    pub status: String,
    pub unit: String,
    pub playing: bool,
    /// The view has nothing left to compute.
    pub done: bool,
    pub text: Text,
    pub menus: Vec<Menu>,
    pub notes: Vec<String>,
    pub preset: Option<PresetTable>,
    /// A preset is loaded that waits for its data.
    pub preset_waiting: bool,
    /// Bytes of memory the lab's worker uses (set by the worker; 0 elsewhere).
    pub memory: f64,
    /// Whether each view (registry order) can show the scenario ([`crate::lab::view::View::applies`]).
    pub applies: Vec<bool>,
}
wire_struct!(Snapshot { seq, view, plot, status, unit, playing, done, text, menus, notes, preset, preset_waiting, memory, applies });

/// What the lab sends the page.
#[derive(Clone, Debug, PartialEq)]
pub enum ToPage {
    Snapshot(Box<Snapshot>),
    Csv { view: u32, text: String },
    Notice { text: String },
}

impl crate::lab::wire::Wire for ToPage {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            ToPage::Snapshot(s) => {
                out.push(0);
                s.put(out)
            }
            ToPage::Csv { view, text } => {
                out.push(1);
                view.put(out);
                text.put(out)
            }
            ToPage::Notice { text } => {
                out.push(2);
                text.put(out)
            }
        }
    }
    fn take(r: &mut crate::lab::wire::Reader) -> Result<Self, crate::lab::wire::WireError> {
        use crate::lab::wire::{Wire, WireError};
        Ok(match u8::take(r)? {
            0 => ToPage::Snapshot(Wire::take(r)?),
            1 => ToPage::Csv { view: Wire::take(r)?, text: Wire::take(r)? },
            2 => ToPage::Notice { text: Wire::take(r)? },
            b => return Err(WireError(format!("ToPage tag {b}"))),
        })
    }
}

/// A board and what it computes.
struct Split {
    board: Board,
    /// For the view's sweep: the view; None for the preset table.
    view: Option<ViewId>,
    /// Jobs per unit of the view's progress (the curves of one α point).
    per_unit: usize,
    /// This worker's compute time per job of this split, ms (a running mean), once one is done.
    job_ms: Option<f64>,
}

impl Split {
    fn new(board: Board, view: Option<ViewId>, per_unit: usize) -> Split {
        Split { board, view, per_unit, job_ms: None }
    }

    /// Jobs a worker may hold of this split: enough for [`HOLD_MS`] of work, within
    /// [`DEPTH`]..=[`MAX_DEPTH`]. Which worker computes which job changes no result: they are
    /// recorded in job order.
    fn depth(&self) -> usize {
        self.job_ms.map_or(DEPTH, |ms| ((HOLD_MS / ms.max(1e-3)).ceil() as usize).clamp(DEPTH, MAX_DEPTH))
    }
}

/// The scenario's own runs shared out to the pool: which worker computes which run.
struct Following {
    epoch: u32,
    /// The [`super::MainRuns::id`] of the runs followed.
    main: u64,
    query: String,
    /// Per run: the worker computing it (0: here).
    owner: Vec<usize>,
    /// The last iteration the workers were told to reach.
    to: Option<u32>,
}

pub struct Host {
    lab: Lab,
    view: ViewId,
    seq: u32,
    playing: bool,
    /// Units per second; 0 = as fast as possible.
    speed: u32,
    /// Units the speed has granted and the view not yet made.
    credit: f64,
    last_tick: Option<f64>,
    /// Step: the progress to reach before pausing.
    step_to: Option<usize>,
    workers: usize,
    /// This worker's own share of the jobs (worker 0).
    core: Core,
    epoch: u32,
    sweep: Option<Split>,
    table: Option<Split>,
    follow: Option<Following>,
    /// The view's sweep cannot be rebuilt elsewhere: it runs here, in one piece.
    sweep_here: bool,
    sends: Vec<(usize, ToWorker)>,
    replies: Vec<ToPage>,
    preset_started: f64,
    now: f64,
    /// This worker's time in its jobs since its last one finished, ms.
    core_ms: f64,
}

impl Host {
    pub fn new(sc: Scenario, view: ViewId, speed: u32) -> Host {
        Host {
            lab: Lab::new(sc),
            view,
            seq: 0,
            playing: false,
            speed,
            credit: 0.0,
            last_tick: None,
            step_to: None,
            workers: 1,
            core: Core::default(),
            epoch: 0,
            sweep: None,
            table: None,
            follow: None,
            sweep_here: false,
            sends: Vec::new(),
            replies: Vec::new(),
            preset_started: 0.0,
            now: 0.0,
            core_ms: 0.0,
        }
    }

    pub fn lab(&self) -> &Lab {
        &self.lab
    }

    fn play(&mut self) {
        self.playing = true;
        self.last_tick = None;
    }

    /// Forgets the split of the view's sweep (and of the preset table, with `table`), and tells
    /// every worker to drop their jobs.
    fn drop_splits(&mut self, table: bool) {
        self.sweep = None;
        self.sweep_here = false;
        if table {
            self.table = None;
        }
        self.forget_rebuilt_follow();
        let epochs = self.table.iter().map(|s| s.board.epoch).chain(self.follow.as_ref().map(|f| f.epoch)).collect();
        let keep = ToWorker::Keep { epochs };
        for w in 1..self.workers {
            self.sends.push((w, keep.clone()));
        }
        self.core.receive(keep);
    }

    /// Handles one command of the page, numbered `seq`.
    pub fn handle(&mut self, seq: u32, cmd: Command, now: f64) {
        self.seq = seq;
        self.now = now;
        match cmd {
            Command::Scenario { query } => {
                self.lab.set_scenario(Scenario::from_query(&query).0);
                self.drop_splits(false);
                self.step_to = None;
                self.lab.prepare(self.view);
                self.play();
            }
            Command::View { view } => {
                let v = ViewId((view as usize).min(ViewId::all().count() - 1));
                self.view = v;
                self.step_to = None;
                self.drop_splits(false);
                self.lab.prepare(v);
                if !self.lab.is_done(v) {
                    self.play();
                }
            }
            Command::Play => {
                if self.lab.is_done(self.view) {
                    self.lab.reset();
                    self.drop_splits(false);
                }
                self.play();
            }
            Command::Pause => self.playing = false,
            Command::Step => {
                self.playing = false;
                // Like Play: a finished view starts over, and then makes one unit.
                if self.lab.is_done(self.view) {
                    self.lab.reset();
                    self.drop_splits(false);
                }
                self.step_to = Some(self.lab.progress(self.view) + 1);
            }
            Command::Reset => {
                self.lab.reset();
                self.drop_splits(false);
                self.credit = 0.0;
            }
            Command::Speed { per_second } => {
                self.speed = per_second;
                self.credit = 0.0;
            }
            Command::Option { view, id, value } => {
                let v = ViewId(view as usize);
                if v.0 < ViewId::all().count() && self.lab.set_option(v, &id, &value) {
                    if v == self.view {
                        self.drop_splits(false);
                    }
                    if !self.lab.is_done(v) {
                        self.play();
                    }
                }
            }
            Command::Preset { id } => {
                if let Some(v) = self.lab.load_preset(&id) {
                    self.view = v;
                    self.preset_started = now;
                    self.drop_splits(true);
                    self.play();
                }
            }
            Command::ClosePreset => {
                self.lab.close_preset();
                self.drop_splits(true);
            }
            Command::Data { bytes, csv } => match Dataset::decode(&bytes, csv) {
                Ok(d) => {
                    let d = Arc::new(d);
                    self.core.set_data(d.clone());
                    let waiting = self.lab.preset_id().is_some() && self.lab.preset().is_none();
                    self.lab.set_data(d);
                    if waiting {
                        self.preset_started = now;
                    }
                    self.drop_splits(false);
                    self.play();
                }
                Err(e) => self.replies.push(ToPage::Notice { text: format!("could not read the data file: {e}") }),
            },
            Command::Csv { view } => {
                let v = ViewId((view as usize).min(ViewId::all().count() - 1));
                self.replies.push(ToPage::Csv { view, text: self.lab.csv(v) });
            }
            Command::Workers { count } => self.workers = (count as usize).clamp(1, 64),
            Command::Panic => panic!("deliberate panic requested by #worker-panic-test"),
            Command::WorkerLost { worker } => {
                for s in self.sweep.iter_mut().chain(self.table.iter_mut()) {
                    s.board.lost(worker as usize);
                }
                // Its runs are computed here again, from their start (the same numbers).
                if let Some(f) = self.follow.as_mut().filter(|f| f.main == self.lab.shared.main.id) {
                    for (i, w) in f.owner.iter_mut().enumerate() {
                        if *w == worker as usize {
                            self.lab.shared.main.take_back(i);
                            *w = 0;
                        }
                    }
                }
            }
        }
    }

    /// A worker's answer (worker 0 is this one).
    pub fn deliver(&mut self, reply: FromWorker) {
        let (epoch, job, result) = match reply {
            FromWorker::Done { epoch, job, out } => (epoch, job, Ok(out)),
            FromWorker::Failed { epoch, job, error } => (epoch, job, Err(error)),
            FromWorker::Follow { epoch, curve, t, status, records } => {
                let Some(f) = self.follow.as_ref().filter(|f| f.epoch == epoch && f.main == self.lab.shared.main.id) else { return };
                let i = curve as usize;
                if f.owner.get(i).is_some_and(|&w| w > 0) {
                    let before = self.lab.progress(self.view);
                    self.lab.shared.main.runs[i].follow(records, t as usize, status);
                    if self.lab.advances_main_runs(self.view) {
                        self.credit -= self.lab.progress(self.view).saturating_sub(before) as f64;
                    }
                }
                return;
            }
        };
        for s in self.sweep.iter_mut().chain(self.table.iter_mut()) {
            if s.board.epoch == epoch {
                s.board.arrive(job as usize, result);
                break;
            }
        }
        self.record();
    }

    /// Records the results that are ready, in job order.
    fn record(&mut self) {
        if let Some(s) = &mut self.sweep {
            let ready = s.board.ready();
            if !ready.is_empty() {
                let before = self.lab.progress(self.view);
                if let Some(sw) = self.lab.sweep_mut(self.view) {
                    for r in ready {
                        match r {
                            Ok(out) => sw.record(&[out]),
                            Err(e) => sw.fail(e),
                        }
                    }
                }
                self.credit -= self.lab.progress(self.view).saturating_sub(before) as f64;
            }
            if s.board.is_done() || self.lab.is_done(self.view) {
                self.sweep = None;
            }
        }
        if let Some(s) = &mut self.table {
            let ready = s.board.ready();
            if let Some(run) = self.lab.preset_mut() {
                for r in ready {
                    match r {
                        Ok(out) => run.record(&[row_of(&out)]),
                        Err(e) => run.error = Some(e),
                    }
                }
                if run.is_done() {
                    self.table = None;
                }
            }
        }
    }

    /// The messages for the other workers since the last call: (worker, message).
    pub fn take_sends(&mut self) -> Vec<(usize, ToWorker)> {
        std::mem::take(&mut self.sends)
    }

    /// Answers to the page other than snapshots (CSV, notices) since the last call.
    pub fn take_replies(&mut self) -> Vec<ToPage> {
        std::mem::take(&mut self.replies)
    }

    /// How often, at most, the lab sends the page a snapshot while it computes, ms: about once a
    /// frame, but for a sweep split over the pool, whose plot gains a point at a time: there the
    /// page's redraws at frame rate took about 40 % of a core from the pool (docs/performance.md §6).
    pub fn snapshot_interval_ms(&self) -> f64 {
        if self.sweep.is_some() && self.workers > 1 {
            SWEEP_SNAPSHOT_MS
        } else {
            SNAPSHOT_MS
        }
    }

    /// Whether the lab has work to do (the page keeps ticking it while so).
    pub fn busy(&self) -> bool {
        self.playing || self.step_to.is_some() || self.lab.preset().is_some_and(|p| !p.is_done()) || self.core.pending() > 0
    }

    /// The view's progress the speed allows now (in its units).
    fn allowed_units(&self) -> Option<usize> {
        if let Some(t) = self.step_to {
            return Some(t);
        }
        if !self.playing {
            return Some(0);
        }
        match self.speed {
            0 => None,
            _ => Some(self.lab.progress(self.view) + self.credit.max(0.0).floor() as usize),
        }
    }

    /// Hands out jobs to every worker with room, the view's sweep first.
    fn dispatch(&mut self) {
        let limit = self.allowed_units();
        for w in 0..self.workers {
            loop {
                let load = self.sweep.iter().chain(self.table.iter()).map(|s| s.board.outstanding(w)).sum::<usize>();
                let mut given = None;
                for s in self.sweep.iter_mut().chain(self.table.iter_mut()).filter(|s| load < s.depth()) {
                    let cap = match (s.view, limit) {
                        (Some(_), Some(units)) => units.saturating_mul(s.per_unit),
                        _ => usize::MAX,
                    };
                    if let Some(j) = s.board.give(w, cap) {
                        given = Some(ToWorker::Jobs { epoch: s.board.epoch, spec: s.board.spec.clone(), jobs: vec![j as u32] });
                        break;
                    }
                }
                let Some(msg) = given else { break };
                if w == 0 {
                    let failed = self.core.receive(msg);
                    failed.into_iter().for_each(|f| self.deliver(f));
                } else {
                    self.sends.push((w, msg));
                }
            }
        }
    }

    /// The scenario's own runs are followed until the lab rebuilds them (a new scenario, a reset).
    fn forget_rebuilt_follow(&mut self) {
        if self.follow.as_ref().is_some_and(|f| f.main != self.lab.shared.main.id) {
            self.follow = None;
        }
    }

    /// Shares the scenario's own runs out to the pool, if none has started: each worker computes
    /// some of them from their start and reports their records, which the runs here follow. The
    /// run the master's view shows stays here (its messages are drawn), and so does the clean
    /// reference; the others go to the least loaded worker, helpers first on a tie.
    fn share_out_main_runs(&mut self) {
        let main = &mut self.lab.shared.main;
        let sc = &self.lab.shared.sc;
        if main.runs.len() < 2 || main.runs.iter().any(|r| r.t > 0) || main.remote.iter().any(|&r| r) {
            return;
        }
        // A worker rebuilds exactly these runs from the query, or none is handed out.
        let query = sc.to_query();
        if Scenario::from_query(&query).0 != *sc || sc.curves() != main.runs.iter().map(|r| r.curve).collect::<Vec<_>>() {
            return;
        }
        let shown = main.shown();
        let mut load = vec![0usize; self.workers];
        load[0] = 1 + main.clean.is_some() as usize;
        let mut owner = vec![0; main.runs.len()];
        for (i, o) in owner.iter_mut().enumerate() {
            if Some(i) != shown {
                let w = (0..self.workers).rev().min_by_key(|&w| load[w]).unwrap_or(0);
                load[w] += 1;
                *o = w;
            }
        }
        self.epoch += 1;
        for (i, &w) in owner.iter().enumerate() {
            if w > 0 {
                main.hand_out(i);
            }
        }
        self.follow = Some(Following { epoch: self.epoch, main: main.id, query, owner, to: None });
    }

    /// Tells the workers computing the scenario's runs how far they may go.
    fn pace_followers(&mut self) {
        if !self.lab.advances_main_runs(self.view) {
            return;
        }
        let to = self.allowed_units().map_or(u32::MAX, |u| u.min(u32::MAX as usize) as u32);
        let Some(f) = self.follow.as_mut() else { return };
        if f.to == Some(to) {
            return;
        }
        f.to = Some(to);
        for w in 1..self.workers {
            let curves: Vec<u32> = f.owner.iter().enumerate().filter(|(_, &o)| o == w).map(|(i, _)| i as u32).collect();
            if !curves.is_empty() {
                self.sends.push((w, ToWorker::Follow { epoch: f.epoch, query: f.query.clone(), curves, to }));
            }
        }
    }

    /// Sets up the splits the current state needs.
    fn split(&mut self) {
        let wants = self.playing || self.step_to.is_some();
        if self.sweep.is_none() && !self.sweep_here && wants {
            let view = self.view;
            if let Some(sw) = self.lab.sweep_mut(view).filter(|s| !s.is_done()) {
                let (start, total, per_unit) = (sw.progress().0, sw.job_count(), sw.curves.len().max(1));
                match JobSpec::of_sweep(sw) {
                    Some(spec) => {
                        self.epoch += 1;
                        self.sweep = Some(Split::new(Board::new(self.epoch, spec, start, total), Some(view), per_unit));
                    }
                    None => self.sweep_here = true,
                }
            }
        }
        self.forget_rebuilt_follow();
        if self.follow.is_none() && wants && self.workers > 1 && self.lab.advances_main_runs(self.view) {
            self.share_out_main_runs();
        }
        if self.table.is_none() {
            if let Some(run) = self.lab.preset().filter(|p| !p.is_done()) {
                let (start, total) = run.progress();
                self.epoch += 1;
                let spec = JobSpec::of_preset(run.preset.id);
                self.table = Some(Split::new(Board::new(self.epoch, spec, start, total), None, 1));
            }
        }
    }

    /// Works for about `budget_ms` of `clock` (milliseconds): hands out jobs, computes this
    /// worker's share and the visible view (at the chosen speed). Returns whether there is more.
    pub fn tick(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> bool {
        let now = clock();
        self.now = now;
        let dt = self.last_tick.map_or(1000.0 / 60.0, |t| (now - t).clamp(0.0, 100.0));
        self.last_tick = Some(now);
        if self.playing && self.speed > 0 {
            // At most a quarter second of credit, so a stalled tick does not cause a burst.
            let rate = self.speed as f64;
            self.credit = (self.credit + rate * dt / 1000.0).min(rate / 4.0 + 1.0);
        }
        self.split();
        self.dispatch();
        self.pace_followers();
        let t0 = clock();
        let view = self.view;
        let local_view = self.sweep.is_none() && (self.playing || self.step_to.is_some()) && !self.lab.is_done(view);
        if local_view {
            let share = if self.core.pending() > 0 { budget_ms / 2.0 } else { budget_ms };
            let (lab, step_to, speed, credit) = (&mut self.lab, self.step_to, self.speed, &mut self.credit);
            within_budget(clock, share, || {
                if let Some(t) = step_to {
                    return lab.progress(view) < t && lab.work(view, 4) > 0;
                }
                if speed == 0 {
                    return lab.work(view, 4) > 0;
                }
                if *credit < 1.0 {
                    return false;
                }
                let before = lab.progress(view);
                let more = lab.work(view, 4) > 0;
                *credit -= lab.progress(view).saturating_sub(before) as f64;
                more
            });
        }
        let spent = clock() - t0;
        let mut replies = Vec::new();
        if self.core.pending() == 0 {
            self.core_ms = 0.0;
        }
        let core = &mut self.core;
        let t1 = clock();
        within_budget(clock, budget_ms - spent, || {
            replies.extend(core.work(1));
            core.pending() > 0
        });
        // Jobs run one at a time: the time in them since the last one finished, over the ones
        // that finished now, is a job's cost (the next one's start counts too, which is small
        // for short jobs; a long one finishes alone).
        self.core_ms += clock() - t1;
        let (mut finished, mut last) = (0, None);
        for r in &replies {
            if let FromWorker::Done { epoch, .. } = r {
                (finished, last) = (finished + 1, Some(*epoch));
            }
        }
        if let Some(epoch) = last {
            let ms = self.core_ms / finished as f64;
            if let Some(s) = self.sweep.iter_mut().chain(self.table.iter_mut()).find(|s| s.board.epoch == epoch) {
                s.job_ms = Some(s.job_ms.map_or(ms, |m| 0.7 * m + 0.3 * ms));
            }
            self.core_ms = 0.0;
        }
        replies.into_iter().for_each(|r| self.deliver(r));
        self.dispatch();
        if let Some(t) = self.step_to {
            if self.lab.progress(view) >= t || self.lab.is_done(view) {
                self.step_to = None;
            }
        }
        if self.lab.is_done(view) && self.lab.preset().is_none_or(|p| p.is_done()) {
            self.playing = false;
        }
        self.busy()
    }

    /// What the page shows now.
    pub fn snapshot(&self) -> Snapshot {
        let (lab, v) = (&self.lab, self.view);
        let t = lab.explanation(v);
        let menus = lab
            .options(v)
            .into_iter()
            .map(|o| Menu {
                id: o.id.into(),
                label: o.label.into(),
                choices: o.choices.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect(),
                value: o.value.into(),
            })
            .collect();
        Snapshot {
            seq: self.seq,
            view: v.0 as u32,
            plot: lab.plot(v),
            status: lab.status_line(v),
            unit: lab.unit(v).into(),
            playing: self.playing,
            done: lab.is_done(v),
            text: Text { lines: t.lines, why: t.why, mathml: t.mathml.into(), source: t.source.into() },
            menus,
            notes: lab.assumption_notes(),
            preset: self.preset_table(),
            preset_waiting: lab.preset_id().is_some() && lab.preset().is_none(),
            memory: 0.0,
            applies: ViewId::all().map(|v| lab.applies(v)).collect(),
        }
    }

    fn preset_table(&self) -> Option<PresetTable> {
        let run = self.lab.preset()?;
        let p = &run.preset;
        let (done, total) = run.progress();
        let rows = p
            .rows
            .iter()
            .zip(&run.values)
            .enumerate()
            .map(|(i, (r, v))| {
                let (paper, diff) = match &r.paper {
                    Paper::Num(x) => (p.format(*x), if v.is_finite() { p.format(v - x) } else { "–".into() }),
                    Paper::Text(t) => (t.to_string(), "–".into()),
                };
                let ours = if i == done && !run.is_done() { "computing…".to_string() } else { p.format_ours(i, *v, run.spreads[i]) };
                (r.label.clone(), paper, ours, diff)
            })
            .collect();
        let checks = if run.is_done() { run.check_orders() } else { Vec::new() };
        let progress = if let Some(e) = &run.error {
            format!("stopped: {e}")
        } else if run.is_done() {
            "table complete".to_string()
        } else {
            let f = run.fraction();
            let elapsed = (self.now - self.preset_started) / 1000.0;
            let left = if f > 0.02 { format!(" · about {:.0} s left", elapsed * (1.0 - f) / f) } else { String::new() };
            format!("computing row {} of {total} · {:.0} % done{left}", done + 1, 100.0 * f)
        };
        Some(PresetTable {
            id: p.id.into(),
            title: p.title.into(),
            unit: p.unit.label().into(),
            rows,
            progress,
            fraction: run.fraction(),
            done: run.is_done(),
            checks: checks
                .iter()
                .map(|c| {
                    let o = match c.outcome {
                        presets::Outcome::Holds => 0,
                        presets::Outcome::Indistinct => 1,
                        presets::Outcome::Reversed => 2,
                    };
                    (o, format!("{} {}", c.mark(), c.text))
                })
                .collect(),
            source: p.source.into(),
            matches: p.matches.into(),
            differs: p.differs.into(),
        })
    }
}

/// Runs `unit` (which returns whether there is more to do) at least once, and again only while
/// the time spent plus the last unit's duration fits in `budget_ms`: a slice overshoots its budget
/// by less than one unit, and not at all once the units' cost is known.
pub fn within_budget(clock: &mut dyn FnMut() -> f64, budget_ms: f64, mut unit: impl FnMut() -> bool) {
    let t0 = clock();
    let mut last = 0.0;
    loop {
        let t = clock();
        if t - t0 + last > budget_ms {
            break;
        }
        if !unit() {
            break;
        }
        last = clock() - t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker holds two jobs until their cost is known, then enough for HOLD_MS of work: many
    /// short runs of a sweep, two rows of a preset that take seconds each.
    #[test]
    fn a_worker_holds_about_sixty_ms_of_jobs() {
        let spec = JobSpec::of_preset("yin18-rates");
        let mut s = Split::new(Board::new(1, spec, 0, 100), None, 1);
        assert_eq!(s.depth(), DEPTH);
        for (ms, depth) in [(4.0, 15), (1.0, MAX_DEPTH), (0.01, MAX_DEPTH), (15.0, 4), (25.0, 3), (2000.0, DEPTH)] {
            s.job_ms = Some(ms);
            assert_eq!(s.depth(), depth, "{ms} ms a job");
        }
    }
}
