//! Seeded random numbers. Every random draw in byzlab comes from a stream derived from the scenario's
//! seed and a fixed stream label, so changing the aggregator or the attack never changes the data,
//! and the same scenario gives the same numbers natively and in WebAssembly.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere: xoshiro256++ (fast, small state, reproducible on every platform).
pub type Rng = Xoshiro256PlusPlus;

/// Stream labels: one independent stream per purpose.
pub mod stream {
    pub const DATA: u64 = 1;
    pub const ATTACK: u64 = 2;
    pub const PERTURB: u64 = 3;
    pub const BATCH: u64 = 4;
    pub const INIT: u64 = 5;
    pub const LABELS: u64 = 6;
    pub const DROPCONNECT: u64 = 7;
    pub const SGLD: u64 = 8;
    pub const QUANTIZE: u64 = 9;
    pub const BUCKET: u64 = 10;
    pub const PARTICIPATE: u64 = 11;
    /// DnC's coordinate subsamples (one stream per round of the master's rule).
    pub const DNC: u64 = 12;
    /// The keys of a worker's local steps after the first (`local` > 1).
    pub const LOCAL: u64 = 13;
    /// The server's root set of FLTrust (its rows, or its samples).
    pub const ROOT: u64 = 14;
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An independent generator for `(seed, stream, index)`; `index` separates workers or runs.
pub fn rng(seed: u64, stream: u64, index: u64) -> Rng {
    let s = splitmix64(seed ^ splitmix64(stream.wrapping_mul(0xA24B_AED4_963E_E407) ^ splitmix64(index)));
    Rng::seed_from_u64(s)
}

/// A seed for the streams of one (worker, iteration) pair: `rng(key(seed, t, i), stream, …)`.
pub fn key(seed: u64, a: u64, b: u64) -> u64 {
    splitmix64(seed ^ splitmix64(a ^ splitmix64(b.wrapping_add(0x5851_F42D_4C95_7F2D))))
}

/// 64 uniform random bits.
#[inline]
pub fn bits(r: &mut Rng) -> u64 {
    r.random::<u64>()
}

/// Uniform on [0, 1).
#[inline]
pub fn uniform(r: &mut Rng) -> f64 {
    r.random::<f64>()
}

/// Uniform integer in 0..n (n > 0).
#[inline]
pub fn below(r: &mut Rng, n: usize) -> usize {
    r.random_range(0..n)
}

/// Standard normal by Marsaglia's polar method (uses only `ln` and `sqrt`).
pub fn normal(r: &mut Rng) -> f64 {
    loop {
        let u = 2.0 * uniform(r) - 1.0;
        let v = 2.0 * uniform(r) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * s.ln() / s).sqrt();
        }
    }
}

/// Fill `out` with i.i.d. N(0, sd²).
pub fn fill_normal(r: &mut Rng, sd: f64, out: &mut [f64]) {
    for x in out.iter_mut() {
        *x = sd * normal(r);
    }
}

/// A point uniform in the d-dimensional ℓ2 ball of radius `radius`: Gaussian direction, radius r·U^(1/d).
pub fn in_ball(r: &mut Rng, d: usize, radius: f64) -> Vec<f64> {
    let mut v = vec![0.0; d];
    loop {
        fill_normal(r, 1.0, &mut v);
        let n = super::linalg::norm(&v);
        if n > 0.0 {
            let rad = radius * uniform(r).powf(1.0 / d as f64);
            for x in v.iter_mut() {
                *x *= rad / n;
            }
            return v;
        }
    }
}

/// A uniformly random unit vector.
pub fn unit_vector(r: &mut Rng, d: usize) -> Vec<f64> {
    let mut v = vec![0.0; d];
    loop {
        fill_normal(r, 1.0, &mut v);
        let n = super::linalg::norm(&v);
        if n > 0.0 {
            v.iter_mut().for_each(|x| *x /= n);
            return v;
        }
    }
}

/// A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; for shape < 1 boosted by U^{1/shape}).
pub fn gamma(r: &mut Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let u = uniform(r).max(f64::MIN_POSITIVE);
        return gamma(r, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(r);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = uniform(r);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A Dirichlet(a·1) draw over k categories.
pub fn dirichlet(r: &mut Rng, a: f64, k: usize) -> Vec<f64> {
    let g: Vec<f64> = (0..k).map(|_| gamma(r, a)).collect();
    let s: f64 = g.iter().sum();
    if s > 0.0 {
        g.iter().map(|v| v / s).collect()
    } else {
        vec![1.0 / k as f64; k]
    }
}

/// Fisher–Yates shuffle.
pub fn shuffle<T>(r: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = below(r, i + 1);
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<f64> = (0..5).map(|_| uniform(&mut rng(7, stream::DATA, 0))).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = rng(7, stream::DATA, 0);
        let mut y = rng(7, stream::DATA, 1);
        let mut z = rng(7, stream::ATTACK, 0);
        let (a, b, c) = (uniform(&mut x), uniform(&mut y), uniform(&mut z));
        assert!(a != b && b != c && a != c);
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut r = rng(1, 0, 0);
        let xs: Vec<f64> = (0..200_000).map(|_| normal(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }

    #[test]
    fn ball_samples_fill_the_ball_uniformly() {
        // In d = 2, P(|p| < r/2) = 1/4 for the uniform ball (it would be 0 on the sphere).
        let mut r = rng(3, 0, 0);
        let n = 40_000;
        let inner = (0..n).filter(|_| super::super::linalg::norm(&in_ball(&mut r, 2, 2.0)) < 1.0).count();
        let frac = inner as f64 / n as f64;
        assert!((frac - 0.25).abs() < 0.01, "{frac}");
    }
}
