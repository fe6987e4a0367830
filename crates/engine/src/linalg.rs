//! Small dense linear algebra on `f64` slices, written so that the summation order is fixed
//! (the same bits natively and in wasm); the hot kernels map their accumulator lanes explicitly onto
//! 2-wide vectors (`engine::kernels::F2`).

use super::kernels::F2;

/// A dense row-major matrix: the m messages of one iteration are its rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mat {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Mat {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Mat { rows, cols, data: vec![0.0; rows * cols] }
    }
    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let cols = rows.first().map_or(0, |r| r.len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for r in rows {
            assert_eq!(r.len(), cols, "ragged rows");
            data.extend_from_slice(r);
        }
        Mat { rows: rows.len(), cols, data }
    }
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    #[inline]
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }
    /// Copies rows `idx` into a new matrix.
    pub fn select(&self, idx: &[usize]) -> Mat {
        let mut out = Mat::zeros(idx.len(), self.cols);
        for (k, &i) in idx.iter().enumerate() {
            out.row_mut(k).copy_from_slice(self.row(i));
        }
        out
    }
}

/// Dot product with 4 independent accumulators (lanes k mod 4) combined as (0+1)+(2+3), then the
/// remainder added in order. `b` must be at least as long as `a`.
#[inline]
/// Sorts indices stably by `order`. Every sort in the engine and the app goes through this one
/// function, so the wasm holds one copy of the standard library's sort instead of one per
/// comparator (each is several KiB).
pub fn sort_indices(v: &mut [usize], order: &dyn Fn(usize, usize) -> std::cmp::Ordering) {
    v.sort_by(|&a, &b| order(a, b));
}

/// The items of `v` in the stable order of `order` (through [`sort_indices`]).
pub fn sorted_by<T: Clone>(v: &[T], order: &dyn Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut idx, &|a, b| order(&v[a], &v[b]));
    idx.into_iter().map(|i| v[i].clone()).collect()
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    dot_rows::<1>(b, &[a])[0]
}

/// `out[s] = dot(rows[s], x)` for S rows at once, bit for bit, loading each chunk of `x` once.
/// The lanes are mapped explicitly onto 2-wide vectors (see `engine::kernels`), so the result is
/// the same bits natively and in wasm. Every row must be at least as long as `x`.
#[inline]
pub fn dot_rows<const S: usize>(x: &[f64], rows: &[&[f64]; S]) -> [f64; S] {
    sum_rows(x, rows, |x, r| r * x, |x, r| r * x)
}

/// `out[s]` = Σ_k term(x_k, rows[s]_k) for S rows at once, in the order of [`dot`]: four
/// accumulators (lanes k mod 4, held as two 2-wide vectors per row: `lo` lanes 0 and 1, `hi`
/// lanes 2 and 3) combined as (0 + 1) + (2 + 3), then the remainder added in order. `term2` is
/// `term` on two lanes at once.
#[inline(always)]
fn sum_rows<const S: usize>(x: &[f64], rows: &[&[f64]; S], term2: impl Fn(F2, F2) -> F2, term: impl Fn(f64, f64) -> f64) -> [f64; S] {
    let n = x.len();
    let full = n - n % 4;
    let x4 = &x[..full];
    let r4: [&[f64]; S] = std::array::from_fn(|s| &rows[s][..full]);
    let mut lo = [F2::zero(); S];
    let mut hi = [F2::zero(); S];
    let mut i = 0;
    while i + 4 <= full {
        let x0 = F2::load(&x4[i..]);
        let x1 = F2::load(&x4[i + 2..]);
        for s in 0..S {
            lo[s] = lo[s] + term2(x0, F2::load(&r4[s][i..]));
            hi[s] = hi[s] + term2(x1, F2::load(&r4[s][i + 2..]));
        }
        i += 4;
    }
    std::array::from_fn(|s| {
        let (l, h) = (lo[s].to_array(), hi[s].to_array());
        let mut t = (l[0] + l[1]) + (h[0] + h[1]);
        for j in full..n {
            t += term(x[j], rows[s][j]);
        }
        t
    })
}

#[inline]
pub fn norm2(a: &[f64]) -> f64 {
    dot(a, a)
}

#[inline]
pub fn norm(a: &[f64]) -> f64 {
    norm2(a).sqrt()
}

/// Squared Euclidean distance: Σ (a_k − b_k)², 4 accumulators as in [`dot`].
#[inline]
pub fn dist2(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    dist2_rows::<1>(a, &[b])[0]
}

/// `out[s] = dist2(x, rows[s])` for S rows at once, bit for bit as [`dist2`], loading each chunk
/// of `x` once, with 2S independent chains of additions instead of 2. Every row must be at least
/// as long as `x`.
#[inline]
pub fn dist2_rows<const S: usize>(x: &[f64], rows: &[&[f64]; S]) -> [f64; S] {
    sum_rows(
        x,
        rows,
        |x, r| {
            let t = x - r;
            t * t
        },
        |x, r| (x - r) * (x - r),
    )
}

/// [`dist2_rows`] with each row's two 2-wide accumulators as one 4-wide AVX register:
/// lanes 0, 1 are the low one's, 2, 3 the high one's, each adding the same products in the same
/// order (AVX without FMA: a product is rounded before it is added, as in SSE2 and wasm), so the
/// bits are the same. Half the instructions per distance; at m = d = 100 the distances are then
/// bound by the two vector adders (a subtraction, a multiplication and an addition per lane).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn dist2_rows_avx<const S: usize>(x: &[f64], rows: &[&[f64]; S]) -> [f64; S] {
    use std::arch::x86_64::{__m256d, _mm256_add_pd, _mm256_loadu_pd, _mm256_mul_pd, _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd};
    let n = x.len();
    let full = n - n % 4;
    let r4: [&[f64]; S] = std::array::from_fn(|s| &rows[s][..full]);
    let mut acc: [__m256d; S] = [_mm256_setzero_pd(); S];
    for i in (0..full).step_by(4) {
        // SAFETY: i + 4 ≤ full ≤ the length of x and of every row.
        unsafe {
            let xv = _mm256_loadu_pd(x[i..i + 4].as_ptr());
            for s in 0..S {
                let t = _mm256_sub_pd(xv, _mm256_loadu_pd(r4[s][i..i + 4].as_ptr()));
                acc[s] = _mm256_add_pd(acc[s], _mm256_mul_pd(t, t));
            }
        }
    }
    std::array::from_fn(|s| {
        let mut l = [0.0f64; 4];
        // SAFETY: l holds 4 values.
        unsafe { _mm256_storeu_pd(l.as_mut_ptr(), acc[s]) };
        let mut t = (l[0] + l[1]) + (l[2] + l[3]);
        for j in full..n {
            t += (x[j] - rows[s][j]) * (x[j] - rows[s][j]);
        }
        t
    })
}

/// Squared distances between all pairs of rows of `x`, symmetric and row-major m × m (0 on the
/// diagonal), each bit for bit [`dist2`] of its two rows. Row i's distances to the rows after it
/// go four at a time through [`dist2_rows`], or eight at a time through its AVX form where the
/// CPU has AVX.
pub fn pairwise_dist2(x: &Mat) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX.
        return unsafe { pairwise_dist2_avx(x) };
    }
    pairwise_dist2_with(x, dist2_rows::<4>)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn pairwise_dist2_avx(x: &Mat) -> Vec<f64> {
    // The closure inherits this function's AVX, so it may call the AVX kernel.
    pairwise_dist2_with(x, |a, r: &[&[f64]; 8]| dist2_rows_avx(a, r))
}

/// The rows go in groups of S (S·d values, in L1), and every earlier row is measured against a
/// whole group at once: the earlier rows stream from L2 once per group instead of every row once
/// per earlier row (0.070 → 0.065 ms at m = d = 100 with AVX, a scratch loop). The last rows (fewer than
/// S) are measured against the groups the same way; pairs inside a group or among the last rows
/// go one `dist2` each.
#[inline(always)]
fn pairwise_dist2_with<const S: usize>(x: &Mat, group: impl Fn(&[f64], &[&[f64]; S]) -> [f64; S]) -> Vec<f64> {
    let m = x.rows;
    let mut dm = vec![0.0; m * m];
    let mut put = |i: usize, j: usize, v: f64| {
        dm[i * m + j] = v;
        dm[j * m + i] = v;
    };
    let whole = m - m % S;
    for j0 in (0..whole).step_by(S) {
        let rows: [&[f64]; S] = std::array::from_fn(|k| x.row(j0 + k));
        for i in 0..j0 {
            for (k, v) in group(x.row(i), &rows).into_iter().enumerate() {
                put(i, j0 + k, v);
            }
        }
    }
    // The last rows against the groups (a distance is the same bits either way round).
    for j in whole..m {
        for i0 in (0..whole).step_by(S) {
            for (k, v) in group(x.row(j), &std::array::from_fn(|k| x.row(i0 + k))).into_iter().enumerate() {
                put(i0 + k, j, v);
            }
        }
    }
    for j in 0..m {
        for i in if j < whole { j - j % S } else { whole }..j {
            put(i, j, dist2(x.row(i), x.row(j)));
        }
    }
    dm
}

#[inline]
pub fn dist(a: &[f64], b: &[f64]) -> f64 {
    dist2(a, b).sqrt()
}

/// y += a·x
#[inline]
pub fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// x *= a
#[inline]
pub fn scale(a: f64, x: &mut [f64]) {
    x.iter_mut().for_each(|v| *v *= a);
}

/// Mean of the given rows of `m` into `out`.
pub fn mean_rows(m: &Mat, rows: impl Iterator<Item = usize>, out: &mut [f64]) {
    out.iter_mut().for_each(|v| *v = 0.0);
    let mut k = 0usize;
    for i in rows {
        for (o, x) in out.iter_mut().zip(m.row(i)) {
            *o += x;
        }
        k += 1;
    }
    if k > 0 {
        scale(1.0 / k as f64, out);
    }
}

/// The comparators (i, j), i < j, of Batcher's odd–even merge sort on n inputs (the network for the
/// next power of two without the comparators that touch an input ≥ n, which would be no-ops on +∞
/// padding). About n·log²n/4 of them: 1104 at n = 100.
pub fn sorting_network(n: usize) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    let mut p = 1;
    while p < n {
        let mut k = p;
        while k >= 1 {
            let mut j = k % p;
            while j + k < n {
                for i in 0..k.min(n - j - k) {
                    if (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        pairs.push(((i + j) as u32, (i + j + k) as u32));
                    }
                }
                j += 2 * k;
            }
            k /= 2;
        }
        p *= 2;
    }
    pairs
}

/// The columns of a matrix, each sorted ascending down the rows (see [`with_sorted_columns`]).
pub struct SortedColumns<'a> {
    buf: &'a [f64],
    stride: usize,
    cols: usize,
}

impl SortedColumns<'_> {
    /// Rank r of every column: row r of the sorted matrix.
    #[inline]
    pub fn row(&self, r: usize) -> &[f64] {
        &self.buf[r * self.stride..][..self.cols]
    }
}

/// Calls `f` with the columns of `x` sorted, each ascending down the rows, or returns None if `x`
/// holds a NaN or a −0.0. The sort is a [`sorting_network`] applied to whole rows: each comparator
/// is a min and a max over two rows, all columns side by side, in vector registers (512-bit ones
/// where the CPU has AVX-512F; the result does not depend on it). Values only move, and a sorted
/// column is unique, so the result is bit for bit what a per-column sort gives, provided no two
/// values compare equal without being the same bits: hence no NaN and no −0.0.
pub fn with_sorted_columns<R>(x: &Mat, f: impl FnOnce(&SortedColumns) -> R) -> Option<R> {
    let (rows, cols) = (x.rows, x.cols);
    // The rows are copied into a scratch matrix whose rows start on 64-byte boundaries (a multiple
    // of 8 columns apart): 512-bit loads that straddle cache lines made the network 20% slower.
    let stride = cols.div_ceil(8) * 8;
    /// The network for `.0` rows, and the scratch matrix.
    type Scratch = (usize, Vec<(u32, u32)>, Vec<f64>);
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new((0, Vec::new(), Vec::new())) };
    }
    SCRATCH.with(|cell| {
        let (n, net, scratch) = &mut *cell.borrow_mut();
        scratch.resize(rows * stride + 8, 0.0);
        let skip = scratch.as_ptr().align_offset(64).min(8);
        let buf = &mut scratch[skip..skip + rows * stride];
        // Counted with the float comparisons and 64-bit additions that 2-wide vectors have.
        let special = x.data.iter().fold(0u64, |s, &v| s + (v.is_nan() as u64) + ((v == 0.0) as u64 & (v.to_bits() >> 63)));
        if special > 0 {
            return None;
        }
        for (dst, src) in buf.chunks_exact_mut(stride.max(1)).zip(x.data.chunks_exact(cols.max(1))) {
            dst[..cols].copy_from_slice(src);
        }
        if *n != rows {
            (*n, *net) = (rows, sorting_network(rows));
        }
        sort_rows(buf, stride, net);
        Some(f(&SortedColumns { buf, stride, cols }))
    })
}

/// Applies the comparators of `net` to the rows (`stride` long) of `data`, [`SORT_BLOCK`]
/// columns at a time: row i gets the smaller value of each column, row j the larger.
fn sort_rows(data: &mut [f64], stride: usize, net: &[(u32, u32)]) {
    #[cfg(target_arch = "x86_64")]
    if stride.is_multiple_of(8) && std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F, which is all the function enables.
        unsafe { sort_rows_avx512(data, stride, net) };
        return;
    }
    sort_rows_portable(data, stride, net);
}

/// [`sort_rows`] in plain Rust (2-wide vectors natively and in wasm, as the compiler makes them).
fn sort_rows_portable(data: &mut [f64], stride: usize, net: &[(u32, u32)]) {
    for c0 in (0..stride).step_by(SORT_BLOCK) {
        let c1 = (c0 + SORT_BLOCK).min(stride);
        for &(i, j) in net {
            let (i, j) = (i as usize * stride, j as usize * stride);
            let (head, tail) = data.split_at_mut(j);
            for (a, b) in head[i + c0..i + c1].iter_mut().zip(&mut tail[c0..c1]) {
                let (x, y) = (*a, *b);
                *a = if x < y { x } else { y };
                *b = if x > y { x } else { y };
            }
        }
    }
}

/// Columns sorted together: 48 columns of 100 rows (38 KB) stay in L1 through the whole network,
/// where all 100 columns (80 KB) would stream from L2 at every comparator.
const SORT_BLOCK: usize = 48;

/// [`sort_rows`] eight columns at a time in 512-bit registers, through raw pointers (checked
/// slicing cost as much as the comparisons). `stride` must be a multiple of 8.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sort_rows_avx512(data: &mut [f64], stride: usize, net: &[(u32, u32)]) {
    use std::arch::x86_64::{_mm512_loadu_pd, _mm512_max_pd, _mm512_min_pd, _mm512_storeu_pd};
    let rows = data.len() / stride.max(1);
    assert!(stride.is_multiple_of(8) && net.iter().all(|&(i, j)| i < j && (j as usize) < rows), "a comparator outside the matrix");
    let base = data.as_mut_ptr();
    for c0 in (0..stride).step_by(SORT_BLOCK) {
        let width = SORT_BLOCK.min(stride - c0);
        for &(i, j) in net {
            // SAFETY: rows i < j < rows and columns c0..c0 + width ≤ stride are within `data`
            // and disjoint; AVX-512F is enabled.
            unsafe {
                let (a, b) = (base.add(i as usize * stride + c0), base.add(j as usize * stride + c0));
                for q in (0..width).step_by(8) {
                    let (x, y) = (_mm512_loadu_pd(a.add(q)), _mm512_loadu_pd(b.add(q)));
                    _mm512_storeu_pd(a.add(q), _mm512_min_pd(x, y));
                    _mm512_storeu_pd(b.add(q), _mm512_max_pd(x, y));
                }
            }
        }
    }
}

/// Matrix–vector product `out = A x` for a row-major square or rectangular `a` of shape (out.len(), x.len()).
/// Rows go four at a time (each chunk of x loaded once for four rows); every entry is bit for bit
/// `dot(row, x)`.
pub fn matvec(a: &[f64], x: &[f64], out: &mut [f64]) {
    let n = x.len();
    let rows = out.len();
    let mut i = 0;
    while i + 4 <= rows {
        let r: [&[f64]; 4] = std::array::from_fn(|k| &a[(i + k) * n..(i + k + 1) * n]);
        out[i..i + 4].copy_from_slice(&dot_rows::<4>(x, &r));
        i += 4;
    }
    for (k, o) in out.iter_mut().enumerate().skip(i) {
        *o = dot(&a[k * n..(k + 1) * n], x);
    }
}

/// Solves `A x = b` for a symmetric positive (semi)definite `A` (row-major n×n) by Cholesky,
/// adding `ridge`·I. Returns `None` if the factorisation fails.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > y)` is meant to hold for NaN, which must fail the factorisation
pub fn solve_spd(a: &[f64], b: &[f64], ridge: f64) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j] + if i == j { ridge } else { 0.0 };
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if !(s > 0.0) {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
    Some(x)
}

/// Top eigenpair of a symmetric PSD matrix (row-major d×d) by power iteration from a fixed start.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > y)` is meant to hold for NaN, which must stop the loop
pub fn top_eigen(a: &[f64], d: usize, iters: usize) -> (f64, Vec<f64>) {
    let mut v: Vec<f64> = (0..d).map(|k| 1.0 + 0.01 * k as f64).collect();
    let n0 = norm(&v);
    scale(1.0 / n0, &mut v);
    let mut w = vec![0.0; d];
    let mut lambda = 0.0;
    for _ in 0..iters {
        matvec(a, &v, &mut w);
        let nw = norm(&w);
        if !(nw > 0.0) || !nw.is_finite() {
            return (if nw.is_finite() { 0.0 } else { f64::INFINITY }, v);
        }
        lambda = dot(&v, &w);
        for (vi, wi) in v.iter_mut().zip(&w) {
            *vi = wi / nw;
        }
    }
    (lambda, v)
}

/// The top principal direction of the rows `ys` (vectors in R^d, already centred): the top
/// eigenpair of Σ yᵢyᵢᵀ, found through the |ys|×|ys| Gram matrix so the cost does not grow with d².
/// Returns (λ, direction), the direction of unit length unless it is 0 or not finite.
pub fn top_direction(ys: &[Vec<f64>], d: usize, iters: usize) -> (f64, Vec<f64>) {
    let k = ys.len();
    let mut g = vec![0.0; k * k];
    for a in 0..k {
        for b in a..k {
            let v = dot(&ys[a], &ys[b]);
            g[a * k + b] = v;
            g[b * k + a] = v;
        }
    }
    let (lambda, u) = top_eigen(&g, k, iters);
    let mut v = vec![0.0; d];
    for (ya, ua) in ys.iter().zip(&u) {
        axpy(*ua, ya, &mut v);
    }
    let nv = norm(&v);
    if nv > 0.0 && nv.is_finite() {
        v.iter_mut().for_each(|t| *t /= nv);
    }
    (lambda, v)
}

/// The largest distance of a point from the least-squares line of y against x.
pub fn fit_residual(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let b = fit_slope(x, y);
    x.iter().zip(y).map(|(a, c)| (c - my - b * (a - mx)).abs()).fold(0.0, f64::max)
}

/// Least-squares slope of y against x.
pub fn fit_slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    sxy / sxx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_dist_match_naive() {
        let a: Vec<f64> = (0..11).map(|i| i as f64 * 0.5 - 2.0).collect();
        let b: Vec<f64> = (0..11).map(|i| (i * i) as f64 * 0.1).collect();
        let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-12);
        let nd: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        assert!((dist2(&a, &b) - nd).abs() < 1e-12);
    }

    /// The reference order of `dot` and `dist2`, written out lane by lane.
    fn reference(a: &[f64], b: &[f64], sq: bool) -> f64 {
        let mut acc = [0.0f64; 4];
        let full = a.len() - a.len() % 4;
        let term = |i: usize| if sq { (a[i] - b[i]) * (a[i] - b[i]) } else { a[i] * b[i] };
        for i in 0..full {
            acc[i % 4] += term(i);
        }
        let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for i in full..a.len() {
            s += term(i);
        }
        s
    }

    #[test]
    fn kernels_keep_the_documented_summation_order() {
        for n in [0usize, 3, 4, 7, 100, 101] {
            let a: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64 * 0.013 - 0.6).collect();
            let b: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64) - 0.3).collect();
            assert_eq!(dot(&a, &b).to_bits(), reference(&a, &b, false).to_bits(), "n={n}");
            assert_eq!(dist2(&a, &b).to_bits(), reference(&a, &b, true).to_bits(), "n={n}");
            // matvec of 6 rows (one group of four and two single rows) = row-by-row dots.
            let rows: Vec<Vec<f64>> = (0..6).map(|r| a.iter().map(|v| v * (r as f64 - 2.5)).collect()).collect();
            let flat: Vec<f64> = rows.concat();
            let mut out = vec![0.0; 6];
            matvec(&flat, &b, &mut out);
            for r in 0..6 {
                assert_eq!(out[r].to_bits(), reference(&rows[r], &b, false).to_bits(), "n={n} row {r}");
            }
            // Four distances at once = four single ones (and either argument order of dist2).
            let d4 = dist2_rows::<4>(&b, &[&rows[0], &rows[1], &rows[4], &a]);
            for (k, r) in [&rows[0], &rows[1], &rows[4], &a].into_iter().enumerate() {
                assert_eq!(d4[k].to_bits(), reference(r, &b, true).to_bits(), "n={n} distance {k}");
                assert_eq!(d4[k].to_bits(), dist2(r, &b).to_bits(), "n={n} distance {k}");
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx") {
                // SAFETY: the CPU has AVX.
                let avx = unsafe { dist2_rows_avx::<4>(&b, &[&rows[0], &rows[1], &rows[4], &a]) };
                assert_eq!(avx.map(f64::to_bits), d4.map(f64::to_bits), "n={n}: AVX distances");
            }
            // All pairs of 13 rows (groups of eight or four, and the single ones after them).
            let mut all: Vec<Vec<f64>> = (0..12).map(|r| rows[r % 6].iter().map(|v| v * (1.0 + r as f64 / 7.0)).collect()).collect();
            all.push(b.clone());
            let x = Mat::from_rows(&all);
            let dm = pairwise_dist2(&x);
            let k = all.len();
            for i in 0..k {
                for j in 0..k {
                    assert_eq!(dm[i * k + j].to_bits(), if i == j { 0 } else { dist2(&all[i], &all[j]).to_bits() }, "n={n} pair {i},{j}");
                }
            }
        }
    }

    #[test]
    fn the_sorting_network_sorts_every_column_as_a_sort_does() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        for rows in (0..=40).chain([63, 64, 65, 99, 100, 101, 130]) {
            // 0/1 columns (the 0–1 principle's inputs), ties, infinities, +0.0 and wide values.
            let cols = 19;
            let x = Mat {
                rows,
                cols,
                data: (0..rows * cols)
                    .map(|k| match k % cols {
                        0 | 1 => (next() % 2) as f64,
                        2 => [f64::INFINITY, f64::NEG_INFINITY, 0.0, 1.5][next() as usize % 4],
                        _ => (next() as f64 - 2e9) * 1e-3,
                    })
                    .collect(),
            };
            assert!(sorting_network(rows).iter().all(|&(i, j)| i < j && (j as usize) < rows));
            let got = with_sorted_columns(&x, |s| (0..rows).map(|r| s.row(r).to_vec()).collect::<Vec<_>>()).unwrap();
            for c in 0..cols {
                let mut want: Vec<f64> = (0..rows).map(|r| x.data[r * cols + c]).collect();
                want.sort_by(f64::total_cmp);
                let col: Vec<u64> = got.iter().map(|row| row[c].to_bits()).collect();
                assert_eq!(col, want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "rows {rows}, column {c}");
            }
        }
        // The portable comparators give what the AVX-512 ones (if this CPU has them) gave.
        let (rows, stride) = (100, 104);
        let data: Vec<f64> = (0..rows * stride).map(|_| (next() % 1000) as f64 - 500.0).collect();
        let (mut a, mut b) = (data.clone(), data);
        sort_rows(&mut a, stride, &sorting_network(rows));
        sort_rows_portable(&mut b, stride, &sorting_network(rows));
        assert!(a.iter().zip(&b).all(|(u, v)| u.to_bits() == v.to_bits()));
        assert!((1..rows).all(|r| (0..stride).all(|c| b[(r - 1) * stride + c] <= b[r * stride + c])));
        // NaN or −0.0 anywhere: no result (their order is not the comparison's).
        for special in [f64::NAN, -0.0] {
            let x = Mat::from_rows(&[vec![1.0, 2.0], vec![special, 0.0]]);
            assert!(with_sorted_columns(&x, |_| ()).is_none());
        }
    }

    #[test]
    fn cholesky_solves() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let x = solve_spd(&a, &[1.0, 2.0], 0.0).unwrap();
        assert!((4.0 * x[0] + x[1] - 1.0).abs() < 1e-12 && (x[0] + 3.0 * x[1] - 2.0).abs() < 1e-12);
        assert!(solve_spd(&[0.0, 0.0, 0.0, 0.0], &[1.0, 1.0], 0.0).is_none());
    }

    #[test]
    fn power_iteration_finds_top_eigenvalue() {
        let a = [2.0, 1.0, 1.0, 2.0];
        let (l, v) = top_eigen(&a, 2, 100);
        assert!((l - 3.0).abs() < 1e-9);
        assert!((v[0].abs() - v[1].abs()).abs() < 1e-6);
    }
}
