//! byzlab's command-line entry: runs any scenario or sweep headless and writes CSV.
//! The query string is the one the app keeps in its URL.
//!
//!   byzlab-cli run "problem=linreg&m=40&alpha=0.1&agg=mean,median" [--csv out.csv] [--clean]
//!   byzlab-cli sweep "problem=linreg&agg=median,trmean" --alphas 0:0.5:0.02 [--seeds 3] [--csv out.csv]
//!   byzlab-cli sweep "..." --ns 10,100,1000 | --ms 10,20,40 | --key lam --values 0.01,0.1,1
//!   byzlab-cli presets                 the papers' presets
//!   byzlab-cli preset <id>             runs a preset's table: the paper's numbers beside ours
//!   byzlab-cli reproduce [--md FILE]   runs every preset (writes docs/reproduction.md)
//!   byzlab-cli keys                    every query key with its default and meaning
//!   byzlab-cli normalize "<query>"     the canonical form of a query, with the notices

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = cli::main(std::env::args().skip(1).collect()) {
        eprintln!("byzlab-cli: {e}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use byzlab::engine::data::Dataset;
    use byzlab::engine::problem;
    use byzlab::engine::run::Run;
    use byzlab::engine::scenario::{AggKind, AggSpec, Scenario};
    use byzlab::engine::sweep::{Axis, Sweep};
    use byzlab::engine::trace::Record;
    use byzlab::lab::presets;
    use std::sync::Arc;

    const USAGE: &str = "usage:
  byzlab-cli run \"<query>\" [--csv FILE] [--clean]
  byzlab-cli sweep \"<query>\" (--alphas LO:HI:STEP | --ns A,B,.. | --ms A,B,.. | --key K --values A,B,..) [--seeds K] [--csv FILE]
  byzlab-cli presets | preset <id> | reproduce [--md FILE] [--url BASE]
  byzlab-cli keys
  byzlab-cli normalize \"<query>\"";

    fn flag(args: &[String], name: &str) -> Option<String> {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
    }

    fn parse(query: &str) -> Scenario {
        let (s, notices) = Scenario::from_query(query);
        for n in &notices {
            eprintln!("note: {n}");
        }
        s
    }

    fn data_for(s: &Scenario) -> Result<Option<Arc<Dataset>>, String> {
        if s.problem.needs_data() {
            Ok(Some(Arc::new(Dataset::load_default()?)))
        } else {
            Ok(None)
        }
    }

    fn write_or_print(path: Option<String>, text: &str) -> Result<(), String> {
        match path {
            Some(p) => std::fs::write(&p, text).map_err(|e| format!("{p}: {e}")),
            None => Ok(()),
        }
    }

    pub fn main(args: Vec<String>) -> Result<(), String> {
        let cmd = args.first().map(String::as_str).unwrap_or("");
        match cmd {
            "run" => run(&args[1..]),
            "sweep" => sweep(&args[1..]),
            "presets" => {
                for p in presets::all() {
                    println!("{:<16} {}", p.id, p.title);
                }
                Ok(())
            }
            "preset" => {
                let id = args.get(1).ok_or(USAGE)?;
                let p = presets::by_id(id).ok_or_else(|| format!("no preset “{id}” (see `byzlab-cli presets`)"))?;
                print!("{}", run_preset(p, "")?.0);
                Ok(())
            }
            "reproduce" => reproduce(&args[1..]),
            "keys" => {
                for (k, v, doc) in Scenario::key_table() {
                    println!("{k:<10} {v:<22} {doc}");
                }
                Ok(())
            }
            "normalize" => {
                let s = parse(args.get(1).ok_or(USAGE)?);
                println!("{}", s.to_query());
                Ok(())
            }
            _ => Err(USAGE.into()),
        }
    }

    fn run(args: &[String]) -> Result<(), String> {
        let query = args.first().ok_or(USAGE)?;
        let s = parse(query);
        let data = data_for(&s)?;
        let problem = problem::build(&s, data.as_ref())?;
        eprintln!("{}", s.byzantine_sentence());
        let mut curves: Vec<(String, Scenario, AggSpec)> = s.aggs.iter().map(|a| (a.key(), s.clone(), *a)).collect();
        if args.iter().any(|a| a == "--clean") {
            curves.insert(0, ("clean-mean".into(), s.clean(), AggSpec::new(AggKind::Mean)));
        }
        let mut csv = format!("curve,{}\n", Record::CSV_HEADER);
        println!("{:<16} {:>8} {:>12} {:>12} {:>10}  status", "curve", "t", "error", "loss", "accuracy");
        for (name, sc, spec) in curves {
            let mut r = Run::new(&sc, spec, problem.clone());
            r.trace = byzlab::engine::trace::Trace::with_capacity(usize::MAX / 4);
            r.run_to_end();
            for rec in r.trace.records() {
                csv.push_str(&format!("{name},{}\n", rec.csv_row()));
            }
            let last = r.last().copied();
            let (e, l, a) = last.map_or((f64::NAN, f64::NAN, f64::NAN), |x| (x.err, x.loss, x.acc));
            println!("{:<16} {:>8} {:>12.4e} {:>12.4e} {:>10.4}  {}", name, r.t, e, l, a, r.status.label());
        }
        write_or_print(flag(args, "--csv"), &csv)
    }

    /// Runs a preset; returns its Markdown section and whether every reported ordering holds.
    fn run_preset(p: presets::Preset, url: &str) -> Result<(String, bool), String> {
        let data = if presets::PresetRun::needs_data(&p) { Some(Arc::new(Dataset::load_default()?)) } else { None };
        let t0 = std::time::Instant::now();
        let mut run = presets::PresetRun::new(p, data);
        run.run_to_end();
        if let Some(e) = &run.error {
            return Err(e.clone());
        }
        let p = &run.preset;
        let mut out = format!("### {}

", p.title);
        out.push_str(&format!("Source: {}. Link: [`{}`]({url}{})

", p.source, p.link(), p.link()));
        out.push_str(&run.markdown());
        let checks = run.check_orders();
        if !checks.is_empty() {
            out.push_str("
Orderings the paper reports:

");
            for (claim, holds) in &checks {
                out.push_str(&format!("- {} {}
", if *holds { "✓" } else { "✗ not reproduced:" }, claim));
            }
        }
        out.push_str(&format!("
Should match: {}

Cannot match: {}

", p.matches, p.differs));
        out.push_str(&format!("_`byzlab-cli preset {}` — {:.1} s on this machine._

", p.id, t0.elapsed().as_secs_f64()));
        Ok((out, checks.iter().all(|c| c.1)))
    }

    fn reproduce(args: &[String]) -> Result<(), String> {
        let url = flag(args, "--url").unwrap_or_else(|| "http://127.0.0.1:8080/".into());
        let mut md = String::from("# Reproducing the papers

Generated by `cargo run --release --bin byzlab-cli -- reproduce --md docs/reproduction.md`. Every preset is also in the app (Papers) and opens from its link. Our numbers come from the engine as it is: attacks and algorithms follow the papers' definitions and nothing is tuned to a published figure.

");
        for p in presets::all() {
            eprintln!("running {} …", p.id);
            let (section, _) = run_preset(p, &url)?;
            md.push_str(&section);
        }
        match flag(args, "--md") {
            Some(path) => std::fs::write(&path, &md).map_err(|e| format!("{path}: {e}")),
            None => {
                print!("{md}");
                Ok(())
            }
        }
    }

    fn parse_list<T: std::str::FromStr>(s: &str) -> Result<Vec<T>, String> {
        s.split(',').map(|x| x.trim().parse::<T>().map_err(|_| format!("bad list item “{x}”"))).collect()
    }

    fn sweep(args: &[String]) -> Result<(), String> {
        let query = args.first().ok_or(USAGE)?;
        let s = parse(query);
        let axis = if let Some(a) = flag(args, "--alphas") {
            let p: Vec<f64> = a.split(':').map(|x| x.parse::<f64>().map_err(|_| format!("bad --alphas “{a}”"))).collect::<Result<_, _>>()?;
            match p.as_slice() {
                [lo, hi, step] if *step > 0.0 => Axis::alpha_range(*lo, hi.min(0.5), *step),
                _ => return Err("--alphas takes LO:HI:STEP".into()),
            }
        } else if let Some(v) = flag(args, "--ns") {
            Axis::new("n", parse_list(&v)?)
        } else if let Some(v) = flag(args, "--ms") {
            Axis::new("m", parse_list(&v)?)
        } else if let (Some(k), Some(v)) = (flag(args, "--key"), flag(args, "--values")) {
            Axis::new(&k, parse_list(&v)?)
        } else {
            return Err(USAGE.into());
        };
        let k: u64 = flag(args, "--seeds").map(|v| v.parse().map_err(|_| "bad --seeds".to_string())).transpose()?.unwrap_or(3);
        let seeds: Vec<u64> = (0..k).map(|i| s.seed + i).collect();
        let data = data_for(&s)?;
        let mut sw = Sweep::new(&s, axis, s.aggs.clone(), seeds, data);
        sw.run_to_end();
        if let Some(e) = sw.error() {
            return Err(e.into());
        }
        let csv = sw.csv();
        print!("{csv}");
        write_or_print(flag(args, "--csv"), &csv)
    }
}
