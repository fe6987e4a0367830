//! Least squares on an uploaded CSV table (`problem=csv-ls`): f(w; x, y) = ½(xᵀw − y)² on the
//! table's standardised features and target (see [`crate::csv`]). Both are centred on the
//! training rows, so the least-squares fit needs no intercept: d is the feature count.
//!
//! The training rows are split over the workers as the classification problems split theirs
//! ([`super::labeled::assign_rows`]; a heterogeneous split sorts them by target). What the
//! learning is measured against is the honest workers' pooled least-squares problem
//! F_H(w) = ½·mean over the honest workers' rows of (xᵀw − y)²: ∇F_H(w) = A_H w − b_H is "the
//! gradient" whose error the master view shows, its minimiser ŵ_H (solved once per Byzantine
//! count) gives the error ‖w − ŵ_H‖, and the loss is the test rows' ½·mean squared error, in the
//! standardised target's units. Label flipping negates a Byzantine worker's targets; random
//! labels replace them with N(0, 1) draws (the standardised target's scale).

use super::labeled::assign_rows;
use super::{Eval, GradOpts, Poison, Problem};
use crate::data::Dataset;
use crate::linalg::{dist, norm, solve_spd};
use crate::rng::{self, stream};
use crate::scenario::{ProblemKind, Scenario};
use std::sync::{Arc, Mutex};

pub struct LeastSquares {
    data: Arc<Dataset>,
    /// The standardised target of every row.
    target: Arc<[f32]>,
    f: usize,
    assign: Vec<Vec<u32>>,
    /// A fixed N(0, 1) target per training row (random-label poisoning).
    rand_target: Vec<f32>,
    /// The honest pooled (A_H, b_H, ŵ_H) per Byzantine count q, as solved.
    honest: Mutex<Vec<(usize, Arc<Honest>)>>,
}

struct Honest {
    a: Vec<f64>,
    b: Vec<f64>,
    w: Vec<f64>,
}

impl LeastSquares {
    /// An error if the table's target is not a number in every row.
    pub fn new(s: &Scenario, data: Arc<Dataset>) -> Result<Self, String> {
        let table = data.table.as_deref().ok_or("least squares needs an uploaded table")?;
        if table.target.is_empty() {
            return Err(format!(
                "the target “{}” of your CSV is not a number in every row: choose “your CSV: classification”",
                table.names[table.target_column]
            ));
        }
        let target: Arc<[f32]> = table.target.clone().into();
        let n_train = data.n_train();
        let order = |a: u32, b: u32| target[a as usize].total_cmp(&target[b as usize]);
        // The Dirichlet split's classes: the target's quintiles.
        let mut rank: Vec<u32> = (0..n_train as u32).collect();
        rank.sort_by(|&a, &b| order(a, b).then(a.cmp(&b)));
        let mut quintile = vec![0usize; n_train];
        rank.iter().enumerate().for_each(|(k, &j)| quintile[j as usize] = 5 * k / n_train.max(1));
        let assign = assign_rows(s, n_train, &order, &|j| quintile[j as usize], 5);
        let mut r = rng::rng(s.seed, stream::LABELS, 0);
        let rand_target = (0..n_train).map(|_| rng::normal(&mut r) as f32).collect();
        Ok(LeastSquares { f: data.features, data, target, assign, rand_target, honest: Mutex::new(Vec::new()) })
    }

    fn target_of(&self, j: usize, poison: Poison) -> f64 {
        match poison {
            Poison::None => self.target[j] as f64,
            Poison::Flip => -(self.target[j] as f64),
            Poison::Random => self.rand_target[j] as f64,
        }
    }

    /// (A, b) = (XᵀX, Xᵀy)/rows over `rows`.
    fn moments(&self, rows: impl Iterator<Item = usize>, poison: Poison) -> (Vec<f64>, Vec<f64>) {
        let f = self.f;
        let (mut a, mut b, mut x, mut count) = (vec![0.0; f * f], vec![0.0; f], vec![0.0f32; f], 0usize);
        for j in rows {
            self.data.image(j, &mut x);
            let y = self.target_of(j, poison);
            for p in 0..f {
                let xp = x[p] as f64;
                b[p] += xp * y;
                a[p * f..(p + 1) * f].iter_mut().zip(&x).skip(p).for_each(|(v, &xq)| *v += xp * xq as f64);
            }
            count += 1;
        }
        let inv = 1.0 / count.max(1) as f64;
        for p in 0..f {
            for q in p..f {
                a[p * f + q] *= inv;
                a[q * f + p] = a[p * f + q];
            }
            b[p] *= inv;
        }
        (a, b)
    }

    /// A tiny ridge keeps the solve defined when features are collinear (then the fit is not unique).
    fn solve(a: &[f64], b: &[f64]) -> Vec<f64> {
        solve_spd(a, b, 1e-9).or_else(|| solve_spd(a, b, 1e-3)).unwrap_or_else(|| vec![0.0; b.len()])
    }

    fn honest(&self, q: usize) -> Arc<Honest> {
        // Keyed by the clamped count, so a q ≥ m finds its entry rather than adding one per call.
        let q = q.min(self.assign.len().saturating_sub(1));
        let mut cache = self.honest.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, h)) = cache.iter().find(|(k, _)| *k == q) {
            return h.clone();
        }
        let (a, b) = self.moments(self.assign[q..].iter().flatten().map(|&j| j as usize), Poison::None);
        let w = Self::solve(&a, &b);
        let h = Arc::new(Honest { a, b, w });
        cache.push((q, h.clone()));
        h
    }

    /// ∇F_H(w) = A_H w − b_H.
    fn pooled_grad(h: &Honest, w: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; w.len()];
        crate::linalg::matvec(&h.a, w, &mut g);
        g.iter_mut().zip(&h.b).for_each(|(gi, bi)| *gi -= bi);
        g
    }

    /// ½·mean of (xᵀw − y)² over `rows`.
    fn half_mse(&self, w: &[f64], rows: impl Iterator<Item = usize>) -> f64 {
        let (mut x, mut sum, mut count) = (vec![0.0f32; self.f], 0.0, 0usize);
        for j in rows {
            self.data.image(j, &mut x);
            let r = x.iter().zip(w).map(|(&a, b)| a as f64 * b).sum::<f64>() - self.target[j] as f64;
            sum += r * r;
            count += 1;
        }
        0.5 * sum / count.max(1) as f64
    }
}

impl Problem for LeastSquares {
    fn kind(&self) -> ProblemKind {
        ProblemKind::CsvLs
    }
    fn dim(&self) -> usize {
        self.f
    }
    fn workers(&self) -> usize {
        self.assign.len()
    }
    fn samples(&self, i: usize) -> usize {
        self.assign[i].len()
    }
    fn init(&self) -> Vec<f64> {
        vec![0.0; self.f]
    }
    fn grad(&self, i: usize, w: &[f64], opts: &GradOpts, out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        let mut x = vec![0.0f32; self.f];
        let rows = &self.assign[i];
        for &j in rows {
            let x = self.data.image(j as usize, &mut x);
            let r = x.iter().zip(w).map(|(&a, b)| a as f64 * b).sum::<f64>() - self.target_of(j as usize, opts.poison);
            out.iter_mut().zip(x).for_each(|(o, &a)| *o += r * a as f64);
        }
        let inv = 1.0 / rows.len().max(1) as f64;
        out.iter_mut().for_each(|o| *o *= inv);
    }
    fn eval(&self, w: &[f64], q: usize) -> Eval {
        let h = self.honest(q);
        let g = Self::pooled_grad(&h, w);
        let train = self.assign[q.min(self.assign.len())..].iter().flatten().take(super::TRAIN_EVAL).map(|&j| j as usize);
        Eval {
            err: dist(w, &h.w),
            loss: self.half_mse(w, self.data.n_train()..self.data.len()),
            train_loss: self.half_mse(w, train),
            grad_norm: norm(&g),
            ..Eval::NONE
        }
    }
    fn exact_grad(&self, w: &[f64], q: usize) -> Option<Vec<f64>> {
        Some(Self::pooled_grad(&self.honest(q), w))
    }
    fn optimum(&self, q: usize) -> Option<Vec<f64>> {
        Some(self.honest(q).w.clone())
    }
    fn local_erm(&self, i: usize, poison: Poison) -> Option<Vec<f64>> {
        let (a, b) = self.moments(self.assign[i].iter().map(|&j| j as usize), poison);
        Some(Self::solve(&a, &b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::GradOpts;

    /// y = 2·x1 − x2 + small noise over 300 rows.
    fn table() -> Arc<Dataset> {
        let mut r = rng::rng(7, 0, 0);
        let mut csv = String::from("x1,x2,y\n");
        for _ in 0..300 {
            let (a, b) = (rng::normal(&mut r), rng::normal(&mut r));
            csv.push_str(&format!("{a},{b},{}\n", 2.0 * a - b + 0.01 * rng::normal(&mut r)));
        }
        Arc::new(Dataset::from_csv(csv.as_bytes()).unwrap())
    }

    #[test]
    fn gradient_descent_on_the_pooled_gradient_reaches_the_honest_fit() {
        let s = Scenario { m: 8, n: 30, ..Scenario::defaults_for(ProblemKind::CsvLs) };
        let p = LeastSquares::new(&s, table()).unwrap();
        assert_eq!((p.dim(), p.workers(), p.samples(3)), (2, 8, 30));
        // The honest fit, in standardised units, has the sign pattern of (2, −1) and a tiny residual.
        let w_hat = p.optimum(2).unwrap();
        assert!(w_hat[0] > 0.5 && w_hat[1] < -0.2, "{w_hat:?}");
        assert!(p.eval(&w_hat, 2).loss < 1e-3, "{:?}", p.eval(&w_hat, 2));
        // The mean of the honest workers' gradients is the pooled gradient (every worker has n rows).
        let w = vec![0.3, 0.7];
        let mut mean = vec![0.0; 2];
        let mut g = vec![0.0; 2];
        for i in 2..8 {
            p.grad(i, &w, &GradOpts::default(), &mut g);
            mean.iter_mut().zip(&g).for_each(|(m, v)| *m += v / 6.0);
        }
        let exact = p.exact_grad(&w, 2).unwrap();
        assert!(dist(&mean, &exact) < 1e-9, "{mean:?} vs {exact:?}");
        // Flipped targets give the gradient of the negated problem: A w + b.
        let mut flip = vec![0.0; 2];
        p.grad(0, &w, &GradOpts { poison: Poison::Flip, ..GradOpts::default() }, &mut flip);
        p.grad(0, &w, &GradOpts::default(), &mut g);
        let erm = p.local_erm(0, Poison::None).unwrap();
        assert!(dist(&erm, &w_hat) < 0.1, "{erm:?}");
        assert!(dist(&flip, &g) > 0.1);
        // 200 steps of GD on the exact gradient converge to ŵ_H.
        let mut w = p.init();
        for _ in 0..200 {
            let g = p.exact_grad(&w, 2).unwrap();
            w.iter_mut().zip(&g).for_each(|(wi, gi)| *wi -= 0.5 * gi);
        }
        assert!(p.eval(&w, 2).err < 1e-6, "{:?}", p.eval(&w, 2));
    }

    #[test]
    fn a_table_whose_target_is_words_has_no_least_squares() {
        let csv: String = std::iter::once("a,y\n".to_string()).chain((0..20).map(|i| format!("{i},{}\n", ["no", "yes"][i % 2]))).collect();
        let d = Arc::new(Dataset::from_csv(csv.as_bytes()).unwrap());
        let e = LeastSquares::new(&Scenario::defaults_for(ProblemKind::CsvLs), d).err().unwrap();
        assert!(e.contains("classification"), "{e}");
    }
}
