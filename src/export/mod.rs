//! Exports of a scenario for running it outside the browser, each saying what it cannot carry over.
//!
//! - [`byzfl`]: a benchmark configuration (`config.json`) for ByzFL's `run_benchmark`, read from
//!   ByzFL 0.0.11's wheel (`pip download --no-deps byzfl`): `byzfl/benchmark/benchmark.py` (its
//!   `default_config`, `generate_all_combinations`, `ensure_key_parameters`, the `f` / `tolerated_f`
//!   handling), `byzfl/benchmark/managers.py` (`ParamsManager`: every key and its default),
//!   `byzfl/benchmark/train.py` (the datasets, DSGD and FedAvg loops, label flipping),
//!   `byzfl/aggregators/{aggregators,preaggregators}.py`, `byzfl/attacks/attacks.py` (the class
//!   names and constructor arguments), `byzfl/fed_framework/data_distributor.py` (the split names)
//!   and `byzfl/fed_framework/models.py` (the model names).
//! - [`flower`]: a minimal Flower app (a directory), read from Flower 1.42.0's wheel
//!   (`pip download --no-deps flwr`): `flwr/server/strategy/{fedavg,fedmedian,fedtrimmedavg,krum,
//!   bulyan,aggregate}.py` (the class names, `beta`, `num_malicious_clients`,
//!   `num_clients_to_keep`, Bulyan's `4f + 3` condition and its `to_keep` keyword),
//!   `flwr/server/__init__.py` and `flwr/client/__init__.py` (`ServerApp`, `ServerAppComponents`,
//!   `ServerConfig`, `ClientApp`, `NumPyClient`), `flwr/simulation/run_simulation.py`.
//!
//! Both are plain text built from the [`Scenario`](crate::engine::Scenario): no file is written here
//! (the command line writes them), so the page can offer the same bytes for download.

pub mod byzfl;
pub mod flower;

/// A JSON value, written by [`Json::write`] (two-space indentation, keys in insertion order).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A whole number, written without a decimal point.
    Int(i64),
    /// A real number, always written with a decimal point or an exponent (ByzFL checks
    /// `isinstance(x, float)` for the momentum, the weight decay and the split's parameter, and
    /// Python reads `1` as an int).
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn obj(pairs: Vec<(&str, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// The value as JSON text (a non-finite real becomes `null`: JSON has no infinity).
    pub fn write(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out, 0);
        out.push('\n');
        out
    }

    fn write_into(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Float(x) => out.push_str(&float_text(*x)),
            Json::Str(s) => out.push_str(&quote(s)),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(items) if items.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    v.write_into(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Object(items) => {
                out.push_str("{\n");
                for (i, (k, v)) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    out.push_str(&quote(k));
                    out.push_str(": ");
                    v.write_into(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

/// A real number as JSON (and Python) text that reads back as a float: Rust's shortest round-trip
/// form (`0.05`, `1e-6`), with `.0` added where it has neither a point nor an exponent (`1.0`).
pub fn float_text(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let s = format!("{x:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// A JSON string literal (also a valid Python string literal).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_a_decimal_point() {
        assert_eq!(float_text(1.0), "1.0");
        assert_eq!(float_text(0.5), "0.5");
        assert_eq!(float_text(100.0), "100.0");
        assert_eq!(float_text(1e-6), "1e-6");
        assert_eq!(float_text(f64::INFINITY), "null");
        let j = Json::obj(vec![("a", Json::Array(vec![Json::Int(1), Json::str("x\"y")])), ("b", Json::Object(vec![]))]);
        assert_eq!(j.write(), "{\n  \"a\": [\n    1,\n    \"x\\\"y\"\n  ],\n  \"b\": {}\n}\n");
    }
}
