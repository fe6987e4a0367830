//! The scenario's own runs: one per curve, and the clean reference (α = 0, the mean), advanced in
//! lockstep. The error-curves view plots them and the master's view shows their messages.

use crate::engine::problem::Cache;
use crate::engine::run::Run;
use crate::engine::scenario::Scenario;
use crate::engine::Status;

pub struct MainRuns {
    pub runs: Vec<Run>,
    /// The clean reference run, when the scenario has Byzantine workers or an attack.
    pub clean: Option<Run>,
    /// Which of `runs` are computed by another worker and followed here ([`Run::follow`]).
    pub remote: Vec<bool>,
    /// Tells one set of runs from the next (a host following them notices a rebuild).
    pub id: u64,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl MainRuns {
    /// Nothing to run (while the data load, or when the problem cannot be built).
    pub fn empty() -> MainRuns {
        MainRuns { runs: Vec::new(), clean: None, remote: Vec::new(), id: 0 }
    }

    pub fn new(sc: &Scenario, problems: &mut Cache) -> Result<MainRuns, String> {
        let p = problems.get(sc)?;
        let runs: Vec<Run> = sc.curves().into_iter().map(|c| Run::new(sc, c, p.clone())).collect();
        let clean = (sc.alpha > 0.0 || sc.attack.kind != crate::engine::AttackKind::None).then(|| {
            let (s, c) = sc.clean();
            Run::new(&s, c, p.clone())
        });
        let (remote, id) = (vec![false; runs.len()], NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        Ok(MainRuns { runs, clean, remote, id })
    }

    /// The run the master's view shows (so a host computes it here, with its messages): the first
    /// whose rule is robust (the mean's run wanders off under attack), else the first with a rule
    /// (RSA's runs send models, not gradients).
    pub fn shown(&self) -> Option<usize> {
        let robust = |r: &Run| r.curve.rule.is_some_and(|a| a.kind != crate::engine::AggKind::Mean);
        self.runs.iter().position(robust).or_else(|| self.runs.iter().position(|r| r.curve.rule.is_some()))
    }

    /// Run `i` is computed elsewhere from now on (it has not been stepped here).
    pub fn hand_out(&mut self, i: usize) {
        if let Some(r) = self.remote.get_mut(i) {
            *r = true;
        }
    }

    /// Run `i` is computed here again, from its start (its follower was lost).
    pub fn take_back(&mut self, i: usize) {
        if let (Some(r), Some(flag)) = (self.runs.get_mut(i), self.remote.get_mut(i)) {
            *r = Run::new(&r.sc.clone(), r.curve, r.problem().clone());
            *flag = false;
        }
    }

    fn all(&self) -> impl Iterator<Item = &Run> {
        self.runs.iter().chain(self.clean.iter())
    }

    /// Advances by at most `steps` run-steps, the least advanced running run first, so the curves
    /// move together and a caller can stop between any two. Building the workers' data comes
    /// first, one worker per call. Returns the run-steps done (0: nothing left).
    pub fn work(&mut self, steps: usize) -> usize {
        if let Some(r) = self.runs.first() {
            if !r.problem().prepare(1) {
                return 1;
            }
        }
        let mut done = 0;
        while done < steps {
            let remote = &self.remote;
            let here = self.runs.iter_mut().enumerate().filter(|(i, _)| !remote[*i]).map(|(_, r)| r);
            match here.chain(self.clean.iter_mut()).filter(|r| r.is_running()).min_by_key(|r| r.t) {
                Some(r) => {
                    r.step();
                    done += 1;
                }
                None => break,
            }
        }
        done
    }

    /// Advances every run to iteration `t` (or its end) at once: a scenario whose Byzantine
    /// messages are placed by hand from round t opens there, where the reader placed them.
    pub fn catch_up(&mut self, t: usize) {
        if let Some(r) = self.runs.first() {
            while !r.problem().prepare(1) {}
        }
        for r in self.runs.iter_mut().chain(self.clean.iter_mut()) {
            while r.t < t && r.step() {}
        }
    }

    /// Whether the workers' data are still being built.
    pub fn building(&self) -> bool {
        self.runs.first().is_some_and(|r| r.t == 0 && !r.problem().prepare(0))
    }

    pub fn is_done(&self) -> bool {
        self.all().all(|r| !r.is_running())
    }

    /// The iterations every run has made: the least advanced running run's (all of them once
    /// none is running).
    pub fn progress(&self) -> usize {
        self.all().filter(|r| r.is_running()).map(|r| r.t).min().unwrap_or_else(|| self.iteration())
    }

    /// Iterations done by the most advanced curve.
    pub fn iteration(&self) -> usize {
        self.runs.iter().map(|r| r.t).max().unwrap_or(0)
    }

    /// The curves that diverged.
    pub fn diverged(&self) -> Vec<&Run> {
        self.runs.iter().filter(|r| matches!(r.status, Status::Diverged(_))).collect()
    }

    /// (CSV name, run) of every run: the curves' keys, then `clean-mean`.
    pub fn named(&self) -> Vec<(String, &Run)> {
        let mut v: Vec<(String, &Run)> = self.runs.iter().map(|r| (r.curve.key(), r)).collect();
        if let Some(c) = &self.clean {
            v.push(("clean-mean".into(), c));
        }
        v
    }
}
