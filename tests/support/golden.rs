//! Cross-platform determinism: the same scenarios, run natively (tests/golden.rs) and in wasm
//! (tests/web.rs), must reproduce the committed traces in tests/fixtures/golden.csv to 1e-9
//! relative. Regenerate after an intended engine change with
//! `BYZLAB_BLESS=1 cargo test --release --test golden`.

use byzlab::engine::data::{Dataset, Datasets};
use byzlab::engine::run::Run;
use byzlab::engine::scenario::{ProblemKind, Scenario};

/// (query, which of its aggregators) pairs covering every problem and algorithm family.
pub const CASES: &[&str] = &[
    "problem=linreg&attack=alie&agg=median,geomed,krum,bulyan,filter,cclip,meamed,nnm-trmean&T=40",
    "problem=linreg&attack=gaussian&algo=rsa&T=40&sched=sqrt&eta=0.2&lam=0.05",
    "problem=mean&algo=oneround&attack=samevalue&agg=median,nbs",
    "problem=saddle&T=300",
    "problem=saddle&algo=pgd&attack=oracle&T=150",
    "problem=mnist&m=10&n=30&T=4&agg=median,multikrum&attack=labelflip&alpha=0.2",
    "problem=binary&m=10&n=20&T=3&agg=nbs&dro=1&tz=3&attack=intelligent&shift=l2",
    "problem=spambase&T=5&agg=mean,nbs&dro=1&tz=3&attack=aggressive&shift=l1",
    "problem=cnn&m=6&n=12&batch=4&T=3&agg=median,trmean&attack=labelflip&alpha=0.2",
    "problem=mnist&m=4&n=30&batch=10&T=4&pix=196&adv=0.05&l1=0.001&shift=linf&shift_eps=0.05&agg=mean,median&attack=labelflip&alpha=0.25",
    "problem=binary&m=3&n=20&batch=8&T=4&rep=2&drop=0.3&adv=0.02&agg=mean,trmean&attack=signflip&alpha=0.34",
    // Uploaded tables (docs/examples), parsed from the same bytes on both platforms.
    "problem=csv-ls&attack=alie&agg=mean,median,trmean&T=30",
    "problem=csv-class&m=10&T=6&agg=mean,median&attack=labelflip&alpha=0.2",
    // The libraries' rules, pipelines, attacks and splits (issue 10).
    "problem=linreg&m=15&attack=minmax&dev=std&pre=clip,bucket&clip_c=5&agg=mda,monna,caf,nnm-trmean&T=25&split=hetero&zeta=2",
    "problem=linreg&m=12&attack=alie-opt&agg=trmean,krum&pre=arc&T=20&mom=0.9",
    "problem=mnist&m=10&n=30&T=3&split=dirichlet&dir_a=0.3&agg=median,caf&attack=ipm-opt&alpha=0.2",
    "problem=binary&m=6&n=20&T=3&split=gamma&gamma=0.3&agg=mean,mda&attack=minsum&alpha=0.2",
    "problem=linreg&m=12&dialect=byzfl&attack=alie&agg=krum,multikrum,geomed&gm_nu=0.1&gm_it=3&T=20",
    "problem=mean&m=20&part=0.3&attack=samevalue&agg=mean,median,trmean&T=20",
];

/// The table a case of an uploaded table learns from: diabetes for least squares, iris for classes.
fn table(s: &Scenario) -> Option<std::sync::Arc<Dataset>> {
    let bytes: &[u8] = match s.problem {
        ProblemKind::CsvLs => include_bytes!("../../docs/examples/diabetes.csv"),
        ProblemKind::CsvClass => include_bytes!("../../docs/examples/iris.csv"),
        _ => return None,
    };
    Some(std::sync::Arc::new(Dataset::from_csv(bytes).unwrap()))
}

/// The traces of every case as one CSV text.
pub fn traces(data: &Datasets) -> String {
    let mut out = String::from("case,curve,t,err,loss,acc,train_loss,train_acc,diversity,grad_norm,agg_err,spread,w1,w2,event\n");
    for (k, q) in CASES.iter().enumerate() {
        let (s, notes) = Scenario::from_query(q);
        assert!(notes.is_empty(), "{q}: {notes:?}");
        for c in s.curves() {
            let upload = table(&s);
            let mut r = Run::build(&s, c, upload.as_ref().or_else(|| s.data_source().and_then(|d| data.get(d)))).unwrap();
            r.run_to_end();
            // The fixture names a curve by its rule (RSA's by `rsa`), as it did when it was written.
            let name = c.rule.map_or(c.algo.key().to_string(), |r| r.key());
            for line in r.csv().lines().skip(1) {
                out.push_str(&format!("{k},{name},{line}\n"));
            }
        }
    }
    out
}

/// Compares two trace texts field by field: equal strings, or numbers within 1e-9 relative.
pub fn compare(ours: &str, golden: &str) -> Result<(), String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), golden.lines().collect());
    if a.len() != b.len() {
        return Err(format!("{} lines vs {} in the fixture", a.len(), b.len()));
    }
    let mut worst = 0.0f64;
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let (fx, fy): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
        if fx.len() != fy.len() {
            return Err(format!("line {}: {x} vs {y}", i + 1));
        }
        for (u, v) in fx.iter().zip(&fy) {
            if u == v {
                continue;
            }
            match (u.parse::<f64>(), v.parse::<f64>()) {
                (Ok(p), Ok(q)) => {
                    let rel = (p - q).abs() / p.abs().max(q.abs()).max(1e-300);
                    worst = worst.max(rel);
                    if rel > 1e-9 && (p - q).abs() > 1e-15 {
                        return Err(format!("line {}: {u} vs {v} (relative {rel:.2e})\n  {x}\n  {y}", i + 1));
                    }
                }
                _ => return Err(format!("line {}: {u} vs {v}", i + 1)),
            }
        }
    }
    Ok(())
}
