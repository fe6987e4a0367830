//! Aggregation rules. Each takes the m messages (rows of a [`Mat`]) and writes one vector.
//!
//! Conventions, stated once (the notes in `peers-and-definitions.md` show that libraries differ):
//! - f = ⌊βm⌋ is the number of Byzantine inputs the master assumes.
//! - Coordinate-wise median: the middle value, the mean of the two middle values for even m.
//! - Trimmed mean: per coordinate drop the f largest and f smallest values, average the rest.
//! - Krum: score s(i) = Σ of the **squared** distances to the **m − f − 2** nearest other inputs
//!   (Blanchard et al., as Flower; at least 1 neighbour), output the lowest-scoring input.
//!   Multi-Krum averages the **m − f** lowest-scoring inputs (as ByzFL).
//! - Bulyan: θ = m − 2f rounds of Krum, then per coordinate the mean of the θ − 2f values closest
//!   to the median of the selected set.
//! - Geometric median: smoothed Weiszfeld, z ← Σβᵢxᵢ/Σβᵢ with βᵢ = 1/max(ν, ‖z − xᵢ‖).
//! - Centered clipping: v ← v + (1/m) Σ (xᵢ − v)·min(1, τ/‖xᵢ − v‖), L times, from the previous
//!   aggregate (0 at the start).
//! - Meamed: per coordinate the mean of the m − f values closest to the median.
//! - NBS (norm-based screening): drop the f inputs of largest norm, average the rest.
//! - Iterative filtering: a spectral filter (weighted mean, top principal direction, down-weighting
//!   by the squared projection, the thesis' stopping rule Σcᵢτᵢ ≤ 8mσ²). It is a *simplification*
//!   of Algorithm 4, whose weights come from a semidefinite saddle-point problem.
//! - NNM: replace each input by the mean of its m − f nearest inputs (itself included).
//! - MDA, MoNNA, CAF: see [`mda`], [`monna`], [`caf`] (ByzFL 0.0.11's `aggregators.py`).
//! - DnC (Shejwalkar & Houmansadr 2021) and SignGuard (Xu et al. 2022): see [`dnc`] (FLPoison's
//!   `aggregators/dnc.py`) and [`signguard`] (Blades' `signguard.py`); where they leave the
//!   reference code (seeded subsampling, a deterministic 2-means in place of sklearn) they say so.
//!
//! Pre-aggregation stages (`pre=`, ByzFL's `preaggregators.py`, chainable as its `pre_agg_list`)
//! run in the order given, then the rule's own `nnm-` prefix, then the rule: static clipping
//! ([`clip`]), adaptive robust clipping ([`arc`], Allouah et al. 2024), bucketing ([`bucket`],
//! Karimireddy et al. 2022) and [`nnm`] (Allouah et al. 2023). After bucketing the rule sees
//! ⌈m/s⌉ inputs and still assumes f of them Byzantine (capped at one fewer than the inputs).
//!
//! Ties are broken by comparing values (or whole vectors lexicographically), never by position, so
//! every rule is invariant under permutations of its inputs. NaN compares as larger than +∞, so
//! non-finite inputs are treated as the most extreme values and never cause a panic.

use super::linalg::{dist2, dot, norm, pairwise_dist2, sort_indices, with_sorted_columns, Mat, SortedColumns};
pub use super::scenario::AggParams;
use super::scenario::{AggKind, AggSpec, CcCenter, Dialect, PreKind};
use std::cmp::Ordering;

/// Total order with NaN as the largest value (above +∞, so NaN and +∞ never tie; all NaNs are equal).
#[inline]
fn cmp(a: f64, b: f64) -> Ordering {
    let k = |x: f64| if x.is_nan() { f64::INFINITY } else { x };
    k(a).total_cmp(&k(b)).then(a.is_nan().cmp(&b.is_nan()))
}

/// [`cmp`]'s order as an unsigned integer: key(a) < key(b) exactly when cmp(a, b) is Less, and equal
/// keys exactly when it is Equal (all NaNs share the largest key). Sorting or selecting keys gives
/// the same order as `cmp`, several times faster, so results are unchanged bit for bit.
#[inline]
fn key(x: f64) -> u64 {
    if x.is_nan() {
        return u64::MAX;
    }
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The value of a [`key`] (NaN for the NaN key).
#[inline]
fn unkey(k: u64) -> f64 {
    if k == u64::MAX {
        f64::NAN
    } else if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// The keys of column j of `x`.
fn column_keys(x: &Mat, j: usize, keys: &mut Vec<u64>) {
    keys.clear();
    keys.extend((0..x.rows).map(|i| key(x.data[i * x.cols + j])));
}

/// Lexicographic order on vectors (tie-breaker).
fn cmp_vec(a: &[f64], b: &[f64]) -> Ordering {
    a.iter().zip(b).map(|(x, y)| cmp(*x, *y)).find(|o| *o != Ordering::Equal).unwrap_or(Ordering::Equal)
}

/// A stateful aggregator (centered clipping remembers its last output; bucketing draws a fresh
/// permutation every round) with its pre-aggregation pipeline.
#[derive(Clone, Debug)]
pub struct Aggregator {
    pub spec: AggSpec,
    pub p: AggParams,
    /// The number of Byzantine inputs the master assumes, f = ⌊βm⌋.
    pub f: usize,
    /// The stages applied before the rule (`pre=`), then NNM if the spec carries it.
    pub pre: Vec<PreKind>,
    /// Seed of bucketing's permutations and of DnC's coordinate subsamples.
    seed: u64,
    /// Whose definitions Krum and the geometric median follow.
    pub dialect: Dialect,
    /// Rounds aggregated so far (bucketing's permutation of round k comes from stream (seed,
    /// BUCKET, k), DnC's coordinate subsamples from (seed, DNC, k)).
    round: u64,
    prev: Option<Vec<f64>>,
    /// `prev` as the last round found it (what [`Aggregator::replay`] restores).
    prev_before: Option<Vec<f64>>,
    /// FLTrust's reference: the server's update on its root set this round, set by the run before
    /// the attack (so an omniscient attack probes the rule as it stands); without it the last
    /// input (the last worker, honest by construction, as MoNNA's pivot) stands in.
    pub root: Option<Vec<f64>>,
    /// The number of workers m, of which the master may hear only some in a round (partial
    /// participation); the asynchronous centered clipping divides by it. 0: the inputs' count.
    pub workers: usize,
}

impl Aggregator {
    pub fn new(spec: AggSpec, p: AggParams, f: usize) -> Self {
        Aggregator {
            spec,
            p,
            f,
            pre: Vec::new(),
            dialect: Dialect::Paper,
            seed: 0,
            round: 0,
            prev: None,
            prev_before: None,
            root: None,
            workers: 0,
        }
    }

    /// The master's aggregator for one rule of a scenario: its parameters, f = ⌊βm⌋, the
    /// scenario's pipeline and seed.
    pub fn for_scenario(sc: &super::Scenario, spec: AggSpec) -> Self {
        Aggregator {
            pre: sc.pre.0.clone(),
            seed: sc.seed,
            dialect: sc.dialect,
            workers: sc.m,
            ..Aggregator::new(spec, sc.agg, sc.assumed_f())
        }
    }

    /// The messages after each pre-aggregation stage, in order (the stages' names and their
    /// outputs); empty without stages. Does not advance the round.
    pub fn stages(&self, msgs: &Mat) -> Vec<(PreKind, Mat)> {
        self.traced(msgs, None).into_iter().map(|(k, x, _)| (k, x)).collect()
    }

    /// [`Aggregator::stages`], with each output row's Byzantine share: the weight of the
    /// Byzantine messages (rows `0..q` of `msgs`) in the mean it is (clipping keeps a row's share;
    /// bucketing and NNM average the shares of the rows they mix).
    pub fn stages_traced(&self, msgs: &Mat, q: usize) -> Vec<(PreKind, Mat, Vec<f64>)> {
        let share: Vec<f64> = (0..msgs.rows).map(|i| if i < q { 1.0 } else { 0.0 }).collect();
        self.traced(msgs, Some(share))
    }

    fn traced(&self, msgs: &Mat, mut share: Option<Vec<f64>>) -> Vec<(PreKind, Mat, Vec<f64>)> {
        let mut out: Vec<(PreKind, Mat, Vec<f64>)> = Vec::new();
        for k in self.pipeline() {
            let x = out.last().map_or(msgs, |s| &s.1);
            let (next, groups) = self.stage(k, x);
            if let (Some(sh), Some(groups)) = (share.as_mut(), &groups) {
                *sh = groups.iter().map(|g| g.iter().map(|&i| sh[i]).sum::<f64>() / g.len().max(1) as f64).collect();
            }
            out.push((k, next, share.clone().unwrap_or_default()));
        }
        out
    }

    /// The pipeline's stages in order: `pre=`, then NNM if the rule's spec carries it.
    pub fn pipeline(&self) -> impl Iterator<Item = PreKind> + '_ {
        self.pre.iter().copied().chain(self.spec.nnm.then_some(PreKind::Nnm))
    }

    /// A copy set back to before its last round (the round count that bucketing's permutation and
    /// DnC's subsample follow, centered clipping's start), so that it aggregates that round's
    /// messages exactly as it did.
    pub fn replay(&self) -> Aggregator {
        let mut a = self.clone();
        if a.round > 0 {
            a.round -= 1;
            a.prev = a.prev_before.clone();
        }
        a
    }

    /// One stage's output and, for the stages that mix rows, the input rows of each output row.
    fn stage(&self, k: PreKind, x: &Mat) -> (Mat, Option<Vec<Vec<usize>>>) {
        match k {
            PreKind::Clip => (clip(x, self.p.clip_c), None),
            PreKind::Arc => (arc(x, self.f), None),
            PreKind::Bucket => {
                let mut r = super::rng::rng(self.seed, super::rng::stream::BUCKET, self.round);
                let groups = bucket_groups(x.rows, self.p.bucket_s, &mut r);
                (mix(x, &groups), Some(groups))
            }
            PreKind::Nnm => {
                let groups = nnm_groups(x, self.f);
                (mix(x, &groups), Some(groups))
            }
        }
    }

    /// Aggregates `msgs` into `out` (length = msgs.cols).
    pub fn aggregate(&mut self, msgs: &Mat, out: &mut [f64]) {
        let staged = self.stages(msgs).pop().map(|(_, x)| x);
        let round = self.round;
        self.round += 1;
        self.prev_before.clone_from(&self.prev);
        let x = staged.as_ref().unwrap_or(msgs);
        // f counts inputs; bucketing leaves ⌈m/s⌉ of them, of which at most f are corrupted.
        let f = self.f.min(x.rows.saturating_sub(1));
        let byzfl = self.dialect == Dialect::Byzfl;
        // Krum's neighbours: m − f − 2 (Blanchard et al.), m − f − 1 (ByzFL).
        let drop = if byzfl { f + 1 } else { f + 2 };
        match self.spec.kind {
            AggKind::Mean => mean(x, out),
            AggKind::Median => median(x, out),
            AggKind::TrMean => trimmed_mean(x, f, out),
            AggKind::Filter => filter(x, f, self.p.fsig, out),
            AggKind::Nbs => nbs(x, f, out),
            // ByzFL: `gm_it` steps from 0, no stopping rule.
            AggKind::GeoMed if byzfl => geomed(x, self.p.gm_nu, self.p.gm_it, GmStart::Zero, 0.0, out),
            AggKind::GeoMed => geomed(x, self.p.gm_nu, self.p.gm_it, GmStart::Median, 1e-12, out),
            AggKind::Krum => {
                krum_dropping(x, drop, out);
            }
            AggKind::MultiKrum => multikrum_dropping(x, drop, x.rows.saturating_sub(f).max(1), out),
            AggKind::Bulyan => bulyan(x, f, out),
            AggKind::CClip => {
                let v0 = match self.p.cc_v0 {
                    CcCenter::Zero => None,
                    CcCenter::Prev | CcCenter::Async => self.prev.clone(),
                }
                .unwrap_or_else(|| vec![0.0; x.cols]);
                let over = if self.p.cc_v0 == CcCenter::Async { self.workers.max(x.rows) } else { x.rows };
                cclip_over(x, self.p.cc_tau, self.p.cc_it, &v0, over, out);
                self.prev = if out.iter().all(|v| v.is_finite()) { Some(out.to_vec()) } else { None };
            }
            AggKind::Meamed => meamed(x, f, out),
            AggKind::Mda => mda_in(x, f, byzfl, out),
            AggKind::Monna => monna(x, f, x.rows.saturating_sub(1), out),
            AggKind::Caf => caf(x, f, out),
            AggKind::Dnc => {
                let mut r = super::rng::rng(self.seed, super::rng::stream::DNC, round);
                dnc(x, f, DncParams { iters: self.p.dnc_it, b: self.p.dnc_b, c: self.p.dnc_c }, &mut r, out)
            }
            AggKind::SignGuard => signguard(x, out),
            AggKind::FlTrust => match &self.root {
                Some(g0) => fltrust(x, g0, out),
                None if x.rows > 0 => fltrust(x, x.row(x.rows - 1), out),
                None => out.fill(0.0),
            },
        }
    }
}

/// FLTrust (Cao, Fang, Liu & Gong, NDSS 2021, Algorithm 2; FLPoison `aggregators/fltrust.py` at
/// eb74fb2): with g₀ the server's update on its root set, each input gets the trust score
/// TSᵢ = max(0, cos(xᵢ, g₀)) and is rescaled to ‖g₀‖, and the output is
/// Σᵢ TSᵢ·(‖g₀‖/‖xᵢ‖)·xᵢ / Σᵢ TSᵢ. An input that is zero or not finite gets no trust. When every score
/// is 0 the paper's quotient is undefined: the output is 0 (the master stays put); FLPoison
/// averages the rescaled inputs uniformly instead, and adds 10⁻⁹ to the norms and to ΣTS.
pub fn fltrust(x: &Mat, g0: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    let n0 = norm(g0);
    let mut total = 0.0;
    for i in 0..x.rows {
        let r = x.row(i);
        let ni = norm(r);
        let ts = (dot(r, g0) / (ni * n0)).max(0.0);
        if !(ts.is_finite() && ts > 0.0) {
            continue;
        }
        let s = ts * n0 / ni;
        out.iter_mut().zip(r).for_each(|(o, v)| *o += s * v);
        total += ts;
    }
    if total > 0.0 {
        out.iter_mut().for_each(|o| *o /= total);
    }
}

/// Arithmetic mean.
pub fn mean(x: &Mat, out: &mut [f64]) {
    super::linalg::mean_rows(x, 0..x.rows, out);
}

fn column(x: &Mat, j: usize, col: &mut Vec<f64>) {
    col.clear();
    col.extend((0..x.rows).map(|i| x.data[i * x.cols + j]));
}

/// Median of `v`; mean of the two middle values for even length.
pub fn median_of(v: &[f64]) -> f64 {
    let mut keys: Vec<u64> = v.iter().map(|&x| key(x)).collect();
    median_of_keys(&mut keys)
}

/// Median of keys (reorders them); mean of the two middle values for even length.
fn median_of_keys(k: &mut [u64]) -> f64 {
    let n = k.len();
    if n == 0 {
        return f64::NAN;
    }
    let mid = n / 2;
    let (lo, m, _) = k.select_nth_unstable(mid);
    let upper = unkey(*m);
    if n % 2 == 1 {
        upper
    } else {
        let lower = lo.iter().copied().max().map_or(upper, unkey);
        0.5 * lower + 0.5 * upper
    }
}

/// Coordinate-wise median.
pub fn median(x: &Mat, out: &mut [f64]) {
    let mut keys = Vec::with_capacity(x.rows);
    for (j, o) in out.iter_mut().enumerate() {
        column_keys(x, j, &mut keys);
        *o = median_of_keys(&mut keys);
    }
}

/// Coordinate-wise trimmed mean dropping `b` values on each side (b is capped so one value remains).
///
/// Each column's kept values are added in sorted order, so the result does not depend on the
/// workers' order. Without NaN or −0.0 in `x`, the columns are sorted all at once
/// ([`with_sorted_columns`]) and summed side by side, rank by rank: the same additions, in the same
/// order per column, as sorting and summing one column at a time, which is what happens otherwise.
pub fn trimmed_mean(x: &Mat, b: usize, out: &mut [f64]) {
    let b = b.min(x.rows.saturating_sub(1) / 2);
    if x.rows > 0 && with_sorted_columns(x, |sorted| sum_ranks(sorted, b..x.rows - b, out)).is_some() {
        let k = (x.rows - 2 * b) as f64;
        out.iter_mut().for_each(|o| *o /= k);
        return;
    }
    let mut keys = Vec::with_capacity(x.rows);
    for (j, o) in out.iter_mut().enumerate() {
        column_keys(x, j, &mut keys);
        keys.sort_unstable();
        let kept = &keys[b..keys.len() - b];
        *o = kept.iter().map(|&k| unkey(k)).sum::<f64>() / kept.len() as f64;
    }
}

/// `out[c]` = the sum of rows `ranks` of column c of `sorted`, added in row order from −0.0 (as
/// `Iterator::sum` does), all columns side by side.
fn sum_ranks(sorted: &SortedColumns, ranks: std::ops::Range<usize>, out: &mut [f64]) {
    out.iter_mut().for_each(|o| *o = -0.0);
    for r in ranks {
        out.iter_mut().zip(sorted.row(r)).for_each(|(o, v)| *o += v);
    }
}

/// Norm-based screening: average all but the `b` inputs of largest ℓ2 norm.
pub fn nbs(x: &Mat, b: usize, out: &mut [f64]) {
    let b = b.min(x.rows.saturating_sub(1));
    let norms: Vec<f64> = (0..x.rows).map(|i| norm(x.row(i))).collect();
    let mut idx: Vec<usize> = (0..x.rows).collect();
    sort_indices(&mut idx, &|a, c| cmp(norms[a], norms[c]).then_with(|| cmp_vec(x.row(a), x.row(c))));
    super::linalg::mean_rows(x, idx[..x.rows - b].iter().copied(), out);
}

/// Start of the Weiszfeld iteration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GmStart {
    Zero,
    Median,
}

/// Geometric median by smoothed Weiszfeld: βᵢ = 1/max(ν, ‖z − xᵢ‖), z ← Σβᵢxᵢ/Σβᵢ, for at most
/// `iters` steps or until the step is below `tol`·(1 + ‖z‖). Inputs at infinite or undefined
/// distance get weight 0.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > y)` is meant to hold for NaN, which must stop the loop
pub fn geomed(x: &Mat, nu: f64, iters: usize, start: GmStart, tol: f64, out: &mut [f64]) {
    let d = x.cols;
    let mut z = vec![0.0; d];
    if start == GmStart::Median {
        median(x, &mut z);
        if z.iter().any(|v| !v.is_finite()) {
            z.iter_mut().for_each(|v| *v = 0.0);
        }
    }
    let mut next = vec![0.0; d];
    for _ in 0..iters {
        next.iter_mut().for_each(|v| *v = 0.0);
        let mut wsum = 0.0;
        for i in 0..x.rows {
            let r = x.row(i);
            let dist = dist2(&z, r).sqrt();
            if !dist.is_finite() {
                continue;
            }
            let beta = 1.0 / (x.rows as f64 * dist.max(nu));
            wsum += beta;
            for (n, v) in next.iter_mut().zip(r) {
                *n += beta * v;
            }
        }
        if !(wsum > 0.0) {
            break;
        }
        next.iter_mut().for_each(|v| *v /= wsum);
        let step = dist2(&next, &z).sqrt();
        std::mem::swap(&mut z, &mut next);
        if step <= tol * (1.0 + norm(&z)) {
            break;
        }
    }
    out.copy_from_slice(&z);
}

/// Pairwise squared distances (symmetric, row-major m×m; [`pairwise_dist2`]); NaN becomes +∞.
fn pairwise(x: &Mat) -> Vec<f64> {
    let mut dm = pairwise_dist2(x);
    dm.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = f64::INFINITY);
    dm
}

/// Krum scores over the rows listed in `set`: the sum of the k smallest squared distances to
/// other rows of the set, with k = |set| − `drop` clamped to [1, |set| − 1] (`drop` = f + 2 in
/// Blanchard et al., f + 1 in ByzFL).
fn krum_scores(dm: &[f64], m: usize, set: &[usize], drop: usize) -> Vec<f64> {
    let n = set.len();
    if n <= 1 {
        return vec![0.0; n];
    }
    let k = n.saturating_sub(drop).clamp(1, n - 1);
    if n == m && set.iter().enumerate().all(|(p, &i)| p == i) {
        // All rows: sort every row of the distance matrix at once (a column of the symmetric
        // matrix is a row), each row's own 0 made +∞ so that it sorts last and is never among the
        // k. The distances hold no NaN (made +∞) and no −0.0 (sums of squares start at +0.0).
        let mut d = Mat { rows: m, cols: m, data: dm.to_vec() };
        (0..m).for_each(|i| d.data[i * m + i] = f64::INFINITY);
        let mut scores = vec![0.0; m];
        if with_sorted_columns(&d, |sorted| sum_ranks(sorted, 0..k, &mut scores)).is_some() {
            return scores;
        }
    }
    let mut ds = Vec::with_capacity(n);
    set.iter()
        .map(|&i| {
            ds.clear();
            ds.extend(set.iter().filter(|&&j| j != i).map(|&j| key(dm[i * m + j])));
            // The k smallest, summed in sorted order, so the score depends on the distances only,
            // not on the order of the rows (tied scores must stay tied for the tie-break to apply).
            // With k close to |set| (88 of 99 at m = 100, f = 10), one sort of all of them is
            // faster than a selection followed by a sort of the k.
            ds.sort_unstable();
            ds[..k].iter().map(|&d| unkey(d)).sum::<f64>()
        })
        .collect()
}

/// Positions (into `set`) sorted by Krum score, ties broken by the vectors themselves.
fn krum_order(x: &Mat, dm: &[f64], set: &[usize], drop: usize) -> Vec<usize> {
    let scores = krum_scores(dm, x.rows, set, drop);
    let mut order: Vec<usize> = (0..set.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(scores[a], scores[b]).then_with(|| cmp_vec(x.row(set[a]), x.row(set[b]))));
    order
}

/// Krum: the input with the lowest score (m − f − 2 neighbours). Returns its row index.
pub fn krum(x: &Mat, f: usize, out: &mut [f64]) -> usize {
    krum_dropping(x, f + 2, out)
}

/// Krum with m − `drop` neighbours (ByzFL: drop = f + 1).
pub fn krum_dropping(x: &Mat, drop: usize, out: &mut [f64]) -> usize {
    let set: Vec<usize> = (0..x.rows).collect();
    let best = set[krum_order(x, &pairwise(x), &set, drop)[0]];
    out.copy_from_slice(x.row(best));
    best
}

/// Multi-Krum: the mean of the `k` lowest-scoring inputs (m − f − 2 neighbours).
pub fn multikrum(x: &Mat, f: usize, k: usize, out: &mut [f64]) {
    multikrum_dropping(x, f + 2, k, out)
}

/// Multi-Krum with m − `drop` neighbours.
pub fn multikrum_dropping(x: &Mat, drop: usize, k: usize, out: &mut [f64]) {
    let set: Vec<usize> = (0..x.rows).collect();
    let order = krum_order(x, &pairwise(x), &set, drop);
    let k = k.clamp(1, x.rows);
    super::linalg::mean_rows(x, order[..k].iter().map(|&p| set[p]), out);
}

/// Bulyan over Krum.
pub fn bulyan(x: &Mat, f: usize, out: &mut [f64]) {
    let m = x.rows;
    let dm = pairwise(x);
    let theta = m.saturating_sub(2 * f).max(1);
    let mut remaining: Vec<usize> = (0..m).collect();
    let mut selected = Vec::with_capacity(theta);
    for _ in 0..theta {
        let pos = krum_order(x, &dm, &remaining, f + 2)[0];
        selected.push(remaining.remove(pos));
    }
    let keep = theta.saturating_sub(2 * f).max(1);
    let mut col: Vec<f64> = Vec::with_capacity(theta);
    for (j, o) in out.iter_mut().enumerate() {
        col.clear();
        col.extend(selected.iter().map(|&i| x.data[i * x.cols + j]));
        let med = median_of(&col);
        *o = mean_closest(&mut col, med, keep);
    }
}

/// Mean of the `k` values of `v` closest to `center` (ties: smaller value first).
fn mean_closest(v: &mut [f64], center: f64, k: usize) -> f64 {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp((v[a] - center).abs(), (v[b] - center).abs()).then_with(|| cmp(v[a], v[b])));
    let k = k.clamp(1, v.len());
    order[..k].iter().map(|&i| v[i]).sum::<f64>() / k as f64
}

/// Meamed: per coordinate, the mean of the m − f values closest to the median.
pub fn meamed(x: &Mat, f: usize, out: &mut [f64]) {
    let keep = x.rows.saturating_sub(f).max(1);
    let mut col = Vec::with_capacity(x.rows);
    for (j, o) in out.iter_mut().enumerate() {
        column(x, j, &mut col);
        let med = median_of(&col);
        *o = mean_closest(&mut col, med, keep);
    }
}

/// Centered clipping from `v0` (Karimireddy, He & Jaggi 2021): L = `iters` times,
/// v ← v + (1/n) Σᵢ (xᵢ − v)·min(1, τ/‖xᵢ − v‖), n the number of inputs.
pub fn cclip(x: &Mat, tau: f64, iters: usize, v0: &[f64], out: &mut [f64]) {
    cclip_over(x, tau, iters, v0, x.rows, out)
}

/// Centered clipping with the clipped sum divided by `n` ≥ the inputs' count: the workers not
/// heard contribute 0 (epfml's and Blades' `_AsyncCenteredClipping`).
pub fn cclip_over(x: &Mat, tau: f64, iters: usize, v0: &[f64], n: usize, out: &mut [f64]) {
    let n = n.max(x.rows).max(1);
    let mut v = v0.to_vec();
    let mut delta = vec![0.0; x.cols];
    for _ in 0..iters {
        delta.iter_mut().for_each(|d| *d = 0.0);
        for i in 0..x.rows {
            let r = x.row(i);
            let dist = dist2(r, &v).sqrt();
            if !dist.is_finite() {
                continue; // clipped to radius τ along an undefined direction: contributes nothing
            }
            let s = if dist > tau { tau / dist } else { 1.0 };
            for ((dl, ri), vi) in delta.iter_mut().zip(r).zip(&v) {
                *dl += (ri - vi) * s;
            }
        }
        for (vi, dl) in v.iter_mut().zip(&delta) {
            *vi += dl / n as f64;
        }
    }
    out.copy_from_slice(&v);
}

/// Nearest-neighbour mixing: each row becomes the mean of its m − f nearest rows (itself included).
pub fn nnm(x: &Mat, f: usize) -> Mat {
    mix(x, &nnm_groups(x, f))
}

/// Each row's m − f nearest rows (itself first among equals), nearest first.
fn nnm_groups(x: &Mat, f: usize) -> Vec<Vec<usize>> {
    let m = x.rows;
    let k = m.saturating_sub(f).max(1);
    let dm = pairwise(x);
    (0..m)
        .map(|i| {
            let mut nb: Vec<usize> = (0..m).collect();
            sort_indices(&mut nb, &|a, b| cmp(dm[i * m + a], dm[i * m + b]).then_with(|| cmp_vec(x.row(a), x.row(b))));
            nb.truncate(k);
            nb
        })
        .collect()
}

/// One output row per group: the mean of the group's rows of `x`, in the group's order.
fn mix(x: &Mat, groups: &[Vec<usize>]) -> Mat {
    let mut out = Mat::zeros(groups.len(), x.cols);
    for (g, members) in groups.iter().enumerate() {
        super::linalg::mean_rows(x, members.iter().copied(), out.row_mut(g));
    }
    out
}

/// Top eigenpair of the weighted covariance Σ wᵢ yᵢyᵢᵀ of the rows `idx` (yᵢ = xᵢ − μ), through the
/// |idx|×|idx| Gram matrix so the cost does not grow with d². Returns (λ, unit direction in R^d).
fn top_direction(x: &Mat, idx: &[usize], weights: &[f64], mu: &[f64]) -> (f64, Vec<f64>) {
    // The power iteration starts from a fixed vector over the rows, (1, 1.01, 1.02, …), so put the
    // rows in a canonical order (by value, then weight). In input order the result depended on the
    // order: rows [0], [−90749.8], [0] gave a start orthogonal to the top eigenvector, so nothing
    // was filtered, while [0], [0], [−90749.8] filtered the outlier out.
    let mut order: Vec<usize> = (0..idx.len()).collect();
    sort_indices(&mut order, &|a, b| cmp_vec(x.row(idx[a]), x.row(idx[b])).then_with(|| cmp(weights[a], weights[b])));
    let ys: Vec<Vec<f64>> =
        order.iter().map(|&k| x.row(idx[k]).iter().zip(mu).map(|(a, b)| weights[k].sqrt() * (a - b)).collect()).collect();
    super::linalg::top_direction(&ys, x.cols, 200)
}

/// Iterative filtering (spectral simplification of Algorithm 4, see the module docs).
/// `sigma` = 0 estimates σ² as the top eigenvalue of the covariance of the m − f inputs nearest
/// (in ℓ2) to the coordinate-wise median.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > y)` is meant to hold for NaN, which must stop the loop
pub fn filter(x: &Mat, f: usize, sigma: f64, out: &mut [f64]) {
    let m = x.rows;
    let mut active: Vec<usize> = (0..m).filter(|&i| x.row(i).iter().all(|v| v.is_finite())).collect();
    if active.is_empty() {
        return median(x, out);
    }
    let sub = x.select(&active);
    let sigma2 = if sigma > 0.0 {
        sigma * sigma
    } else {
        let mut med = vec![0.0; x.cols];
        median(&sub, &mut med);
        let mut near: Vec<usize> = active.clone();
        let d2: Vec<f64> = (0..m).map(|i| dist2(x.row(i), &med)).collect();
        sort_indices(&mut near, &|a, b| cmp(d2[a], d2[b]).then_with(|| cmp_vec(x.row(a), x.row(b))));
        near.truncate(active.len().saturating_sub(f).max(1));
        let mut mu = vec![0.0; x.cols];
        super::linalg::mean_rows(x, near.iter().copied(), &mut mu);
        let w = vec![1.0 / near.len() as f64; near.len()];
        top_direction(x, &near, &w, &mu).0
    };
    let mut c = vec![1.0f64; m];
    let mut mu = vec![0.0; x.cols];
    for _ in 0..m {
        if active.len() <= 1 {
            break;
        }
        let csum: f64 = active.iter().map(|&i| c[i]).sum();
        mu.iter_mut().for_each(|v| *v = 0.0);
        for &i in &active {
            super::linalg::axpy(c[i] / csum, x.row(i), &mut mu);
        }
        let w: Vec<f64> = active.iter().map(|&i| c[i] / csum).collect();
        let (_, v) = top_direction(x, &active, &w, &mu);
        let tau: Vec<f64> = active
            .iter()
            .map(|&i| {
                let p: f64 = x.row(i).iter().zip(&mu).zip(&v).map(|((a, b), e)| (a - b) * e).sum();
                p * p
            })
            .collect();
        let total: f64 = active.iter().zip(&tau).map(|(&i, t)| c[i] * t).sum();
        if !(total > 8.0 * m as f64 * sigma2) {
            break;
        }
        let tmax = tau.iter().copied().fold(0.0, f64::max);
        // Projections at the level of rounding errors mean the active rows coincide: stop (with
        // σ² = 0 the stopping rule above cannot, and rounding noise would decide which rows go).
        let scale = active.iter().flat_map(|&i| x.row(i)).fold(0.0f64, |s, v| s.max(v.abs()));
        if !(tmax.sqrt() > 1e-12 * scale) {
            break;
        }
        for (&i, t) in active.iter().zip(&tau) {
            c[i] *= 1.0 - t / tmax;
        }
        active.retain(|&i| c[i] > 0.5);
        if active.is_empty() {
            break;
        }
    }
    if active.is_empty() {
        return median(x, out);
    }
    super::linalg::mean_rows(x, active.into_iter(), out);
}

/// x scaled to norm at most `c`: x·min(1, c/‖x‖). An infinite x (no NaN) becomes c times the unit
/// vector of its infinite coordinates' signs, the limit; a NaN stays NaN.
fn clip_row(row: &mut [f64], c: f64) {
    let n = norm(row);
    if n.is_nan() || n <= c {
        return;
    }
    if n.is_infinite() {
        let k = row.iter().filter(|v| v.is_infinite()).count() as f64;
        row.iter_mut().for_each(|v| *v = if v.is_infinite() { c * v.signum() / k.sqrt() } else { 0.0 });
        return;
    }
    let s = c / n;
    row.iter_mut().for_each(|v| *v *= s);
}

/// Static clipping (ByzFL `preaggregators.py::Clipping`): every row x becomes x·min(1, c/‖x‖).
pub fn clip(x: &Mat, c: f64) -> Mat {
    let mut out = x.clone();
    (0..out.rows).for_each(|i| clip_row(out.row_mut(i), c));
    out
}

/// Adaptive robust clipping (Allouah et al. 2024; ByzFL `preaggregators.py::ARC`): the
/// k = ⌊2(f/m)(m − f)⌋ rows of largest norm are clipped to the (m − k)-th smallest norm.
pub fn arc(x: &Mat, f: usize) -> Mat {
    let m = x.rows;
    if m == 0 {
        return x.clone();
    }
    let k = ((2.0 * (f as f64 / m as f64) * (m as f64 - f as f64)).floor() as usize).min(m - 1);
    let mut norms: Vec<u64> = (0..m).map(|i| key(norm(x.row(i)))).collect();
    let (_, t, _) = norms.select_nth_unstable(m - k - 1);
    let threshold = unkey(*t);
    let mut out = x.clone();
    if threshold.is_finite() {
        (0..m).for_each(|i| clip_row(out.row_mut(i), threshold));
    }
    out
}

/// Bucketing (Karimireddy et al. 2022; ByzFL `preaggregators.py::Bucketing`): the rows in a random
/// order, then the mean of each consecutive group of s (⌈m/s⌉ rows, the last group smaller if s
/// does not divide m).
pub fn bucket(x: &Mat, s: usize, r: &mut super::rng::Rng) -> Mat {
    mix(x, &bucket_groups(x.rows, s, r))
}

/// Bucketing's groups of `rows` rows: a permutation from `r` cut into consecutive groups of s.
fn bucket_groups(rows: usize, s: usize, r: &mut super::rng::Rng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..rows).collect();
    super::rng::shuffle(r, &mut idx);
    idx.chunks(s.max(1)).map(|c| c.to_vec()).collect()
}

/// The rows of `x` in a canonical order (lexicographic by value), so that rules which enumerate
/// subsets break ties by value, never by position.
fn canonical(x: &Mat) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..x.rows).collect();
    sort_indices(&mut idx, &|a, b| cmp_vec(x.row(a), x.row(b)));
    idx
}

/// The most distance look-ups [`mda`]'s exact search makes before it settles for the best found.
pub const MDA_WORK: usize = 20_000_000;

/// The largest pairwise distance among `set` (squared distances `d` over positions).
fn diameter(set: &[usize], d: &dyn Fn(usize, usize) -> f64) -> f64 {
    let mut w = 0.0f64;
    for (a, &i) in set.iter().enumerate() {
        for &j in &set[a + 1..] {
            w = w.max(d(i, j));
        }
    }
    w
}

/// Minimum-diameter averaging (El Mhamdi et al. 2018; ByzFL `aggregators.py::MDA`, ByzantineMomentum
/// `aggregators/brute.py`): the mean of the m − f rows whose largest pairwise distance is smallest.
/// ByzFL enumerates the subsets (`itertools.combinations`) and keeps the first of the smallest
/// diameter; this search visits them in the same order, over the rows sorted by value (so ties go
/// by value, not position), pruning every partial subset already wider than the best. It starts
/// from a greedy subset (drop, f times, the end of the widest pair whose removal narrows most),
/// which the search replaces by the first subset at least as narrow. The result is exact unless
/// the search needs more than [`MDA_WORK`] distance look-ups (large m and f): then it is the best
/// subset found by then, never wider than the greedy one.
pub fn mda(x: &Mat, f: usize, out: &mut [f64]) {
    mda_in(x, f, false, out)
}

/// [`mda`], its ties broken by the rows' positions when `by_index` (ByzFL's own order: its
/// `itertools.combinations` run over the inputs as given, so the result depends on their order).
pub fn mda_in(x: &Mat, f: usize, by_index: bool, out: &mut [f64]) {
    let m = x.rows;
    let k = m.saturating_sub(f).max(1);
    if k >= m {
        return mean(x, out);
    }
    let order = if by_index { (0..m).collect() } else { canonical(x) };
    let dm = pairwise(x);
    let d = |a: usize, b: usize| dm[order[a] * m + order[b]];
    // The greedy start.
    let mut greedy: Vec<usize> = (0..m).collect();
    while greedy.len() > k {
        let (mut wa, mut wb, mut w) = (0, 1, -1.0f64);
        for (a, &i) in greedy.iter().enumerate() {
            for &j in &greedy[a + 1..] {
                if d(i, j) > w {
                    (wa, wb, w) = (i, j, d(i, j));
                }
            }
        }
        let without = |r: usize| diameter(&greedy.iter().copied().filter(|&i| i != r).collect::<Vec<_>>(), &d);
        let drop = if without(wb) <= without(wa) { wb } else { wa };
        greedy.retain(|&i| i != drop);
    }
    struct Search<'a> {
        m: usize,
        k: usize,
        d: &'a dyn Fn(usize, usize) -> f64,
        chosen: Vec<usize>,
        /// The best diameter, its subset, and whether the search found it (else it is the greedy one).
        best: (f64, Vec<usize>, bool),
        work: usize,
    }
    impl Search<'_> {
        fn worse(&self, diam: f64) -> bool {
            diam > self.best.0 || (diam == self.best.0 && self.best.2)
        }
        fn go(&mut self, next: usize, diam: f64) {
            if self.worse(diam) || self.work > MDA_WORK {
                return;
            }
            if self.chosen.len() == self.k {
                self.best = (diam, self.chosen.clone(), true);
                return;
            }
            if next >= self.m {
                return;
            }
            // Include `next` first (the lexicographic order of the kept positions), then skip it
            // if enough positions remain.
            self.work += self.chosen.len();
            let wider = self.chosen.iter().map(|&j| (self.d)(j, next)).fold(diam, f64::max);
            self.chosen.push(next);
            self.go(next + 1, wider);
            self.chosen.pop();
            if self.m - next > self.k - self.chosen.len() {
                self.go(next + 1, diam);
            }
        }
    }
    let start = diameter(&greedy, &d);
    let mut s = Search { m, k, d: &d, chosen: Vec::with_capacity(k), best: (start, greedy, false), work: 0 };
    s.go(0, 0.0);
    super::linalg::mean_rows(x, s.best.1.iter().map(|&i| order[i]), out);
}

/// The most rounds of [`caf`]'s loop (ByzFL's has no bound; it usually ends within a few dozen,
/// though six points in the plane can take 264).
pub const CAF_ITERS: usize = 1000;

/// Covariance-bound agnostic filter (Allouah et al. 2024; byzfl 0.0.11 `aggregators.py::CAF`):
/// weights cᵢ = 1; while Σcᵢ > m − 2f: the c-weighted mean μ_c and the top eigenpair (λ, v) of the
/// c-weighted covariance, τᵢ = ((xᵢ − μ_c)·v)², cᵢ ← cᵢ(1 − τᵢ/max τ). The output is the μ_c of the
/// smallest λ seen (ByzFL's `best_mu_c`). ByzFL estimates (λ, v) by one power step from a random
/// vector; here the eigenpair is computed (deterministic power iteration to convergence), as the
/// paper's filter assumes. Rows with a non-finite value get weight 0 at once; with 2f ≥ m, where
/// ByzFL refuses, the loop stops when one row keeps weight.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > y)` is meant to hold for NaN, which must stop the loop
pub fn caf(x: &Mat, f: usize, out: &mut [f64]) {
    // Every sum runs over the rows in value order, so the result does not depend on their order
    // (the eigenvector of a nearly degenerate covariance would amplify rounding differences).
    let sorted = x.select(&canonical(x));
    let x = &sorted;
    let m = x.rows;
    let finite: Vec<bool> = (0..m).map(|i| x.row(i).iter().all(|v| v.is_finite())).collect();
    let mut c: Vec<f64> = finite.iter().map(|&ok| if ok { 1.0 } else { 0.0 }).collect();
    if c.iter().all(|&w| w == 0.0) {
        return median(x, out);
    }
    let target = (m.saturating_sub(2 * f) as f64).max(1.0);
    let weighted_mean = |c: &[f64], out: &mut [f64]| {
        let total: f64 = c.iter().sum();
        out.iter_mut().for_each(|o| *o = 0.0);
        for i in (0..m).filter(|&i| c[i] > 0.0) {
            out.iter_mut().zip(x.row(i)).for_each(|(o, v)| *o += c[i] / total * v);
        }
    };
    let mut mu = vec![0.0; x.cols];
    weighted_mean(&c, &mut mu);
    let mut best = (f64::INFINITY, mu.clone());
    for _ in 0..CAF_ITERS {
        let total: f64 = c.iter().sum();
        if !(total > target) {
            break;
        }
        weighted_mean(&c, &mut mu);
        let live: Vec<usize> = (0..m).filter(|&i| c[i] > 0.0).collect();
        let w: Vec<f64> = live.iter().map(|&i| c[i] / total).collect();
        let (lambda, v) = top_direction(x, &live, &w, &mu);
        if lambda < best.0 {
            best = (lambda, mu.clone());
        }
        // As ByzFL: τ of every row, those already at weight 0 included (they may set max τ); the
        // non-finite rows, weight 0 from the start, are left out.
        let tau: Vec<f64> = (0..m)
            .map(|i| if finite[i] { x.row(i).iter().zip(&mu).zip(&v).map(|((a, b), e)| (a - b) * e).sum::<f64>().powi(2) } else { 0.0 })
            .collect();
        let tmax = tau.iter().copied().fold(0.0, f64::max);
        if !(tmax > 0.0) {
            break;
        }
        c.iter_mut().zip(&tau).for_each(|(ci, t)| *ci *= 1.0 - t / tmax);
    }
    out.copy_from_slice(&best.1);
}

/// MoNNA (Farhadkhani et al. 2023; ByzFL `aggregators.py::MoNNA`): the mean of the m − f rows
/// nearest to the pivot row (itself included). ByzFL's pivot is the node's own vector, trusted in
/// a peer-to-peer network; a master has none, so the lab's pivot is the last worker's message,
/// honest by construction (the Byzantine workers are the first ⌊αm⌋) — the one rule here that
/// knows an honest worker. Ties are broken by value.
pub fn monna(x: &Mat, f: usize, pivot: usize, out: &mut [f64]) {
    let m = x.rows;
    if m == 0 {
        return;
    }
    let p = x.row(pivot.min(m - 1));
    let dist: Vec<f64> = (0..m).map(|i| dist2(x.row(i), p)).collect();
    let mut idx: Vec<usize> = (0..m).collect();
    sort_indices(&mut idx, &|a, b| cmp(dist[a], dist[b]).then_with(|| cmp_vec(x.row(a), x.row(b))));
    super::linalg::mean_rows(x, idx[..m.saturating_sub(f).max(1)].iter().copied(), out);
}

/// DnC's parameters, named as in the paper: `iters` = niters, `b` the subsample dimension (Blades'
/// `sub_dim`), `c` the filtering fraction (FLPoison's and Blades' `fliter_frac`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DncParams {
    pub iters: usize,
    pub b: usize,
    pub c: f64,
}

/// Power-iteration steps of [`dnc`]'s top singular vector (as [`caf`]'s and [`filter`]'s).
const DNC_POWER_ITERS: usize = 200;

/// `b` of the `d` coordinates drawn uniformly without replacement (a partial Fisher–Yates
/// shuffle of 0..d), in increasing order; all of them, drawing nothing, when b ≥ d.
pub fn dnc_subsample(d: usize, b: usize, r: &mut super::rng::Rng) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..d).collect();
    let b = b.max(1);
    if b >= d {
        return idx;
    }
    for i in 0..b {
        let j = i + super::rng::below(r, d - i);
        idx.swap(i, j);
    }
    idx.truncate(b);
    idx.sort_unstable();
    idx
}

/// Divide-and-Conquer (Shejwalkar & Houmansadr, "Manipulating the Byzantine", NDSS 2021,
/// Algorithm 2), as FLPoison implements it (`vio1etus/FLPoison`, `aggregators/dnc.py`, class
/// `DnC`): `iters` times, draw b coordinates, centre the subsampled rows on their mean μ, take the
/// top right singular vector v of the centred matrix, score each row by ((xᵢ − μ)·v)² and keep the
/// m − ⌊c·f⌋ lowest scores; the output is the mean of the rows kept in **every** iteration (the
/// intersection, FLPoison's `benign_idx.intersection`; Blades' `src/blades/aggregators/dnc.py`
/// takes the union, the same set at niters = 1). The defaults are the paper's and Blades':
/// niters = 1, b = 10 000 (all coordinates when d ≤ b), c = 1 (FLPoison: 5 iterations of 20 % of
/// the coordinates).
///
/// Where this differs from the reference code:
/// - the coordinates come from `r`, the engine's seeded stream (the master's: stream DNC, one per
///   round), not numpy's or torch's global generator;
/// - v is the top eigenvector of the centred rows' Gram matrix by deterministic power iteration
///   ([`DNC_POWER_ITERS`] steps from a fixed start, over the rows in value order), not LAPACK's SVD;
/// - ties between scores are broken by the rows' values (FLPoison's `argpartition` leaves them to
///   numpy), so the output does not depend on the rows' order;
/// - a row with a non-finite value gets score +∞ and is left out of μ and v (the reference would
///   make every score NaN);
/// - if the intersection is empty (possible when niters·⌊c·f⌋ ≥ m, where FLPoison averages an
///   empty set into NaN), the output is the mean of the last iteration's rows.
pub fn dnc(x: &Mat, f: usize, p: DncParams, r: &mut super::rng::Rng, out: &mut [f64]) {
    let subsamples: Vec<Vec<usize>> = (0..p.iters.max(1)).map(|_| dnc_subsample(x.cols, p.b, r)).collect();
    dnc_on(x, f, p.c, &subsamples, out)
}

/// [`dnc`] with its coordinate subsamples given, one per iteration.
pub fn dnc_on(x: &Mat, f: usize, c: f64, subsamples: &[Vec<usize>], out: &mut [f64]) {
    // Every sum runs over the rows in value order, so permuting the inputs changes nothing.
    let sorted = x.select(&canonical(x));
    let x = &sorted;
    let m = x.rows;
    if m == 0 {
        return;
    }
    let live: Vec<usize> = (0..m).filter(|&i| x.row(i).iter().all(|v| v.is_finite())).collect();
    // ⌊c·f⌋ rows go; `as` saturates (a NaN c removes none).
    let removed = (c.max(0.0) * f as f64).floor() as usize;
    let k = m.saturating_sub(removed).max(1);
    let mut kept = vec![true; m];
    let mut last = vec![true; m];
    for coords in subsamples {
        let mut score = vec![f64::INFINITY; m];
        if !live.is_empty() {
            let mut mu = vec![0.0; coords.len()];
            for &i in &live {
                let row = x.row(i);
                mu.iter_mut().zip(coords).for_each(|(s, &j)| *s += row[j]);
            }
            mu.iter_mut().for_each(|s| *s /= live.len() as f64);
            let ys: Vec<Vec<f64>> = live.iter().map(|&i| coords.iter().zip(&mu).map(|(&j, c)| x.row(i)[j] - c).collect()).collect();
            let (_, v) = super::linalg::top_direction(&ys, coords.len(), DNC_POWER_ITERS);
            for (y, &i) in ys.iter().zip(&live) {
                score[i] = dot(y, &v).powi(2);
            }
        }
        let mut idx: Vec<usize> = (0..m).collect();
        sort_indices(&mut idx, &|a, b| cmp(score[a], score[b]).then(a.cmp(&b)));
        last = vec![false; m];
        idx[..k].iter().for_each(|&i| last[i] = true);
        kept.iter_mut().zip(&last).for_each(|(a, b)| *a &= b);
    }
    let set = if kept.iter().any(|&a| a) { kept } else { last };
    super::linalg::mean_rows(x, (0..m).filter(|&i| set[i]), out);
}

/// SignGuard's norm bounds (L, R): a row passes its norm filter when L·M ≤ ‖xᵢ‖ ≤ R·M, M the
/// median norm (Blades' and the paper's 0.1 and 3.0).
pub const SIGNGUARD_BOUNDS: (f64, f64) = (0.1, 3.0);

/// Most Lloyd rounds of [`signguard`]'s 2-means (it stops as soon as no label changes).
const SIGNGUARD_LLOYD: usize = 100;

/// SignGuard (Xu et al., "SignGuard: Byzantine-robust federated learning through collaborative
/// malicious gradient filtering", ICDCS 2022, arXiv 2109.05872), as Blades implements it
/// (`lishenghui/blades`, `src/blades/aggregators/signguard.py` at commit 7f7e5f0, class
/// `Signguard` with `agg="mean"`):
/// 1. norm filter: M = the median of the norms ‖xᵢ‖, S1 = {i : 0.1·M ≤ ‖xᵢ‖ ≤ 3·M};
/// 2. sign statistics: each row's feature (fraction of positive, of negative, of zero
///    coordinates), over all d coordinates; S2 = the larger of two clusters of the features;
/// 3. the rows of S1 ∩ S2, each clipped to norm M (x·M/‖x‖ if ‖x‖ > M), averaged.
///
/// Blades clusters with sklearn's `KMeans(n_clusters=2, random_state=0)` (one k-means++ seeding
/// since scikit-learn 1.4's `n_init="auto"`) and keeps label 1 if more than ⌊m/2⌋ rows carry it,
/// else label 0. Here the clustering is a deterministic 2-means on the same features: Lloyd runs
/// (each feature to the nearer centre, the first on a tie; centres the means; until no label
/// changes, at most [`SIGNGUARD_LLOYD`] rounds, a round that would empty a cluster ending it)
/// started from every distinct feature and the feature farthest from it (ties: the smaller
/// feature vector); the partition of least within-cluster sum of squares wins (ties: the first
/// start in value order). If all features coincide there is one cluster, all rows (sklearn then
/// labels every row 0, which Blades keeps). S2 is the cluster with more rows; on a tie (even m,
/// where Blades' choice depends on sklearn's label numbering) the one of smaller within-cluster
/// sum of squares, then the one whose centre is smaller lexicographically. So this is the best
/// 2-means partition a multi-start finds, where sklearn's one seeded k-means++ run often stops
/// at a worse local optimum: on 60 random inputs (m = 19, d ∈ {6, 20, 50}, four sign-flipped or
/// Gaussian rows) the partitions agreed with sklearn's `n_init=1` in 34, with `n_init=100` (the
/// best of 100 seedings) in 56.
///
/// Other departures: the rows are processed in value order (the output does not depend on their
/// order); if S1 ∩ S2 is empty (Blades' `torch.vstack` of nothing raises) the rows of S1 are used,
/// and if S1 is empty too (M not finite) the coordinate-wise median. Blades' later
/// `blades/aggregators/signguard.py` (commit 2cead94) clips to M *before* the norm filter, which
/// disables its upper bound; the paper and 7f7e5f0 filter first, as here. The paper (and FLPoison's
/// `aggregators/signguard.py`) compute the sign statistics on a random 10 % slice of the
/// coordinates, normalise each statistic by its maximum and cluster with MeanShift (FLPoison by
/// default DBSCAN); Blades, and this rule, use every coordinate and 2-means.
pub fn signguard(x: &Mat, out: &mut [f64]) {
    let sorted = x.select(&canonical(x));
    let x = &sorted;
    let (m, d) = (x.rows, x.cols);
    if m == 0 || d == 0 {
        return;
    }
    let norms: Vec<f64> = (0..m).map(|i| norm(x.row(i))).collect();
    let med = median_of(&norms);
    let (lo, hi) = SIGNGUARD_BOUNDS;
    let s1: Vec<bool> = norms.iter().map(|&n| n >= lo * med && n <= hi * med).collect();
    let features: Vec<[f64; 3]> = (0..m)
        .map(|i| {
            let row = x.row(i);
            let count = |p: fn(f64) -> bool| row.iter().filter(|&&v| p(v)).count() as f64 / d as f64;
            [count(|v| v > 0.0), count(|v| v < 0.0), count(|v| v == 0.0)]
        })
        .collect();
    let s2 = larger_of_two_means(&features);
    let mut keep: Vec<usize> = (0..m).filter(|&i| s1[i] && s2[i]).collect();
    if keep.is_empty() {
        keep = (0..m).filter(|&i| s1[i]).collect();
    }
    if keep.is_empty() {
        return median(x, out);
    }
    out.iter_mut().for_each(|o| *o = 0.0);
    let mut row = vec![0.0; d];
    for &i in &keep {
        row.copy_from_slice(x.row(i));
        clip_row(&mut row, med);
        out.iter_mut().zip(&row).for_each(|(o, v)| *o += v);
    }
    out.iter_mut().for_each(|o| *o /= keep.len() as f64);
}

/// The larger cluster of [`signguard`]'s deterministic 2-means over `p` (see there), as a mask.
fn larger_of_two_means(p: &[[f64; 3]]) -> Vec<bool> {
    let m = p.len();
    let d2 = |a: &[f64; 3], b: &[f64; 3]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
    let centre = |members: &mut dyn Iterator<Item = usize>| {
        let (mut c, mut k) = ([0.0; 3], 0usize);
        for i in members {
            c.iter_mut().zip(&p[i]).for_each(|(s, v)| *s += v);
            k += 1;
        }
        c.iter_mut().for_each(|s| *s /= k.max(1) as f64);
        c
    };
    // The distinct features in value order: the starts.
    let mut starts: Vec<usize> = (0..m).collect();
    sort_indices(&mut starts, &|a, b| cmp_vec(&p[a], &p[b]).then(a.cmp(&b)));
    starts.dedup_by(|a, b| cmp_vec(&p[*a], &p[*b]) == Ordering::Equal);
    if starts.len() < 2 {
        return vec![true; m];
    }
    // The feature farthest from `from`; ties go to the smaller feature vector.
    let farthest =
        |from: &[f64; 3]| (0..m).max_by(|&a, &b| cmp(d2(&p[a], from), d2(&p[b], from)).then_with(|| cmp_vec(&p[b], &p[a]))).unwrap_or(0);
    // Lloyd from centres (c₀, c₁): the labels (true: c₁'s cluster), the centres, the inertia.
    let lloyd = |mut c: [[f64; 3]; 2]| {
        let mut label: Vec<bool> = vec![false; m];
        for round in 0..SIGNGUARD_LLOYD {
            let next: Vec<bool> = p.iter().map(|q| d2(q, &c[1]) < d2(q, &c[0])).collect();
            let ones = next.iter().filter(|&&l| l).count();
            if (round > 0 && next == label) || ones == 0 || ones == m {
                break;
            }
            label = next;
            c = [centre(&mut (0..m).filter(|&i| !label[i])), centre(&mut (0..m).filter(|&i| label[i]))];
        }
        let inertia = (0..m).map(|i| d2(&p[i], &c[label[i] as usize])).sum::<f64>();
        (inertia, label, c)
    };
    let mut best: Option<(f64, Vec<bool>, [[f64; 3]; 2])> = None;
    for &a in &starts {
        let run = lloyd([p[a], p[farthest(&p[a])]]);
        if best.as_ref().is_none_or(|b| run.0 < b.0) {
            best = Some(run);
        }
    }
    let Some((_, label, c)) = best else { return vec![true; m] };
    let ones = label.iter().filter(|&&l| l).count();
    let inertia = |l: bool| (0..m).filter(|&i| label[i] == l).map(|i| d2(&p[i], &c[l as usize])).sum::<f64>();
    let pick = match ones.cmp(&(m - ones)) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => match cmp(inertia(true), inertia(false)) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => cmp_vec(&c[1], &c[0]) == Ordering::Less,
        },
    };
    label.iter().map(|&l| l == pick).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x3() -> Mat {
        Mat::from_rows(&[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0], vec![7.0, 8.0, 9.0]])
    }

    fn run(f: impl Fn(&Mat, &mut [f64])) -> Vec<f64> {
        let mut out = vec![0.0; 3];
        f(&x3(), &mut out);
        out
    }

    fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    }

    /// The traced stages: clipping keeps each row's Byzantine share, NNM averages the shares of a
    /// row's m − f nearest, bucketing those of its bucket; the matrices are the plain stages'.
    #[test]
    fn traced_stages_carry_each_rows_byzantine_share() {
        let x = Mat::from_rows(&[vec![9.0, 9.0], vec![0.0, 0.0], vec![0.1, 0.0], vec![0.0, 0.2], vec![8.0, 9.5]]);
        let mut a = Aggregator::new(AggSpec::new(AggKind::Mean), AggParams { clip_c: 100.0, bucket_s: 2, ..AggParams::default() }, 2);
        a.pre = vec![PreKind::Clip, PreKind::Nnm, PreKind::Bucket];
        let st = a.stages_traced(&x, 1);
        let plain = a.stages(&x);
        assert_eq!(st.len(), 3);
        for (t, p) in st.iter().zip(&plain) {
            assert_eq!((t.0, &t.1.data), (p.0, &p.1.data));
        }
        assert_eq!(st[0].2, vec![1.0, 0.0, 0.0, 0.0, 0.0]);
        // NNM with m − f = 3: row 0's nearest are itself, row 4 and one of the honest cluster;
        // rows 1–3 have each other; row 4 has row 0 and one honest row.
        assert_eq!(st[1].2, vec![1.0 / 3.0, 0.0, 0.0, 0.0, 1.0 / 3.0]);
        // Buckets of 2 (the last of 1): each share the mean of its members'.
        assert_eq!(st[2].2.len(), 3);
        assert!((st[2].2.iter().sum::<f64>() * 2.0 - st[2].2.last().unwrap() - 2.0 / 3.0).abs() < 1e-12, "{:?}", st[2].2);
    }

    /// A replay aggregates the last round's messages as that round did: bucketing's permutation of
    /// that round, centered clipping from that round's start.
    #[test]
    fn a_replay_gives_the_last_round_again() {
        let x1 = Mat::from_rows(&(0..6).map(|i| vec![i as f64, (i * i) as f64 - 3.0]).collect::<Vec<_>>());
        let x2 = Mat::from_rows(&(0..6).map(|i| vec![40.0 - i as f64, 2.0 * i as f64]).collect::<Vec<_>>());
        for (kind, pre) in [(AggKind::CClip, vec![]), (AggKind::Median, vec![PreKind::Bucket])] {
            let mut a = Aggregator::new(AggSpec::new(kind), AggParams { cc_tau: 1.0, cc_it: 2, bucket_s: 2, ..AggParams::default() }, 1);
            a.pre = pre;
            let (mut o1, mut o2, mut again, mut fresh) = (vec![0.0; 2], vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]);
            a.aggregate(&x1, &mut o1);
            a.aggregate(&x2, &mut o2);
            a.replay().aggregate(&x2, &mut again);
            assert_eq!(again, o2, "{kind:?}");
            // Not by chance: the state matters (a fresh aggregator gives another value).
            let mut b = Aggregator::new(a.spec, a.p, 1);
            b.pre = a.pre.clone();
            b.aggregate(&x2, &mut fresh);
            assert_ne!(fresh, o2, "{kind:?}");
        }
    }

    /// MDA's ties: four points on a line at 0, 1, 2, 3 given as (2, 3, 0, 1), f = 2: the pairs at
    /// distance 1 tie. By value the first is {0, 1}; ByzFL's `itertools.combinations` over the
    /// inputs as given picks the first pair in position order, (2, 3).
    #[test]
    fn mda_breaks_ties_by_value_or_like_byzfl_by_position() {
        let x = Mat::from_rows(&[vec![2.0], vec![3.0], vec![0.0], vec![1.0]]);
        let (mut by_value, mut by_index) = (vec![0.0], vec![0.0]);
        mda_in(&x, 2, false, &mut by_value);
        mda_in(&x, 2, true, &mut by_index);
        assert_eq!((by_value[0], by_index[0]), (0.5, 2.5));
        let mut a = Aggregator::new(AggSpec::new(AggKind::Mda), AggParams::default(), 2);
        a.dialect = Dialect::Byzfl;
        a.aggregate(&x, &mut by_value);
        assert_eq!(by_value[0], 2.5);
    }

    /// The centered clipping variants, two rounds each (τ = 1, L = 1), values worked by hand from
    /// the sources' loops (ByzFL `CenteredClipping.__call__`, epfml / Blades
    /// `_AsyncCenteredClipping.__call__`): round 1 hears (3, 0) and (0, 4) of m = 4 workers, round 2
    /// hears (3, 0) again.
    #[test]
    fn centered_clipping_variants_follow_their_sources() {
        let r1 = Mat::from_rows(&[vec![3.0, 0.0], vec![0.0, 4.0]]);
        let r2 = Mat::from_rows(&[vec![3.0, 0.0]]);
        let rounds = |v0: CcCenter| {
            let mut a =
                Aggregator::new(AggSpec::new(AggKind::CClip), AggParams { cc_tau: 1.0, cc_it: 1, cc_v0: v0, ..AggParams::default() }, 0);
            a.workers = 4;
            let (mut o1, mut o2) = (vec![0.0; 2], vec![0.0; 2]);
            a.aggregate(&r1, &mut o1);
            a.aggregate(&r2, &mut o2);
            (o1, o2)
        };
        // prev: round 1 from 0, clipped to the unit circle: ((1, 0) + (0, 1))/2; round 2 from
        // there: (3, 0) − (½, ½) = (2.5, −½), norm √6.5, clipped to length 1.
        let (a1, a2) = rounds(CcCenter::Prev);
        let l = 6.5f64.sqrt();
        assert!(close(&a1, &[0.5, 0.5], 1e-15) && close(&a2, &[0.5 + 2.5 / l, 0.5 - 0.5 / l], 1e-15), "{a1:?} {a2:?}");
        // zero: round 2 starts from 0 again and gives (1, 0).
        let (z1, z2) = rounds(CcCenter::Zero);
        assert!(close(&z1, &a1, 0.0) && close(&z2, &[1.0, 0.0], 1e-15), "{z1:?} {z2:?}");
        // async: the clipped sums over all four workers.
        let (s1, s2) = rounds(CcCenter::Async);
        assert!(close(&s1, &[0.25, 0.25], 1e-15), "{s1:?}");
        let d = [2.75 / 7.625f64.sqrt(), -0.25 / 7.625f64.sqrt()];
        assert!(close(&s2, &[0.25 + d[0] / 4.0, 0.25 + d[1] / 4.0], 1e-15), "{s2:?}");
    }

    /// The ByzFL docstring vectors of `peers-and-definitions.md` (X = [[1,2,3],[4,5,6],[7,8,9]], f = 1).
    #[test]
    fn byzfl_test_vectors() {
        assert_eq!(run(median), vec![4.0, 5.0, 6.0]);
        assert_eq!(run(|x, o| trimmed_mean(x, 1, o)), vec![4.0, 5.0, 6.0]);
        assert_eq!(
            run(|x, o| {
                krum(x, 1, o);
            }),
            vec![1.0, 2.0, 3.0]
        );
        assert_eq!(run(|x, o| multikrum(x, 1, 2, o)), vec![2.5, 3.5, 4.5]);
        assert_eq!(run(|x, o| meamed(x, 1, o)), vec![2.5, 3.5, 4.5]);
        let gm = run(|x, o| geomed(x, 0.1, 3, GmStart::Zero, 0.0, o));
        assert!(close(&gm, &[3.78788764, 4.78788764, 5.78788764], 1e-8), "{gm:?}");
        assert_eq!(run(|x, o| cclip(x, 100.0, 1, &[0.0; 3], o)), vec![4.0, 5.0, 6.0]);
        // ByzFL's docstring value for MDA; MoNNA with ByzFL's default pivot (the first row).
        assert_eq!(run(|x, o| mda(x, 1, o)), vec![2.5, 3.5, 4.5]);
        assert_eq!(run(|x, o| monna(x, 1, 0, o)), vec![2.5, 3.5, 4.5]);
        assert_eq!(run(|x, o| monna(x, 1, 2, o)), vec![5.5, 6.5, 7.5]);
        assert!(close(&run(|x, o| caf(x, 1, o)), &[4.0, 5.0, 6.0], 1e-14));
        let a = arc(&x3(), 1);
        assert!(close(a.row(2), &[4.410040091455794, 5.040045818806622, 5.670051546157449], 1e-14) && a.row(1) == x3().row(1));
        let c = clip(&x3(), 2.0);
        assert!(close(c.row(0), &[0.534522483824849, 1.069044967649698, 1.603567451474546], 1e-14));
    }

    #[test]
    fn the_byzfl_dialect_counts_krums_neighbours_and_runs_weiszfeld_from_zero() {
        let x = Mat::from_rows(&[vec![0.0], vec![1.0], vec![2.0], vec![10.0], vec![11.0]]);
        let rule = |kind, dialect| {
            let mut a = Aggregator::new(AggSpec::new(kind), AggParams { gm_nu: 0.1, gm_it: 3, ..AggParams::default() }, 1);
            a.dialect = dialect;
            a
        };
        let mut o = vec![0.0];
        // m − f − 2 = 2 neighbours pick 1; ByzFL's m − f − 1 = 3 pick 2.
        rule(AggKind::Krum, Dialect::Paper).aggregate(&x, &mut o);
        assert_eq!(o, [1.0]);
        rule(AggKind::Krum, Dialect::Byzfl).aggregate(&x, &mut o);
        assert_eq!(o, [2.0]);
        // ByzFL's GeometricMedian(nu = 0.1, T = 3) on its docstring vectors.
        let mut g = vec![0.0; 3];
        let mut a = rule(AggKind::GeoMed, Dialect::Byzfl);
        a.aggregate(&x3(), &mut g);
        assert!(close(&g, &[3.787887641179713, 4.787887641179712, 5.787887641179712], 1e-12), "{g:?}");
    }

    /// byzfl 0.0.11 run on X2 = six points in the plane, f = 2 (CAF with the exact eigenvector, as
    /// here; ByzFL's own one random power step gives 0.476–0.479, 0.517–0.525).
    #[test]
    fn byzfl_values_in_the_plane() {
        let x = Mat::from_rows(&[vec![0.0, 0.0], vec![1.0, 0.0], vec![0.0, 1.0], vec![1.0, 1.0], vec![10.0, 10.0], vec![-5.0, 3.0]]);
        let mut o = vec![0.0; 2];
        mda(&x, 2, &mut o);
        assert_eq!(o, [0.5, 0.5]);
        monna(&x, 2, 0, &mut o);
        assert_eq!(o, [0.5, 0.5]);
        // CAF on X2 takes 264 rounds whose top two eigenvalues nearly coincide: ByzFL's random
        // power step gives 0.476–0.479 by seed, numpy's exact eigh 0.4755; not a usable reference.
        // A well-separated case, numpy's exact-eigenvector CAF (22 rounds):
        let y = Mat::from_rows(&[
            vec![0.1, 0.2, -0.3],
            vec![0.4, -0.1, 0.2],
            vec![-0.2, 0.3, 0.1],
            vec![0.0, -0.4, 0.3],
            vec![0.3, 0.1, -0.2],
            vec![-0.1, -0.2, -0.1],
            vec![0.2, 0.4, 0.0],
            vec![-0.3, 0.0, 0.2],
            vec![5.0, 4.0, 6.0],
            vec![6.0, -3.0, 5.0],
        ]);
        let mut o3 = vec![0.0; 3];
        caf(&y, 2, &mut o3);
        assert!(close(&o3, &[0.05424892616099767, 0.05378084267077992, 0.01940652785776649], 1e-9), "{o3:?}");
        let a = arc(&x, 2);
        assert!(close(a.row(4), &[1.0, 1.0], 1e-15) && close(a.row(5), &[-1.212678125181665, 0.727606875108999], 1e-14), "{a:?}");
        assert_eq!(&a.data[..8], &x.data[..8]);
        let n = nnm(&x, 2);
        assert_eq!(n.data, vec![0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3.0, 3.0, -1.0, 1.25]);
    }

    /// Small matrices from a fixed stream, with a few far rows.
    fn small_cases() -> Vec<Mat> {
        let mut r = crate::rng::rng(3, 99, 0);
        (0..60)
            .map(|c| {
                let m = 3 + c % 7;
                let rows: Vec<Vec<f64>> = (0..m)
                    .map(|i| {
                        let far = if i % 4 == 3 { 20.0 } else { 1.0 };
                        (0..2).map(|_| far * crate::rng::normal(&mut r)).collect()
                    })
                    .collect();
                Mat::from_rows(&rows)
            })
            .collect()
    }

    #[test]
    fn mda_finds_the_smallest_diameter_by_brute_force() {
        for x in small_cases() {
            let m = x.rows;
            for f in 1..m.div_ceil(2) {
                let k = m - f;
                // Every subset of size k, as a bit mask.
                let diam = |mask: u32| {
                    let s: Vec<usize> = (0..m).filter(|i| mask >> i & 1 == 1).collect();
                    let mut w = 0.0f64;
                    for (a, &i) in s.iter().enumerate() {
                        for &j in &s[a + 1..] {
                            w = w.max(dist2(x.row(i), x.row(j)));
                        }
                    }
                    w
                };
                let best = (0u32..1 << m).filter(|s| s.count_ones() as usize == k).map(diam).fold(f64::INFINITY, f64::min);
                let mut out = vec![0.0; 2];
                mda(&x, f, &mut out);
                // The output is the mean of some subset of the smallest diameter.
                let hits = (0u32..1 << m).filter(|s| s.count_ones() as usize == k && diam(*s) == best).any(|s| {
                    let mut mu = vec![0.0; 2];
                    crate::linalg::mean_rows(&x, (0..m).filter(|i| s >> i & 1 == 1), &mut mu);
                    close(&mu, &out, 1e-12)
                });
                assert!(hits, "m = {m}, f = {f}: {out:?} is no minimum-diameter mean");
            }
        }
    }

    #[test]
    fn clipping_stages_bound_norms() {
        let x = Mat::from_rows(&[vec![3.0, 4.0], vec![0.3, 0.4], vec![f64::INFINITY, 1.0], vec![-6.0, 8.0]]);
        let c = clip(&x, 2.0);
        assert!(close(c.row(0), &[1.2, 1.6], 1e-15));
        assert_eq!(c.row(1), &[0.3, 0.4]);
        assert_eq!(c.row(2), &[2.0, 0.0], "the limit of an infinite row");
        assert!((norm(c.row(3)) - 2.0).abs() < 1e-15);
        // ARC, f = 1 of m = 4: k = ⌊2·(1/4)·3⌋ = 1 row clipped, the largest (∞), to the 3rd smallest norm (10).
        let a = arc(&x, 1);
        assert_eq!((a.row(0), a.row(3)), (x.row(0), x.row(3)));
        assert_eq!(a.row(2), &[10.0, 0.0]);
        // f = 2: k = ⌊2·(2/4)·2⌋ = 2 rows, ∞ and 10, clipped to 5.
        let a = arc(&x, 2);
        assert!((norm(a.row(3)) - 5.0).abs() < 1e-12 && a.row(2) == [5.0, 0.0] && a.row(0) == x.row(0));
    }

    #[test]
    fn buckets_average_a_permutation() {
        let x = Mat::from_rows(&(0..7).map(|i| vec![i as f64, (i * i) as f64]).collect::<Vec<_>>());
        let mut r = crate::rng::rng(1, 10, 0);
        let b = bucket(&x, 2, &mut r);
        assert_eq!(b.rows, 4);
        // Each row of x lands in exactly one bucket: the weighted bucket means give back the total.
        let total: f64 = (0..3).map(|g| 2.0 * b.row(g)[0]).sum::<f64>() + b.row(3)[0];
        assert!((total - 21.0).abs() < 1e-12, "{total}");
        let one = bucket(&x, 1, &mut r);
        let mut firsts: Vec<f64> = (0..7).map(|i| one.row(i)[0]).collect();
        firsts.sort_by(f64::total_cmp);
        assert_eq!(firsts, (0..7).map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn caf_and_mda_drop_a_far_cluster() {
        let mut rows: Vec<Vec<f64>> = (0..8).map(|i| vec![1.0 + 0.01 * i as f64, -0.02 * i as f64]).collect();
        rows.extend([vec![50.0, 50.0], vec![51.0, 49.0]]);
        let x = Mat::from_rows(&rows);
        for rule in [caf as fn(&Mat, usize, &mut [f64]), mda] {
            let mut o = vec![0.0; 2];
            rule(&x, 2, &mut o);
            assert!((o[0] - 1.035).abs() < 0.05 && o[1].abs() < 0.2, "{o:?}");
        }
    }

    #[test]
    fn the_pipeline_runs_its_stages_in_order() {
        let x = Mat::from_rows(&[vec![3.0, 4.0], vec![0.3, 0.4], vec![-6.0, 8.0], vec![1.0, 0.0], vec![0.0, 1.0]]);
        let mut a = Aggregator::new(AggSpec::new(AggKind::Mean), AggParams { clip_c: 1.0, ..AggParams::default() }, 1);
        a.pre = vec![PreKind::Clip, PreKind::Nnm];
        let mut got = vec![0.0; 2];
        a.aggregate(&x, &mut got);
        let mut want = vec![0.0; 2];
        mean(&nnm(&clip(&x, 1.0), 1), &mut want);
        assert_eq!(got, want);
        let st = a.stages(&x);
        assert_eq!(st.iter().map(|s| s.0).collect::<Vec<_>>(), vec![PreKind::Clip, PreKind::Nnm]);
        assert_eq!(st[1].1.data, nnm(&clip(&x, 1.0), 1).data);
        // The other order differs here: mixing first, then clipping.
        a.pre.reverse();
        let mut other = vec![0.0; 2];
        a.aggregate(&x, &mut other);
        assert_ne!(other, got);
    }

    #[test]
    fn keys_order_values_as_cmp_does() {
        let vals =
            [f64::NEG_INFINITY, -1e308, -1.5, -f64::MIN_POSITIVE, -0.0, 0.0, 5e-324, 1.0, 2.5, 1e308, f64::INFINITY, f64::NAN, -f64::NAN];
        for &a in &vals {
            for &b in &vals {
                assert_eq!(key(a).cmp(&key(b)), cmp(a, b), "{a} vs {b}");
            }
            if !a.is_nan() {
                assert_eq!(unkey(key(a)).to_bits(), a.to_bits());
            }
        }
        assert!(unkey(key(f64::NAN)).is_nan());
    }

    /// The trimmed mean, one column at a time: sort, then add the kept values in order.
    fn trimmed_mean_by_column(x: &Mat, b: usize) -> Vec<f64> {
        let b = b.min(x.rows.saturating_sub(1) / 2);
        (0..x.cols)
            .map(|j| {
                let mut col: Vec<f64> = (0..x.rows).map(|i| x.data[i * x.cols + j]).collect();
                col.sort_by(|a, c| cmp(*a, *c));
                let kept = &col[b..col.len() - b];
                kept.iter().sum::<f64>() / kept.len() as f64
            })
            .collect()
    }

    #[test]
    fn the_networks_trimmed_mean_and_krum_scores_are_the_column_by_column_ones_bit_for_bit() {
        let mut r = crate::rng::rng(7, 0, 0);
        // +0.0 and ±∞ go through the sorting network; NaN and −0.0 take the per-column sorts.
        let specials = [0.0, f64::INFINITY, f64::NEG_INFINITY, 1e300, -5e-324, f64::NAN, -0.0];
        for (m, d, b) in [(1, 3, 0), (2, 1, 1), (7, 5, 2), (10, 4, 3), (100, 100, 10), (31, 9, 20)] {
            for n_specials in [0, 5, specials.len()] {
                let mut x = Mat::zeros(m, d);
                for (k, v) in x.data.iter_mut().enumerate() {
                    *v = if n_specials > 0 && k % 5 == 0 { specials[(k / 5) % n_specials] } else { crate::rng::normal(&mut r) * 1e3 };
                }
                let mut out = vec![0.0; d];
                trimmed_mean(&x, b, &mut out);
                let want = trimmed_mean_by_column(&x, b);
                for (j, (o, w)) in out.iter().zip(&want).enumerate() {
                    assert!(o.to_bits() == w.to_bits() || (o.is_nan() && w.is_nan()), "m={m} d={d} b={b} column {j}: {o} vs {w}");
                }
                // Krum's scores over all rows (the network) = over the rows listed backwards (sorts).
                let dm = pairwise(&x);
                let all: Vec<usize> = (0..m).collect();
                let back: Vec<usize> = all.iter().rev().copied().collect();
                let (fast, slow) = (krum_scores(&dm, m, &all, 3), krum_scores(&dm, m, &back, 3));
                for i in 0..m {
                    assert_eq!(fast[i].to_bits(), slow[m - 1 - i].to_bits(), "m={m} d={d}: row {i}'s score");
                }
            }
        }
        // All kept values −0.0 (the per-column path): the sum keeps the sign, as `Iterator::sum` does.
        let mut o = [1.0];
        trimmed_mean(&Mat::from_rows(&[vec![-0.0], vec![-0.0], vec![-0.0]]), 1, &mut o);
        assert!(o[0] == 0.0 && o[0].is_sign_negative());
    }

    #[test]
    fn even_median_averages_the_middle_pair() {
        let x = Mat::from_rows(&[vec![1.0], vec![10.0], vec![3.0], vec![2.0]]);
        let mut o = [0.0];
        median(&x, &mut o);
        assert_eq!(o[0], 2.5);
    }

    #[test]
    fn geometric_median_converges_to_the_true_point() {
        // Three points of an equilateral triangle and its centre: the centre is the geometric median.
        let h = 3f64.sqrt() / 2.0;
        let x = Mat::from_rows(&[vec![0.0, 0.0], vec![1.0, 0.0], vec![0.5, h], vec![0.5, h / 3.0]]);
        let mut o = [0.0; 2];
        geomed(&x, 1e-9, 1000, GmStart::Median, 1e-14, &mut o);
        assert!(close(&o, &[0.5, h / 3.0], 1e-6), "{o:?}");
    }

    #[test]
    fn nbs_drops_the_largest_norms() {
        let x = Mat::from_rows(&[vec![1.0], vec![2.0], vec![-100.0], vec![3.0]]);
        let mut o = [0.0];
        nbs(&x, 1, &mut o);
        assert_eq!(o[0], 2.0);
    }

    #[test]
    fn filter_removes_a_far_cluster() {
        let mut rows: Vec<Vec<f64>> = (0..16).map(|i| vec![(i % 4) as f64 * 0.1, (i / 4) as f64 * 0.1]).collect();
        for _ in 0..4 {
            rows.push(vec![50.0, -50.0]);
        }
        let x = Mat::from_rows(&rows);
        let mut o = [0.0; 2];
        filter(&x, 4, 0.0, &mut o);
        assert!(close(&o, &[0.15, 0.15], 1e-9), "{o:?}");
    }

    #[test]
    fn bulyan_and_krum_ignore_outliers() {
        let mut rows: Vec<Vec<f64>> = (0..9).map(|i| vec![i as f64 * 0.01, 1.0]).collect();
        rows.push(vec![1e6, 1e6]);
        rows.push(vec![-1e6, 1e6]);
        let x = Mat::from_rows(&rows);
        let mut o = [0.0; 2];
        bulyan(&x, 2, &mut o);
        assert!(o[0].abs() < 0.1 && (o[1] - 1.0).abs() < 1e-12, "{o:?}");
        krum(&x, 2, &mut o);
        assert!(o[0].abs() < 0.1, "{o:?}");
    }

    /// Seven rows in R⁵, rows 5 and 6 outliers in coordinates 0 and 4 (the DnC and SignGuard
    /// vectors below come from `numpy` transcriptions of the reference code on these inputs).
    fn dnc_rows() -> Mat {
        Mat::from_rows(&[
            vec![0.9, 1.1, 1.0, 0.8, 1.2],
            vec![1.1, 0.9, 1.2, 1.0, 0.9],
            vec![1.0, 1.0, 0.9, 1.1, 1.0],
            vec![0.8, 1.2, 1.1, 0.9, 1.1],
            vec![1.3, 0.8, 0.8, 1.2, 0.7],
            vec![4.0, 1.0, 1.0, 1.0, 1.0],
            vec![1.0, 1.0, 1.0, 1.0, -3.0],
        ])
    }

    /// FLPoison's `aggregators/dnc.py` (`DnC.aggregate`) in numpy 2.4 with its `param_idx` fixed:
    /// `np.linalg.svd`'s top right singular vector, scores ((xᵢ − μ)·v)², `argpartition` for the
    /// m − ⌊c·f⌋ lowest, the intersection over iterations, the mean.
    #[test]
    fn dnc_matches_flpoisons_code_on_small_inputs() {
        let g = dnc_rows();
        let all = [(0..5).collect::<Vec<usize>>()];
        let mut o = vec![0.0; 5];
        // f = 2: scores 0.390, 0.147, 0.206, 0.253, 0.056, 1.471, 11.66 drop the outliers.
        dnc_on(&g, 2, 1.0, &all, &mut o);
        assert!(close(&o, &[1.02, 1.0, 1.0, 1.0, 0.98], 1e-12), "{o:?}");
        // f = 3: the honest row 0 goes too.
        dnc_on(&g, 3, 1.0, &all, &mut o);
        assert!(close(&o, &[1.05, 0.975, 1.0, 1.05, 0.925], 1e-12), "{o:?}");
        // f = 1, coordinates {0, 1, 2} then {2, 3, 4}: each iteration keeps one outlier (rows 6,
        // then 5); their intersection keeps neither. (Blades' union would keep all seven rows.)
        dnc_on(&g, 1, 1.0, &[vec![0, 1, 2], vec![2, 3, 4]], &mut o);
        assert!(close(&o, &[1.02, 1.0, 1.0, 1.0, 0.98], 1e-12), "{o:?}");
        dnc_on(&g, 1, 1.0, &[vec![0, 1, 2]], &mut o);
        let mut want = vec![0.0; 5];
        crate::linalg::mean_rows(&g, [0, 1, 2, 3, 4, 6].into_iter(), &mut want);
        assert!(close(&o, &want, 1e-12), "{o:?}");
        // c = 0 drops nothing: the mean.
        dnc_on(&g, 3, 0.0, &all, &mut o);
        mean(&g, &mut want);
        assert!(close(&o, &want, 1e-12));
    }

    #[test]
    fn dnc_draws_a_fresh_seeded_subsample_every_round() {
        use crate::rng::{rng, stream::DNC};
        let draw = |seed, round| dnc_subsample(50, 5, &mut rng(seed, DNC, round));
        let a = draw(1, 0);
        assert_eq!(a, draw(1, 0));
        assert!(a.len() == 5 && a.windows(2).all(|w| w[0] < w[1]) && a[4] < 50, "{a:?}");
        assert_ne!(a, draw(1, 1));
        assert_ne!(a, draw(2, 0));
        assert_eq!(dnc_subsample(4, 10, &mut rng(1, DNC, 0)), vec![0, 1, 2, 3]);
        // Eight rows in R⁶, rows 6 and 7 outliers in coordinates 0 and 5; one coordinate per round
        // (b = 1), f = 1: which outlier goes depends on the coordinate drawn.
        let mut rows: Vec<Vec<f64>> = (0..6).map(|i| (0..6).map(|j| 1.0 + 0.01 * ((i * 7 + j * 3) % 5) as f64).collect()).collect();
        rows.push(vec![9.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
        rows.push(vec![1.0, 1.0, 1.0, 1.0, 1.0, -7.0]);
        let x = Mat::from_rows(&rows);
        let rule = |seed| {
            let mut a = Aggregator::new(AggSpec::new(AggKind::Dnc), AggParams { dnc_b: 1, ..AggParams::default() }, 1);
            a.seed = seed;
            a
        };
        let outputs = |seed| {
            let mut a = rule(seed);
            (0..12)
                .map(|_| {
                    let mut o = vec![0.0; 6];
                    a.aggregate(&x, &mut o);
                    o
                })
                .collect::<Vec<_>>()
        };
        let (one, again, other) = (outputs(3), outputs(3), outputs(4));
        assert_eq!(one, again, "same seed, same rounds: the same outputs");
        assert!(one.iter().any(|o| o != &one[0]), "the rounds draw different coordinates");
        assert_ne!(one, other, "another seed draws other coordinates");
        // The round's stream is the one `dnc` is given.
        let mut o = vec![0.0; 6];
        let p = DncParams { iters: 1, b: 1, c: 1.0 };
        dnc(&x, 1, p, &mut rng(3, DNC, 5), &mut o);
        assert_eq!(o, one[5]);
    }

    /// Blades' `Signguard` (`src/blades/aggregators/signguard.py` at 7f7e5f0, `agg="mean"`) in
    /// numpy 2.4 with scikit-learn 1.9's `KMeans(n_clusters=2, random_state=0)`: five rows of the
    /// honest signs (row 4 longer than the median norm M, so clipped), two sign-flipped.
    #[test]
    fn signguard_matches_blades_code_on_small_inputs() {
        let rows = vec![
            vec![0.5, 1.0, -0.2, 0.3, 0.8, 0.1],
            vec![0.7, 0.9, 0.1, 0.2, 0.6, -0.1],
            vec![0.4, 1.2, 0.2, 0.4, 0.9, 0.2],
            vec![0.6, 0.8, 0.3, -0.1, 0.7, 0.3],
            vec![1.2, 2.0, 0.4, 0.6, 1.5, 0.3],
            vec![-0.5, -1.0, -0.3, -0.4, 0.2, -0.6],
            vec![-0.6, -0.9, -0.2, -0.3, -0.8, 0.1],
        ];
        let mut o = vec![0.0; 6];
        // M = 1.3964, S1 = all, KMeans labels 0 0 0 0 0 1 1: S2 = rows 0–4.
        signguard(&Mat::from_rows(&rows), &mut o);
        let want =
            [0.5429644704600738, 0.9357777888376871, 0.11388522523315574, 0.2055958682266537, 0.7166343167481448, 0.12299695899344756];
        assert!(close(&o, &want, 1e-14), "{o:?}");
        // Row 3 forty times longer: beyond 3M, the norm filter drops it; S1 ∩ S2 = rows 0, 1, 2, 4.
        let mut long = rows.clone();
        long[3].iter_mut().for_each(|v| *v *= 40.0);
        signguard(&Mat::from_rows(&long), &mut o);
        let want =
            [0.5358881603603631, 0.9848450429045494, 0.06821665040811407, 0.2867058710441607, 0.732383782178412, 0.08085293552208032];
        assert!(close(&o, &want, 1e-14), "{o:?}");
        // The Aggregator runs the same rule.
        let mut a = Aggregator::new(AggSpec::new(AggKind::SignGuard), AggParams::default(), 2);
        let mut g = vec![0.0; 6];
        a.aggregate(&Mat::from_rows(&long), &mut g);
        assert_eq!(g, o);
    }

    /// FLTrust against a NumPy transcription of FLPoison's `aggregators/fltrust.py` (eb74fb2, steps
    /// 3–5, sklearn's cosine_similarity): three rows along g₀, one opposed (trust 0), one nearly
    /// orthogonal (trust 0.0016). FLPoison's 10⁻⁹ terms move the result by ~10⁻⁹; without them
    /// (the paper's formula) NumPy gives the values to 10⁻¹⁶.
    #[test]
    fn fltrust_matches_flpoison_code_on_small_inputs() {
        let rows = vec![vec![0.5, 1.0, -0.2], vec![0.7, 0.9, 0.1], vec![1.4, 2.2, 0.3], vec![-3.0, -4.0, 1.0], vec![0.2, -0.1, 5.0]];
        let g0 = [0.6, 1.1, 0.0];
        let x = Mat::from_rows(&rows);
        let mut o = vec![0.0; 3];
        fltrust(&x, &g0, &mut o);
        assert!(close(&o, &[0.6617392122480606, 1.045662129879491, 0.011663343339153268], 1e-14), "{o:?}");
        assert!(close(&o, &[0.6617392117789557, 1.045662129136703, 0.011663343353543255], 1e-8), "FLPoison's: {o:?}");
        // Scaling a message does not change its weight or its contribution (it is rescaled to ‖g₀‖).
        let mut big = rows.clone();
        big[2].iter_mut().for_each(|v| *v *= 1e6);
        let mut o2 = vec![0.0; 3];
        fltrust(&Mat::from_rows(&big), &g0, &mut o2);
        assert!(close(&o2, &o, 1e-12), "{o2:?}");
        // Non-finite and zero rows get no trust; every score 0: the output is 0.
        let mut bad = rows.clone();
        bad[0] = vec![f64::NAN, 1.0, 1.0];
        bad[1] = vec![f64::INFINITY, 0.0, 0.0];
        bad.push(vec![0.0; 3]);
        fltrust(&Mat::from_rows(&bad), &g0, &mut o2);
        assert!(o2.iter().all(|v| v.is_finite()), "{o2:?}");
        fltrust(&Mat::from_rows(&[vec![-1.0, -1.0, 0.0], vec![0.0, 0.0, 3.0]]), &g0, &mut o2);
        assert_eq!(o2, vec![0.0; 3]);
        // The Aggregator uses the run's root update, else the last input.
        let mut a = Aggregator::new(AggSpec::new(AggKind::FlTrust), AggParams::default(), 1);
        a.root = Some(g0.to_vec());
        a.aggregate(&x, &mut o2);
        assert_eq!(o2, o);
        a.root = None;
        a.aggregate(&x, &mut o2);
        let mut want = vec![0.0; 3];
        fltrust(&x, &rows[4], &mut want);
        assert_eq!(o2, want);
    }

    #[test]
    fn signguards_two_means_keeps_the_larger_sign_cluster() {
        let p = |v: &[[f64; 3]]| larger_of_two_means(v);
        // Identical features: one cluster, everything kept.
        assert_eq!(p(&[[0.5, 0.5, 0.0]; 4]), vec![true; 4]);
        // Three near (1, 0, 0), two near (0, 1, 0): the three, in any order.
        let f = [[0.9, 0.1, 0.0], [0.1, 0.9, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.8, 0.2, 0.0]];
        assert_eq!(p(&f), vec![true, false, true, false, true]);
        let mut r: Vec<[f64; 3]> = f.to_vec();
        r.reverse();
        assert_eq!(p(&r), vec![true, false, true, false, true]);
        // Lloyd from the farthest-point pair alone stops at inertia 0.8733 with rows 1, 3, 4, 6, 7,
        // 8; the best 2-means partition (sklearn 1.9's KMeans with n_init = 100: 0.8429) also holds
        // row 0, and the multi-start finds it.
        let k = [
            [0.5, 0.5, 0.0],
            [0.7, 0.3, 0.0],
            [0.1, 0.8, 0.1],
            [0.3, 0.0, 0.7],
            [0.9, 0.1, 0.0],
            [0.1, 0.8, 0.1],
            [0.6, 0.4, 0.0],
            [0.8, 0.1, 0.1],
            [0.7, 0.1, 0.2],
        ];
        assert_eq!(p(&k), vec![true, true, false, true, true, false, true, true, true]);
        // A tie, two and two: the tighter pair.
        let t = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.98, 0.02, 0.0], [0.1, 0.9, 0.0]];
        assert_eq!(p(&t), vec![true, false, true, false]);
    }

    #[test]
    fn signguard_falls_back_when_its_filters_disagree() {
        // Three rows of one sign pattern, two tiny and one huge, and two of another at moderate
        // norms: M is √5, the norm filter keeps the moderate pair, the sign clusters the three.
        let x = Mat::from_rows(&[vec![0.001, 0.001], vec![-1.0, 2.0], vec![0.002, 0.001], vec![100.0, 50.0], vec![-2.0, 1.5]]);
        let mut o = vec![0.0; 2];
        signguard(&x, &mut o);
        // S1 ∩ S2 = ∅: the rows of S1, (−2, 1.5) clipped to norm √5.
        let c = 5f64.sqrt() / 2.5;
        assert!(close(&o, &[(-1.0 - 2.0 * c) / 2.0, (2.0 + 1.5 * c) / 2.0], 1e-15), "{o:?}");
    }
}
