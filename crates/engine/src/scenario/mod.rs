//! A scenario is one value holding everything that defines a run. It round-trips losslessly to the
//! URL query string the app keeps in its address bar and the CLI takes as its argument:
//! `problem=linreg&m=40&alpha=0.1&agg=mean,median,trmean&attack=samevalue&seed=1`.
//!
//! Every parameter is declared once, in [`table`]; [`PARAMS`] lists them (also `byzlab-cli keys`).
//! Keys left out take the problem's defaults. Parsing never fails: unknown keys are ignored, bad or
//! out-of-range values are replaced by the default or clamped, and each change is reported as a
//! [`Notice`]. The domain rules (which attack needs which problem, what switching the problem
//! keeps) live in [`rules`].

mod choices;
pub mod param;
pub mod rules;
mod table;

pub use choices::*;
pub use param::{Control, Domain, Group, Param};
pub use rules::Edit;
pub use table::*;

/// A change the parser (or an edit) made to what it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub key: String,
    pub message: String,
}

impl Notice {
    pub fn new(key: &str, message: impl Into<String>) -> Notice {
        Notice { key: key.into(), message: message.into() }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.key, self.message)
        }
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::defaults_for(ProblemKind::LinReg)
    }
}

/// Counts ⌊x·m⌋ robustly against rounding (0.29·100 = 28.999…).
pub fn frac_count(x: f64, m: usize) -> usize {
    ((x * m as f64) + 1e-9).floor().max(0.0) as usize
}

/// The parameter with query key `key`.
pub fn param(key: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.key == key)
}

impl Scenario {
    /// The data file the scenario's problem is built from, if it needs one.
    pub fn data_source(&self) -> Option<DataSource> {
        match self.problem {
            ProblemKind::Spambase => Some(DataSource::Spambase),
            ProblemKind::CsvLs | ProblemKind::CsvClass => Some(DataSource::Upload),
            p => p.uses_mnist().then_some(self.data),
        }
    }

    /// ⌊αm⌋, the number of Byzantine workers the engine simulates (workers 0..q are Byzantine).
    pub fn byzantine(&self) -> usize {
        frac_count(self.alpha, self.m).min(self.m)
    }

    /// f = ⌊βm⌋, the number of Byzantine workers the master assumes.
    pub fn assumed_f(&self) -> usize {
        frac_count(self.beta, self.m).min(self.m.saturating_sub(1))
    }

    /// Whether some curve aggregates with a rule of this kind.
    pub fn has_rule(&self, kind: AggKind) -> bool {
        self.algos.iter().any(|a| a.uses_rule()) && self.rules.iter().any(|r| r.kind == kind)
    }

    /// The curves the scenario compares: every rule under every algorithm that aggregates, and one
    /// curve for each algorithm that does not (RSA).
    pub fn curves(&self) -> Vec<Curve> {
        let mut out = Vec::new();
        for &algo in &self.algos {
            if algo.uses_rule() {
                out.extend(self.rules.iter().map(|&r| Curve { algo, rule: Some(r) }));
            } else {
                out.push(Curve { algo, rule: None });
            }
        }
        out
    }

    /// A curve's legend label (naming the algorithm when the scenario compares several).
    /// A curve's legend label, its pre-aggregation stages first (`clip → nnm → median`).
    pub fn curve_label(&self, c: &Curve) -> String {
        match c.rule {
            Some(_) if !self.pre.0.is_empty() => format!("{} → {}", self.pre.label(), c.label(self.algos.len() > 1)),
            _ => c.label(self.algos.len() > 1),
        }
    }

    /// A sentence saying how many workers are Byzantine and why.
    pub fn byzantine_sentence(&self) -> String {
        format!(
            "⌊αm⌋ = ⌊{} × {}⌋ = {} of {} workers are Byzantine; the master assumes f = ⌊βm⌋ = {}.",
            fmt_f64(self.alpha),
            self.m,
            self.byzantine(),
            self.m,
            self.assumed_f()
        )
    }

    /// The same scenario with no attack and the plain mean under the first algorithm's gradient
    /// method: the clean reference run.
    pub fn clean(&self) -> (Scenario, Curve) {
        let mut s = self.clone();
        s.alpha = 0.0;
        s.attack.kind = AttackKind::None;
        let algo = match self.algos.first() {
            Some(AlgoKind::OneRound) => AlgoKind::OneRound,
            _ => AlgoKind::Gd,
        };
        let curve = Curve { algo, rule: Some(AggSpec::new(AggKind::Mean)) };
        s.rules = vec![AggSpec::new(AggKind::Mean)];
        s.algos = vec![algo];
        (s, curve)
    }

    /// The value of the parameter with query key `key` (None for an unknown key).
    pub fn get(&self, key: &str) -> Option<String> {
        param(key).map(|p| p.get(self))
    }

    /// Sets one key from its query value; see [`Param::set`]. Unknown keys are an error.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Option<String>, String> {
        match param(key) {
            Some(p) => p.set(self, value),
            None => Err(format!("unknown key “{}” ignored", shorten(key))),
        }
    }

    // ----------------------------------------------------------------------------------------
    // Query strings.

    /// The canonical query: `problem`, then every key whose value differs from the problem's
    /// default, in table order.
    pub fn to_query(&self) -> String {
        let def = Scenario::defaults_for(self.problem);
        let pairs = PARAMS.iter().filter(|p| p.key == "problem" || p.get(self) != p.get(&def));
        pairs.map(|p| format!("{}={}", p.key, encode_component(&p.get(self)))).collect::<Vec<_>>().join("&")
    }

    /// The full query with every key, defaults included.
    pub fn to_full_query(&self) -> String {
        PARAMS.iter().map(|p| format!("{}={}", p.key, encode_component(&p.get(self)))).collect::<Vec<_>>().join("&")
    }

    /// Parses a query (with or without a leading `?`). Never fails; see [`Notice`].
    pub fn from_query(query: &str) -> (Scenario, Vec<Notice>) {
        let mut notices = Vec::new();
        let q = query.strip_prefix('?').unwrap_or(query);
        // Cap the work on hostile input: at most 200 pairs of at most 400 bytes each are looked at.
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (i, part) in q.split('&').enumerate() {
            if part.is_empty() {
                continue;
            }
            if i >= 200 {
                notices.push(Notice::new("", "too many parameters; the rest were ignored"));
                break;
            }
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((decode_component(truncate(k, 64)), decode_component(truncate(v, 400))));
        }
        rules::rewrite_legacy(&mut pairs, &mut notices);
        // The problem decides the defaults, so it is read first.
        let mut problem = ProblemKind::LinReg;
        if let Some((_, v)) = pairs.iter().rev().find(|(k, _)| k == "problem") {
            match ProblemKind::from_key(v) {
                Some(p) => problem = p,
                None => notices.push(Notice::new("problem", format!("unknown value “{}”; used {}", shorten(v), ProblemKind::LinReg.key()))),
            }
        }
        let mut s = Scenario::defaults_for(problem);
        for (k, v) in pairs.iter().filter(|(k, _)| k != "problem") {
            match s.set(k, v) {
                Ok(None) => {}
                // The key comes from the input: shortened and without control characters.
                Ok(Some(msg)) | Err(msg) => notices.push(Notice { key: shorten(k), message: msg }),
            }
        }
        notices.extend(s.sanitize());
        (s, notices)
    }

    /// Documentation of every key: (key, default for linear regression, meaning).
    pub fn key_table() -> Vec<(&'static str, String, String)> {
        let def = Scenario::default();
        PARAMS.iter().map(|p| (p.key, p.get(&def), format!("{} ({})", p.help(), p.domain.describe()))).collect()
    }
}

/// Shortest decimal that round-trips, without a 300-digit expansion for huge or tiny values.
pub fn fmt_f64(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if (1e-4..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// At most 24 characters of untrusted text, without control characters, for notices.
pub fn shorten(s: &str) -> String {
    let t: String = s.chars().filter(|c| !c.is_control()).take(24).collect();
    if s.chars().count() > 24 {
        format!("{t}…")
    } else {
        t
    }
}

/// Everything but unreserved characters and `,` (kept readable in lists) is percent-encoded.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b',');

/// Percent-decoding (`+` is a space); invalid sequences are kept literally, invalid UTF-8 is replaced.
pub fn decode_component(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

/// Percent-encodes a query value (see [`QUERY_VALUE`]).
pub fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serialise_to_just_the_problem() {
        assert_eq!(Scenario::default().to_query(), "problem=linreg");
        for p in ProblemKind::ALL {
            let s = Scenario::defaults_for(*p);
            assert_eq!(Scenario::from_query(&s.to_query()).0, s);
        }
    }

    #[test]
    fn round_trip_changed_values() {
        let mut s = Scenario {
            m: 17,
            alpha: 0.29,
            rules: vec![AggSpec::new(AggKind::Krum), AggSpec { kind: AggKind::Median, nnm: true }],
            ..Scenario::default()
        };
        s.attack.z = Some(1.25);
        s.attack.c = -1e-7;
        s.w0 = [0.1, -0.2];
        s.seed = u64::MAX;
        s.dro.on = true;
        s.algos = vec![AlgoKind::Gd, AlgoKind::Rsa];
        let q = s.to_query();
        let (back, notes) = Scenario::from_query(&q);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s, "{q}");
    }

    #[test]
    fn bad_values_are_reported_and_replaced() {
        let (s, notes) = Scenario::from_query("?m=9999&alpha=NaN&agg=median,bogus&foo=1&attack=%3Cscript%3E");
        assert_eq!(s.m, M_MAX);
        assert_eq!(s.alpha, Scenario::default().alpha);
        assert_eq!(s.rules, vec![AggSpec::new(AggKind::Median)]);
        assert_eq!(s.attack.kind, AttackKind::SameValue);
        let keys: Vec<&str> = notes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, vec!["m", "alpha", "agg", "foo", "attack"]);
    }

    #[test]
    fn floor_counts_survive_rounding() {
        assert_eq!(frac_count(0.29, 100), 29);
        assert_eq!(frac_count(0.1, 40), 4);
        assert_eq!(frac_count(0.05, 40), 2);
        let s = Scenario { alpha: 0.1, m: 40, ..Scenario::default() };
        assert!(s.byzantine_sentence().contains("= 4 of 40"));
    }

    #[test]
    fn percent_decoding_is_total() {
        assert_eq!(decode_component("a%2Cb+c%"), "a,b c%");
        assert_eq!(decode_component("%zz%4"), "%zz%4");
        assert_eq!(decode_component("%FF"), "\u{FFFD}");
        assert_eq!(encode_component("a,b c<"), "a,b%20c%3C");
    }

    /// Every entry of the table round-trips through the URL, has a control, and accepts its own
    /// default; numeric entries take a value set as a number.
    #[test]
    fn every_parameter_round_trips_and_has_a_control() {
        let mut keys = std::collections::HashSet::new();
        for p in PARAMS {
            assert!(keys.insert(p.key), "{} declared twice", p.key);
            assert!(!p.help().is_empty(), "{} has no help line", p.key);
            assert!(!p.control.label.is_empty(), "{} has no control label", p.key);
            for problem in ProblemKind::ALL {
                let s = Scenario::defaults_for(*problem);
                let mut t = s.clone();
                assert_eq!(p.set(&mut t, &p.get(&s)), Ok(None), "{}: its own default", p.key);
                assert_eq!(t, s);
            }
            // A value other than the default, where the domain has one, survives the URL.
            let s = Scenario::default();
            let other = match p.domain {
                Domain::Int { lo, hi } => Some(if p.num(&s) == Some(hi as f64) { lo } else { hi }.to_string()),
                Domain::Num { lo, hi } => Some(fmt_f64(if p.num(&s) == Some(hi) { lo } else { hi })),
                Domain::Seed => Some("18446744073709551615".into()),
                Domain::Flag => Some(if p.get(&s) == "1" { "0" } else { "1" }.into()),
                Domain::Choice(o) | Domain::List { options: o, .. } | Domain::Stages { options: o, .. } => {
                    o.iter().map(|o| o.0.to_string()).find(|k| *k != p.get(&s))
                }
                Domain::Pair { lo, hi } => Some(format!("{},{}", fmt_f64(lo), fmt_f64(hi))),
                Domain::Auto { hi, .. } => Some(fmt_f64(hi)),
                Domain::Points { lo, hi, .. } => Some(format!("{},{},0,{}", fmt_f64(lo), fmt_f64(hi), fmt_f64(lo))),
            };
            let Some(other) = other else { continue };
            let mut t = Scenario::default();
            assert_eq!(p.set(&mut t, &other), Ok(None), "{}={other}", p.key);
            if p.key == "problem" {
                continue;
            }
            let mut sane = t.clone();
            sane.sanitize();
            let (back, notes) = Scenario::from_query(&sane.to_query());
            assert!(notes.is_empty(), "{}: {notes:?}", p.key);
            assert_eq!(back, sane, "{}={other}", p.key);
            if p.is_numeric() {
                let mut u = Scenario::default();
                let x = p.num(&t).unwrap();
                assert!(p.set_num(&mut u, x));
                assert_eq!(p.get(&u), p.get(&t), "{}: set_num", p.key);
            }
        }
    }
}
