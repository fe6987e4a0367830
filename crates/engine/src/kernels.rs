//! `f32` kernels of the classification problems, written so that the result is the same bits on
//! every platform while the work runs on SIMD registers.
//!
//! Every addition and multiplication, and their order, is fixed by the code: [`dot32`] keeps eight
//! accumulator lanes (k mod 8) combined as ((0+4)+(1+5))+((2+6)+(3+7)), then adds the remainder in
//! order; [`axpy32`] is y_k += a·x_k. The lanes are mapped explicitly onto 4-wide vectors ([`F4`]:
//! SSE2 natively, which every x86-64 CPU has; `simd128` in wasm; plain arrays elsewhere), with
//! separate multiply and add instructions (never a fused multiply-add), so the compiler has no
//! choice that could change a result, and the speed does not hang on its auto-vectoriser.
//!
//! [`F2`] is the same for two `f64` lanes (the `f64` kernels of `engine::linalg`).
//!
//! The multi-row kernels ([`dot32_rows`], [`axpy32_rows`]) do the work of S calls of [`dot32`] /
//! [`axpy32`] in one pass over the shared operand, with bit-identical results: a weight row (or a
//! gradient row) is then loaded once for S samples instead of once per sample.

pub use f2::F2;
pub use f4::F4;

#[cfg(target_arch = "x86_64")]
mod f4 {
    use std::arch::x86_64::*;

    /// Four f32 lanes (SSE2, part of the x86-64 baseline).
    #[derive(Clone, Copy)]
    pub struct F4(__m128);

    #[allow(unused_unsafe)] // the arithmetic intrinsics are safe on recent toolchains, not on older ones
    impl F4 {
        #[inline(always)]
        pub fn zero() -> F4 {
            F4(unsafe { _mm_setzero_ps() })
        }
        #[inline(always)]
        pub fn splat(a: f32) -> F4 {
            F4(unsafe { _mm_set1_ps(a) })
        }
        /// Lanes `s[0..4]`.
        #[inline(always)]
        pub fn load(s: &[f32]) -> F4 {
            let s = &s[..4];
            // SAFETY: `s` has at least 4 elements; unaligned loads are allowed.
            F4(unsafe { _mm_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: `s` has at least 4 elements; unaligned stores are allowed.
            unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            let mut a = [0.0f32; 4];
            self.store(&mut a);
            a
        }
    }

    #[allow(unused_unsafe)] // as on the inherent impl
    impl std::ops::Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, b: F4) -> F4 {
            F4(unsafe { _mm_add_ps(self.0, b.0) })
        }
    }

    #[allow(unused_unsafe)] // as on the inherent impl
    impl std::ops::Mul for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, b: F4) -> F4 {
            F4(unsafe { _mm_mul_ps(self.0, b.0) })
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f4 {
    use std::arch::wasm32::*;

    /// Four f32 lanes (WebAssembly `simd128`).
    #[derive(Clone, Copy)]
    pub struct F4(v128);

    impl F4 {
        #[inline(always)]
        pub fn zero() -> F4 {
            F4(f32x4_splat(0.0))
        }
        #[inline(always)]
        pub fn splat(a: f32) -> F4 {
            F4(f32x4_splat(a))
        }
        /// Lanes `s[0..4]`.
        #[inline(always)]
        pub fn load(s: &[f32]) -> F4 {
            let s = &s[..4];
            // SAFETY: `s` has at least 4 elements; wasm loads need no alignment.
            F4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: `s` has at least 4 elements; wasm stores need no alignment.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            let mut a = [0.0f32; 4];
            self.store(&mut a);
            a
        }
    }

    impl std::ops::Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, b: F4) -> F4 {
            F4(f32x4_add(self.0, b.0))
        }
    }

    impl std::ops::Mul for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, b: F4) -> F4 {
            F4(f32x4_mul(self.0, b.0))
        }
    }
}

#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
mod f4 {
    /// Four f32 lanes (portable fallback: the same operations lane by lane).
    #[derive(Clone, Copy)]
    pub struct F4([f32; 4]);

    impl F4 {
        #[inline(always)]
        pub fn zero() -> F4 {
            F4([0.0; 4])
        }
        #[inline(always)]
        pub fn splat(a: f32) -> F4 {
            F4([a; 4])
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> F4 {
            F4([s[0], s[1], s[2], s[3]])
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            s[..4].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }

    impl std::ops::Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, b: F4) -> F4 {
            F4(std::array::from_fn(|l| self.0[l] + b.0[l]))
        }
    }

    impl std::ops::Mul for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, b: F4) -> F4 {
            F4(std::array::from_fn(|l| self.0[l] * b.0[l]))
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod f2 {
    use std::arch::x86_64::*;

    /// Two f64 lanes (SSE2), for the `f64` kernels of `engine::linalg`.
    #[derive(Clone, Copy)]
    pub struct F2(__m128d);

    #[allow(unused_unsafe)] // the arithmetic intrinsics are safe on recent toolchains, not on older ones
    impl F2 {
        #[inline(always)]
        pub fn zero() -> F2 {
            F2(unsafe { _mm_setzero_pd() })
        }
        /// Lanes `s[0..2]`.
        #[inline(always)]
        pub fn load(s: &[f64]) -> F2 {
            let s = &s[..2];
            // SAFETY: `s` has at least 2 elements; unaligned loads are allowed.
            F2(unsafe { _mm_loadu_pd(s.as_ptr()) })
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            let mut a = [0.0f64; 2];
            // SAFETY: `a` has 2 elements; unaligned stores are allowed.
            unsafe { _mm_storeu_pd(a.as_mut_ptr(), self.0) };
            a
        }
    }

    #[allow(unused_unsafe)] // as on the inherent impl
    impl std::ops::Add for F2 {
        type Output = F2;
        #[inline(always)]
        fn add(self, b: F2) -> F2 {
            F2(unsafe { _mm_add_pd(self.0, b.0) })
        }
    }

    #[allow(unused_unsafe)] // as on the inherent impl
    impl std::ops::Sub for F2 {
        type Output = F2;
        #[inline(always)]
        fn sub(self, b: F2) -> F2 {
            F2(unsafe { _mm_sub_pd(self.0, b.0) })
        }
    }

    #[allow(unused_unsafe)] // as on the inherent impl
    impl std::ops::Mul for F2 {
        type Output = F2;
        #[inline(always)]
        fn mul(self, b: F2) -> F2 {
            F2(unsafe { _mm_mul_pd(self.0, b.0) })
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f2 {
    use std::arch::wasm32::*;

    /// Two f64 lanes (WebAssembly `simd128`), for the `f64` kernels of `engine::linalg`.
    #[derive(Clone, Copy)]
    pub struct F2(v128);

    impl F2 {
        #[inline(always)]
        pub fn zero() -> F2 {
            F2(f64x2_splat(0.0))
        }
        /// Lanes `s[0..2]`.
        #[inline(always)]
        pub fn load(s: &[f64]) -> F2 {
            let s = &s[..2];
            // SAFETY: `s` has at least 2 elements; wasm loads need no alignment.
            F2(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            [f64x2_extract_lane::<0>(self.0), f64x2_extract_lane::<1>(self.0)]
        }
    }

    impl std::ops::Add for F2 {
        type Output = F2;
        #[inline(always)]
        fn add(self, b: F2) -> F2 {
            F2(f64x2_add(self.0, b.0))
        }
    }

    impl std::ops::Sub for F2 {
        type Output = F2;
        #[inline(always)]
        fn sub(self, b: F2) -> F2 {
            F2(f64x2_sub(self.0, b.0))
        }
    }

    impl std::ops::Mul for F2 {
        type Output = F2;
        #[inline(always)]
        fn mul(self, b: F2) -> F2 {
            F2(f64x2_mul(self.0, b.0))
        }
    }
}

#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
mod f2 {
    /// Two f64 lanes (portable fallback: the same operations lane by lane).
    #[derive(Clone, Copy)]
    pub struct F2([f64; 2]);

    impl F2 {
        #[inline(always)]
        pub fn zero() -> F2 {
            F2([0.0; 2])
        }
        #[inline(always)]
        pub fn load(s: &[f64]) -> F2 {
            F2([s[0], s[1]])
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            self.0
        }
    }

    impl std::ops::Add for F2 {
        type Output = F2;
        #[inline(always)]
        fn add(self, b: F2) -> F2 {
            F2([self.0[0] + b.0[0], self.0[1] + b.0[1]])
        }
    }

    impl std::ops::Sub for F2 {
        type Output = F2;
        #[inline(always)]
        fn sub(self, b: F2) -> F2 {
            F2([self.0[0] - b.0[0], self.0[1] - b.0[1]])
        }
    }

    impl std::ops::Mul for F2 {
        type Output = F2;
        #[inline(always)]
        fn mul(self, b: F2) -> F2 {
            F2([self.0[0] * b.0[0], self.0[1] * b.0[1]])
        }
    }
}

/// Σ a_k b_k (see the module documentation for the order). `b` must be at least as long as `a`.
#[inline]
pub fn dot32(a: &[f32], b: &[f32]) -> f32 {
    dot32_rows::<1>(a, &[b])[0]
}

/// `out[s] = dot32(w, xs[s])` for S vectors at once, bit for bit, loading each chunk of `w` once.
/// Every `xs[s]` must be at least as long as `w`.
#[inline]
pub fn dot32_rows<const S: usize>(w: &[f32], xs: &[&[f32]; S]) -> [f32; S] {
    let n = w.len();
    let full = n - n % 8;
    let w8 = &w[..full];
    // Sliced to the same length as w8, so the loads below need no bounds checks in the loop.
    let x8: [&[f32]; S] = std::array::from_fn(|s| &xs[s][..full]);
    // lo[s] holds accumulator lanes 0..4 of vector s, hi[s] lanes 4..8.
    let mut lo = [F4::zero(); S];
    let mut hi = [F4::zero(); S];
    let mut i = 0;
    while i + 8 <= full {
        let w0 = F4::load(&w8[i..]);
        let w1 = F4::load(&w8[i + 4..]);
        for s in 0..S {
            lo[s] = lo[s] + w0 * F4::load(&x8[s][i..]);
            hi[s] = hi[s] + w1 * F4::load(&x8[s][i + 4..]);
        }
        i += 8;
    }
    std::array::from_fn(|s| {
        let t = (lo[s] + hi[s]).to_array(); // lanes (0+4), (1+5), (2+6), (3+7)
        let mut r = (t[0] + t[1]) + (t[2] + t[3]);
        for j in full..n {
            r += w[j] * xs[s][j];
        }
        r
    })
}

/// y += a·x. `x` must be at least as long as `y`.
#[inline]
pub fn axpy32(a: f32, x: &[f32], y: &mut [f32]) {
    axpy32_rows::<1>(&[a], &[x], y);
}

/// `y += a[0]·xs[0]; y += a[1]·xs[1]; …` (S calls of [`axpy32`] in order, bit for bit) in one pass
/// over y. Every `xs[s]` must be at least as long as `y`.
#[inline]
pub fn axpy32_rows<const S: usize>(a: &[f32; S], xs: &[&[f32]; S], y: &mut [f32]) {
    let n = y.len();
    let full = n - n % 4;
    let xn: [&[f32]; S] = std::array::from_fn(|s| &xs[s][..full]);
    let av: [F4; S] = std::array::from_fn(|s| F4::splat(a[s]));
    let y4 = &mut y[..full];
    let mut i = 0;
    // U vectors of y at a time: U independent chains of S additions in flight.
    const U: usize = 2;
    while i + 4 * U <= full {
        let mut v: [F4; U] = std::array::from_fn(|u| F4::load(&y4[i + 4 * u..]));
        for s in 0..S {
            let x = &xn[s][i..i + 4 * U];
            for (u, v) in v.iter_mut().enumerate() {
                *v = *v + av[s] * F4::load(&x[4 * u..]);
            }
        }
        for (u, v) in v.iter().enumerate() {
            v.store(&mut y4[i + 4 * u..]);
        }
        i += 4 * U;
    }
    while i + 4 <= full {
        let mut v = F4::load(&y4[i..]);
        for s in 0..S {
            v = v + av[s] * F4::load(&xn[s][i..]);
        }
        v.store(&mut y4[i..]);
        i += 4;
    }
    for j in full..n {
        let mut v = y[j];
        for s in 0..S {
            v += a[s] * xs[s][j];
        }
        y[j] = v;
    }
}

/// `y[r·YS..][..4V] += w[t]·x[offsets[t] + r·XS..][..4V]` for every tap t in order and every row
/// r < R (one [`axpy32`] per tap and row, bit for bit) with the R rows held in R·V vector
/// registers: R rows of a convolution's output plane (YS apart), whose taps are the input rows
/// (XS apart) shifted by each kernel offset. R·V independent chains of additions keep the adder
/// busy where one row of a small plane (V = 2) would wait on its own two. Every
/// `offsets[t] + (R − 1)·XS + 4V` must be within x.
#[inline]
pub fn axpy32_taps<const V: usize, const R: usize, const XS: usize, const YS: usize>(
    w: &[f32],
    offsets: &[usize],
    x: &[f32],
    y: &mut [f32],
) {
    let y = &mut y[..(R - 1) * YS + 4 * V];
    let mut acc: [[F4; V]; R] = std::array::from_fn(|r| std::array::from_fn(|v| F4::load(&y[r * YS + 4 * v..])));
    for (&a, &o) in w.iter().zip(offsets) {
        let a = F4::splat(a);
        let xs = &x[o..o + (R - 1) * XS + 4 * V];
        for (r, acc) in acc.iter_mut().enumerate() {
            for (v, acc) in acc.iter_mut().enumerate() {
                *acc = *acc + a * F4::load(&xs[r * XS + 4 * v..]);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        for (v, acc) in acc.iter().enumerate() {
            acc.store(&mut y[r * YS + 4 * v..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_kernel_is_bit_identical_to_one_axpy_per_tap() {
        let x: Vec<f32> = (0..300).map(|i| ((i * 37) % 101) as f32 * 0.013 - 0.6).collect();
        let offsets: Vec<usize> = (0..25).map(|t| (t / 5) * 28 + t % 5).collect();
        let w: Vec<f32> = (0..25).map(|t| ((t * 11) % 23) as f32 / 23.0 - 0.4).collect();
        let start: Vec<f32> = (0..24).map(|i| i as f32 * 0.01).collect();
        let mut one_by_one = start.clone();
        for (&a, &o) in w.iter().zip(&offsets) {
            axpy32(a, &x[o..], &mut one_by_one);
        }
        let mut taps = start.clone();
        axpy32_taps::<6, 1, 28, 24>(&w, &offsets, &x, &mut taps);
        assert!(one_by_one.iter().zip(&taps).all(|(u, v)| u.to_bits() == v.to_bits()));
        // Three rows at once (inputs 28 apart, outputs 30 apart, 6 untouched values between).
        let start: Vec<f32> = (0..84).map(|i| i as f32 * 0.01).collect();
        let mut rows = start.clone();
        for r in 0..3 {
            for (&a, &o) in w.iter().zip(&offsets) {
                axpy32(a, &x[o + 28 * r..], &mut rows[30 * r..][..24]);
            }
        }
        let mut block = start.clone();
        axpy32_taps::<6, 3, 28, 30>(&w, &offsets, &x, &mut block);
        assert!(rows.iter().zip(&block).all(|(u, v)| u.to_bits() == v.to_bits()));
    }

    #[test]
    fn kernels_agree_with_naive_sums() {
        let a: Vec<f32> = (0..787).map(|i| (i % 17) as f32 * 0.25 - 2.0).collect();
        let b: Vec<f32> = (0..787).map(|i| (i % 5) as f32 * 0.5).collect();
        let naive: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((dot32(&a, &b) as f64 - naive).abs() < 1e-3);
        let mut y = b.clone();
        axpy32(2.0, &a, &mut y);
        assert!(y.iter().zip(a.iter().zip(&b)).all(|(y, (a, b))| *y == b + 2.0 * a));
    }

    /// The reference order of `dot32`, written out lane by lane.
    fn dot_reference(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0.0f32; 8];
        let full = a.len() - a.len() % 8;
        for i in 0..full {
            acc[i % 8] += a[i] * b[i];
        }
        let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        for i in full..a.len() {
            s += a[i] * b[i];
        }
        s
    }

    #[test]
    fn multi_row_kernels_are_bit_identical_to_the_single_row_ones() {
        for n in [0usize, 5, 8, 13, 784, 787] {
            let w: Vec<f32> = (0..n).map(|i| ((i * 37) % 101) as f32 * 0.013 - 0.6).collect();
            let xs: Vec<Vec<f32>> = (0..4).map(|s| (0..n).map(|i| ((i * 11 + s * 7) % 23) as f32 / 23.0).collect()).collect();
            let refs: [&[f32]; 4] = std::array::from_fn(|s| xs[s].as_slice());
            let got = dot32_rows::<4>(&w, &refs);
            for s in 0..4 {
                assert_eq!(got[s].to_bits(), dot_reference(&w, &xs[s]).to_bits(), "n={n} s={s}");
                assert_eq!(dot32(&w, &xs[s]).to_bits(), dot_reference(&w, &xs[s]).to_bits());
            }
            let a = [0.3f32, -1.7, 2.5e-3, 9.0];
            let mut y1 = w.clone();
            for s in 0..4 {
                axpy32(a[s], &xs[s], &mut y1);
            }
            let mut y2 = w.clone();
            axpy32_rows::<4>(&a, &refs, &mut y2);
            assert!(y1.iter().zip(&y2).all(|(u, v)| u.to_bits() == v.to_bits()), "n={n}");
        }
    }
}
