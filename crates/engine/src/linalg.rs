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
    let n = x.len();
    let full = n - n % 4;
    let x4 = &x[..full];
    let r4: [&[f64]; S] = std::array::from_fn(|s| &rows[s][..full]);
    // lo[s] holds accumulators 0 and 1 of row s, hi[s] accumulators 2 and 3.
    let mut lo = [F2::zero(); S];
    let mut hi = [F2::zero(); S];
    let mut i = 0;
    while i + 4 <= full {
        let x0 = F2::load(&x4[i..]);
        let x1 = F2::load(&x4[i + 2..]);
        for s in 0..S {
            lo[s] = lo[s] + F2::load(&r4[s][i..]) * x0;
            hi[s] = hi[s] + F2::load(&r4[s][i + 2..]) * x1;
        }
        i += 4;
    }
    std::array::from_fn(|s| {
        let (l, h) = (lo[s].to_array(), hi[s].to_array());
        let mut t = (l[0] + l[1]) + (h[0] + h[1]);
        for j in full..n {
            t += rows[s][j] * x[j];
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
    let n = a.len();
    let full = n - n % 4;
    let (a4, b4) = (&a[..full], &b[..full]);
    let (mut lo, mut hi) = (F2::zero(), F2::zero());
    let mut i = 0;
    while i + 4 <= full {
        let t0 = F2::load(&a4[i..]) - F2::load(&b4[i..]);
        let t1 = F2::load(&a4[i + 2..]) - F2::load(&b4[i + 2..]);
        lo = lo + t0 * t0;
        hi = hi + t1 * t1;
        i += 4;
    }
    let (l, h) = (lo.to_array(), hi.to_array());
    let mut s = (l[0] + l[1]) + (h[0] + h[1]);
    for j in full..n {
        s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    s
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
