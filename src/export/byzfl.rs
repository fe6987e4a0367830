//! A scenario as a ByzFL 0.0.11 benchmark configuration: the `config.json` that
//! `byzfl.run_benchmark()` reads from its working directory (`byzfl/benchmark/benchmark.py`).
//!
//! What is carried: the rules (`aggregator`, one experiment each), the pre-aggregation stages
//! (`pre_aggregators`, in order, `nnm-` prefixes as a trailing `NNM`), the attack and its factor,
//! f = ⌊αm⌋ (`f`, ByzFL's real number of Byzantine clients) and f = ⌊βm⌋ (`tolerated_f`, the
//! declared one, which ByzFL also hands to every aggregator and pre-aggregator as `f`), the workers
//! (`nb_honest_clients` = m − ⌊αm⌋, ByzFL adds `f` to it), the split and its parameter, the seed
//! (both ByzFL seeds), the step size, the iterations (`nb_steps`), the worker momentum, the ℓ2
//! regulariser (`weight_decay`), the mini-batch and, for local steps, ByzFL's FedAvg.
//!
//! What is not is listed in the configuration itself, under `byzlab_notes`, and on standard error.
//! `byzlab_notes` is an *object* (item → explanation), not an array: ByzFL's
//! `generate_all_combinations` turns every list in the configuration (but `pre_aggregators` and
//! `milestones`) into one experiment per element, so an array of notes would multiply the runs;
//! an object of strings is one fixed value, and ByzFL ignores keys it does not read. An item
//! ByzFL has no equivalent for is left out rather than given an invented name.

use super::Json;
use crate::engine::attack::{alie_z_max, LINE_SEARCH};
use crate::engine::scenario::{AggKind, AggSpec, AlgoKind, AttackKind, Dialect, PreKind, ProblemKind, Schedule, Split, XDist};
use crate::engine::Scenario;

/// The exported configuration, and the notes it carries (also in the JSON), in order.
pub struct Export {
    pub json: Json,
    pub notes: Vec<(String, String)>,
}

impl Export {
    pub fn text(&self) -> String {
        self.json.write()
    }
}

/// A ByzFL class name and its constructor's parameters.
pub type Entry = (&'static str, Vec<(&'static str, Json)>);

/// ByzFL's name (and parameters) for a byzlab rule, or why there is none.
pub fn rule(kind: AggKind, s: &Scenario) -> Result<Entry, &'static str> {
    let p = &s.agg;
    Ok(match kind {
        AggKind::Mean => ("Average", vec![]),
        AggKind::Median => ("Median", vec![]),
        AggKind::TrMean => ("TrMean", vec![]),
        AggKind::GeoMed => ("GeometricMedian", vec![("nu", Json::Float(p.gm_nu)), ("T", Json::Int(p.gm_it as i64))]),
        AggKind::Krum => ("Krum", vec![]),
        AggKind::MultiKrum => ("MultiKrum", vec![]),
        // ByzFL's benchmark keeps one CenteredClipping for the whole run: it starts from the
        // previous aggregate (cc_v0=prev) and divides by the messages it gets.
        AggKind::CClip if p.cc_v0 != crate::engine::scenario::CcCenter::Prev => {
            return Err("ByzFL's CenteredClipping starts from the previous aggregate and divides by the messages it gets (cc_v0=prev only)")
        }
        AggKind::CClip => ("CenteredClipping", vec![("tau", Json::Float(p.cc_tau)), ("L", Json::Int(p.cc_it as i64))]),
        AggKind::Meamed => ("Meamed", vec![]),
        AggKind::Mda => ("MDA", vec![]),
        // ByzFL's benchmark lists the honest gradients first, so worker 0 is honest, as byzlab's
        // pivot (the last worker) is.
        AggKind::Monna => ("MoNNA", vec![("idx", Json::Int(0))]),
        AggKind::Caf => ("CAF", vec![]),
        AggKind::Filter => return Err("ByzFL has no iterative filtering"),
        AggKind::Nbs => return Err("ByzFL has no norm-based screening (NBS)"),
        AggKind::Bulyan => return Err("ByzFL 0.0.11 has no Bulyan"),
        AggKind::Dnc => return Err("ByzFL has no Divide-and-Conquer (DnC)"),
        AggKind::SignGuard => return Err("ByzFL has no SignGuard"),
        AggKind::FlTrust => return Err("ByzFL has no FLTrust (nor a server root set)"),
    })
}

/// ByzFL's name for a pre-aggregation stage, with its parameters (f is ByzFL's `tolerated_f`).
pub fn pre(kind: PreKind, s: &Scenario) -> Entry {
    match kind {
        PreKind::Clip => ("Clipping", vec![("c", Json::Float(s.agg.clip_c))]),
        PreKind::Arc => ("ARC", vec![]),
        PreKind::Bucket => ("Bucketing", vec![("s", Json::Int(s.agg.bucket_s as i64))]),
        PreKind::Nnm => ("NNM", vec![]),
    }
}

/// ByzFL's attack for a scenario's attack, with its parameters and a note where the mapping is not
/// exact; Err: why ByzFL has none.
#[allow(clippy::type_complexity)]
pub fn attack(s: &Scenario) -> Result<(&'static str, Vec<(&'static str, Json)>, Option<String>), String> {
    let a = &s.attack;
    let byzfl = s.dialect == Dialect::Byzfl;
    let q = s.byzantine();
    Ok(match a.kind {
        AttackKind::None => ("NoAttack", vec![], None),
        AttackKind::LabelFlip => (
            "LabelFlipping",
            vec![],
            Some("ByzFL's label flipping (y → 9 − y, as byzlab's) sends the mean of the honest clients' flipped-label gradients from every Byzantine client; byzlab's Byzantine workers flip their own data".into()),
        ),
        AttackKind::Gaussian => ("Gaussian", vec![("mu", Json::Float(0.0)), ("sigma", Json::Float(a.gstd))], None),
        AttackKind::SignFlip if byzfl || a.sf == -1.0 => (
            "SignFlipping",
            vec![],
            (!byzfl).then(|| "ByzFL's SignFlipping sends −μ, the negated honest mean; byzlab sends −g, each worker's own gradient".into()),
        ),
        // σ·g of each worker's own gradient: ByzFL's Byzantine clients have no data, the closest is
        // IPM's −τ·μ with τ = −σ.
        AttackKind::SignFlip => (
            "InnerProductManipulation",
            vec![("tau", Json::Float(-a.sf))],
            Some(format!(
                "byzlab's sign flip sends σ·g = {}·g, g each Byzantine worker's own gradient; ByzFL's SignFlipping sends −μ (byzlab's dialect=byzfl). Exported as the nearest ByzFL attack, InnerProductManipulation with tau = −σ = {} (−τ·μ, the honest mean in place of the worker's own gradient)",
                a.sf, -a.sf
            )),
        ),
        AttackKind::Inf => ("Inf", vec![], None),
        AttackKind::Alie => {
            // ByzFL's ALittleIsEnough sends μ + τ·s; byzlab's paper dialect μ − z·s.
            let z = a.z.unwrap_or_else(|| if byzfl { 1.5 } else { alie_z_max(s.m, q) });
            let tau = if byzfl { z } else { -z };
            let note = (!byzfl).then(|| {
                format!("byzlab's ALIE (dialect=paper) sends μ − z·s with z = {z:.6}{}; ByzFL's ALittleIsEnough sends μ + τ·s, so tau = −z", if a.z.is_none() { " (z_max for m and ⌊αm⌋)" } else { "" })
            });
            ("ALittleIsEnough", vec![("tau", Json::Float(tau))], note)
        }
        AttackKind::Ipm => ("InnerProductManipulation", vec![("tau", Json::Float(a.ipm))], None),
        AttackKind::AlieOpt | AttackKind::IpmOpt => {
            let name = if a.kind == AttackKind::AlieOpt { "Optimal_ALittleIsEnough" } else { "Optimal_InnerProductManipulation" };
            let (start, delta, evals) = LINE_SEARCH;
            (name, vec![("evals", Json::Int(evals as i64)), ("start", Json::Float(start)), ("delta", Json::Float(delta))], None)
        }
        AttackKind::Mimic => ("Mimic", vec![("epsilon", Json::Int(0))], None),
        // −10·μ is IPM with τ = 10, and μ + κ·s is ALIE with τ = κ: the same messages.
        AttackKind::Aggressive => {
            ("InnerProductManipulation", vec![("tau", Json::Float(10.0))], Some("byzlab's aggressive attack (−10·μ) is ByzFL's InnerProductManipulation with tau = 10".into()))
        }
        AttackKind::Shift => (
            "ALittleIsEnough",
            vec![("tau", Json::Float(a.kappa))],
            Some(format!("byzlab's worst-case shift (μ + κ·s, κ = {}) is ByzFL's ALittleIsEnough with tau = κ", a.kappa)),
        ),
        AttackKind::RandLabel => return Err("ByzFL has no random-label attack".into()),
        AttackKind::SameValue => return Err("ByzFL has no same-value attack (c·1)".into()),
        AttackKind::Large => return Err("ByzFL has no large-value attack (1e308·1; its Inf sends +∞)".into()),
        AttackKind::Nan => return Err("ByzFL has no NaN attack".into()),
        AttackKind::MinMax => return Err("ByzFL has no Min-Max attack".into()),
        AttackKind::MinSum => return Err("ByzFL has no Min-Sum attack".into()),
        AttackKind::Intelligent => return Err("ByzFL has no 'intelligent' attack (0.8‖μ‖·h)".into()),
        AttackKind::Counter => return Err("ByzFL has no NBS counterexample attack".into()),
        AttackKind::Saddle | AttackKind::Oracle => return Err("ByzFL has no saddle point attack (nor the saddle toy)".into()),
        AttackKind::Fang => return Err("ByzFL has no Fang et al. attack".into()),
    })
}

/// ByzFL's model for a byzlab problem: (model, loss, note), or why there is none.
fn model(p: ProblemKind) -> Result<(&'static str, &'static str, Option<&'static str>), &'static str> {
    match p {
        ProblemKind::Mnist => Ok((
            "logreg_mnist",
            "CrossEntropyLoss",
            Some("ByzFL's logreg_mnist is one linear layer 784 → 10 like byzlab's softmax regression, but it outputs sigmoid(z): with CrossEntropyLoss (exported) the loss is the cross-entropy of softmax(sigmoid(z)), not of softmax(z)"),
        )),
        ProblemKind::Mlp => Ok(("fc_mnist", "NLLLoss", Some("ByzFL's fc_mnist has 100 hidden ReLU units, byzlab's MLP 32"))),
        ProblemKind::Cnn => Ok((
            "cnn_mnist",
            "NLLLoss",
            Some("ByzFL's cnn_mnist (conv 20 and 50 filters, dense 500) is larger than byzlab's CNN (conv 8 and 16 filters, no hidden dense layer)"),
        )),
        ProblemKind::Binary => Err("ByzFL has no odd/even MNIST task (its labels are the ten digits)"),
        ProblemKind::Spambase => Err("ByzFL's benchmark has no Spambase (only image sets: mnist, fashionmnist, emnist, cifar10, cifar100, imagenet)"),
        ProblemKind::CsvClass | ProblemKind::CsvLs => Err("ByzFL's benchmark cannot read your CSV table (only its image sets)"),
        ProblemKind::LinReg => Err("ByzFL's benchmark has no linear regression (it trains image classifiers only)"),
        ProblemKind::Mean => Err("ByzFL's benchmark has no mean estimation (it trains image classifiers only)"),
        ProblemKind::Saddle => Err("ByzFL's benchmark has no saddle toy (it trains image classifiers only)"),
    }
}

/// ByzFL's data distribution (name, parameter) for the scenario's split.
fn split(s: &Scenario) -> (&'static str, f64) {
    match s.split {
        Split::Iid => ("iid", 1.0),
        Split::Hetero => ("extreme_niid", 1.0),
        Split::Dirichlet => ("dirichlet_niid", s.dir_a),
        Split::Gamma => ("gamma_similarity_niid", s.gamma_sim),
        // ByzFL has no quantity skew: its examples are i.i.d., as here (the note says so).
        Split::Quantity => ("iid", 1.0),
    }
}

fn entry(name: &str, params: Vec<(&str, Json)>) -> Json {
    Json::obj(vec![("name", Json::str(name)), ("parameters", Json::obj(params))])
}

/// The ByzFL benchmark configuration of `s`.
pub fn export(s: &Scenario) -> Result<Export, String> {
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut note = |k: &str, v: String| match notes.iter_mut().find(|(key, _)| key == k) {
        Some((_, text)) => {
            text.push_str("; ");
            text.push_str(&v);
        }
        None => notes.push((k.to_string(), v)),
    };
    let def = Scenario::defaults_for(s.problem);

    // Rules: one ByzFL experiment each. A rule's own nnm- prefix becomes a trailing NNM stage,
    // which ByzFL shares between all rules (its pre_aggregators list is one value).
    let mut aggs = Vec::new();
    let mut with_nnm = Vec::new();
    for r in &s.rules {
        match rule(r.kind, s) {
            Ok((name, params)) => {
                if !aggs.iter().any(|(n, _): &(&str, Json)| *n == name) {
                    aggs.push((name, entry(name, params)));
                }
                with_nnm.push(r.nnm);
            }
            Err(why) => note(&format!("agg={}", r.key()), format!("{why}: left out")),
        }
    }
    if aggs.is_empty() {
        let have: Vec<String> = AggKind::ALL.iter().filter(|k| rule(**k, s).is_ok()).map(|k| k.key().to_string()).collect();
        return Err(format!(
            "ByzFL has none of this scenario's rules ({}); it has the equivalents of {}",
            s.rules.iter().map(AggSpec::key).collect::<Vec<_>>().join(", "),
            have.join(", ")
        ));
    }
    let mut stages: Vec<Json> = s.pre.0.iter().map(|k| pre(*k, s)).map(|(n, p)| entry(n, p)).collect();
    let nnm = |mut v: Vec<Json>| {
        v.push(entry("NNM", vec![]));
        Json::Array(v)
    };
    let pre_aggregators = if with_nnm.iter().all(|x| *x) {
        nnm(stages)
    } else if with_nnm.iter().any(|x| *x) {
        note(
            "agg",
            "some rules have the nnm- prefix and some do not: ByzFL's pre_aggregators are shared by every rule, so the configuration lists both pipelines (a list of lists) and ByzFL runs every rule with and without NNM, a superset of byzlab's curves".into(),
        );
        let plain = Json::Array(stages.clone());
        Json::Array(vec![plain, nnm(std::mem::take(&mut stages))])
    } else {
        Json::Array(stages)
    };

    // f and the declared f.
    let q = s.byzantine();
    let mut f = q;
    let mut attack_entry = None;
    match attack(s) {
        Ok((name, params, n)) => {
            if let Some(n) = n {
                note("attack", n);
            }
            if s.attack.kind == AttackKind::None && q > 0 {
                note("attack", format!("attack=none: byzlab's {q} Byzantine workers send honest messages; ByzFL refuses NoAttack with f > 0, so they are exported as honest clients (f = 0)"));
                f = 0;
            }
            attack_entry = Some(entry(name, params));
        }
        Err(why) => note(
            "attack",
            format!("{why}: left out (ByzFL then defaults to NoAttack and refuses to run with f = {q} > 0; choose a ByzFL attack in \"attack\")"),
        ),
    }
    let mut tolerated = s.assumed_f();
    if tolerated < f {
        note(
            "beta",
            format!("the master assumes ⌊βm⌋ = {tolerated} < ⌊αm⌋ = {f} Byzantine workers; ByzFL's benchmark skips every experiment whose tolerated_f < f, so tolerated_f = f = {f} is exported"),
        );
        tolerated = f;
    }

    // The model.
    let mut model_obj: Vec<(&str, Json)> = Vec::new();
    match model(s.problem) {
        Ok((name, loss, n)) => {
            model_obj.push(("name", Json::str(name)));
            model_obj.push(("dataset_name", Json::str("mnist")));
            model_obj.push(("nb_labels", Json::Int(10)));
            model_obj.push(("loss", Json::str(loss)));
            if let Some(n) = n {
                note("problem", n.into());
            }
            note(
                "n",
                format!("ByzFL splits its training set (size_train_set = 0.8 of MNIST's 60 000 images, the rest for validation) over the honest clients; byzlab's n = {} examples per worker and data={} are not carried", s.n, s.data.key()),
            );
            if s.pix.features() != 784 {
                note("pix", "ByzFL's MNIST models take 28 × 28 images".into());
            }
        }
        Err(why) => note(
            "problem",
            format!("{why}: the model is left out, and ByzFL would fall back to its default (cnn_mnist on MNIST), so this configuration does not describe byzlab's problem"),
        ),
    }
    model_obj.push(("learning_rate", Json::Float(s.eta)));
    model_obj.push(("learning_rate_decay", Json::Float(1.0)));
    model_obj.push(("milestones", Json::Array(vec![])));
    if s.sched == Schedule::Sqrt {
        note("sched", "ByzFL has no η/√k schedule (only a constant step decayed at milestones): a constant η is exported".into());
    }

    // The training algorithm.
    let mut algo = entry("DSGD", vec![]);
    if s.local > 1 {
        if s.attack.kind == AttackKind::LabelFlip {
            note("local", format!("ByzFL's FedAvg refuses label flipping, so its DSGD (one gradient per round) is exported and byzlab's {} local steps are not carried", s.local));
        } else {
            algo = entry(
                "FedAvg",
                vec![("proportion_selected_clients", Json::Float(s.part)), ("local_steps_per_client", Json::Int(s.local as i64))],
            );
            note("local", "ByzFL's FedAvg aggregates the clients' models (byzlab: their model differences over η) and samples ⌊part·(m − f)⌋ clients among all m".into());
        }
    } else if s.part < 1.0 {
        note(
            "part",
            "ByzFL's DSGD hears every client each round: partial participation is carried only with local steps (its FedAvg)".into(),
        );
    }
    for a in &s.algos {
        if *a != AlgoKind::Gd {
            note("algo", format!("ByzFL has no {} (only robust GD: DSGD, and FedAvg)", a.label()));
        }
    }

    // Non-default settings ByzFL has no counterpart for.
    let missing: &[(&str, bool, &str)] = &[
        ("proj", s.proj != def.proj, "ByzFL does not project the iterate"),
        ("l1", s.l1 != def.l1, "ByzFL has no ℓ1 regulariser"),
        ("adv", s.adv != def.adv, "ByzFL has no adversarial training"),
        ("shift", s.shift != def.shift, "ByzFL has no test-time shift"),
        ("rep", s.rep != def.rep, "ByzFL has no data replication"),
        ("swap", s.swap != def.swap, "ByzFL has no swapped example"),
        ("drop", s.drop != def.drop, "ByzFL has no DropConnect"),
        ("sgld", s.sgld != def.sgld, "ByzFL has no Langevin noise"),
        ("quant", s.quant != def.quant, "ByzFL has no quantized gradients"),
        ("dro", s.dro.on, "ByzFL has no distributionally robust training"),
        ("hand", !s.hand.is_empty(), "ByzFL has no hand-placed messages"),
        ("x", s.problem == ProblemKind::LinReg && s.xdist != XDist::Pm1, "(linear regression is not carried)"),
    ];
    for (k, on, why) in missing {
        if *on {
            note(k, (*why).into());
        }
    }
    if s.l2 != 0.0 {
        note("l2", "exported as ByzFL's weight_decay, which its SGD optimisers apply (byzlab adds l2·w to the aggregate)".into());
    }
    if s.split == Split::Quantity {
        note(
            "split",
            "ByzFL has no quantity skew (workers holding unequal shares of the data): exported as iid, every client with an equal share"
                .into(),
        );
    }
    if s.split.shifts_optima() && s.problem.has_optimum() {
        note("split", "byzlab's non-i.i.d. split of linear regression and mean estimation (each worker its own optimum, spread ζ) has no ByzFL counterpart".into());
    }
    let rules_differ = s.rules.iter().any(|r| matches!(r.kind, AggKind::Krum | AggKind::GeoMed));
    let attack_differs = matches!(s.attack.kind, AttackKind::Alie | AttackKind::SignFlip);
    if s.dialect == Dialect::Paper && (rules_differ || attack_differs) {
        note(
            "dialect",
            "byzlab follows the papers here (dialect=paper); ByzFL's code differs (Krum scores m − f − 1 neighbours, the geometric median runs T Weiszfeld steps from 0, ALIE sends μ + τ·s, sign flip −μ): add dialect=byzfl to the query to compare like with like".into(),
        );
    }
    note("seed", "ByzFL's random streams (torch, numpy) differ from byzlab's: the numbers agree only statistically".into());

    let (dist, param) = split(s);
    let batch = if s.batch == 0 { s.n.max(1) } else { s.batch };
    if s.batch == 0 {
        note("batch", format!("byzlab's batch=0 (every local example) has no ByzFL counterpart: batch_size = n = {batch} is exported"));
    }
    let (dseed, tseed) = (s.seed as i64, s.seed as i64);
    if s.seed > i64::MAX as u64 {
        return Err("the seed does not fit ByzFL's integer seeds".into());
    }
    let mut top = vec![
        (
            "benchmark_config",
            Json::obj(vec![
                ("training_algorithm", algo),
                ("nb_steps", Json::Int(s.t as i64)),
                ("device", Json::str("cpu")),
                ("training_seed", Json::Int(tseed)),
                ("nb_training_seeds", Json::Int(1)),
                ("nb_workers", Json::Int(s.m as i64)),
                ("nb_honest_clients", Json::Int((s.m - f) as i64)),
                ("f", Json::Int(f as i64)),
                ("tolerated_f", Json::Int(tolerated as i64)),
                ("data_distribution_seed", Json::Int(dseed)),
                ("nb_data_distribution_seeds", Json::Int(1)),
                (
                    "data_distribution",
                    Json::Array(vec![Json::obj(vec![("name", Json::str(dist)), ("distribution_parameter", Json::Float(param))])]),
                ),
            ]),
        ),
        ("model", Json::obj(model_obj)),
        ("aggregator", Json::Array(aggs.into_iter().map(|(_, j)| j).collect())),
        ("pre_aggregators", pre_aggregators),
        (
            "honest_clients",
            Json::obj(vec![("momentum", Json::Float(s.mom)), ("weight_decay", Json::Float(s.l2)), ("batch_size", Json::Int(batch as i64))]),
        ),
    ];
    if let Some(a) = attack_entry {
        top.push(("attack", Json::Array(vec![a])));
    }
    top.push((
        "evaluation_and_results",
        Json::obj(vec![
            ("evaluation_delta", Json::Int(50)),
            ("batch_size_evaluation", Json::Int(128)),
            ("evaluate_on_test", Json::Bool(true)),
            ("store_per_client_metrics", Json::Bool(true)),
            ("store_models", Json::Bool(false)),
            ("data_folder", Json::str("./data")),
            ("results_directory", Json::str("./results")),
        ]),
    ));
    let mut note_obj = vec![("scenario".to_string(), Json::str(s.to_query()))];
    note_obj.extend(notes.iter().map(|(k, v)| (k.clone(), Json::str(v.clone()))));
    let mut json = Json::obj(top);
    if let Json::Object(items) = &mut json {
        items.push(("byzlab_notes".into(), Json::Object(note_obj)));
    }
    Ok(Export { json, notes })
}
