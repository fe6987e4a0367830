//! The lab as the page runs it: a [`Host`] (the lab worker) and a pool of [`Core`]s (the other
//! workers), every message through the wire encoding, driven natively. Results must be the same,
//! bit for bit, whatever the pool size, whichever worker is slow or dies, and however the commands
//! interleave with the workers' answers.

use byzlab::engine::problem::Cache;
use byzlab::engine::scenario::Scenario;
use byzlab::lab::host::{Command, Host, Snapshot, ToPage};
use byzlab::lab::jobs::{Core, FromWorker, ToWorker};
use byzlab::lab::presets::{self, PresetRun};
use byzlab::lab::wire::{decode, encode};
use byzlab::lab::{Lab, ViewId};

/// A simulated page: the host, the other workers and a clock.
struct Pool {
    host: Host,
    cores: Vec<Core>,
    seq: u32,
    t: f64,
    /// Messages in flight to each worker, delivered a few ticks late to mix up the order.
    inbox: Vec<Vec<ToWorker>>,
    /// Reports of runs computed by the other workers, delivered.
    followed: usize,
}

impl Pool {
    fn new(query: &str, view: &str, workers: usize) -> Pool {
        let sc = Scenario::from_query(query).0;
        let mut p = Pool {
            host: Host::new(sc, ViewId::from_key(view).unwrap(), 0),
            cores: (1..workers).map(|_| Core::default()).collect(),
            seq: 0,
            t: 0.0,
            inbox: vec![Vec::new(); workers],
            followed: 0,
        };
        p.send(Command::Workers { count: workers as u32 });
        p.send(Command::Scenario { query: query.into() });
        p
    }

    fn send(&mut self, cmd: Command) {
        self.seq += 1;
        let cmd: Command = decode(&encode(&cmd)).unwrap();
        self.host.handle(self.seq, cmd, self.t);
    }

    /// One round: the host ticks, messages move, every other worker works a little (worker w
    /// does w + 2 run-steps, so they finish out of order).
    fn round(&mut self) -> bool {
        let mut t = self.t;
        let mut clock = || {
            t += 0.05;
            t
        };
        let more = self.host.tick(&mut clock, 4.0);
        self.t = t;
        for (w, msg) in self.host.take_sends() {
            self.inbox[w].push(decode(&encode(&msg)).unwrap());
        }
        let mut busy = false;
        for (i, core) in self.cores.iter_mut().enumerate() {
            for msg in std::mem::take(&mut self.inbox[i + 1]) {
                assert!(core.receive(msg).is_empty());
            }
            let mut out = core.work(i + 2);
            out.extend(core.flush());
            for r in out {
                let r: FromWorker = decode(&encode(&r)).unwrap();
                self.followed += matches!(r, FromWorker::Follow { .. }) as usize;
                self.host.deliver(r);
            }
            busy |= core.pending() > 0;
        }
        more || busy
    }

    fn run_to_end(&mut self) {
        let mut rounds = 0;
        while self.round() {
            rounds += 1;
            assert!(rounds < 1_000_000, "the pool never finishes");
        }
    }

    fn snapshot(&self) -> Snapshot {
        decode(&encode(&self.host.snapshot())).unwrap()
    }

    fn csv(&mut self, view: &str) -> String {
        self.send(Command::Csv { view: ViewId::from_key(view).unwrap().0 as u32 });
        match self.host.take_replies().pop() {
            Some(ToPage::Csv { text, .. }) => text,
            other => panic!("no CSV: {other:?}"),
        }
    }
}

/// The view computed by the plain lab, in one thread.
fn alone(query: &str, view: &str) -> String {
    let v = ViewId::from_key(view).unwrap();
    let mut lab = Lab::new(Scenario::from_query(query).0);
    while lab.work(v, 1000) > 0 {}
    assert!(lab.is_done(v));
    lab.csv(v)
}

const SWEEP: &str = "problem=linreg&agg=median,trmean,mean&T=30&m=20";

#[test]
fn sweeps_are_the_same_at_every_pool_size() {
    for view in ["breakdown", "rates"] {
        let want = alone(SWEEP, view);
        assert!(want.lines().count() > 20, "{want}");
        for workers in [1, 2, 3] {
            let mut p = Pool::new(SWEEP, view, workers);
            p.run_to_end();
            assert!(p.snapshot().done);
            assert_eq!(p.csv(view), want, "{view} with {workers} workers");
        }
    }
}

#[test]
fn the_curves_view_and_the_master_view_are_the_same_in_the_host() {
    for view in ["curves", "master", "saddle"] {
        let mut p = Pool::new(SWEEP, view, 3);
        p.run_to_end();
        assert_eq!(p.csv(view), alone(SWEEP, view), "{view}");
    }
}

/// The plot, status and text of a view of the plain lab, in one thread.
fn alone_view(query: &str, view: &str) -> (byzlab::plots::Plot, String, Vec<String>) {
    let v = ViewId::from_key(view).unwrap();
    let mut lab = Lab::new(Scenario::from_query(query).0);
    while lab.work(v, 1000) > 0 {}
    (lab.plot(v), lab.status_line(v), lab.explanation(v).lines)
}

const CURVES: &str = "problem=linreg&agg=median,trmean,mean,krum,geomed&attack=gaussian&T=40&m=20";

#[test]
fn the_scenario_runs_shared_out_to_the_pool_draw_the_same_curves() {
    for view in ["curves", "master"] {
        let want = alone_view(CURVES, view);
        for workers in [1, 2, 3] {
            let mut p = Pool::new(CURVES, view, workers);
            p.run_to_end();
            let s = p.snapshot();
            assert!(s.done);
            assert_eq!((s.plot, s.status, s.text.lines), want, "{view} with {workers} workers");
            assert_eq!(p.followed > 0, workers > 1, "{view} with {workers} workers: {} reports", p.followed);
        }
    }
    // Step is one iteration of every curve, with the pool too.
    let mut p = Pool::new(CURVES, "curves", 3);
    p.send(Command::Pause);
    p.send(Command::Reset);
    p.send(Command::Step);
    p.run_to_end();
    assert_eq!(p.host.lab().progress(ViewId::from_key("curves").unwrap()), 1, "{}", p.snapshot().status);
}

#[test]
fn a_worker_that_dies_while_computing_curves_loses_nothing() {
    let want = alone_view(CURVES, "curves");
    let mut p = Pool::new(CURVES, "curves", 3);
    for _ in 0..20 {
        p.round();
    }
    assert!(p.followed > 0);
    p.cores[0] = Core::default();
    p.inbox[1].clear();
    p.send(Command::WorkerLost { worker: 1 });
    p.run_to_end();
    let s = p.snapshot();
    assert_eq!((s.plot, s.status, s.text.lines), want);
}

#[test]
fn a_worker_that_dies_loses_nothing() {
    let want = alone(SWEEP, "breakdown");
    let mut p = Pool::new(SWEEP, "breakdown", 3);
    for _ in 0..40 {
        p.round();
    }
    // Worker 2 dies with its jobs: the page starts a fresh one and says so.
    p.cores[1] = Core::default();
    p.inbox[2].clear();
    p.send(Command::WorkerLost { worker: 2 });
    p.run_to_end();
    assert_eq!(p.csv("breakdown"), want);
}

#[test]
fn a_change_in_flight_leaves_no_stale_result() {
    let other = "problem=linreg&agg=median,mean&T=25&m=30&attack=gaussian";
    let want = alone(other, "breakdown");
    let mut p = Pool::new(SWEEP, "breakdown", 3);
    for _ in 0..30 {
        p.round();
    }
    // Jobs of the old sweep are still in the workers' queues and inboxes.
    p.send(Command::Scenario { query: other.into() });
    let snap = p.snapshot();
    assert_eq!(snap.seq, p.seq);
    p.run_to_end();
    assert_eq!(p.csv("breakdown"), want);
}

#[test]
fn preset_tables_are_the_same_at_every_pool_size() {
    for id in ["yin18-rates", "yin19-stuck"] {
        let mut whole = PresetRun::new(presets::by_id(id).unwrap());
        whole.run_to_end(&mut Cache::default());
        for workers in [1, 3] {
            let mut p = Pool::new("problem=linreg", "curves", workers);
            p.send(Command::Preset { id: id.into() });
            p.run_to_end();
            let table = p.snapshot().preset.expect("the table");
            assert!(table.done, "{id}: {}", table.progress);
            let ours: Vec<String> = table.rows.iter().map(|r| r.2.clone()).collect();
            let p = &whole.preset;
            let expected: Vec<String> = (0..p.rows.len()).map(|i| p.format_ours(i, whole.values[i], whole.spreads[i])).collect();
            assert_eq!(ours, expected, "{id} with {workers} workers");
        }
    }
}

#[test]
fn the_speed_is_units_per_second_and_step_is_one_unit() {
    // 5 iterations per second: after 2 s of ticks, about 10 iterations.
    let mut p = Pool::new("problem=linreg&T=500", "curves", 1);
    p.send(Command::Speed { per_second: 5 });
    p.send(Command::Reset);
    p.send(Command::Play);
    let mut t = 0.0;
    while t < 2000.0 {
        t += 16.0;
        let mut clock = || t;
        p.host.tick(&mut clock, 4.0);
    }
    let it = p.host.lab().progress(ViewId::from_key("curves").unwrap());
    assert!((9..=12).contains(&it), "{it} iterations in 2 s at 5 per second");
    // Step adds one α point in the breakdown view, with the pool.
    let mut p = Pool::new(SWEEP, "breakdown", 3);
    p.send(Command::Pause);
    p.send(Command::Reset);
    p.send(Command::Step);
    p.run_to_end();
    let v = ViewId::from_key("breakdown").unwrap();
    assert_eq!(p.host.lab().progress(v), 1, "{}", p.snapshot().status);
    assert!(!p.snapshot().playing);
}
