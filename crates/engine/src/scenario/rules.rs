//! The domain rules of a scenario, in one place for the parser, the app and the CLI: which
//! combinations can run ([`Scenario::sanitize`]), what an edit from the app's controls does
//! ([`Scenario::apply`]: switching the problem keeps the seed, list items keep their order and
//! prefix), and how links written for earlier versions are read ([`rewrite_legacy`]).

use super::param::Domain;
use super::{AlgoKind, AttackKind, Notice, Param, ProblemKind, Scenario};

/// One change the user makes to a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Set a parameter from the text of its control (choosing a problem resets the rest to that
    /// problem's defaults, keeping the seed).
    Set(&'static Param, String),
    /// Add (true) or remove an option of a list parameter; the last item cannot be removed (but
    /// for a pipeline of stages, which may be empty). Toggled items go in the options' order.
    Toggle(&'static Param, &'static str, bool),
    /// Put a list parameter's prefix (`nnm-`) on every item, or take it off.
    Prefix(&'static Param, bool),
}

impl Scenario {
    /// Repairs combinations that cannot run; returns what it changed.
    pub fn sanitize(&mut self) -> Vec<Notice> {
        let mut out = Vec::new();
        let attack = self.attack.kind;
        if attack.is_data_poisoning() && self.problem == ProblemKind::Saddle {
            out.push(Notice::new("attack", format!("{} needs a problem with data labels; using no attack", attack.label())));
            self.attack.kind = AttackKind::None;
        }
        if matches!(attack, AttackKind::Saddle | AttackKind::Oracle) && self.problem != ProblemKind::Saddle {
            out.push(Notice::new("attack", format!("the {} needs the saddle toy; using no attack", attack.label())));
            self.attack.kind = AttackKind::None;
        }
        if self.problem == ProblemKind::Saddle && self.algos.contains(&AlgoKind::OneRound) {
            self.algos.retain(|a| *a != AlgoKind::OneRound);
            if self.algos.is_empty() {
                self.algos.push(AlgoKind::Gd);
            }
            out.push(Notice::new("algo", "the one-round algorithm needs a convex problem; dropped"));
        }
        out
    }

    /// Applies an edit, then [`Scenario::sanitize`]; returns what was repaired or refused.
    pub fn apply(&mut self, edit: &Edit) -> Vec<Notice> {
        let mut notices = Vec::new();
        let mut note = |p: &Param, r: Result<Option<String>, String>| {
            if let Ok(Some(why)) | Err(why) = r {
                notices.push(Notice::new(p.key, why));
            }
        };
        match edit {
            Edit::Set(p, value) if p.key == "problem" => match ProblemKind::from_key(value) {
                Some(problem) => *self = Scenario { seed: self.seed, ..Scenario::defaults_for(problem) },
                None => note(p, Err(format!("unknown problem “{}”", super::shorten(value)))),
            },
            Edit::Set(p, value) => note(p, p.set(self, value)),
            Edit::Toggle(p, item, on) => {
                let (mut items, prefix) = list_items(p, self);
                items.retain(|i| i != item);
                if *on {
                    items.push(item.to_string());
                }
                let order = |i: &String| p.domain.options().iter().position(|o| o.0 == i);
                let items = crate::linalg::sorted_by(&items, &|a, b| order(a).cmp(&order(b)));
                if items.is_empty() && matches!(p.domain, Domain::Stages { .. }) {
                    note(p, p.set(self, "none"));
                } else if !items.is_empty() {
                    let value = items.iter().map(|i| format!("{}{i}", prefix.unwrap_or(""))).collect::<Vec<_>>().join(",");
                    note(p, p.set(self, &value));
                }
            }
            Edit::Prefix(p, on) => {
                let (items, _) = list_items(p, self);
                if let Domain::List { prefix: Some((pre, _)), .. } = p.domain {
                    let value = items.iter().map(|i| if *on { format!("{pre}{i}") } else { i.clone() }).collect::<Vec<_>>().join(",");
                    note(p, p.set(self, &value));
                }
            }
        }
        notices.extend(self.sanitize());
        notices
    }
}

/// The items of a list parameter without their prefix, and the prefix if any item carries it.
pub fn list_items(p: &Param, s: &Scenario) -> (Vec<String>, Option<&'static str>) {
    let pre = match p.domain {
        Domain::List { prefix: Some((pre, _)), .. } => Some(pre),
        _ => None,
    };
    let value = p.get(s);
    let raw: Vec<&str> = value.split(',').filter(|i| !i.is_empty() && *i != "none").collect();
    let on = pre.filter(|pre| raw.iter().any(|i| i.starts_with(pre)));
    let items = raw.iter().map(|i| pre.and_then(|pre| i.strip_prefix(pre)).unwrap_or(i).to_string()).collect();
    (items, on)
}

/// Reads links written before RSA became an algorithm: `agg=…,rsa` means `algo=…,rsa`; and
/// `split=extreme` (ByzFL's `extreme_niid`, the name) is the sorted shards, `hetero`.
pub fn rewrite_legacy(pairs: &mut Vec<(String, String)>, notices: &mut Vec<Notice>) {
    for (_, v) in pairs.iter_mut().filter(|(k, v)| k == "split" && (v == "extreme" || v == "extreme_niid")) {
        *v = "hetero".into();
    }
    let mut rsa = false;
    for (_, v) in pairs.iter_mut().filter(|(k, _)| k == "agg") {
        let items: Vec<&str> = v.split(',').collect();
        if items.iter().any(|i| *i == "rsa" || *i == "nnm-rsa") {
            rsa = true;
            *v = items.into_iter().filter(|i| *i != "rsa" && *i != "nnm-rsa").collect::<Vec<_>>().join(",");
        }
    }
    if !rsa {
        return;
    }
    // An `agg` left empty (it held RSA alone) means the default rules.
    let only_rsa = pairs.iter().filter(|(k, _)| k == "agg").all(|(_, v)| v.is_empty());
    pairs.retain(|(k, v)| !(k == "agg" && v.is_empty()));
    let algo = match pairs.iter_mut().rev().find(|(k, _)| k == "algo") {
        Some((_, v)) => {
            if only_rsa {
                *v = "rsa".into();
            } else {
                v.push_str(",rsa");
            }
            v.clone()
        }
        None => {
            let v = if only_rsa { "rsa" } else { "gd,rsa" }.to_string();
            pairs.push(("algo".into(), v.clone()));
            v
        }
    };
    notices.push(Notice::new("agg", format!("RSA is an algorithm now: read as algo={}", super::shorten(&algo))));
}

#[cfg(test)]
mod tests {
    use super::super::{param, AggKind, AggSpec};
    use super::*;

    fn p(key: &str) -> &'static Param {
        param(key).unwrap()
    }

    #[test]
    fn extreme_is_the_sorted_shards() {
        for alias in ["extreme", "extreme_niid"] {
            let (s, notes) = Scenario::from_query(&format!("split={alias}&m=20"));
            assert!(notes.is_empty(), "{notes:?}");
            assert_eq!(s, Scenario::from_query("split=hetero&m=20").0);
        }
    }

    #[test]
    fn switching_the_problem_keeps_the_seed_and_resets_the_rest() {
        let mut s = Scenario { seed: 7, m: 13, ..Scenario::default() };
        assert!(s.apply(&Edit::Set(p("problem"), "saddle".into())).is_empty());
        assert_eq!(s, Scenario { seed: 7, ..Scenario::defaults_for(ProblemKind::Saddle) });
        let notes = s.apply(&Edit::Set(p("problem"), "bogus".into()));
        assert_eq!(notes.len(), 1);
        assert_eq!(s.problem, ProblemKind::Saddle);
    }

    #[test]
    fn toggling_rules_keeps_table_order_the_prefix_and_one_rule() {
        let mut s = Scenario::default();
        s.apply(&Edit::Toggle(p("agg"), "krum", true));
        s.apply(&Edit::Toggle(p("agg"), "mean", false));
        assert_eq!(s.get("agg").unwrap(), "median,trmean,krum");
        s.apply(&Edit::Prefix(p("agg"), true));
        s.apply(&Edit::Toggle(p("agg"), "geomed", true));
        assert_eq!(s.get("agg").unwrap(), "nnm-median,nnm-trmean,nnm-geomed,nnm-krum");
        s.apply(&Edit::Prefix(p("agg"), false));
        for r in ["median", "trmean", "geomed"] {
            s.apply(&Edit::Toggle(p("agg"), r, false));
        }
        assert_eq!(s.rules, vec![AggSpec::new(AggKind::Krum)]);
        s.apply(&Edit::Toggle(p("agg"), "krum", false));
        assert_eq!(s.rules, vec![AggSpec::new(AggKind::Krum)], "the last rule stays");
    }

    #[test]
    fn edits_report_what_they_repair() {
        let mut s = Scenario::default();
        let notes = s.apply(&Edit::Set(p("m"), "9999".into()));
        assert_eq!((s.m, notes.len()), (200, 1));
        let notes = s.apply(&Edit::Set(p("m"), "many".into()));
        assert_eq!((s.m, notes.len()), (200, 1));
        assert!(notes[0].message.contains("kept 200"), "{notes:?}");
        // An attack the problem cannot take is refused by the rules, and the menu does not offer it.
        let notes = s.apply(&Edit::Set(p("attack"), "saddle".into()));
        assert_eq!(s.attack.kind, AttackKind::None);
        assert_eq!(notes[0].key, "attack");
        let offered: Vec<&str> = p("attack").allowed(&s).iter().map(|o| o.0).collect();
        assert!(!offered.contains(&"saddle") && offered.contains(&"labelflip"), "{offered:?}");
        let saddle = Scenario::defaults_for(ProblemKind::Saddle);
        let offered: Vec<&str> = p("attack").allowed(&saddle).iter().map(|o| o.0).collect();
        assert!(offered.contains(&"saddle") && !offered.contains(&"labelflip"), "{offered:?}");
        let algos: Vec<&str> = p("algo").allowed(&saddle).iter().map(|o| o.0).collect();
        assert!(!algos.contains(&"oneround") && algos.contains(&"rsa"), "{algos:?}");
    }

    #[test]
    fn old_rsa_links_still_load() {
        let (s, notes) = Scenario::from_query("agg=mean,rsa&lam=0.5");
        assert_eq!(s.algos, vec![AlgoKind::Gd, AlgoKind::Rsa]);
        assert_eq!(s.rules, vec![AggSpec::new(AggKind::Mean)]);
        assert_eq!(s.rsa.lam, 0.5);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].key, "agg");
        let (s, _) = Scenario::from_query("agg=rsa");
        assert_eq!(s.algos, vec![AlgoKind::Rsa]);
        assert_eq!(s.rules, Scenario::default().rules);
        let (s, _) = Scenario::from_query("problem=saddle&algo=bpgd&agg=median,rsa");
        assert_eq!(s.algos, vec![AlgoKind::Bpgd, AlgoKind::Rsa]);
    }
}
