//! What a run records at every iteration, kept in bounded memory: a trace holds at most
//! `2 × cap` records; past that it keeps every other record and doubles its stride, so a run of
//! 100 000 iterations still holds ~4 000 evenly spaced points plus the latest one. Runs are
//! deterministic, so full resolution is always available by replaying (see `Run::csv`).

/// Something that happened at an iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    None,
    /// A perturbation was added (ByzantinePGD, PGD).
    Perturb,
    /// An escape round moved at least R: escaped.
    Escaped,
    /// ByzantinePGD gave up after Q rounds and declared a second-order stationary point.
    Stationary,
    /// The iterate stopped being finite.
    Diverged,
}

impl Event {
    pub fn key(self) -> &'static str {
        match self {
            Event::None => "",
            Event::Perturb => "perturb",
            Event::Escaped => "escaped",
            Event::Stationary => "stationary",
            Event::Diverged => "diverged",
        }
    }
}

/// One iteration's measurements. NaN where a quantity does not apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    /// Parallel iterations completed before this point (the iterate is w_t).
    pub t: usize,
    /// ‖w_t − w*‖, or distance to the nearest minimum on the saddle toy.
    pub err: f64,
    /// Population loss or test loss.
    pub loss: f64,
    /// Test accuracy.
    pub acc: f64,
    /// Training accuracy (honest examples, under the training's ℓ∞ perturbation if any).
    pub train_acc: f64,
    /// Training loss on the same examples.
    pub train_loss: f64,
    /// Gradient diversity's batch-size bound B_D = nΔ_D on those examples (thesis ch. 2).
    pub diversity: f64,
    /// ‖∇F(w_t)‖ (exact where known, else the honest workers' mean gradient).
    pub grad_norm: f64,
    /// ‖ĝ − mean of honest messages‖.
    pub agg_err: f64,
    /// Mean squared distance of the honest messages to their mean (RSA: consensus variance).
    pub spread: f64,
    /// The iterate's first two coordinates (the whole iterate on the saddle toy).
    pub w: [f64; 2],
    pub event: Event,
}

impl Record {
    pub const CSV_HEADER: &'static str = "t,err,loss,acc,train_loss,train_acc,diversity,grad_norm,agg_err,spread,w1,w2,event";

    pub fn csv_row(&self) -> String {
        let f = |x: f64| if x.is_nan() { String::new() } else { format!("{x:e}") };
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            self.t,
            f(self.err),
            f(self.loss),
            f(self.acc),
            f(self.train_loss),
            f(self.train_acc),
            f(self.diversity),
            f(self.grad_norm),
            f(self.agg_err),
            f(self.spread),
            f(self.w[0]),
            f(self.w[1]),
            self.event.key()
        )
    }

    /// The headline metric: error where the optimum is known, else test error 1 − accuracy.
    pub fn headline(&self) -> f64 {
        if self.err.is_finite() {
            self.err
        } else if self.acc.is_finite() {
            1.0 - self.acc
        } else if self.event == Event::Diverged || self.err.is_infinite() {
            f64::INFINITY
        } else {
            f64::NAN
        }
    }
}

/// A bounded, decimating series of records.
#[derive(Clone, Debug)]
pub struct Trace {
    records: Vec<Record>,
    events: Vec<Record>,
    last: Option<Record>,
    stride: usize,
    cap: usize,
    total: usize,
    /// Every record pushed since the last [`Trace::take_tapped`], when tapped.
    tap: Option<Vec<Record>>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace::with_capacity(2048)
    }
}

impl Trace {
    /// Keeps between `cap` and `2 × cap` records.
    pub fn with_capacity(cap: usize) -> Self {
        Trace { records: Vec::new(), events: Vec::new(), last: None, stride: 1, cap: cap.max(2), total: 0, tap: None }
    }

    pub fn push(&mut self, r: Record) {
        self.total += 1;
        if let Some(tap) = &mut self.tap {
            tap.push(r);
        }
        if r.event != Event::None && self.events.len() < 4 * self.cap {
            self.events.push(r);
        }
        if r.t.is_multiple_of(self.stride) {
            self.records.push(r);
            if self.records.len() >= 2 * self.cap {
                self.stride *= 2;
                let s = self.stride;
                self.records.retain(|x| x.t % s == 0);
            }
        }
        self.last = Some(r);
    }

    /// The kept records, ending with the latest one.
    pub fn records(&self) -> impl Iterator<Item = &Record> + '_ {
        let tail = match (self.records.last(), &self.last) {
            (Some(a), Some(b)) if a.t == b.t => None,
            (_, Some(b)) => Some(b),
            _ => None,
        };
        self.records.iter().chain(tail)
    }

    pub fn len(&self) -> usize {
        self.records().count()
    }
    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }
    pub fn last(&self) -> Option<&Record> {
        self.last.as_ref()
    }
    /// Records that carry an event (perturbations, escapes...).
    pub fn events(&self) -> &[Record] {
        &self.events
    }
    /// Whether every pushed record is still held.
    pub fn is_full_resolution(&self) -> bool {
        self.stride == 1
    }
    /// From now on keeps a copy of every record pushed, for [`Trace::take_tapped`]: pushing those
    /// records, in order, into another trace makes it equal to this one (a trace is a function of
    /// the records pushed), which is how a run computed elsewhere is followed.
    pub fn tap(&mut self) {
        self.tap.get_or_insert_with(Vec::new);
    }
    /// The records pushed since the last call (none unless tapped).
    pub fn take_tapped(&mut self) -> Vec<Record> {
        self.tap.as_mut().map(std::mem::take).unwrap_or_default()
    }
    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.records.capacity() + self.events.capacity()) * std::mem::size_of::<Record>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: usize) -> Record {
        Record {
            t,
            err: t as f64,
            loss: 0.0,
            acc: f64::NAN,
            train_acc: f64::NAN,
            train_loss: f64::NAN,
            diversity: f64::NAN,
            grad_norm: 0.0,
            agg_err: 0.0,
            spread: 0.0,
            w: [0.0; 2],
            event: Event::None,
        }
    }

    #[test]
    fn memory_stays_bounded_over_long_runs() {
        let mut tr = Trace::with_capacity(100);
        for t in 0..=100_000 {
            tr.push(rec(t));
        }
        assert!(tr.len() <= 201, "{}", tr.len());
        assert!(tr.len() >= 100);
        assert_eq!(tr.last().unwrap().t, 100_000);
        assert_eq!(tr.records().last().unwrap().t, 100_000);
        assert!(!tr.is_full_resolution());
        // Evenly spaced.
        let ts: Vec<usize> = tr.records().map(|r| r.t).collect();
        let gaps: std::collections::BTreeSet<usize> = ts.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.len() <= 2, "{gaps:?}");
        let bytes = tr.heap_bytes();
        assert!(bytes < 64 * 1024, "{bytes}");
    }

    #[test]
    fn a_trace_fed_the_tapped_records_is_the_same_trace() {
        let mut a = Trace::with_capacity(10);
        a.tap();
        let mut b = Trace::with_capacity(10);
        for t in 0..1000 {
            a.push(rec(t));
            if t % 7 == 0 {
                a.take_tapped().into_iter().for_each(|r| b.push(r));
            }
        }
        a.take_tapped().into_iter().for_each(|r| b.push(r));
        assert!(!a.is_full_resolution());
        // (t, err) of each record: `acc` is NaN here, and NaN is never equal to itself.
        let key = |t: &Trace| t.records().map(|r| (r.t, r.err)).collect::<Vec<_>>();
        assert_eq!(key(&a), key(&b));
        assert!(key(&a).len() < 1000);
        assert_eq!(a.last().map(|r| r.t), b.last().map(|r| r.t));
    }

    #[test]
    fn short_runs_keep_everything() {
        let mut tr = Trace::with_capacity(100);
        for t in 0..150 {
            tr.push(rec(t));
        }
        assert!(tr.is_full_resolution());
        assert_eq!(tr.len(), 150);
    }
}
