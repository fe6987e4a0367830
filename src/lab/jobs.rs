//! Work that splits across workers. A sweep's runs and a preset's rows are independent, seeded
//! jobs: any worker can compute any of them from a [`JobSpec`], and the lab records the results in
//! job order ([`Board`]), so the numbers are the same, bit for bit, whatever the number of workers
//! and whichever worker ran which job. [`Core`] is what a worker runs; it is plain Rust, so the
//! tests drive several of them natively exactly as the page's Web Workers do.

use super::presets::{self, PresetRun};
use crate::engine::data::{Dataset, Datasets};
use crate::engine::problem::Cache;
use crate::engine::run::{Run, Status};
use crate::engine::scenario::Scenario;
use crate::engine::sweep::{Axis, Measure, Sweep};
use crate::engine::trace::Record;
use crate::wire_enum;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// What a worker needs to compute any job of a sweep or a preset table.
#[derive(Clone, Debug, PartialEq)]
pub enum JobSpec {
    /// The runs of [`Sweep::new`]`(base, axis, base.curves(), seeds)`: the base as its canonical
    /// query, the axis as its keys (`alpha`, `n`), values and fixed updates (0 = none), what each
    /// run reports ([`Measure::key`]), the attacks and the second parameter (`by`, "" for none, and
    /// its values) each value is crossed with.
    Sweep {
        base: String,
        axis: String,
        values: Vec<f64>,
        updates: usize,
        attacks: String,
        by: String,
        by_values: Vec<f64>,
        seeds: Vec<u64>,
        measure: String,
    },
    /// The rows of a paper's preset.
    Preset { id: String },
}
wire_enum!(JobSpec { 0 => Sweep { base, axis, values, updates, attacks, by, by_values, seeds, measure }, 1 => Preset { id } });

impl JobSpec {
    /// The spec of a sweep, if a worker can rebuild exactly this sweep from it (its base survives
    /// the trip through its query, and it compares the base's own curves).
    pub fn of_sweep(sw: &Sweep) -> Option<JobSpec> {
        let base = sw.base.to_query();
        let (axis, values, updates) = (sw.axis.name(), sw.axis.values.clone(), sw.axis.updates.unwrap_or(0));
        let attacks = sw.axis.attacks.iter().map(|a| a.key()).collect::<Vec<_>>().join(",");
        let (by, by_values) = sw.axis.by.as_ref().map_or((String::new(), Vec::new()), |(p, v)| (p.key.to_string(), v.clone()));
        let spec = JobSpec::Sweep {
            base,
            axis,
            values,
            updates,
            attacks,
            by,
            by_values,
            seeds: sw.seeds.clone(),
            measure: sw.measure.key().into(),
        };
        match spec.build() {
            Ok(Built::Sweep(rebuilt))
                if rebuilt.base == sw.base && rebuilt.curves == sw.curves && rebuilt.axis == sw.axis && rebuilt.measure == sw.measure =>
            {
                Some(spec)
            }
            _ => None,
        }
    }

    pub fn of_preset(id: &str) -> JobSpec {
        JobSpec::Preset { id: id.to_string() }
    }

    fn build(&self) -> Result<Built, String> {
        match self {
            JobSpec::Sweep { base, axis, values, updates, attacks, by, by_values, seeds, measure } => {
                let (base, _) = Scenario::from_query(base);
                let attacks = attacks
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(|a| crate::engine::AttackKind::from_key(a).ok_or_else(|| format!("no attack “{a}”")))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut axis = Axis { updates: (*updates > 0).then_some(*updates), attacks, ..Axis::on(axis, values.clone())? };
                if !by.is_empty() {
                    axis = axis.by(by, by_values.clone())?;
                }
                let curves = base.curves();
                let measure = Measure::from_key(measure).ok_or_else(|| format!("no measure “{measure}”"))?;
                Ok(Built::Sweep(Sweep::new(&base, axis, curves, seeds.clone()).measuring(measure)))
            }
            JobSpec::Preset { id } => presets::by_id(id).map(Built::Preset).ok_or_else(|| format!("no preset “{id}”")),
        }
    }
}

// One of these per worker at a time: boxing a variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Built {
    Sweep(Sweep),
    Preset(presets::Preset),
}

impl Built {
    fn data_needed(&self) -> Vec<crate::engine::scenario::DataSource> {
        match self {
            Built::Sweep(s) => s.base.data_source().into_iter().collect(),
            Built::Preset(p) => p.data_needed(),
        }
    }
}

/// A message to a worker.
#[derive(Clone, Debug, PartialEq)]
pub enum ToWorker {
    /// Compute these jobs of `spec`, in order, for the board with this epoch.
    Jobs { epoch: u32, spec: JobSpec, jobs: Vec<u32> },
    /// Forget every job whose board is not one of these (the lab dropped the others).
    Keep { epochs: Vec<u32> },
    /// Compute these of the scenario's own runs (indices into `Scenario::curves()`), tracing from
    /// their start, up to iteration `to`, and report their records as they go
    /// ([`FromWorker::Follow`]). Again with the same epoch: only a new `to`. Another epoch (or
    /// `Keep` without it) replaces them.
    Follow { epoch: u32, query: String, curves: Vec<u32>, to: u32 },
}
wire_enum!(ToWorker { 0 => Jobs { epoch, spec, jobs }, 1 => Keep { epochs }, 2 => Follow { epoch, query, curves, to } });

/// A worker's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum FromWorker {
    /// A job's result: a sweep run's final metric `[v]`, a preset row's value `[v]` or value and
    /// spread `[v, lo, hi]`.
    Done {
        epoch: u32,
        job: u32,
        out: Vec<f64>,
    },
    Failed {
        epoch: u32,
        job: u32,
        error: String,
    },
    /// One followed run's records since its last report, its iteration count and status.
    Follow {
        epoch: u32,
        curve: u32,
        t: u32,
        status: Status,
        records: Vec<Record>,
    },
}
wire_enum!(FromWorker {
    0 => Done { epoch, job, out },
    1 => Failed { epoch, job, error },
    2 => Follow { epoch, curve, t, status, records },
});

/// A preset row's result as a job output.
pub fn row_out((v, spread): (f64, Option<(f64, f64)>)) -> Vec<f64> {
    match spread {
        Some((lo, hi)) => vec![v, lo, hi],
        None => vec![v],
    }
}

/// The inverse of [`row_out`].
pub fn row_of(out: &[f64]) -> (f64, Option<(f64, f64)>) {
    match out {
        [v, lo, hi] => (*v, Some((*lo, *hi))),
        [v, ..] => (*v, None),
        [] => (f64::NAN, None),
    }
}

// One per worker at a time, like `Built`.
#[allow(clippy::large_enum_variant)]
enum Active {
    Run(Run, Measure),
    Row(PresetRun),
}

/// What one worker runs: a queue of jobs, each advanced a run-step at a time so the worker can
/// read its messages between any two.
pub struct Core {
    cache: Cache,
    /// The specs seen last, built (a sweep and a preset at most are active at once).
    built: Vec<(JobSpec, Built)>,
    queue: VecDeque<(u32, usize, u32)>,
    /// (epoch, index into `built`, job, state).
    active: Option<(u32, usize, u32, Active)>,
    follow: Option<Follow>,
}

/// The scenario's runs this worker computes for the lab to follow.
struct Follow {
    epoch: u32,
    query: String,
    /// (index into the scenario's curves, the run).
    runs: Vec<(u32, Run)>,
    to: usize,
    /// Made with no run (the scenario's problem could not be built, or its data are missing).
    waiting: Option<(Scenario, Vec<u32>)>,
}

impl Default for Core {
    fn default() -> Core {
        Core::new(Datasets::default())
    }
}

impl Core {
    pub fn new(data: Datasets) -> Core {
        Core { cache: Cache::with_data(data), built: Vec::new(), queue: VecDeque::new(), active: None, follow: None }
    }

    pub fn set_data(&mut self, data: Arc<Dataset>) {
        self.cache.set_data(data);
    }

    /// Jobs queued or in progress (followed runs with iterations left count as one).
    pub fn pending(&self) -> usize {
        self.queue.len() + self.active.is_some() as usize + self.follow_due() as usize
    }

    fn follow_due(&self) -> bool {
        self.follow.as_ref().is_some_and(|f| {
            f.waiting.as_ref().is_some_and(|(sc, _)| self.cache.can_build(sc)) || f.runs.iter().any(|(_, r)| r.is_running() && r.t < f.to)
        })
    }

    /// Builds the followed runs once their problem can be built.
    fn start_follow(&mut self) {
        let Some(f) = self.follow.as_mut() else { return };
        let Some((sc, curves)) = f.waiting.take() else { return };
        if !self.cache.can_build(&sc) {
            f.waiting = Some((sc, curves));
            return;
        }
        match self.cache.get(&sc) {
            Ok(p) => {
                let all = sc.curves();
                f.runs = curves
                    .iter()
                    .filter_map(|&i| all.get(i as usize).map(|&c| (i, Run::new(&sc, c, p.clone()))))
                    .map(|(i, mut r)| {
                        r.trace.tap();
                        (i, r)
                    })
                    .collect();
            }
            // The lab builds the same problem and says what failed; nothing to follow here.
            Err(_) => f.runs.clear(),
        }
    }

    /// The followed runs' records since the last call, one message per run that moved.
    pub fn flush(&mut self) -> Vec<FromWorker> {
        let Some(f) = self.follow.as_mut() else { return Vec::new() };
        let epoch = f.epoch;
        f.runs
            .iter_mut()
            .filter_map(|(i, r)| {
                let records = r.trace.take_tapped();
                (!records.is_empty()).then(|| FromWorker::Follow { epoch, curve: *i, t: r.t as u32, status: r.status.clone(), records })
            })
            .collect()
    }

    /// Takes a message; returns the answers it causes at once (a spec that cannot be built).
    pub fn receive(&mut self, msg: ToWorker) -> Vec<FromWorker> {
        match msg {
            ToWorker::Follow { epoch, query, curves, to } => {
                match self.follow.as_mut() {
                    Some(f) if f.epoch == epoch && f.query == query => f.to = to as usize,
                    _ => {
                        let (sc, _) = Scenario::from_query(&query);
                        self.follow = Some(Follow { epoch, query, runs: Vec::new(), to: to as usize, waiting: Some((sc, curves)) });
                        self.start_follow();
                    }
                }
                Vec::new()
            }
            ToWorker::Keep { epochs } => {
                if self.follow.as_ref().is_some_and(|f| !epochs.contains(&f.epoch)) {
                    self.follow = None;
                }
                self.queue.retain(|(e, _, _)| epochs.contains(e));
                if self.active.as_ref().is_some_and(|a| !epochs.contains(&a.0)) {
                    self.active = None;
                }
                Vec::new()
            }
            ToWorker::Jobs { epoch, spec, jobs } => {
                let slot = match self.built.iter().position(|(s, _)| *s == spec) {
                    Some(i) => i,
                    None => match spec.build() {
                        Ok(b) => {
                            if self.built.len() >= 4 {
                                // Forget a spec no queued job uses.
                                let used: Vec<usize> = self.queue.iter().map(|q| q.1).chain(self.active.as_ref().map(|a| a.1)).collect();
                                if let Some(i) = (0..self.built.len()).find(|i| !used.contains(i)) {
                                    self.built.remove(i);
                                    self.queue.iter_mut().for_each(|q| q.1 -= (q.1 > i) as usize);
                                    if let Some(a) = self.active.as_mut() {
                                        a.1 -= (a.1 > i) as usize;
                                    }
                                }
                            }
                            self.built.push((spec, b));
                            self.built.len() - 1
                        }
                        Err(error) => return jobs.into_iter().map(|job| FromWorker::Failed { epoch, job, error: error.clone() }).collect(),
                    },
                };
                self.queue.extend(jobs.into_iter().map(|j| (epoch, slot, j)));
                Vec::new()
            }
        }
    }

    /// Advances the jobs by at most `steps` run-steps; returns the jobs finished. A job whose
    /// problem needs a data file waits until they arrive.
    pub fn work(&mut self, steps: usize) -> Vec<FromWorker> {
        let mut out = Vec::new();
        let mut done = 0;
        while done < steps.max(1) {
            if self.active.is_none() && self.queue.is_empty() {
                // Nothing else queued: the followed runs, the least advanced first.
                self.start_follow();
                let Some(f) = self.follow.as_mut() else { break };
                let to = f.to;
                match f.runs.iter_mut().map(|(_, r)| r).filter(|r| r.is_running() && r.t < to).min_by_key(|r| r.t) {
                    Some(r) => {
                        r.step();
                        done += 1;
                        continue;
                    }
                    None => break,
                }
            }
            if self.active.is_none() {
                let Some(&(epoch, slot, job)) = self.queue.front() else { break };
                if !self.cache.data().missing(&self.built[slot].1.data_needed()).is_empty() {
                    break;
                }
                self.queue.pop_front();
                let started = match &self.built[slot].1 {
                    Built::Sweep(sw) => {
                        let (sc, curve) = sw.job(job as usize);
                        Sweep::start_job(&sc, curve, &mut self.cache).map(|run| Active::Run(run, sw.measure))
                    }
                    Built::Preset(p) => Ok(Active::Row(PresetRun::row(p.clone(), job as usize))),
                };
                match started {
                    Ok(a) => self.active = Some((epoch, slot, job, a)),
                    Err(error) => {
                        out.push(FromWorker::Failed { epoch, job, error });
                        continue;
                    }
                }
            }
            let (epoch, _, job, active) = self.active.as_mut().expect("an active job");
            let (epoch, job) = (*epoch, *job);
            done += 1;
            let finished = match active {
                Active::Run(run, measure) => Sweep::step_job(run, *measure).map(Ok),
                Active::Row(row) => {
                    row.advance(1, &mut self.cache);
                    row.is_done().then(|| row.row_result(job as usize).map(row_out))
                }
            };
            if let Some(result) = finished {
                self.active = None;
                out.push(match result {
                    Ok(out) => FromWorker::Done { epoch, job, out },
                    Err(error) => FromWorker::Failed { epoch, job, error },
                });
            }
        }
        out
    }
}

/// The lab's side of one split computation: which jobs went to which worker, and the results
/// waiting for their turn to be recorded (results are recorded in job order only).
pub struct Board {
    pub epoch: u32,
    pub spec: JobSpec,
    total: usize,
    /// The first job never handed out.
    next_new: usize,
    /// Jobs handed to a worker that was lost, to hand out again first.
    requeued: Vec<usize>,
    /// (job, worker) of every job handed out and not answered.
    out: Vec<(usize, usize)>,
    arrived: BTreeMap<usize, Result<Vec<f64>, String>>,
    /// Results recorded up to here.
    recorded: usize,
}

impl Board {
    /// A board for jobs `start..total` (the ones before are recorded already).
    pub fn new(epoch: u32, spec: JobSpec, start: usize, total: usize) -> Board {
        Board { epoch, spec, total, next_new: start, requeued: Vec::new(), out: Vec::new(), arrived: BTreeMap::new(), recorded: start }
    }

    /// Jobs handed to `worker` and not answered yet.
    pub fn outstanding(&self, worker: usize) -> usize {
        self.out.iter().filter(|o| o.1 == worker).count()
    }

    /// Hands the next job below `limit` to `worker`, if there is one.
    pub fn give(&mut self, worker: usize, limit: usize) -> Option<usize> {
        let job = match self.requeued.iter().position(|&j| j < limit) {
            Some(i) => self.requeued.remove(i),
            None if self.next_new < limit.min(self.total) => {
                self.next_new += 1;
                self.next_new - 1
            }
            None => return None,
        };
        self.out.push((job, worker));
        Some(job)
    }

    /// A worker's answer for this board.
    pub fn arrive(&mut self, job: usize, result: Result<Vec<f64>, String>) {
        if let Some(i) = self.out.iter().position(|o| o.0 == job) {
            self.out.swap_remove(i);
            self.arrived.insert(job, result);
        }
    }

    /// The results that can be recorded now, in job order: every one from the first not yet
    /// recorded up to the first still missing.
    pub fn ready(&mut self) -> Vec<Result<Vec<f64>, String>> {
        let mut out = Vec::new();
        while let Some(r) = self.arrived.remove(&self.recorded) {
            out.push(r);
            self.recorded += 1;
        }
        out
    }

    /// A worker died: its jobs go back to the queue.
    pub fn lost(&mut self, worker: usize) {
        let (gone, kept): (Vec<_>, Vec<_>) = self.out.iter().partition(|o| o.1 == worker);
        self.out = kept;
        self.requeued.extend(gone.into_iter().map(|o| o.0));
        self.requeued.sort_unstable();
    }

    pub fn is_done(&self) -> bool {
        self.recorded >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::wire::{decode, encode};

    fn sweep() -> Sweep {
        let (sc, _) = Scenario::from_query("problem=linreg&agg=median,mean&T=20&m=15");
        Sweep::new(&sc, Axis::alpha_range(0.0, 0.3, 0.1), sc.curves(), vec![1, 2])
    }

    #[test]
    fn workers_compute_a_sweep_bit_for_bit() {
        across_workers(sweep, Datasets::default());
    }

    /// The worst-case map's sweep: α crossed with a second parameter and with attacks, point i at
    /// (value i / (2·2), ζ (i / 2) mod 2, attack i mod 2), through the wire and across workers.
    #[test]
    fn workers_compute_a_map_sweep_bit_for_bit() {
        use crate::engine::AttackKind;
        let (sc, _) = Scenario::from_query("problem=linreg&agg=median,mean&T=10&m=15&split=hetero");
        let attacks = vec![AttackKind::SignFlip, AttackKind::Gaussian];
        let map = || {
            Sweep::new(
                &sc,
                Axis::alpha_range(0.0, 0.2, 0.1).by("zeta", vec![0.0, 2.0]).unwrap().crossed_with(attacks.clone()),
                sc.curves(),
                vec![1],
            )
        };
        let sw = map();
        assert_eq!((sw.axis.len(), sw.axis.groups(), sw.job_count()), (12, 6, 24));
        let at = |i: usize| {
            let s = sw.axis.apply(&sw.base, i);
            (s.alpha, s.zeta, s.attack.kind)
        };
        assert_eq!(at(0), (0.0, 0.0, AttackKind::SignFlip));
        assert_eq!(at(3), (0.0, 2.0, AttackKind::Gaussian));
        assert_eq!(at(5), (0.1, 0.0, AttackKind::Gaussian));
        assert!(Axis::alpha_range(0.0, 0.2, 0.1).by("split", vec![1.0]).is_err(), "a second parameter must be numeric");
        across_workers(map, Datasets::default());
    }

    /// The batch-size and adversarial-gap sweeps (fixed updates, a numeric choice on the axis,
    /// several values per job) through the same wire.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn workers_compute_the_thesis_sweeps_bit_for_bit() {
        use crate::engine::data::DataSource;
        let data = Datasets::load(&[DataSource::Subset]).unwrap();
        let (sc, _) = Scenario::from_query("problem=binary&m=3&n=40&agg=mean,median&T=32&eta=0.01&adv=0.05&shift=linf&shift_eps=0.05");
        let batch = || Sweep::new(&sc, Axis::batch_at(32, vec![1.0, 4.0, 40.0]), sc.curves(), vec![1, 2]).measuring(Measure::TrainLoss);
        across_workers(batch, data.clone());
        let gap = || Sweep::new(&sc, Axis::on("pix", vec![196.0, 784.0]).unwrap(), sc.curves(), vec![1, 2]).measuring(Measure::Gap);
        across_workers(gap, data);
    }

    fn across_workers(sweep: impl Fn() -> Sweep, data: Datasets) {
        let mut alone = sweep();
        alone.run_to_end(&mut Cache::with_data(data.clone()));
        let mut sw = sweep();
        let spec = JobSpec::of_sweep(&sw).expect("the sweep rebuilds from its spec");
        let mut board = Board::new(7, spec.clone(), 0, sw.job_count());
        let mut cores: Vec<Core> = (0..3).map(|_| Core { cache: Cache::with_data(data.clone()), ..Core::default() }).collect();
        // Deal jobs round-robin, run the workers in an uneven order, deliver through the wire.
        let mut turn = 0;
        while !board.is_done() {
            for (w, core) in cores.iter_mut().enumerate() {
                while board.outstanding(w) < 2 {
                    let Some(j) = board.give(w, usize::MAX) else { break };
                    let msg: ToWorker = decode(&encode(&ToWorker::Jobs { epoch: 7, spec: spec.clone(), jobs: vec![j as u32] })).unwrap();
                    assert!(core.receive(msg).is_empty());
                }
            }
            turn += 1;
            let w = (turn * 7) % 3;
            for reply in cores[w].work(3 + w * 5) {
                match decode::<FromWorker>(&encode(&reply)).unwrap() {
                    FromWorker::Done { epoch, job, out } => {
                        assert_eq!(epoch, 7);
                        board.arrive(job as usize, Ok(out));
                    }
                    FromWorker::Failed { error, .. } => panic!("{error}"),
                    FromWorker::Follow { .. } => panic!("no run is followed here"),
                }
            }
            for r in board.ready() {
                sw.record(&[r.unwrap()]);
            }
        }
        assert!(sw.is_done());
        assert!(alone.csv().lines().count() > 4 && !alone.csv().contains("NaN"), "{}", alone.csv());
        assert_eq!(sw.csv(), alone.csv());
    }

    #[test]
    fn a_lost_worker_s_jobs_are_handed_out_again_and_stale_epochs_dropped() {
        let mut board = Board::new(1, JobSpec::of_preset("yin18-rates"), 0, 4);
        assert_eq!((board.give(0, 9), board.give(1, 9), board.give(1, 9)), (Some(0), Some(1), Some(2)));
        board.lost(1);
        assert_eq!(board.outstanding(1), 0);
        assert_eq!(board.give(0, 9), Some(1));
        assert_eq!(board.give(0, 9), Some(2));
        assert_eq!(board.give(0, 9), Some(3));
        assert_eq!(board.give(0, 9), None);
        // A result from the lost worker arrives late: ignored.
        board.arrive(5, Ok(vec![1.0]));
        board.arrive(1, Ok(vec![1.0]));
        assert!(board.ready().is_empty(), "job 0 is still missing");
        board.arrive(0, Ok(vec![0.0]));
        assert_eq!(board.ready().len(), 2);
        // A worker told to keep other epochs forgets its queue.
        let mut core = Core::default();
        core.receive(ToWorker::Jobs { epoch: 3, spec: JobSpec::of_preset("yin18-rates"), jobs: vec![0, 1] });
        assert_eq!(core.pending(), 2);
        core.receive(ToWorker::Keep { epochs: vec![4] });
        assert_eq!(core.pending(), 0);
        assert!(core.work(100).is_empty());
        // An unknown preset fails every job it was given.
        let r = core.receive(ToWorker::Jobs { epoch: 4, spec: JobSpec::of_preset("nope"), jobs: vec![0, 1] });
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn preset_rows_from_workers_match_the_table_run_in_one_piece() {
        let p = presets::by_id("yin18-rates").unwrap();
        let mut whole = PresetRun::new(p.clone());
        whole.run_to_end(&mut Cache::default());
        let mut core = Core::default();
        let n = p.rows.len() as u32;
        core.receive(ToWorker::Jobs { epoch: 0, spec: JobSpec::of_preset(p.id), jobs: (0..n).rev().collect() });
        let mut got = vec![None; n as usize];
        while core.pending() > 0 {
            for r in core.work(50) {
                if let FromWorker::Done { job, out, .. } = r {
                    got[job as usize] = Some(row_of(&out));
                }
            }
        }
        let mut table = PresetRun::new(p);
        table.record(&got.into_iter().map(|g| g.unwrap()).collect::<Vec<_>>());
        assert!(table.is_done());
        assert_eq!(format!("{:?}", table.values), format!("{:?}", whole.values));
        assert_eq!(format!("{:?}", table.spreads), format!("{:?}", whole.spreads));
    }
}
