//! Sweeps: a grid of (axis value × aggregator × seed) runs, advanced a bounded number of iterations
//! at a time so a UI can show progress, reporting the final error of each cell with its spread.
//! The breakdown view sweeps α; the rates view sweeps n or m.

use super::data::Dataset;
use super::problem::{self, data_key, Problem};
use super::run::Run;
use super::scenario::{AggSpec, Scenario};
use std::collections::HashMap;
use std::sync::Arc;

/// What the sweep varies: a scenario key and its values (α, n, m, Δ, Q, λ, ...). Several keys
/// joined by `+` (e.g. `alpha+beta`) all take the same value.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<f64>,
}

impl Axis {
    pub fn new(key: &str, values: Vec<f64>) -> Axis {
        Axis { key: key.to_string(), values }
    }
    pub fn len(&self) -> usize {
        self.values.len()
    }
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    pub fn value(&self, i: usize) -> f64 {
        self.values[i]
    }
    pub fn name(&self) -> &str {
        &self.key
    }
    /// The scenario at point i (the value goes through the same parser as a query, so it is
    /// clamped to the key's range).
    pub fn apply(&self, base: &Scenario, i: usize) -> Scenario {
        let mut s = base.clone();
        for k in self.key.split('+') {
            let _ = s.set(k, &super::scenario::fmt_f64(self.values[i]));
        }
        s
    }
    /// Evenly spaced α values lo, lo + step, ..., ≤ hi.
    pub fn alpha_range(lo: f64, hi: f64, step: f64) -> Axis {
        let k = (((hi - lo) / step) + 1e-9).floor().max(0.0) as usize;
        Axis::new("alpha", (0..=k).map(|i| ((lo + i as f64 * step) * 1e12).round() / 1e12).collect())
    }
}

/// Summary of one cell's runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub count: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Runs that diverged (their error is +∞ and not in the mean).
    pub diverged: usize,
}

impl Cell {
    fn of(v: &[f64]) -> Option<Cell> {
        if v.is_empty() {
            return None;
        }
        let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let diverged = v.len() - finite.len();
        let (mean, min, max) = if finite.is_empty() {
            (f64::INFINITY, f64::INFINITY, f64::INFINITY)
        } else {
            let mean = finite.iter().sum::<f64>() / finite.len() as f64;
            let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let max = if diverged > 0 { f64::INFINITY } else { finite.iter().copied().fold(f64::NEG_INFINITY, f64::max) };
            (mean, min, max)
        };
        Some(Cell { count: v.len(), mean, min, max, diverged })
    }
}

/// An incremental sweep.
pub struct Sweep {
    pub base: Scenario,
    pub axis: Axis,
    pub aggs: Vec<AggSpec>,
    pub seeds: Vec<u64>,
    data: Option<Arc<Dataset>>,
    /// Jobs in the order they run: seed-major, so every cell gets a first value early.
    jobs: Vec<(usize, usize, usize)>,
    next: usize,
    current: Option<Run>,
    /// results[axis][agg] = final metric of each finished seed.
    results: Vec<Vec<Vec<f64>>>,
    problems: HashMap<String, Arc<dyn Problem>>,
    error: Option<String>,
}

impl Sweep {
    pub fn new(base: &Scenario, axis: Axis, aggs: Vec<AggSpec>, seeds: Vec<u64>, data: Option<Arc<Dataset>>) -> Sweep {
        let mut jobs = Vec::new();
        for s in 0..seeds.len() {
            for a in 0..axis.len() {
                for g in 0..aggs.len() {
                    jobs.push((a, g, s));
                }
            }
        }
        let results = vec![vec![Vec::new(); aggs.len()]; axis.len()];
        Sweep { base: base.clone(), axis, aggs, seeds, data, jobs, next: 0, current: None, results, problems: HashMap::new(), error: None }
    }

    /// (finished runs, total runs).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.jobs.len())
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.jobs.len() || self.error.is_some()
    }

    /// Why the sweep stopped early (the problem could not be built).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The scenario of job (axis point a, seed s).
    fn scenario(&self, a: usize, s: usize) -> Scenario {
        let mut sc = self.axis.apply(&self.base, a);
        sc.seed = self.seeds[s];
        sc
    }

    /// Runs at most `budget` iterations (at least one run step). Returns the iterations done.
    pub fn advance(&mut self, budget: usize) -> usize {
        let mut done = 0;
        while done < budget.max(1) && !self.is_done() {
            if self.current.is_none() {
                let (a, g, s) = self.jobs[self.next];
                let sc = self.scenario(a, s);
                let key = data_key(&sc);
                let p = match self.problems.get(&key) {
                    Some(p) => p.clone(),
                    None => match problem::build(&sc, self.data.as_ref()) {
                        Ok(p) => {
                            // Keep the problems of the current seed pass only.
                            if self.problems.len() > self.axis.len() * 2 + 4 {
                                self.problems.clear();
                            }
                            self.problems.insert(key, p.clone());
                            p
                        }
                        Err(e) => {
                            self.error = Some(e);
                            return done;
                        }
                    },
                };
                let mut run = Run::new(&sc, self.aggs[g], p);
                run.trace = super::trace::Trace::with_capacity(4);
                self.current = Some(run);
            }
            let run = self.current.as_mut().expect("current run");
            if !run.problem().prepare(1) {
                done += 1;
                continue;
            }
            if run.step() {
                done += 1;
                continue;
            }
            done += 1;
            let (a, g, _) = self.jobs[self.next];
            self.results[a][g].push(run.final_metric());
            self.current = None;
            self.next += 1;
        }
        done
    }

    /// Runs everything.
    pub fn run_to_end(&mut self) {
        while !self.is_done() {
            self.advance(usize::MAX);
        }
    }

    /// The summary of cell (axis point a, aggregator g), once at least one seed has finished.
    pub fn cell(&self, a: usize, g: usize) -> Option<Cell> {
        Cell::of(&self.results[a][g])
    }

    /// Raw final metrics of a cell.
    pub fn values(&self, a: usize, g: usize) -> &[f64] {
        &self.results[a][g]
    }

    /// CSV: axis value, aggregator, seed count, mean, min, max, diverged.
    pub fn csv(&self) -> String {
        let mut out = format!("{},agg,runs,mean,min,max,diverged\n", self.axis.name());
        for a in 0..self.axis.len() {
            for (g, spec) in self.aggs.iter().enumerate() {
                if let Some(c) = self.cell(a, g) {
                    out.push_str(&format!("{},{},{},{:e},{:e},{:e},{}\n", self.axis.value(a), spec.key(), c.count, c.mean, c.min, c.max, c.diverged));
                }
            }
        }
        out
    }
}
