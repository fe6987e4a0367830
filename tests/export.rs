//! The exports (`byzlab-cli export byzfl|flower`): the ByzFL configuration parses and names what
//! ByzFL names, what it cannot carry is in its notes; the Flower app has its files, the right
//! strategy, and unsupported scenarios are refused.

use byzlab::engine::attack::alie_z_max;
use byzlab::engine::scenario::AggKind;
use byzlab::engine::Scenario;
use byzlab::export::{byzfl, flower};

/// A minimal JSON reader for the tests (objects keep their order).
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(f64, String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn get(&self, k: &str) -> Option<&J> {
        match self {
            J::Obj(v) => v.iter().find(|(x, _)| x == k).map(|(_, j)| j),
            _ => None,
        }
    }
    fn at(&self, path: &[&str]) -> &J {
        path.iter().fold(self, |j, k| j.get(k).unwrap_or_else(|| panic!("no {k} in {j:?}")))
    }
    fn arr(&self) -> &[J] {
        match self {
            J::Arr(v) => v,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn s(&self) -> &str {
        match self {
            J::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }
    fn num(&self) -> f64 {
        match self {
            J::Num(x, _) => *x,
            other => panic!("not a number: {other:?}"),
        }
    }
    /// Whether the number was written as a float (Python reads `1` as an int).
    fn is_float_text(&self) -> bool {
        matches!(self, J::Num(_, t) if t.contains('.') || t.contains('e'))
    }
    fn names(&self) -> Vec<String> {
        self.arr().iter().map(|e| e.at(&["name"]).s().to_string()).collect()
    }
}

fn parse(text: &str) -> J {
    let b = text.as_bytes();
    let mut i = 0;
    let v = value(b, &mut i);
    ws(b, &mut i);
    assert_eq!(i, b.len(), "trailing text after the JSON value");
    v
}

fn ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

/// The comma-separated items of an object or an array, from its opening bracket at `i` to `close`.
fn items<T>(b: &[u8], i: &mut usize, close: u8, item: impl Fn(&[u8], &mut usize) -> T) -> Vec<T> {
    *i += 1;
    let mut out = Vec::new();
    ws(b, i);
    if b[*i] == close {
        *i += 1;
        return out;
    }
    loop {
        ws(b, i);
        out.push(item(b, i));
        ws(b, i);
        match b[*i] {
            b',' => *i += 1,
            c if c == close => {
                *i += 1;
                return out;
            }
            c => panic!("unexpected {} at {i}", c as char),
        }
    }
}

fn value(b: &[u8], i: &mut usize) -> J {
    ws(b, i);
    match b[*i] {
        b'{' => J::Obj(items(b, i, b'}', |b, i| {
            let J::Str(k) = value(b, i) else { panic!("object key is not a string at {i}") };
            ws(b, i);
            assert_eq!(b[*i], b':', "expected : at {i}");
            *i += 1;
            (k, value(b, i))
        })),
        b'[' => J::Arr(items(b, i, b']', value)),
        b'"' => {
            *i += 1;
            let mut s = Vec::new();
            while b[*i] != b'"' {
                if b[*i] == b'\\' {
                    *i += 1;
                    s.push(match b[*i] {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'u' => panic!("\\u escapes are not expected"),
                        c => c,
                    });
                } else {
                    s.push(b[*i]);
                }
                *i += 1;
            }
            *i += 1;
            J::Str(String::from_utf8(s).expect("UTF-8"))
        }
        b't' if b[*i..].starts_with(b"true") => {
            *i += 4;
            J::Bool(true)
        }
        b'f' if b[*i..].starts_with(b"false") => {
            *i += 5;
            J::Bool(false)
        }
        b'n' if b[*i..].starts_with(b"null") => {
            *i += 4;
            J::Null
        }
        _ => {
            let start = *i;
            while *i < b.len() && matches!(b[*i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                *i += 1;
            }
            let t = std::str::from_utf8(&b[start..*i]).unwrap();
            J::Num(t.parse().unwrap_or_else(|_| panic!("bad number “{t}” at {start}")), t.to_string())
        }
    }
}

fn scenario(q: &str) -> Scenario {
    Scenario::from_query(q).0
}

fn config(q: &str) -> (Scenario, J) {
    let s = scenario(q);
    let e = byzfl::export(&s).unwrap_or_else(|e| panic!("{q}: {e}"));
    (s, parse(&e.text()))
}

/// The class names of ByzFL 0.0.11 (`aggregators/aggregators.py`, `preaggregators.py`,
/// `attacks/attacks.py`, `fed_framework/models.py`, `data_distributor.py`).
const BYZFL_AGGREGATORS: &[&str] =
    &["Average", "Median", "TrMean", "GeometricMedian", "Krum", "MultiKrum", "CenteredClipping", "MDA", "MoNNA", "Meamed", "CAF", "SMEA"];
const BYZFL_PRE: &[&str] = &["NNM", "Bucketing", "Clipping", "ARC"];
const BYZFL_ATTACKS: &[&str] = &[
    "SignFlipping",
    "InnerProductManipulation",
    "Optimal_InnerProductManipulation",
    "ALittleIsEnough",
    "Optimal_ALittleIsEnough",
    "Mimic",
    "Inf",
    "Gaussian",
    "LabelFlipping",
    "NoAttack",
];

#[test]
fn median_nnm_alie_maps_to_byzfl_names() {
    let (s, j) = config("?problem=mnist&m=40&alpha=0.2&beta=0.2&agg=median&pre=nnm&attack=alie&seed=3");
    assert_eq!(j.at(&["aggregator"]).names(), ["Median"]);
    assert_eq!(j.at(&["pre_aggregators"]).names(), ["NNM"]);
    let attack = &j.at(&["attack"]).arr()[0];
    assert_eq!(attack.at(&["name"]).s(), "ALittleIsEnough");
    // byzlab's paper ALIE is μ − z·s with z = z_max; ByzFL's μ + τ·s.
    let q = s.byzantine();
    assert_eq!(q, 8);
    assert!((attack.at(&["parameters", "tau"]).num() + alie_z_max(40, q)).abs() < 1e-12);
    let bc = j.at(&["benchmark_config"]);
    assert_eq!(bc.at(&["f"]).num() as usize, q);
    assert_eq!(bc.at(&["tolerated_f"]).num() as usize, s.assumed_f());
    assert_eq!((bc.at(&["nb_honest_clients"]).num() + bc.at(&["f"]).num()) as usize, s.m);
    assert_eq!(bc.at(&["training_seed"]).num(), 3.0);
    assert_eq!(bc.at(&["nb_steps"]).num() as usize, s.t);
    assert_eq!(j.at(&["model", "name"]).s(), "logreg_mnist");
    assert_eq!(j.at(&["model", "learning_rate"]).num(), s.eta);
    // ByzFL type-checks these as floats.
    assert!(j.at(&["honest_clients", "momentum"]).is_float_text());
    assert!(j.at(&["honest_clients", "weight_decay"]).is_float_text());
    let dist = &bc.at(&["data_distribution"]).arr()[0];
    assert_eq!(dist.at(&["name"]).s(), "iid");
    assert!(dist.at(&["distribution_parameter"]).is_float_text());
    // dialect=byzfl: ALIE's τ is byzlab's z, 1.5 by default.
    let (_, j) = config("?problem=mnist&agg=median&attack=alie&dialect=byzfl");
    assert_eq!(j.at(&["attack"]).arr()[0].at(&["parameters", "tau"]).num(), 1.5);
}

#[test]
fn unmappable_rules_and_attacks_are_notes_not_names() {
    let (s, j) = config("?problem=cnn&m=30&alpha=0.1&agg=krum,nbs,dnc,bulyan&attack=ipm-opt&split=dirichlet&dir_a=0.3");
    assert_eq!(j.at(&["aggregator"]).names(), ["Krum"]);
    let notes = j.at(&["byzlab_notes"]);
    for k in ["agg=nbs", "agg=dnc", "agg=bulyan"] {
        assert!(notes.get(k).is_some_and(|n| n.s().contains("left out")), "{k}: {notes:?}");
    }
    assert_eq!(notes.at(&["scenario"]).s(), s.to_query());
    assert_eq!(j.at(&["attack"]).names(), ["Optimal_InnerProductManipulation"]);
    assert_eq!(j.at(&["model", "name"]).s(), "cnn_mnist");
    let dist = &j.at(&["benchmark_config", "data_distribution"]).arr()[0];
    assert_eq!(dist.at(&["name"]).s(), "dirichlet_niid");
    assert_eq!(dist.at(&["distribution_parameter"]).num(), 0.3);

    // An attack ByzFL lacks is left out (ByzFL would then refuse f > 0), and said so.
    let (_, j) = config("?problem=mnist&agg=trmean&attack=samevalue");
    assert!(j.get("attack").is_none());
    assert!(j.at(&["byzlab_notes", "attack"]).s().contains("same-value"));
    // A problem ByzFL lacks: no model name (it is not invented).
    let (_, j) = config("?problem=linreg&agg=median");
    assert!(j.at(&["model"]).get("name").is_none());
    assert!(j.at(&["byzlab_notes", "problem"]).s().contains("linear regression"));
    // Quantity skew, which ByzFL lacks: exported as iid, and said so; the Flower app refuses it.
    let (_, j) = config("?problem=mnist&agg=median&split=quantity&dir_a=0.3");
    assert_eq!(j.at(&["benchmark_config", "data_distribution"]).arr()[0].at(&["name"]).s(), "iid");
    assert!(j.at(&["byzlab_notes", "split"]).s().contains("quantity skew"));
    assert!(flower::export(&scenario("?problem=linreg&agg=median&split=quantity")).err().unwrap().contains("quantity skew"));
    // No rule ByzFL has: an error naming the ones it has.
    let e = byzfl::export(&scenario("?problem=mnist&agg=nbs,signguard")).err().expect("refused");
    assert!(e.contains("median") && e.contains("krum"), "{e}");
}

#[test]
fn every_exported_name_is_byzfls() {
    let s = scenario("?problem=mnist");
    for k in AggKind::ALL {
        if let Ok((name, _)) = byzfl::rule(*k, &s) {
            assert!(BYZFL_AGGREGATORS.contains(&name), "{k:?} → {name}");
        }
    }
    for k in byzlab::engine::scenario::PreKind::ALL {
        assert!(BYZFL_PRE.contains(&byzfl::pre(*k, &s).0));
    }
    for a in byzlab::engine::AttackKind::ALL {
        let s = scenario(&format!("?problem=mnist&attack={}", a.key()));
        if let Ok((name, _, _)) = byzfl::attack(&s) {
            assert!(BYZFL_ATTACKS.contains(&name), "{a:?} → {name}");
        }
    }
    // A mixed nnm- prefix becomes both pipelines (ByzFL iterates a list of lists).
    let (_, j) = config("?problem=mnist&agg=median,nnm-trmean&pre=clip");
    let pipes = j.at(&["pre_aggregators"]).arr();
    assert_eq!(pipes.len(), 2);
    assert_eq!(pipes[0].names(), ["Clipping"]);
    assert_eq!(pipes[1].names(), ["Clipping", "NNM"]);
}

/// Python's own JSON reader accepts the configuration, where python3 exists.
#[test]
fn python_reads_the_config() {
    let Ok(out) = std::process::Command::new("python3").arg("--version").output() else {
        eprintln!("python3 missing: skipped");
        return;
    };
    assert!(out.status.success());
    let dir = std::env::temp_dir().join(format!("byzlab-export-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    let e = byzfl::export(&scenario("?problem=mlp&agg=geomed,cclip,monna&pre=arc,bucket&attack=gaussian&local=3&part=0.5")).unwrap();
    std::fs::write(&path, e.text()).unwrap();
    let check = "import json,sys; d=json.load(open(sys.argv[1])); \
                 assert isinstance(d['honest_clients']['momentum'], float); \
                 assert isinstance(d['benchmark_config']['data_distribution'][0]['distribution_parameter'], float); \
                 assert d['benchmark_config']['training_algorithm']['name'] == 'FedAvg'; \
                 assert isinstance(d['byzlab_notes'], dict)";
    let out = std::process::Command::new("python3").args(["-c", check]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flower_app_has_its_files_and_strategies() {
    let s = scenario("?problem=linreg&m=40&alpha=0.1&agg=median,krum,trmean&attack=signflip&seed=3");
    let app = flower::export(&s).unwrap();
    let file = |p: &str| app.files.iter().find(|(f, _)| f == p).map(|(_, t)| t.as_str()).unwrap_or_else(|| panic!("no {p}"));
    for p in [
        "pyproject.toml",
        "README.md",
        "simulate.py",
        "byzlab_app/__init__.py",
        "byzlab_app/task.py",
        "byzlab_app/client_app.py",
        "byzlab_app/server_app.py",
    ] {
        file(p);
    }
    let py = file("pyproject.toml");
    assert!(py.contains("flwr") && py.contains("serverapp = \"byzlab_app.server_app:app\""));
    assert!(py.contains("rule = \"median\""));
    let server = file("byzlab_app/server_app.py");
    for r in &s.rules {
        let class = flower::strategy(r.kind).unwrap();
        assert!(server.contains(&format!("return {class}(")), "{class}");
    }
    assert_eq!(flower::strategy(AggKind::Median), Some("FedMedian"));
    assert_eq!(flower::strategy(AggKind::TrMean), Some("FedTrimmedAvg"));
    let task = file("byzlab_app/task.py");
    assert!(task.contains("RULES = [\"median\", \"krum\", \"trmean\"]"));
    assert!(task.contains(&format!("Q = {}", s.byzantine())) && task.contains(&format!("F = {}", s.assumed_f())));
    assert!(task.contains("ATTACK = \"signflip\"") && task.contains("SF = -4.0"));
    assert!(file("README.md").contains("only statistically"));

    // Refused: a rule Flower lacks (the message names Flower's), an attack needing the honest
    // messages, a classification problem, a pre-aggregation stage.
    let e = flower::export(&scenario("?problem=linreg&agg=median,nbs")).err().unwrap();
    assert!(e.contains("nbs") && e.contains("median") && e.contains("bulyan"), "{e}");
    assert!(flower::export(&scenario("?problem=mean&agg=median&attack=alie")).err().unwrap().contains("honest messages"));
    assert!(flower::export(&scenario("?problem=mnist&agg=median")).is_err());
    assert!(flower::export(&scenario("?problem=linreg&agg=median&pre=clip")).is_err());
}

/// The CLI writes the app, and python3 (where present) parses every generated .py file.
#[test]
fn cli_writes_a_flower_app_python_parses() {
    let dir = std::env::temp_dir().join(format!("byzlab-export-flower-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cli = env!("CARGO_BIN_EXE_byzlab-cli");
    let out = std::process::Command::new(cli)
        .args(["export", "flower", "?problem=mean&m=20&alpha=0.2&agg=bulyan,mean&beta=0.1&attack=gaussian&sched=sqrt"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let refused = std::process::Command::new(cli).args(["export", "flower", "?problem=linreg&agg=cclip"]).arg(&dir).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Flower has no strategy for cclip"));
    let json = std::process::Command::new(cli).args(["export", "byzfl", "?problem=mnist&agg=median"]).output().unwrap();
    assert!(json.status.success());
    parse(&String::from_utf8(json.stdout).unwrap());
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 missing: syntax not checked");
        return;
    }
    for p in ["simulate.py", "byzlab_app/__init__.py", "byzlab_app/task.py", "byzlab_app/client_app.py", "byzlab_app/server_app.py"] {
        let f = dir.join(p);
        assert!(f.exists(), "{p}");
        let out = std::process::Command::new("python3")
            .args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(out.status.success(), "{p}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
