//! byzlab's command-line entry: runs any scenario, sweep, view or preset headless and writes CSV,
//! SVG or Markdown. The query string is the one the app keeps in its URL.
//!
//!   byzlab-cli run "problem=linreg&m=40&alpha=0.1&agg=mean,median" [--csv out.csv] [--clean]
//!   byzlab-cli run "problem=csv-ls&agg=mean,median" --data table.csv   (your own table; also sweep, view)
//!   byzlab-cli sweep "problem=linreg&agg=median,trmean" --alphas 0:0.5:0.02 [--seeds 3] [--csv out.csv]
//!   byzlab-cli sweep "..." --ns 10,100,1000 | --ms 10,20,40 | --key lam --values 0.01,0.1,1
//!   byzlab-cli views                   the app's views
//!   byzlab-cli view <key> "<query>"    computes one view: --svg FILE, --csv FILE
//!   byzlab-cli presets                 the papers' presets
//!   byzlab-cli preset <id>             runs a preset's table: the paper's numbers beside ours
//!   byzlab-cli reproduce [--md FILE]   runs every preset (writes docs/reproduction.md)
//!   byzlab-cli keys                    every query key with its default and meaning
//!   byzlab-cli lessons [<id>]          the guided lessons, or one lesson's steps with their links
//!   byzlab-cli normalize "<query>"     the canonical form of a query, with the notices
//!   byzlab-cli export byzfl "<query>"  a ByzFL benchmark config.json on standard output
//!   byzlab-cli export flower "<query>" DIR   a minimal Flower app (linear regression, mean estimation)
//!
//! An unknown flag, a missing value or a stray argument is an error that prints the usage.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = cli::main(std::env::args_os().skip(1).collect()) {
        eprintln!("byzlab-cli: {e}\n{}", cli::USAGE);
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use byzlab::engine::data::Datasets;
    use byzlab::engine::problem::Cache;
    use byzlab::engine::run::Run;
    use byzlab::engine::scenario::Scenario;
    use byzlab::engine::sweep::{Axis, Sweep};
    use byzlab::engine::trace::Record;
    use byzlab::lab::presets;
    use byzlab::lab::{Lab, ViewId};
    use lexopt::prelude::*;
    use std::ffi::OsString;

    pub const USAGE: &str = "usage:
  byzlab-cli run \"<query>\" [--csv FILE] [--clean] [--data TABLE.csv]
  byzlab-cli sweep \"<query>\" (--alphas LO:HI:STEP | --ns A,B,.. | --ms A,B,.. | --key K --values A,B,..) [--seeds K] [--csv FILE] [--jobs N]
  byzlab-cli views | view <key> \"<query>\" [--svg FILE] [--csv FILE] [--size WxH]
  byzlab-cli presets | preset <id> [--jobs N] | reproduce [--md FILE] [--url BASE] [--jobs N]
  (--jobs: threads, default all cores; the output is the same for every N)
  (run, sweep and view take --data TABLE.csv: the table of problem=csv-ls or csv-class)
  byzlab-cli aggregate --rule R [--f F] [--pre LIST] [--set \"<query>\"] [--attack A --honest K] < messages.csv
  (one message per row; --set gives the rule's or attack's parameters, e.g. \"cc_tau=5&bucket_s=3\";
   --attack A --honest K: the first K rows are honest, F Byzantine messages of A are added)
  byzlab-cli keys | lessons [<id>]
  byzlab-cli normalize \"<query>\"
  byzlab-cli export byzfl \"<query>\"        ByzFL benchmark config (JSON) on standard output, notes on standard error
  byzlab-cli export flower \"<query>\" DIR   a Flower app in DIR (linreg, mean; Flower's rules only)";

    type Res<T> = Result<T, String>;

    fn err(e: lexopt::Error) -> String {
        e.to_string()
    }

    /// The command's positional arguments and its flags' values, checked against what it takes:
    /// `flags` are flags with a value, `switches` flags without.
    struct Args {
        positional: Vec<String>,
        values: Vec<(&'static str, String)>,
        switches: Vec<&'static str>,
    }

    impl Args {
        fn parse(args: Vec<OsString>, positional: usize, flags: &[&'static str], switches: &[&'static str]) -> Res<Args> {
            let mut p = lexopt::Parser::from_args(args);
            let mut out = Args { positional: Vec::new(), values: Vec::new(), switches: Vec::new() };
            while let Some(arg) = p.next().map_err(err)? {
                match arg {
                    Long(name) => {
                        if let Some(f) = flags.iter().find(|f| **f == name) {
                            let v = p.value().map_err(err)?.string().map_err(|_| format!("--{f}: not UTF-8"))?;
                            out.values.push((f, v));
                        } else if let Some(s) = switches.iter().find(|s| **s == name) {
                            out.switches.push(s);
                        } else {
                            return Err(err(Long(name).unexpected()));
                        }
                    }
                    Value(v) if out.positional.len() < positional => {
                        out.positional.push(v.string().map_err(|_| "an argument is not UTF-8".to_string())?)
                    }
                    other => return Err(err(other.unexpected())),
                }
            }
            if out.positional.len() < positional {
                return Err(format!("missing argument ({} expected)", positional));
            }
            Ok(out)
        }
        fn get(&self, flag: &str) -> Option<&str> {
            self.values.iter().rev().find(|(f, _)| *f == flag).map(|(_, v)| v.as_str())
        }
        fn has(&self, switch: &str) -> bool {
            self.switches.contains(&switch)
        }
    }

    /// A scenario from a query; a page's link works as it is (its page keys are left out).
    fn parse(query: &str) -> Scenario {
        let (query, _, mut notices) = byzlab::lab::page::split(query);
        let (s, more) = Scenario::from_query(&query);
        notices.extend(more);
        for n in &notices {
            eprintln!("note: {n}");
        }
        s
    }

    /// The data files scenario `s` needs, loaded; `--data FILE` is the table of `problem=csv-ls`
    /// or `csv-class` (read as the page reads an upload).
    fn data_for(s: &Scenario, a: &Args) -> Res<Datasets> {
        use byzlab::engine::data::{DataSource, Dataset};
        let mut needed: Vec<DataSource> = s.data_source().into_iter().collect();
        let mut out = Datasets::default();
        if needed.contains(&DataSource::Upload) {
            let path = a.get("data").ok_or("this scenario learns from your own CSV table: pass it with --data FILE")?;
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let d = Dataset::from_csv(&bytes).map_err(|e| format!("{path}: {e}"))?;
            eprintln!("{path}: {}", d.describe());
            out.insert(std::sync::Arc::new(d));
            needed.retain(|d| *d != DataSource::Upload);
        }
        for d in Datasets::load(&needed)?.all() {
            out.insert(d.clone());
        }
        Ok(out)
    }

    /// --jobs N (default: every core).
    fn jobs(a: &Args) -> Res<usize> {
        match a.get("jobs") {
            Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| format!("--jobs takes a whole number ≥ 1, not “{v}”")),
            None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        }
    }

    fn write(path: Option<&str>, text: &str) -> Res<()> {
        match path {
            Some(p) => std::fs::write(p, text).map_err(|e| format!("{p}: {e}")),
            None => Ok(()),
        }
    }

    pub fn main(mut args: Vec<OsString>) -> Res<()> {
        if args.is_empty() {
            return Err("no command".into());
        }
        let cmd = args.remove(0).into_string().map_err(|_| "the command is not UTF-8".to_string())?;
        match cmd.as_str() {
            "run" => run(Args::parse(args, 1, &["csv", "data"], &["clean"])?),
            "sweep" => sweep(Args::parse(args, 1, &["alphas", "ns", "ms", "key", "values", "seeds", "csv", "jobs", "data"], &[])?),
            "views" => {
                Args::parse(args, 0, &[], &[])?;
                for v in ViewId::all() {
                    println!("{}  {:<10} {}", v.shortcut(), v.key(), v.label());
                }
                Ok(())
            }
            "view" => view(Args::parse(args, 2, &["svg", "csv", "size", "data"], &[])?),
            "presets" => {
                Args::parse(args, 0, &[], &[])?;
                for p in presets::all() {
                    println!("{:<16} {}", p.id, p.title);
                }
                Ok(())
            }
            "preset" => {
                let a = Args::parse(args, 1, &["jobs"], &[])?;
                let id = &a.positional[0];
                let p = presets::by_id(id).ok_or_else(|| format!("no preset “{id}” (see `byzlab-cli presets`)"))?;
                print!("{}", run_preset(p, "", jobs(&a)?)?.0);
                Ok(())
            }
            "reproduce" => reproduce(Args::parse(args, 0, &["md", "url", "jobs"], &[])?),
            "aggregate" => aggregate(Args::parse(args, 0, &["rule", "f", "pre", "set", "attack", "honest"], &[])?),
            "keys" => {
                Args::parse(args, 0, &[], &[])?;
                for (k, v, doc) in Scenario::key_table() {
                    println!("{k:<10} {v:<22} {doc}");
                }
                println!("\nThe page's own keys (how it looks, not what it computes):");
                for (k, v, doc) in byzlab::lab::page::KEYS {
                    println!("{k:<10} {v:<22} {doc}");
                }
                Ok(())
            }
            "lessons" => {
                let n = args.len().min(1);
                lessons(Args::parse(args, n, &[], &[])?)
            }
            "normalize" => {
                let a = Args::parse(args, 1, &[], &[])?;
                println!("{}", parse(&a.positional[0]).to_query());
                Ok(())
            }
            "export" => export(args),
            other => Err(format!("unknown command “{other}”")),
        }
    }

    /// `export byzfl "<query>"` prints ByzFL's config.json (its notes also go to standard error);
    /// `export flower "<query>" DIR` writes a Flower app into DIR.
    fn export(mut args: Vec<OsString>) -> Res<()> {
        if args.is_empty() {
            return Err("export needs a target: byzfl or flower".into());
        }
        let target = args.remove(0).into_string().map_err(|_| "the export target is not UTF-8".to_string())?;
        match target.as_str() {
            "byzfl" => {
                let a = Args::parse(args, 1, &[], &[])?;
                let e = byzlab::export::byzfl::export(&parse(&a.positional[0]))?;
                for (k, v) in &e.notes {
                    eprintln!("not carried over ({k}): {v}");
                }
                print!("{}", e.text());
                Ok(())
            }
            "flower" => {
                let a = Args::parse(args, 2, &[], &[])?;
                let app = byzlab::export::flower::export(&parse(&a.positional[0]))?;
                let dir = std::path::Path::new(&a.positional[1]);
                for (path, text) in &app.files {
                    let p = dir.join(path);
                    if let Some(parent) = p.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
                    }
                    std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
                }
                for n in &app.notes {
                    eprintln!("note: {n}");
                }
                eprintln!("wrote {} files into {} (see its README.md)", app.files.len(), dir.display());
                Ok(())
            }
            other => Err(format!("no export “{other}” (byzfl or flower)")),
        }
    }

    fn run(a: Args) -> Res<()> {
        let s = parse(&a.positional[0]);
        let problem = Cache::with_data(data_for(&s, &a)?).get(&s)?;
        eprintln!("{}", s.byzantine_sentence());
        let mut curves: Vec<(String, Scenario, byzlab::engine::Curve)> = s.curves().into_iter().map(|c| (c.key(), s.clone(), c)).collect();
        if a.has("clean") {
            let (clean, c) = s.clean();
            curves.insert(0, ("clean-mean".into(), clean, c));
        }
        let mut csv = format!("curve,{}\n", Record::CSV_HEADER);
        println!("{:<16} {:>8} {:>12} {:>12} {:>10}  status", "curve", "t", "error", "loss", "accuracy");
        for (name, sc, curve) in curves {
            let mut r = Run::new(&sc, curve, problem.clone());
            r.trace = byzlab::engine::trace::Trace::with_capacity(usize::MAX / 4);
            r.run_to_end();
            for rec in r.trace.records() {
                csv.push_str(&format!("{name},{}\n", rec.csv_row()));
            }
            let last = r.last().copied();
            let (e, l, acc) = last.map_or((f64::NAN, f64::NAN, f64::NAN), |x| (x.err, x.loss, x.acc));
            println!("{:<16} {:>8} {:>12.4e} {:>12.4e} {:>10.4}  {}", name, r.t, e, l, acc, r.status.label());
        }
        write(a.get("csv"), &csv)
    }

    /// Reads messages (one per line, numbers separated by commas, semicolons or white space; `#`
    /// comments and a header of non-numbers skipped) from standard input.
    fn read_messages() -> Res<byzlab::engine::linalg::Mat> {
        use std::io::Read;
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("standard input: {e}"))?;
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for (k, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|c| !c.is_empty()).collect();
            let row: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
            match row {
                Ok(r) => rows.push(r),
                Err(_) if rows.is_empty() => continue,
                Err(_) => return Err(format!("line {}: not a row of numbers", k + 1)),
            }
            if rows.last().map(Vec::len) != rows.first().map(Vec::len) {
                return Err(format!("line {}: {} numbers, the first row has {}", k + 1, rows.last().map_or(0, Vec::len), rows[0].len()));
            }
        }
        if rows.is_empty() {
            return Err("no messages on standard input (one per line)".into());
        }
        Ok(byzlab::engine::linalg::Mat::from_rows(&rows))
    }

    fn aggregate(a: Args) -> Res<()> {
        use byzlab::engine::aggregate::Aggregator;
        use byzlab::engine::attack::Attack;
        use byzlab::engine::AggSpec;
        let rule = a.get("rule").ok_or("--rule R is needed (see `byzlab-cli keys`, agg)")?;
        let spec = AggSpec::from_key(rule).ok_or_else(|| format!("no rule “{rule}”"))?;
        let mut query = format!("pre={}", a.get("pre").unwrap_or("none"));
        if let Some(at) = a.get("attack") {
            query.push_str(&format!("&attack={at}"));
        }
        if let Some(set) = a.get("set") {
            query.push_str(&format!("&{set}"));
        }
        let s = parse(&query);
        let mut msgs = read_messages()?;
        let f = match a.get("f") {
            Some(v) => v.parse::<usize>().map_err(|_| format!("--f takes a whole number, not “{v}”"))?,
            None => 0,
        };
        let fmt = |v: &[f64]| v.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(",");
        let mut agg = Aggregator::for_scenario(&s, spec);
        agg.f = f;
        if a.get("attack").is_some() {
            let k = a.get("honest").ok_or("--attack needs --honest K (the first K rows are honest)")?;
            let k = k
                .parse::<usize>()
                .ok()
                .filter(|k| *k >= 1)
                .ok_or_else(|| format!("--honest takes a whole number ≥ 1, not “{k}”"))?
                .min(msgs.rows);
            if s.attack.kind.is_data_poisoning()
                || matches!(s.attack.kind, byzlab::engine::AttackKind::Saddle | byzlab::engine::AttackKind::Oracle)
            {
                return Err(format!("{} does not act on messages alone", s.attack.kind.label()));
            }
            // The Byzantine rows come first (the engine's convention), holding honest rows until the attack writes them.
            let honest = msgs.select(&(0..k).collect::<Vec<_>>());
            let mut rows: Vec<usize> = (0..f).map(|i| i % k.max(1)).collect();
            rows.extend(0..k);
            msgs = honest.select(&rows);
            Attack::new(s.attack, s.seed, 0).with_dialect(s.dialect).apply(&mut msgs, f, None, Some(&agg));
            for i in 0..f {
                println!("byzantine,{}", fmt(msgs.row(i)));
            }
        }
        let mut out = vec![0.0; msgs.cols];
        agg.aggregate(&msgs, &mut out);
        println!("{}{}", if a.get("attack").is_some() { "aggregate," } else { "" }, fmt(&out));
        Ok(())
    }

    fn view(a: Args) -> Res<()> {
        let key = &a.positional[0];
        let v = ViewId::from_key(key).ok_or_else(|| format!("no view “{key}” (see `byzlab-cli views`)"))?;
        let s = parse(&a.positional[1]);
        let data = data_for(&s, &a)?;
        let mut lab = Lab::with_data(s, data);
        while lab.work(v, 10_000) > 0 {}
        eprintln!("{}", lab.status_line(v));
        let (w, h) = match a.get("size") {
            Some(size) => {
                let (w, h) = size.split_once('x').ok_or("--size takes WxH")?;
                (w.parse().map_err(|_| "bad --size width")?, h.parse().map_err(|_| "bad --size height")?)
            }
            None => (960, 600),
        };
        if let Some(path) = a.get("svg") {
            write(Some(path), &lab.svg(v, w, h).map_err(|e| e.to_string())?)?;
        }
        let csv = lab.csv(v);
        if a.get("csv").is_none() && a.get("svg").is_none() {
            print!("{csv}");
        }
        write(a.get("csv"), &csv)
    }

    /// Runs a preset on `jobs` threads; returns its Markdown section and whether every reported
    /// ordering holds. The time it took goes to standard error, so the output is the same for
    /// every number of threads.
    fn run_preset(p: presets::Preset, url: &str, jobs: usize) -> Res<(String, bool)> {
        let data = Datasets::load(&p.data_needed())?;
        let t0 = std::time::Instant::now();
        let mut run = presets::PresetRun::new(p);
        run.run_parallel(jobs, data)?;
        eprintln!("{}: {:.1} s on {jobs} thread(s)", run.preset.id, t0.elapsed().as_secs_f64());
        let p = &run.preset;
        let mut out = format!("### {}\n\n", p.title);
        out.push_str(&format!("Source: {}. Link: [`{}`]({url}{})\n\n", p.source, p.link(), p.link()));
        out.push_str(&run.markdown());
        let checks = run.check_orders();
        if !checks.is_empty() {
            out.push_str("\nOrderings the paper reports:\n\n");
            for c in &checks {
                out.push_str(&format!("- {} {}\n", c.mark(), c.text));
            }
        }
        out.push_str(&format!("\nShould match: {}\n\nCannot match: {}\n\n", p.matches, p.differs));
        out.push_str(&format!("_`byzlab-cli preset {}`_\n\n", p.id));
        Ok((out, checks.iter().all(|c| c.outcome == presets::Outcome::Holds)))
    }

    fn reproduce(a: Args) -> Res<()> {
        let url = a.get("url").unwrap_or("http://127.0.0.1:8080/");
        let mut md = String::from("# Reproducing the papers\n\nGenerated by `cargo run --release --bin byzlab-cli -- reproduce --md docs/reproduction.md`. Every preset is also in the app (Papers) and opens from its link. Our numbers come from the engine as it is: attacks and algorithms follow the papers' definitions and nothing is tuned to a published figure.\n\n");
        let jobs = jobs(&a)?;
        for p in presets::all() {
            let (section, _) = run_preset(p.clone(), url, jobs)?;
            md.push_str(&section);
        }
        match a.get("md") {
            Some(path) => write(Some(path), &md),
            None => {
                print!("{md}");
                Ok(())
            }
        }
    }

    /// Lists the lessons, or prints one lesson's steps with the link of each.
    fn lessons(a: Args) -> Res<()> {
        let (all, errors) = byzlab::lab::lessons::all_with_errors();
        for e in &errors {
            eprintln!("error: {e}");
        }
        match a.positional.first() {
            None => {
                for l in &all {
                    println!("{:<16} {} ({} steps)", l.id, l.title, l.steps.len());
                }
            }
            Some(id) => {
                let l = all.iter().find(|l| &l.id == id).ok_or_else(|| format!("no lesson “{id}” (see `byzlab-cli lessons`)"))?;
                println!("{}\n{}\n", l.title, l.summary);
                for (i, s) in l.steps.iter().enumerate() {
                    println!("{}. {}  ?lesson={}&step={}  ({} view; {})", i + 1, s.title, l.id, i + 1, s.view, s.query);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{} lesson file(s) do not parse", errors.len()))
        }
    }

    fn parse_list(flag: &str, s: &str) -> Res<Vec<f64>> {
        s.split(',').map(|x| x.trim().parse::<f64>().map_err(|_| format!("--{flag}: bad list item “{x}”"))).collect()
    }

    fn sweep(a: Args) -> Res<()> {
        let s = parse(&a.positional[0]);
        let axes = [a.get("alphas").is_some(), a.get("ns").is_some(), a.get("ms").is_some(), a.get("key").is_some()];
        if axes.iter().filter(|x| **x).count() != 1 {
            return Err("give exactly one of --alphas, --ns, --ms, --key".into());
        }
        if a.get("values").is_some() && a.get("key").is_none() {
            return Err("--values needs --key".into());
        }
        let axis = if let Some(v) = a.get("alphas") {
            let p = v.split(':').map(|x| x.parse::<f64>().map_err(|_| format!("bad --alphas “{v}”"))).collect::<Res<Vec<f64>>>()?;
            match p.as_slice() {
                [lo, hi, step] if *step > 0.0 => Axis::alpha_range(*lo, hi.min(0.5), *step),
                _ => return Err("--alphas takes LO:HI:STEP".into()),
            }
        } else if let Some(v) = a.get("ns") {
            Axis::n(parse_list("ns", v)?)
        } else if let Some(v) = a.get("ms") {
            Axis::m(parse_list("ms", v)?)
        } else {
            let key = a.get("key").unwrap_or_default();
            let values = a.get("values").ok_or("--key needs --values")?;
            Axis::on(key, parse_list("values", values)?)?
        };
        let k: u64 = a.get("seeds").map(|v| v.parse().map_err(|_| "bad --seeds".to_string())).transpose()?.unwrap_or(3);
        let seeds: Vec<u64> = (0..k).map(|i| s.seed + i).collect();
        let data = data_for(&s, &a)?;
        let mut sw = Sweep::new(&s, axis, s.curves(), seeds);
        sw.run_parallel(jobs(&a)?, data)?;
        let csv = sw.csv();
        print!("{csv}");
        write(a.get("csv"), &csv)
    }
}
