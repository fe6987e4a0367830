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
//!
//! Ties are broken by comparing values (or whole vectors lexicographically), never by position, so
//! every rule is invariant under permutations of its inputs. NaN compares as larger than +∞, so
//! non-finite inputs are treated as the most extreme values and never cause a panic.

use super::linalg::{dist2, norm, sort_indices, Mat};
pub use super::scenario::AggParams;
use super::scenario::{AggKind, AggSpec};
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

/// A stateful aggregator (centered clipping remembers its last output).
#[derive(Clone, Debug)]
pub struct Aggregator {
    pub spec: AggSpec,
    pub p: AggParams,
    /// The number of Byzantine inputs the master assumes, f = ⌊βm⌋.
    pub f: usize,
    prev: Option<Vec<f64>>,
}

impl Aggregator {
    pub fn new(spec: AggSpec, p: AggParams, f: usize) -> Self {
        Aggregator { spec, p, f, prev: None }
    }

    /// Aggregates `msgs` into `out` (length = msgs.cols).
    pub fn aggregate(&mut self, msgs: &Mat, out: &mut [f64]) {
        let mixed;
        let x = if self.spec.nnm {
            mixed = nnm(msgs, self.f);
            &mixed
        } else {
            msgs
        };
        let f = self.f;
        match self.spec.kind {
            AggKind::Mean => mean(x, out),
            AggKind::Median => median(x, out),
            AggKind::TrMean => trimmed_mean(x, f, out),
            AggKind::Filter => filter(x, f, self.p.fsig, out),
            AggKind::Nbs => nbs(x, f, out),
            AggKind::GeoMed => geomed(x, self.p.gm_nu, self.p.gm_it, GmStart::Median, 1e-12, out),
            AggKind::Krum => {
                krum(x, f, out);
            }
            AggKind::MultiKrum => multikrum(x, f, x.rows.saturating_sub(f).max(1), out),
            AggKind::Bulyan => bulyan(x, f, out),
            AggKind::CClip => {
                let v0 = self.prev.clone().unwrap_or_else(|| vec![0.0; x.cols]);
                cclip(x, self.p.cc_tau, self.p.cc_it, &v0, out);
                self.prev = if out.iter().all(|v| v.is_finite()) { Some(out.to_vec()) } else { None };
            }
            AggKind::Meamed => meamed(x, f, out),
        }
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
pub fn trimmed_mean(x: &Mat, b: usize, out: &mut [f64]) {
    let b = b.min(x.rows.saturating_sub(1) / 2);
    let mut keys = Vec::with_capacity(x.rows);
    for (j, o) in out.iter_mut().enumerate() {
        column_keys(x, j, &mut keys);
        keys.sort_unstable();
        let kept = &keys[b..keys.len() - b];
        *o = kept.iter().map(|&k| unkey(k)).sum::<f64>() / kept.len() as f64;
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

/// Pairwise squared distances (symmetric, row-major m×m); NaN becomes +∞.
fn pairwise(x: &Mat) -> Vec<f64> {
    let m = x.rows;
    let mut dm = vec![0.0; m * m];
    for i in 0..m {
        for j in i + 1..m {
            let v = dist2(x.row(i), x.row(j));
            let v = if v.is_nan() { f64::INFINITY } else { v };
            dm[i * m + j] = v;
            dm[j * m + i] = v;
        }
    }
    dm
}

/// Krum scores over the rows listed in `set`: the sum of the k smallest squared distances to
/// other rows of the set, with k = |set| − f − 2 clamped to [1, |set| − 1].
fn krum_scores(dm: &[f64], m: usize, set: &[usize], f: usize) -> Vec<f64> {
    let n = set.len();
    if n <= 1 {
        return vec![0.0; n];
    }
    let k = n.saturating_sub(f + 2).clamp(1, n - 1);
    let mut ds = Vec::with_capacity(n);
    set.iter()
        .map(|&i| {
            ds.clear();
            ds.extend(set.iter().filter(|&&j| j != i).map(|&j| key(dm[i * m + j])));
            // The k smallest, summed in sorted order, so the score depends on the distances only,
            // not on the order of the rows (tied scores must stay tied for the tie-break to apply).
            ds.select_nth_unstable(k - 1);
            ds[..k].sort_unstable();
            ds[..k].iter().map(|&d| unkey(d)).sum::<f64>()
        })
        .collect()
}

/// Positions (into `set`) sorted by Krum score, ties broken by the vectors themselves.
fn krum_order(x: &Mat, dm: &[f64], set: &[usize], f: usize) -> Vec<usize> {
    let scores = krum_scores(dm, x.rows, set, f);
    let mut order: Vec<usize> = (0..set.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(scores[a], scores[b]).then_with(|| cmp_vec(x.row(set[a]), x.row(set[b]))));
    order
}

/// Krum: the input with the lowest score. Returns its row index.
pub fn krum(x: &Mat, f: usize, out: &mut [f64]) -> usize {
    let set: Vec<usize> = (0..x.rows).collect();
    let best = set[krum_order(x, &pairwise(x), &set, f)[0]];
    out.copy_from_slice(x.row(best));
    best
}

/// Multi-Krum: the mean of the `k` lowest-scoring inputs.
pub fn multikrum(x: &Mat, f: usize, k: usize, out: &mut [f64]) {
    let set: Vec<usize> = (0..x.rows).collect();
    let order = krum_order(x, &pairwise(x), &set, f);
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
        let pos = krum_order(x, &dm, &remaining, f)[0];
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

/// Centered clipping from `v0`.
pub fn cclip(x: &Mat, tau: f64, iters: usize, v0: &[f64], out: &mut [f64]) {
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
            *vi += dl / x.rows as f64;
        }
    }
    out.copy_from_slice(&v);
}

/// Nearest-neighbour mixing: each row becomes the mean of its m − f nearest rows (itself included).
pub fn nnm(x: &Mat, f: usize) -> Mat {
    let m = x.rows;
    let k = m.saturating_sub(f).max(1);
    let dm = pairwise(x);
    let mut out = Mat::zeros(m, x.cols);
    for i in 0..m {
        let mut nb: Vec<usize> = (0..m).collect();
        sort_indices(&mut nb, &|a, b| cmp(dm[i * m + a], dm[i * m + b]).then_with(|| cmp_vec(x.row(a), x.row(b))));
        let row = out.row_mut(i);
        super::linalg::mean_rows(x, nb[..k].iter().copied(), row);
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
}
