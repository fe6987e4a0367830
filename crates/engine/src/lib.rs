//! The simulation core: plain Rust, no web dependency, seeded and deterministic. It runs natively
//! (tests, benchmarks, `byzlab-cli`) and in the browser from the same code.
//!
//! - [`scenario`]: the value that defines a run, and its URL query form.
//! - [`problem`]: learning problems and the workers' local data.
//! - [`attack`]: Byzantine behaviours. [`aggregate`]: the master's rules.
//! - [`run`]: the algorithms, one parallel iteration at a time. [`sweep`]: grids of runs.
//! - [`theory`]: the bounds the views overlay. [`trace`]: bounded per-iteration records.

pub mod aggregate;
pub mod attack;
pub mod csv;
pub mod data;
pub mod kernels;
pub mod linalg;
pub mod problem;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sweep;
pub mod theory;
pub mod trace;

pub use run::{Run, Status};
pub use scenario::{AggKind, AggSpec, AlgoKind, AttackKind, Curve, ProblemKind, Scenario};
