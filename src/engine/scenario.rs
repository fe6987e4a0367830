//! A scenario is one value holding everything that defines a run. It round-trips losslessly to the
//! URL query string the app keeps in its address bar and the CLI takes as its argument:
//! `problem=linreg&m=40&alpha=0.1&agg=mean,median,trmean&attack=samevalue&seed=1`.
//!
//! Keys left out take the defaults listed by [`Scenario::key_table`] (also `byzlab-cli keys`).
//! Parsing never fails: unknown keys are ignored, bad or out-of-range values are replaced by the
//! default or clamped, and each change is reported as a [`Notice`].

use std::fmt::Write as _;

/// Defines a closed set of named choices with their query spelling and a human label.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $key:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The spelling used in query strings.
            pub fn key(self) -> &'static str { match self { $($name::$var => $key),+ } }
            /// A short human label for menus and legends.
            pub fn label(self) -> &'static str { match self { $($name::$var => $label),+ } }
            pub fn from_key(s: &str) -> Option<Self> {
                match s { $($key => Some($name::$var),)+ _ => None }
            }
        }
    };
}

named_enum!(
    /// The learning problem.
    ProblemKind {
        LinReg = "linreg": "linear regression",
        Mean = "mean": "mean estimation",
        Saddle = "saddle": "2-D saddle toy",
        Mnist = "mnist": "MNIST softmax",
        Binary = "binary": "MNIST odd/even logistic",
        Mlp = "mlp": "MNIST MLP (32 hidden units)",
    }
);

named_enum!(
    /// The training algorithm applied to every curve (RSA is chosen per curve, see [`AggKind::Rsa`]).
    AlgoKind {
        Gd = "gd": "robust GD",
        OneRound = "oneround": "one-round median",
        Bpgd = "bpgd": "ByzantinePGD",
        Pgd = "pgd": "perturbed GD",
    }
);

named_enum!(
    /// Aggregation rules. `Rsa` is not a gradient aggregator: a curve with it runs the RSA algorithm.
    AggKind {
        Mean = "mean": "mean",
        Median = "median": "median",
        TrMean = "trmean": "trimmed mean",
        Filter = "filter": "iterative filtering",
        Nbs = "nbs": "norm screening",
        GeoMed = "geomed": "geometric median",
        Krum = "krum": "Krum",
        MultiKrum = "multikrum": "Multi-Krum",
        Bulyan = "bulyan": "Bulyan",
        CClip = "cclip": "centered clipping",
        Meamed = "meamed": "Meamed",
        Rsa = "rsa": "RSA",
    }
);

named_enum!(
    /// Byzantine behaviours. All are omniscient: they see the honest messages and the scenario.
    AttackKind {
        None = "none": "no attack",
        LabelFlip = "labelflip": "label flip",
        RandLabel = "randlabel": "random labels",
        Gaussian = "gaussian": "Gaussian noise",
        SameValue = "samevalue": "same value",
        SignFlip = "signflip": "sign flip",
        Large = "large": "large value",
        Inf = "inf": "infinity",
        Nan = "nan": "NaN",
        Alie = "alie": "ALIE",
        Ipm = "ipm": "IPM",
        Mimic = "mimic": "mimic",
        Aggressive = "aggressive": "aggressive (−10g)",
        Intelligent = "intelligent": "intelligent (0.8‖g‖h)",
        Shift = "shift": "worst-case shift",
        Counter = "counter": "NBS counterexample",
        Saddle = "saddle": "saddle point attack",
        Oracle = "oracle": "saddle attack (Δ-oracle)",
    }
);

named_enum!(
    /// How the data are split across workers.
    Split {
        Iid = "iid": "i.i.d.",
        Hetero = "hetero": "heterogeneous",
    }
);

named_enum!(
    /// Feature distribution of the linear-regression problem.
    XDist {
        Pm1 = "pm1": "uniform on {±1}^d",
        Gauss = "gauss": "Gaussian",
    }
);

named_enum!(
    /// Step-size schedule.
    Schedule {
        Const = "const": "constant η",
        Sqrt = "sqrt": "η/√k",
    }
);

named_enum!(
    /// The penalty norm of RSA.
    RsaNorm {
        L1 = "l1": "ℓ1",
        L2 = "l2": "ℓ2",
        Linf = "linf": "ℓ∞",
    }
);

named_enum!(
    /// Test-time distribution shift for classification problems.
    ShiftKind {
        None = "none": "no shift",
        L1 = "l1": "ℓ1 shift",
        L2 = "l2": "ℓ2 shift",
    }
);

impl AttackKind {
    /// Attacks that poison the Byzantine workers' training data instead of their messages.
    pub fn is_data_poisoning(self) -> bool {
        matches!(self, AttackKind::LabelFlip | AttackKind::RandLabel)
    }
}

impl ProblemKind {
    pub fn is_classification(self) -> bool {
        matches!(self, ProblemKind::Mnist | ProblemKind::Binary | ProblemKind::Mlp)
    }
    /// Whether the problem needs the shipped MNIST file.
    pub fn needs_data(self) -> bool {
        self.is_classification()
    }
}

/// One curve: an aggregation rule, optionally preceded by nearest-neighbour mixing (NNM).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AggSpec {
    pub kind: AggKind,
    pub nnm: bool,
}

impl AggSpec {
    pub const fn new(kind: AggKind) -> Self {
        AggSpec { kind, nnm: false }
    }
    pub fn key(&self) -> String {
        if self.nnm {
            format!("nnm-{}", self.kind.key())
        } else {
            self.kind.key().to_string()
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        match s.strip_prefix("nnm-") {
            Some(rest) => AggKind::from_key(rest).filter(|k| *k != AggKind::Rsa).map(|kind| AggSpec { kind, nnm: true }),
            None => AggKind::from_key(s).map(AggSpec::new),
        }
    }
    pub fn label(&self) -> String {
        if self.nnm {
            format!("NNM + {}", self.kind.label())
        } else {
            self.kind.label().to_string()
        }
    }
}

/// Everything that defines a run. See the module documentation for the query form.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub problem: ProblemKind,
    /// Number of workers.
    pub m: usize,
    /// Samples per worker.
    pub n: usize,
    /// Dimension (linear regression and mean estimation; fixed by the other problems).
    pub d: usize,
    /// Fraction of Byzantine workers; the engine uses ⌊αm⌋ of them.
    pub alpha: f64,
    /// The master's assumed Byzantine fraction: trimmed mean drops ⌊βm⌋ values per side, NBS the
    /// ⌊βm⌋ largest norms, and Krum, Multi-Krum, Bulyan, Meamed and NNM use f = ⌊βm⌋.
    pub beta: f64,
    pub attack: AttackKind,
    /// Same-value attack constant c (sends c·1).
    pub c: f64,
    /// Sign-flip factor σ (sends σ·g).
    pub sf: f64,
    /// Standard deviation of the Gaussian attack.
    pub gstd: f64,
    /// IPM factor ε (sends −ε·μ).
    pub ipm: f64,
    /// ALIE factor z; None means the z_max formula.
    pub z: Option<f64>,
    /// Shift attack: μ + κ·s·1 with s the honest coordinate-wise standard deviation.
    pub kappa: f64,
    /// Δ of the oracle-level saddle attack.
    pub delta: f64,
    pub aggs: Vec<AggSpec>,
    /// Geometric median: smoothing ν and Weiszfeld iterations.
    pub gm_nu: f64,
    pub gm_it: usize,
    /// Centered clipping: radius τ and iterations L.
    pub cc_tau: f64,
    pub cc_it: usize,
    /// Iterative filtering σ; 0 means estimated from the messages.
    pub fsig: f64,
    pub algo: AlgoKind,
    /// Step size η (or the a of a/√k).
    pub eta: f64,
    /// Iterations (parallel rounds of communication).
    pub t: usize,
    pub sched: Schedule,
    /// Mini-batch size per worker; 0 = full local data (classification problems only).
    pub batch: usize,
    /// Radius of the ball W to project on; 0 = no projection.
    pub proj: f64,
    /// ℓ2 regulariser f0 = (l2/2)‖w‖².
    pub l2: f64,
    /// ByzantinePGD / PGD: rounds Q, perturbation radius r, escape radius R, steps T_th, threshold ε.
    pub q_rounds: usize,
    pub r: f64,
    pub big_r: f64,
    pub tth: usize,
    pub eps: f64,
    /// RSA: penalty λ and norm.
    pub lam: f64,
    pub norm: RsaNorm,
    /// Wasserstein DRO on the honest workers (classification): on/off, λ, η_z, T_z.
    pub dro: bool,
    pub dlam: f64,
    pub eta_z: f64,
    pub tz: usize,
    pub split: Split,
    pub xdist: XDist,
    /// Noise level σ (regression noise, mean-estimation and saddle sample noise).
    pub sigma: f64,
    /// Starting point of the saddle toy.
    pub w0: [f64; 2],
    pub shift: ShiftKind,
    pub shift_eps: f64,
    pub seed: u64,
}

/// A change the parser made to the query it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub key: String,
    pub message: String,
}

/// Ranges of the numeric parameters.
pub const M_MAX: usize = 200;
pub const N_MAX: usize = 2000;
pub const D_MAX: usize = 100;
pub const T_MAX: usize = 100_000;
pub const ALPHA_MAX: f64 = 0.5;
pub const BETA_MAX: f64 = 0.49;

impl Default for Scenario {
    fn default() -> Self {
        Scenario::defaults_for(ProblemKind::LinReg)
    }
}

/// Counts ⌊x·m⌋ robustly against rounding (0.29·100 = 28.999…).
pub fn frac_count(x: f64, m: usize) -> usize {
    ((x * m as f64) + 1e-9).floor().max(0.0) as usize
}

impl Scenario {
    /// Defaults. They depend on the problem only through the step size, T, n and the saddle settings.
    pub fn defaults_for(problem: ProblemKind) -> Self {
        let mut s = Scenario {
            problem,
            m: 40,
            n: 200,
            d: 20,
            alpha: 0.1,
            beta: 0.1,
            attack: AttackKind::SameValue,
            c: 100.0,
            sf: -4.0,
            gstd: 100.0,
            ipm: 0.1,
            z: None,
            kappa: 10.0,
            delta: 0.05,
            aggs: vec![AggSpec::new(AggKind::Mean), AggSpec::new(AggKind::Median), AggSpec::new(AggKind::TrMean)],
            gm_nu: 1e-6,
            gm_it: 100,
            cc_tau: 10.0,
            cc_it: 3,
            fsig: 0.0,
            algo: AlgoKind::Gd,
            eta: 0.5,
            t: 100,
            sched: Schedule::Const,
            batch: 0,
            proj: 0.0,
            l2: 0.0,
            q_rounds: 3,
            r: 0.25,
            big_r: 0.6,
            tth: 40,
            eps: 0.15,
            lam: 0.07,
            norm: RsaNorm::L1,
            dro: false,
            dlam: 3.0,
            eta_z: 0.05,
            tz: 10,
            split: Split::Iid,
            xdist: XDist::Pm1,
            sigma: 1.0,
            w0: [0.5, 0.0],
            shift: ShiftKind::None,
            shift_eps: 0.3,
            seed: 1,
        };
        match problem {
            ProblemKind::LinReg | ProblemKind::Mean => {}
            ProblemKind::Saddle => {
                // Enough Byzantine workers that the median can be held at 0 in the escape
                // coordinate for almost every draw of the data (the stuck band then contains the
                // saddle), and T_th from the growth condition (4.7) with γ = 1, η = 0.2.
                s.m = 50;
                s.n = 1000;
                s.alpha = 0.4;
                s.beta = 0.4;
                s.eta = 0.2;
                s.t = 400;
                s.r = 0.1;
                s.tth = 50;
                s.attack = AttackKind::Saddle;
                s.aggs = vec![AggSpec::new(AggKind::Median)];
                s.algo = AlgoKind::Bpgd;
            }
            ProblemKind::Mnist | ProblemKind::Binary | ProblemKind::Mlp => {
                s.n = 100;
                s.alpha = 0.05;
                s.beta = 0.05;
                s.eta = 0.5;
                s.t = 100;
                s.attack = AttackKind::LabelFlip;
            }
        }
        s
    }

    /// ⌊αm⌋, the number of Byzantine workers the engine simulates (workers 0..q are Byzantine).
    pub fn byzantine(&self) -> usize {
        frac_count(self.alpha, self.m).min(self.m)
    }

    /// f = ⌊βm⌋, the number of Byzantine workers the master assumes.
    pub fn assumed_f(&self) -> usize {
        frac_count(self.beta, self.m).min(self.m.saturating_sub(1))
    }

    /// Dimension of the model vector.
    pub fn dim(&self) -> usize {
        match self.problem {
            ProblemKind::LinReg | ProblemKind::Mean => self.d,
            ProblemKind::Saddle => 2,
            ProblemKind::Mnist => 10 * 785,
            ProblemKind::Binary => 2 * 785,
            ProblemKind::Mlp => super::problem::MLP_HIDDEN * 785 + 10 * (super::problem::MLP_HIDDEN + 1),
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

    /// The same scenario with no attack, plain mean aggregation, one curve: the clean reference run.
    pub fn clean(&self) -> Scenario {
        let mut s = self.clone();
        s.alpha = 0.0;
        s.attack = AttackKind::None;
        s.aggs = vec![AggSpec::new(AggKind::Mean)];
        if s.algo == AlgoKind::Bpgd || s.algo == AlgoKind::Pgd {
            s.algo = AlgoKind::Gd;
        }
        s
    }

    // ----------------------------------------------------------------------------------------
    // Query strings.

    /// The canonical query: every key whose value differs from the problem's default, in a fixed order.
    pub fn to_query(&self) -> String {
        let def = Scenario::defaults_for(self.problem);
        let mut out = String::new();
        let mine = self.fields();
        let theirs = def.fields();
        for ((k, v), (_, dv)) in mine.iter().zip(theirs.iter()) {
            if *k == "problem" || v != dv {
                if !out.is_empty() {
                    out.push('&');
                }
                let _ = write!(out, "{}={}", k, encode_component(v));
            }
        }
        out
    }

    /// The full query with every key, defaults included.
    pub fn to_full_query(&self) -> String {
        self.fields().iter().map(|(k, v)| format!("{}={}", k, encode_component(v))).collect::<Vec<_>>().join("&")
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
                notices.push(Notice { key: String::new(), message: "too many parameters; the rest were ignored".into() });
                break;
            }
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let k = decode_component(&truncate(k, 64));
            let v = decode_component(&truncate(v, 400));
            pairs.push((k, v));
        }
        // The problem decides the defaults, so it is read first.
        let mut problem = ProblemKind::LinReg;
        if let Some((_, v)) = pairs.iter().rev().find(|(k, _)| k == "problem") {
            match ProblemKind::from_key(v) {
                Some(p) => problem = p,
                None => notices.push(Notice::bad("problem", v, ProblemKind::LinReg.key())),
            }
        }
        let mut s = Scenario::defaults_for(problem);
        for (k, v) in &pairs {
            if k == "problem" {
                continue;
            }
            if let Err(msg) = s.set(k, v) {
                // The key comes from the input: shortened and without control characters.
                notices.push(Notice { key: shorten(k), message: msg });
            }
        }
        notices.extend(s.sanitize());
        (s, notices)
    }

    /// Sets one key from its query value. Out-of-range numbers are clamped (and reported).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let mut clamped: Option<String> = None;
        {
            let mut num = |lo: f64, hi: f64, slot: &mut f64| -> Result<(), String> {
                let x = parse_f64(value).ok_or_else(|| format!("“{}” is not a number; kept {}", shorten(value), fmt_f64(*slot)))?;
                let c = x.clamp(lo, hi);
                if c != x {
                    clamped = Some(format!("{} is outside [{}, {}]; clamped to {}", shorten(value), fmt_f64(lo), fmt_f64(hi), fmt_f64(c)));
                }
                *slot = c;
                Ok(())
            };
            macro_rules! int {
                ($lo:expr, $hi:expr, $slot:expr) => {{
                    let mut x = *$slot as f64;
                    num($lo as f64, $hi as f64, &mut x)?;
                    *$slot = x.round() as _;
                }};
            }
            macro_rules! choice {
                ($ty:ty, $slot:expr) => {{
                    *$slot = <$ty>::from_key(value).ok_or_else(|| {
                        format!("unknown value “{}”; kept {}", shorten(value), $slot.key())
                    })?;
                }};
            }
            match key {
                "m" => int!(1, M_MAX, &mut self.m),
                "n" => int!(1, N_MAX, &mut self.n),
                "d" => int!(1, D_MAX, &mut self.d),
                "alpha" => num(0.0, ALPHA_MAX, &mut self.alpha)?,
                "beta" => num(0.0, BETA_MAX, &mut self.beta)?,
                "attack" => choice!(AttackKind, &mut self.attack),
                "c" => num(-1e6, 1e6, &mut self.c)?,
                "sf" => num(-1e4, 1e4, &mut self.sf)?,
                "gstd" => num(0.0, 1e6, &mut self.gstd)?,
                "ipm" => num(-1e4, 1e4, &mut self.ipm)?,
                "z" => {
                    if value == "auto" {
                        self.z = None;
                    } else {
                        let mut z = self.z.unwrap_or(0.0);
                        num(-100.0, 100.0, &mut z)?;
                        self.z = Some(z);
                    }
                }
                "kappa" => num(-1e4, 1e4, &mut self.kappa)?,
                "delta" => num(0.0, 10.0, &mut self.delta)?,
                "agg" => {
                    let mut out: Vec<AggSpec> = Vec::new();
                    let mut bad = Vec::new();
                    for part in value.split(',').filter(|p| !p.is_empty()).take(16) {
                        match AggSpec::from_key(part) {
                            Some(a) if !out.contains(&a) => out.push(a),
                            Some(_) => {}
                            None => bad.push(shorten(part)),
                        }
                    }
                    if out.is_empty() {
                        return Err(format!("no known aggregator in “{}”; kept {}", shorten(value), shorten(&self.aggs_key())));
                    }
                    self.aggs = out;
                    if !bad.is_empty() {
                        // At most three names, so that the notice stays short.
                        let more = if bad.len() > 3 { format!(" and {} more", bad.len() - 3) } else { String::new() };
                        return Err(format!("ignored unknown aggregator(s) {}{more}", bad[..bad.len().min(3)].join(", ")));
                    }
                }
                "gm_nu" => num(0.0, 1e3, &mut self.gm_nu)?,
                "gm_it" => int!(1, 1000, &mut self.gm_it),
                "cc_tau" => num(0.0, 1e6, &mut self.cc_tau)?,
                "cc_it" => int!(1, 100, &mut self.cc_it),
                "fsig" => num(0.0, 1e6, &mut self.fsig)?,
                "algo" => choice!(AlgoKind, &mut self.algo),
                "eta" => num(0.0, 100.0, &mut self.eta)?,
                "T" => int!(1, T_MAX, &mut self.t),
                "sched" => choice!(Schedule, &mut self.sched),
                "batch" => int!(0, N_MAX, &mut self.batch),
                "proj" => num(0.0, 1e6, &mut self.proj)?,
                "l2" => num(0.0, 100.0, &mut self.l2)?,
                "Q" => int!(1, 50, &mut self.q_rounds),
                "r" => num(0.0, 10.0, &mut self.r)?,
                "R" => num(0.0, 100.0, &mut self.big_r)?,
                "tth" => int!(1, 10_000, &mut self.tth),
                "eps" => num(0.0, 100.0, &mut self.eps)?,
                "lam" => num(0.0, 1e4, &mut self.lam)?,
                "norm" => choice!(RsaNorm, &mut self.norm),
                "dro" => match value {
                    "1" | "true" | "on" => self.dro = true,
                    "0" | "false" | "off" => self.dro = false,
                    _ => return Err(format!("“{}” is not 0 or 1; kept {}", shorten(value), self.dro as u8)),
                },
                "dlam" => num(1e-3, 1e4, &mut self.dlam)?,
                "eta_z" => num(0.0, 10.0, &mut self.eta_z)?,
                "tz" => int!(0, 1000, &mut self.tz),
                "split" => choice!(Split, &mut self.split),
                "x" => choice!(XDist, &mut self.xdist),
                "sigma" => num(0.0, 100.0, &mut self.sigma)?,
                "w0" => {
                    let parts: Vec<Option<f64>> = value.split(',').map(parse_f64).collect();
                    match parts.as_slice() {
                        [Some(a), Some(b)] => {
                            let (a2, b2) = (a.clamp(-3.0, 3.0), b.clamp(-3.0, 3.0));
                            if (a2, b2) != (*a, *b) {
                                clamped = Some("w0 is outside [−3, 3]²; clamped".into());
                            }
                            self.w0 = [a2, b2];
                        }
                        _ => return Err(format!("“{}” is not two numbers a,b; kept {}", shorten(value), fmt_pair(self.w0))),
                    }
                }
                "shift" => choice!(ShiftKind, &mut self.shift),
                "shift_eps" => num(0.0, 100.0, &mut self.shift_eps)?,
                "seed" => {
                    self.seed = value
                        .parse::<u64>()
                        .map_err(|_| format!("“{}” is not a whole number ≥ 0; kept {}", shorten(value), self.seed))?
                }
                "problem" => {
                    let p = ProblemKind::from_key(value).ok_or_else(|| format!("unknown problem “{}”", shorten(value)))?;
                    self.problem = p;
                }
                _ => return Err(format!("unknown key “{}” ignored", shorten(key))),
            }
        }
        match clamped {
            Some(msg) => Err(msg),
            None => Ok(()),
        }
    }

    /// Repairs combinations that cannot run; returns what it changed.
    pub fn sanitize(&mut self) -> Vec<Notice> {
        let mut out = Vec::new();
        if self.attack.is_data_poisoning() && self.problem == ProblemKind::Saddle {
            out.push(Notice {
                key: "attack".into(),
                message: format!("{} needs a problem with data labels; using no attack", self.attack.label()),
            });
            self.attack = AttackKind::None;
        }
        if matches!(self.attack, AttackKind::Saddle | AttackKind::Oracle) && self.problem != ProblemKind::Saddle {
            out.push(Notice {
                key: "attack".into(),
                message: format!("the {} needs the saddle toy; using no attack", self.attack.label()),
            });
            self.attack = AttackKind::None;
        }
        if matches!(self.algo, AlgoKind::OneRound) && self.problem == ProblemKind::Saddle {
            out.push(Notice { key: "algo".into(), message: "the one-round algorithm needs a convex problem; using robust GD".into() });
            self.algo = AlgoKind::Gd;
        }
        out
    }

    fn aggs_key(&self) -> String {
        self.aggs.iter().map(|a| a.key()).collect::<Vec<_>>().join(",")
    }

    /// (key, canonical value) for every field, in the canonical order.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("problem", self.problem.key().into()),
            ("m", self.m.to_string()),
            ("n", self.n.to_string()),
            ("d", self.d.to_string()),
            ("alpha", fmt_f64(self.alpha)),
            ("beta", fmt_f64(self.beta)),
            ("attack", self.attack.key().into()),
            ("c", fmt_f64(self.c)),
            ("sf", fmt_f64(self.sf)),
            ("gstd", fmt_f64(self.gstd)),
            ("ipm", fmt_f64(self.ipm)),
            ("z", self.z.map_or("auto".into(), fmt_f64)),
            ("kappa", fmt_f64(self.kappa)),
            ("delta", fmt_f64(self.delta)),
            ("agg", self.aggs_key()),
            ("gm_nu", fmt_f64(self.gm_nu)),
            ("gm_it", self.gm_it.to_string()),
            ("cc_tau", fmt_f64(self.cc_tau)),
            ("cc_it", self.cc_it.to_string()),
            ("fsig", fmt_f64(self.fsig)),
            ("algo", self.algo.key().into()),
            ("eta", fmt_f64(self.eta)),
            ("T", self.t.to_string()),
            ("sched", self.sched.key().into()),
            ("batch", self.batch.to_string()),
            ("proj", fmt_f64(self.proj)),
            ("l2", fmt_f64(self.l2)),
            ("Q", self.q_rounds.to_string()),
            ("r", fmt_f64(self.r)),
            ("R", fmt_f64(self.big_r)),
            ("tth", self.tth.to_string()),
            ("eps", fmt_f64(self.eps)),
            ("lam", fmt_f64(self.lam)),
            ("norm", self.norm.key().into()),
            ("dro", (self.dro as u8).to_string()),
            ("dlam", fmt_f64(self.dlam)),
            ("eta_z", fmt_f64(self.eta_z)),
            ("tz", self.tz.to_string()),
            ("split", self.split.key().into()),
            ("x", self.xdist.key().into()),
            ("sigma", fmt_f64(self.sigma)),
            ("w0", fmt_pair(self.w0)),
            ("shift", self.shift.key().into()),
            ("shift_eps", fmt_f64(self.shift_eps)),
            ("seed", self.seed.to_string()),
        ]
    }

    /// Documentation of every key: (key, default for linear regression, meaning).
    pub fn key_table() -> Vec<(&'static str, String, &'static str)> {
        let def = Scenario::default();
        let doc: &[(&str, &str)] = &[
            ("problem", "linreg | mean | saddle | mnist | binary (MNIST odd/even) | mlp (MNIST, 32 hidden units); sets the other defaults"),
            ("m", "number of workers, 1–200"),
            ("n", "samples per worker, 1–2000 (MNIST: at most 4000/m)"),
            ("d", "dimension for linreg and mean, 1–100"),
            ("alpha", "Byzantine fraction α in [0, 0.5]; ⌊αm⌋ workers are Byzantine"),
            ("beta", "assumed fraction β in [0, 0.49]: trimming, NBS screening, and f = ⌊βm⌋ for Krum, Bulyan, Meamed, NNM"),
            ("attack", "none | labelflip | randlabel | gaussian | samevalue | signflip | large | inf | nan | alie | ipm | mimic | aggressive | intelligent | shift | counter | saddle | oracle"),
            ("c", "same-value constant (sends c·1)"),
            ("sf", "sign-flip factor σ (sends σ·g)"),
            ("gstd", "Gaussian attack standard deviation"),
            ("ipm", "IPM ε (sends −ε·μ)"),
            ("z", "ALIE z; auto = z_max from (m, ⌊αm⌋)"),
            ("kappa", "shift attack: μ + κ·s coordinate-wise"),
            ("delta", "Δ of the oracle-level saddle attack"),
            ("agg", "comma list of mean, median, trmean, filter, nbs, geomed, krum, multikrum, bulyan, cclip, meamed, rsa; prefix nnm- for NNM"),
            ("gm_nu", "geometric median smoothing ν"),
            ("gm_it", "geometric median Weiszfeld iterations"),
            ("cc_tau", "centered clipping radius τ"),
            ("cc_it", "centered clipping iterations L"),
            ("fsig", "iterative filtering σ (0 = estimated)"),
            ("algo", "gd | oneround | bpgd | pgd"),
            ("eta", "step size η (a in a/√k)"),
            ("T", "iterations, 1–100000"),
            ("sched", "const | sqrt (η/√k)"),
            ("batch", "mini-batch per worker, 0 = all local data"),
            ("proj", "radius of the ball to project on, 0 = none"),
            ("l2", "ℓ2 regulariser (l2/2)‖w‖²"),
            ("Q", "ByzantinePGD rounds Q"),
            ("r", "perturbation radius r"),
            ("R", "escape radius R"),
            ("tth", "escape steps T_th"),
            ("eps", "gradient threshold ε"),
            ("lam", "RSA penalty λ"),
            ("norm", "RSA norm l1 | l2 | linf"),
            ("dro", "1 = Wasserstein DRO on honest workers"),
            ("dlam", "DRO λ"),
            ("eta_z", "DRO inner step η_z"),
            ("tz", "DRO inner steps T_z"),
            ("split", "iid | hetero"),
            ("x", "linreg features pm1 | gauss"),
            ("sigma", "noise σ"),
            ("w0", "saddle toy start a,b"),
            ("shift", "test-time shift none | l1 | l2"),
            ("shift_eps", "test-time shift budget"),
            ("seed", "random seed (data, attack, perturbations)"),
        ];
        def.fields()
            .into_iter()
            .map(|(k, v)| (k, v, doc.iter().find(|(dk, _)| *dk == k).map(|(_, m)| *m).unwrap_or("")))
            .collect()
    }
}

impl Notice {
    fn bad(key: &str, value: &str, kept: &str) -> Notice {
        Notice { key: key.into(), message: format!("unknown value “{}”; used {}", shorten(value), kept) }
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

fn fmt_pair(p: [f64; 2]) -> String {
    format!("{},{}", fmt_f64(p[0]), fmt_f64(p[1]))
}

/// Parses a finite number; rejects NaN and infinities.
fn parse_f64(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.len() > 64 {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn shorten(s: &str) -> String {
    let t: String = s.chars().filter(|c| !c.is_control()).take(24).collect();
    if s.chars().count() > 24 {
        format!("{t}…")
    } else {
        t
    }
}

/// Percent-decoding (`+` is a space); invalid sequences are kept literally, invalid UTF-8 is replaced.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters and `,` (kept readable in lists).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
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
        let mut s = Scenario::default();
        s.m = 17;
        s.alpha = 0.29;
        s.aggs = vec![AggSpec::new(AggKind::Krum), AggSpec { kind: AggKind::Median, nnm: true }];
        s.z = Some(1.25);
        s.c = -1e-7;
        s.w0 = [0.1, -0.2];
        s.seed = u64::MAX;
        s.dro = true;
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
        assert_eq!(s.aggs, vec![AggSpec::new(AggKind::Median)]);
        assert_eq!(s.attack, AttackKind::SameValue);
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
    }
}
