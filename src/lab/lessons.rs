//! Guided lessons: plain text files in the repository's `lessons/` folder (their format is in
//! `lessons/README.md`), built into the app by `build.rs`, so a lecturer writes a lesson without
//! touching Rust. A lesson is a sequence of steps; each sets a scenario and a view, shows a caption
//! with its formula, points at an element of the page, and may ask the reader to try something,
//! checked against the scenario the reader then has ([`Check`]).

use super::ViewId;
use crate::engine::scenario::{Scenario, PARAMS};

/// The lesson files built in: (file name, text), in file-name order.
mod files {
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The id in links (`lesson=…`): the file name without its extension and its order prefix.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// The scenario's query (inherited from the step before when the file leaves it out).
    pub query: String,
    /// The view's key, with its settings as in the hash (`rates:axis=m`).
    pub view: String,
    /// The id of the page element the step is about (`ctl-alpha`, `view-breakdown`, `plot`).
    pub point: Option<String>,
    /// Paragraphs of the caption.
    pub text: Vec<String>,
    pub formula: Option<String>,
    /// What the reader is asked to try.
    pub task: Option<String>,
    /// When the task is done: every check holds.
    pub checks: Vec<Check>,
}

/// A comparison of one scenario key (or `view`) with a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub key: String,
    pub op: Op,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// The comma list holds the value.
    Has,
    /// The comma list does not hold the value.
    Lacks,
}

/// The operators, longest spelling first (so `<=` is not read as `<`).
const OPS: [(&str, Op); 8] = [
    (" has ", Op::Has),
    (" lacks ", Op::Lacks),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    ("=", Op::Eq),
    ("<", Op::Lt),
    (">", Op::Gt),
];

impl Check {
    fn parse(s: &str) -> Result<Check, String> {
        let (at, tok, op) = OPS
            .iter()
            .filter_map(|(tok, op)| s.find(tok).map(|at| (at, *tok, *op)))
            .min_by_key(|(at, tok, _)| (*at, std::cmp::Reverse(tok.len())))
            .ok_or_else(|| format!("no comparison in “{s}” (use =, !=, <, <=, >, >=, has, lacks)"))?;
        let (key, value) = (s[..at].trim(), s[at + tok.len()..].trim());
        if key != "view" && !PARAMS.iter().any(|p| p.key == key) {
            return Err(format!("“{key}” is not a scenario key nor view"));
        }
        if key == "view" && ViewId::from_key(value).is_none() {
            return Err(format!("no view called “{value}”"));
        }
        Ok(Check { key: key.to_string(), op, value: value.to_string() })
    }

    /// Whether the check holds for the scenario and the view shown.
    pub fn holds(&self, sc: &Scenario, view: ViewId) -> bool {
        let actual = if self.key == "view" { view.key().to_string() } else { sc.get(&self.key).unwrap_or_default() };
        let num = |s: &str| s.trim().parse::<f64>().ok();
        let order = match (num(&actual), num(&self.value)) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => Some(actual.as_str().cmp(self.value.as_str())),
        };
        let items = || actual.split(',').map(str::trim);
        use std::cmp::Ordering::*;
        match self.op {
            Op::Eq => order == Some(Equal),
            Op::Ne => order != Some(Equal),
            Op::Lt => order == Some(Less),
            Op::Le => matches!(order, Some(Less | Equal)),
            Op::Gt => order == Some(Greater),
            Op::Ge => matches!(order, Some(Greater | Equal)),
            Op::Has => items().any(|i| i == self.value),
            Op::Lacks => !items().any(|i| i == self.value),
        }
    }
}

impl Step {
    /// The step's scenario (its query parsed; the tests check lessons' queries parse cleanly).
    pub fn scenario(&self) -> Scenario {
        Scenario::from_query(&self.query).0
    }

    /// The step's view and its settings.
    pub fn view(&self) -> (ViewId, Vec<(String, String)>) {
        ViewId::parse_with_options(&self.view).unwrap_or((ViewId(0), Vec::new()))
    }

    /// Whether the reader has done what the step asks (false when it asks nothing it can check).
    pub fn done(&self, sc: &Scenario, view: ViewId) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.holds(sc, view))
    }
}

/// The id of a lesson file: `03-breakdown.txt` → `breakdown`.
fn id_of(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    stem.strip_prefix('-').unwrap_or(stem).to_string()
}

/// Parses one lesson file; an error names the line.
pub fn parse(file: &str, text: &str) -> Result<Lesson, String> {
    let mut lesson = Lesson { id: id_of(file), title: String::new(), summary: String::new(), steps: Vec::new() };
    let (mut query, mut view) = (String::new(), "curves".to_string());
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |m: String| format!("{file}, line {}: {m}", i + 1);
        let (field, value) = line.split_once(':').ok_or_else(|| err(format!("expected “field: value”, got “{line}”")))?;
        let (field, value) = (field.trim(), value.trim().to_string());
        if field == "step" {
            lesson.steps.push(Step {
                title: value,
                query: query.clone(),
                view: view.clone(),
                point: None,
                text: Vec::new(),
                formula: None,
                task: None,
                checks: Vec::new(),
            });
            continue;
        }
        let Some(step) = lesson.steps.last_mut() else {
            match field {
                "title" => lesson.title = value,
                "summary" => lesson.summary = value,
                _ => return Err(err(format!("“{field}” before the first step (a lesson has title and summary)"))),
            }
            continue;
        };
        match field {
            "query" => {
                let q = value.strip_prefix('?').unwrap_or(&value).to_string();
                if let Some(n) = Scenario::from_query(&q).1.first() {
                    return Err(err(format!("the query does not parse cleanly: {n}")));
                }
                query = q.clone();
                step.query = q;
            }
            "view" => {
                let key = value.split(':').next().unwrap_or("").trim();
                let Some(v) = ViewId::from_key(key) else {
                    return Err(err(format!("no view called “{key}”")));
                };
                step.view = value.clone();
                let mut probe = (super::views::VIEWS[v.0].make)();
                if let Some((id, x)) = step.view().1.into_iter().find(|(id, x)| !probe.set_option(id, x)) {
                    return Err(err(format!("the {key} view has no setting {id}={x}")));
                }
                view = value.clone();
                step.view = value;
            }
            "point" => step.point = Some(value),
            "text" => step.text.push(value),
            "formula" => step.formula = Some(value),
            "try" => step.task = Some(value),
            "check" => step.checks.push(Check::parse(&value).map_err(err)?),
            _ => return Err(err(format!("unknown field “{field}” (step, query, view, point, text, formula, try, check)"))),
        }
    }
    if lesson.title.is_empty() {
        return Err(format!("{file}: no title"));
    }
    if lesson.steps.is_empty() {
        return Err(format!("{file}: no step"));
    }
    if let Some(s) = lesson.steps.iter().find(|s| !s.checks.is_empty() && s.task.is_none()) {
        return Err(format!("{file}: step “{}” checks something but asks nothing (add a try: line)", s.title));
    }
    Ok(lesson)
}

/// Every lesson built in, in file-name order, with the errors of files that did not parse (the
/// tests require none).
pub fn all_with_errors() -> (Vec<Lesson>, Vec<String>) {
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for (file, text) in files::FILES {
        match parse(file, text) {
            Ok(l) => ok.push(l),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// Every lesson built in that parses.
pub fn all() -> Vec<Lesson> {
    all_with_errors().0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# a comment\n\
        title: Test\nsummary: A lesson to test the parser.\n\n\
        step: First\nquery: m=20&alpha=0\nview: rates:axis=m\npoint: ctl-alpha\ntext: One.\ntext: Two.\nformula: ĝ = (1/m) Σᵢ gᵢ\n\
        try: Raise α.\ncheck: alpha >= 0.1\ncheck: agg has median\n\
        step: Second, inheriting\ntext: Three.\n";

    #[test]
    fn a_lesson_file_parses_and_steps_inherit_query_and_view() {
        let l = parse("07-test-lesson.txt", SAMPLE).unwrap();
        assert_eq!(l.id, "test-lesson");
        assert_eq!((l.title.as_str(), l.steps.len()), ("Test", 2));
        let (a, b) = (&l.steps[0], &l.steps[1]);
        assert_eq!(a.text, ["One.", "Two."]);
        assert_eq!(a.view().0.key(), "rates");
        assert_eq!(a.view().1, vec![("axis".to_string(), "m".to_string())]);
        assert_eq!((b.query.as_str(), b.view.as_str()), ("m=20&alpha=0", "rates:axis=m"));
        assert!(b.checks.is_empty() && !b.done(&b.scenario(), ViewId(0)));
        let mut sc = a.scenario();
        assert!(!a.done(&sc, ViewId(0)), "α = 0 < 0.1");
        sc.set("alpha", "0.15").unwrap();
        assert!(a.done(&sc, ViewId(0)));
        sc.set("agg", "mean,trmean").unwrap();
        assert!(!a.done(&sc, ViewId(0)), "the median is no longer chosen");
    }

    #[test]
    fn checks_compare_numbers_as_numbers_and_lists_by_item() {
        let sc = Scenario::from_query("m=9&agg=mean,nnm-krum&attack=alie").0;
        let holds = |s: &str| Check::parse(s).unwrap().holds(&sc, ViewId::from_key("breakdown").unwrap());
        assert!(!holds("m > 10") && holds("m < 10") && holds("m = 9") && holds("m != 10") && holds("m <= 9"));
        assert!(holds("attack = alie") && holds("attack != ipm"));
        assert!(holds("agg has mean") && holds("agg lacks median") && holds("agg has nnm-krum"));
        assert!(holds("view = breakdown") && !holds("view = curves"));
    }

    #[test]
    fn a_view_and_its_settings_go_into_a_link_and_back() {
        let (v, opts) = ViewId::parse_with_options(" breakdown:grid=0.01, seeds=5,bad=<x>,novalue").unwrap();
        assert_eq!(v.key(), "breakdown");
        assert_eq!(opts, vec![("grid".to_string(), "0.01".to_string()), ("seeds".to_string(), "5".to_string())]);
        let link = v.with_options(&opts.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>());
        assert_eq!(link, "breakdown:grid=0.01,seeds=5");
        assert_eq!(ViewId::parse_with_options(&link), Some((v, opts)));
        assert!(ViewId::parse_with_options("nosuch:seeds=3").is_none());
    }

    #[test]
    fn broken_files_say_where() {
        for (text, want) in [
            ("title: T\nstep: S\nquery: m=abc\n", "line 3"),
            ("title: T\nstep: S\nview: nosuch\n", "no view"),
            ("title: T\nstep: S\nview: rates:axis=q\n", "no setting axis=q"),
            ("title: T\nstep: S\ncheck: nosuch = 1\ntry: x\n", "not a scenario key"),
            ("title: T\nstep: S\ncheck: alpha ~ 1\n", "no comparison"),
            ("title: T\nstep: S\ncheck: alpha = 1\n", "asks nothing"),
            ("title: T\nfoo: bar\n", "before the first step"),
            ("title: T\n", "no step"),
            ("step: S\n", "no title"),
        ] {
            let e = parse("x.txt", text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
