//! The one table of parameters. Each entry declares a field of [`Scenario`] (or of one of its
//! sub-structs), its doc comment (the help line of its control and of `byzlab-cli keys`), its
//! default and the problems that default differently, then its query key (with `[data]` if it
//! defines the problem's data), the values it accepts and its control in the app. Adding a
//! parameter is one entry here plus the code that uses it.

use super::choices::*;
use super::param::{scenario_table, Control, Domain::*, Group::*};

/// Ranges of the numeric parameters.
pub const M_MAX: usize = 200;
pub const N_MAX: usize = 6000;
pub const D_MAX: usize = 100;
pub const T_MAX: usize = 100_000;
pub const ALPHA_MAX: f64 = 0.5;
pub const BETA_MAX: f64 = 0.49;

const BASE: Control = Control::BASE;

scenario_table! {
    defaults(problem);

    /// Everything that defines a run. Its query form is in the module documentation of
    /// `scenario`; its fields and their meaning are listed by `byzlab-cli keys`.
    pub struct Scenario {
        /// The learning problem; choosing one resets the other settings to its defaults.
        problem: ProblemKind = problem;
            "problem" [data], Choice(ProblemKind::OPTIONS), Control { group: Data, label: "problem", ..BASE };
        /// The MNIST images of the classification problems: the shipped 5000-digit subset (4000 to train,
        /// 1000 to test), or the full set (60 000 to train, 10 000 to test; fetched when chosen).
        data: DataSource = DataSource::Subset;
            "data" [data], Choice(DataSource::MNIST), Control { group: Data, label: "MNIST images", show: |s| s.problem.uses_mnist(), ..BASE };
        /// Resolution of the MNIST images of the linear classifiers: 28 × 28, down-sampled to 14 × 14
        /// (each 2 × 2 patch → √(a² + b² + c² + d²)) or up-sampled to 56 × 56 (each pixel → a 2 × 2
        /// patch of a/2); both keep every image's ℓ2 norm (thesis §5.6).
        pix: Pixels = Pixels::Orig;
            "pix" [data], Choice(Pixels::OPTIONS),
            Control { group: Data, label: "image resolution", show: |s| s.problem.is_linear_classifier() && s.problem.uses_mnist(), ..BASE };
        /// Number of workers m; the master aggregates m messages per iteration.
        m: usize = 40, Saddle => 50, Spambase | CsvLs | CsvClass => 20;
            "m" [data], Int { lo: 1, hi: M_MAX }, Control { group: Data, sym: "m", label: "workers", slider: Some((1.0, 200.0, 1.0)), ..BASE };
        /// Samples per worker n (MNIST: at most the training images over m, 4000/m or 60 000/m;
        /// Spambase: 3682/m; an uploaded table: its training rows over m).
        n: usize = 200, Saddle => 1000, Mnist | Binary | Mlp | Cnn => 100, Spambase => 184;
            "n" [data], Int { lo: 1, hi: N_MAX }, Control { group: Data, sym: "n", label: "samples per worker", slider: Some((1.0, 2000.0, 1.0)), ..BASE };
        /// Dimension d of linear regression and mean estimation (the other problems fix it).
        d: usize = 20;
            "d" [data], Int { lo: 1, hi: D_MAX },
            Control { group: Data, sym: "d", label: "dimension", slider: Some((1.0, 100.0, 1.0)), show: |s| s.problem.has_optimum(), ..BASE };
        /// Byzantine fraction α: the first ⌊αm⌋ workers are Byzantine.
        alpha: f64 = 0.1, Saddle => 0.4, Mnist | Binary | Mlp | Cnn => 0.05, Spambase => 0.15;
            "alpha", Num { lo: 0.0, hi: ALPHA_MAX },
            Control { group: Byzantine, sym: "α", label: "Byzantine fraction", slider: Some((0.0, ALPHA_MAX, 0.01)),
                      note: Some(|s| format!("⌊αm⌋ = {} of {} workers", s.byzantine(), s.m)), ..BASE };
        /// The master's assumed Byzantine fraction β: trimmed mean drops f = ⌊βm⌋ values per side, NBS
        /// the f largest norms; Krum, Multi-Krum, Bulyan, Meamed and NNM assume f Byzantine inputs.
        beta: f64 = 0.1, Saddle => 0.4, Mnist | Binary | Mlp | Cnn => 0.05, Spambase => 0.15;
            "beta", Num { lo: 0.0, hi: BETA_MAX },
            Control { group: Master, sym: "β", label: "assumed fraction", slider: Some((0.0, BETA_MAX, 0.01)),
                      note: Some(|s| format!("trims / screens f = ⌊βm⌋ = {}", s.assumed_f())), ..BASE };
        /// The aggregation rules to compare, one curve each (prefix nnm- for nearest-neighbour mixing first).
        rules: Vec<AggSpec> = vec![AggSpec::new(AggKind::Mean), AggSpec::new(AggKind::Median), AggSpec::new(AggKind::TrMean)],
            Saddle => vec![AggSpec::new(AggKind::Median)];
            "agg", List { options: AggKind::OPTIONS, max: 16, prefix: Some(("nnm-", "NNM pre-aggregation (mix each message with its m − f nearest)")) },
            Control { group: Master, label: "aggregators to compare", show: |s| s.algos.iter().any(|a| a.uses_rule()), ..BASE };
        /// Pre-aggregation stages applied, in the order given, to the messages before every rule:
        /// static clipping, adaptive robust clipping (ARC), bucketing, nearest-neighbour mixing (NNM);
        /// `none` for none. A rule written `nnm-median` in `agg` adds NNM for that rule alone, after these.
        pre: Pipeline = Pipeline::default();
            "pre", Stages { options: PreKind::OPTIONS, max: 6 },
            Control { group: Master, label: "pre-aggregation (in this order)", show: |s| s.algos.iter().any(|a| a.uses_rule()), ..BASE };
        /// FLTrust's root set: the server's own clean examples (drawn uniformly from the training
        /// set, or from the honest model for linear regression and mean estimation) on which it
        /// computes the reference update every message is compared with. Cao et al. 2021 use 100.
        root: usize = 100;
            "root" [data], Int { lo: 1, hi: N_MAX },
            Control { group: Master, sym: "r", label: "FLTrust root set size", slider: Some((1.0, 500.0, 1.0)), show: |s| s.has_rule(AggKind::FlTrust), ..BASE };
        /// Whose definitions apply where the libraries differ (README, "Definitions the libraries
        /// disagree on"): the original papers, or ByzFL's code (Krum's m − f − 1 neighbours, the
        /// geometric median's `gm_it` Weiszfeld steps from 0 without a stopping rule, ALIE's μ + z·s
        /// with auto z = 1.5, sign flip sending −μ), so its numbers can be reproduced exactly.
        dialect: Dialect = Dialect::Paper;
            "dialect", Choice(Dialect::OPTIONS), Control { group: Master, label: "definitions of", ..BASE };
        /// The algorithms to compare: robust GD, the one-round algorithm, ByzantinePGD, perturbed GD, RSA.
        algos: Vec<AlgoKind> = vec![AlgoKind::Gd], Saddle => vec![AlgoKind::Bpgd];
            "algo", List { options: AlgoKind::OPTIONS, max: 5, prefix: None }, Control { group: Algorithm, label: "algorithms", ..BASE };
        /// Step size η (the a of a/√k under the η/√k schedule).
        eta: f64 = 0.5, Saddle => 0.2, CsvLs => 0.1;
            "eta", Num { lo: 0.0, hi: 100.0 }, Control { sym: "η", label: "step size", slider: Some((0.001, 2.0, 0.001)), ..BASE };
        /// Iterations T: parallel rounds of communication between the master and the workers.
        t: usize = 100, Saddle => 400;
            "T", Int { lo: 1, hi: T_MAX }, Control { sym: "T", label: "iterations", slider: Some((1.0, 2000.0, 1.0)), ..BASE };
        /// Worker momentum: every worker sends mᵢ ← β·mᵢ + (1 − β)·gᵢ in place of its gradient gᵢ
        /// (Karimireddy et al. 2021, Farhadkhani et al. 2022); 0 = plain gradients.
        mom: f64 = 0.0;
            "mom", Num { lo: 0.0, hi: 0.99 },
            Control { sym: "β", sub: "w", label: "worker momentum", slider: Some((0.0, 0.99, 0.01)), show: |s| s.algos.iter().any(|a| a.uses_rule()), ..BASE };
        /// Local steps K: every worker takes K local SGD steps from the master's model (a fresh
        /// mini-batch each) and sends the model difference over η, the sum of its K gradients, which
        /// the master aggregates and applies (FedAvg's server step); 1 = plain GD. Robust GD,
        /// ByzantinePGD and perturbed GD; RSA and the one-round algorithm keep their own updates.
        local: usize = 1;
            "local", Int { lo: 1, hi: 50 },
            Control { sym: "K", label: "local steps per round", slider: Some((1.0, 20.0, 1.0)), show: |s| s.algos.iter().any(|a| a.uses_rule()), ..BASE };
        /// Partial participation: each round the master hears ⌈part·m⌉ workers drawn uniformly without
        /// replacement, a Byzantine worker as likely as an honest one (client subsampling as in
        /// Allouah et al. 2024), and aggregates their messages only; 1 = every worker.
        part: f64 = 1.0;
            "part", Num { lo: 0.01, hi: 1.0 },
            Control { label: "fraction of workers heard per round", slider: Some((0.05, 1.0, 0.05)), show: |s| s.algos.iter().any(|a| a.uses_rule()), ..BASE };
        /// Step-size schedule: constant, or η/√k at iteration k.
        sched: Schedule = Schedule::Const;
            "sched", Choice(Schedule::OPTIONS), Control { label: "step schedule", ..BASE };
        /// Mini-batch per worker and iteration, drawn with replacement; 0 = all local data.
        batch: usize = 0, Cnn => 10;
            "batch", Int { lo: 0, hi: N_MAX },
            Control { label: "mini-batch per worker (0 = all)", slider: Some((0.0, 200.0, 1.0)), show: |s| s.problem.is_classification(), ..BASE };
        /// Radius of the ball W the iterate is projected on after every step; 0 = no projection.
        proj: f64 = 0.0;
            "proj", Num { lo: 0.0, hi: 1e6 }, Control { label: "projection radius (0 = none)", slider: Some((0.0, 20.0, 0.5)), ..BASE };
        /// ℓ2 regulariser f₀(w) = (l2/2)‖w‖², added to every aggregate.
        l2: f64 = 0.0;
            "l2", Num { lo: 0.0, hi: 100.0 },
            Control { label: "ℓ2 regulariser", slider: Some((0.0, 0.1, 0.001)), show: |s| s.problem.is_classification(), ..BASE };
        /// ℓ1 regulariser λ‖w‖₁ (its subgradient λ·sign(w), on every coordinate), added to every aggregate.
        l1: f64 = 0.0;
            "l1", Num { lo: 0.0, hi: 100.0 },
            Control { sym: "λ", sub: "1", label: "ℓ1 regulariser", slider: Some((0.0, 0.01, 0.0001)), show: |s| s.problem.is_classification(), ..BASE };
        /// ℓ∞ adversarial training (thesis (5.8)): every honest gradient is taken at the worst inputs in
        /// the ℓ∞ ball of radius ε around each example: each class pair's margin loses ε‖w_y − w_k‖₁
        /// (the linear classifiers' closed form; the CNN's: `pgd` steps of PGD); 0 = natural training.
        /// The training accuracy is measured under the same ε.
        adv: f64 = 0.0;
            "adv" [data], Num { lo: 0.0, hi: 10.0 },
            Control { sym: "ε", sub: "adv", label: "ℓ∞ adversarial training", slider: Some((0.0, 0.3, 0.005)),
                      show: |s| s.problem.is_linear_classifier() || s.problem == ProblemKind::Cnn, ..BASE };
        /// Data replication (thesis §2.6): each worker keeps a random 1/r of its n examples and repeats
        /// them r times, so n is unchanged and gradient diversity falls; 1 = none.
        rep: usize = 1;
            "rep" [data], Int { lo: 1, hi: 64 },
            Control { group: Data, sym: "r", label: "replication factor", slider: Some((1.0, 16.0, 1.0)), show: |s| s.problem.is_classification(), ..BASE };
        /// A neighbouring data set (thesis §2.6, stability): worker 0's first example is replaced by the
        /// last image of the shuffled training list (one no worker holds, unless every image is used).
        swap: bool = false;
            "swap" [data], Flag, Control { group: Data, label: "swap one training example", show: |s| s.problem.is_classification(), ..BASE };
        /// DropConnect (thesis §2.4): every honest example's gradient is masked coordinate by coordinate,
        /// each coordinate dropped with probability p (gᵢ = Dᵢ∇fᵢ, not rescaled), which raises
        /// gradient diversity (Theorem 2.7); 0 = off. The linear classifiers and the CNN.
        drop: f64 = 0.0;
            "drop" [data], Num { lo: 0.0, hi: 0.95 },
            Control { sym: "p", sub: "drop", label: "DropConnect", slider: Some((0.0, 0.9, 0.05)),
                      show: |s| s.problem.is_linear_classifier() || s.problem == ProblemKind::Cnn, ..BASE };
        /// Langevin noise (SGLD, thesis §2.4): every honest example's gradient gets its own ξᵢ ~ N(0, σ²I)
        /// (a mini-batch mean of b of them gets N(0, σ²/b·I), the same in distribution), which raises
        /// gradient diversity (Theorem 2.7); 0 = off. The linear classifiers only.
        sgld: f64 = 0.0;
            "sgld" [data], Num { lo: 0.0, hi: 10.0 },
            Control { sym: "σ", sub: "sgld", label: "Langevin noise", slider: Some((0.0, 0.5, 0.005)), show: |s| s.problem.is_linear_classifier(), ..BASE };
        /// Stochastic quantization (thesis §2.4): every honest example's gradient v is sent as Q(v),
        /// [Q(v)]ₗ = ‖v‖₂·sign(vₗ)·ηₗ with ηₗ ~ Bernoulli(|vₗ|/‖v‖₂), unbiased and more diverse
        /// (Theorem 2.7). The linear classifiers only.
        quant: bool = false;
            "quant" [data], Flag, Control { label: "quantized gradients", show: |s| s.problem.is_linear_classifier(), ..BASE };
        /// How the data are split over the workers: i.i.d.; heterogeneous (sorted by label, then cut into
        /// m shards: ByzFL's extreme_niid, so `extreme` reads as hetero); Dirichlet (each worker's label proportions ~ Dir(a·1), Hsu
        /// et al. 2019); γ-similarity (a fraction γ of each worker's examples i.i.d., the rest from the
        /// sorted shards: ByzFL's gamma_similarity_niid); quantity skew (i.i.d. examples, worker i
        /// holds a share qᵢ of the m·n, q ~ Dir(a·1_m): NIID-Bench, Li et al. 2022). For linear
        /// regression and mean estimation the label-skewed splits give worker i its own optimum
        /// w* + ζᵢ, E‖ζᵢ‖² = ζ². An uploaded table's regression target stands for the label (sorted
        /// by target; Dirichlet over its quintiles).
        split: Split = Split::Iid;
            "split" [data], Choice(Split::OPTIONS), Control { group: Data, label: "data split", show: |s| s.problem != ProblemKind::Saddle, ..BASE };
        /// Dirichlet concentration a of the Dirichlet split (small a, few labels per worker; large a,
        /// i.i.d.) and of quantity skew (small a, a few workers hold most of the data; large a, equal shares).
        dir_a: f64 = 0.5;
            "dir_a" [data], Num { lo: 0.01, hi: 1000.0 },
            Control { group: Data, sym: "a", label: "Dirichlet concentration", slider: Some((0.05, 10.0, 0.05)), show: |s| matches!(s.split, Split::Dirichlet | Split::Quantity), ..BASE };
        /// The i.i.d. fraction γ of the γ-similarity split (1 = i.i.d., 0 = sorted shards).
        gamma_sim: f64 = 0.5;
            "gamma" [data], Num { lo: 0.0, hi: 1.0 },
            Control { group: Data, sym: "γ", label: "similarity", slider: Some((0.0, 1.0, 0.05)), show: |s| s.split == Split::Gamma, ..BASE };
        /// Spread ζ of the workers' optima under a non-i.i.d. split (linear regression, mean estimation).
        zeta: f64 = 1.0;
            "zeta" [data], Num { lo: 0.0, hi: 100.0 },
            Control { group: Data, sym: "ζ", label: "spread of the workers' optima", slider: Some((0.0, 5.0, 0.05)),
                      show: |s| s.problem.has_optimum() && s.split.shifts_optima(), ..BASE };
        /// Feature distribution of linear regression.
        xdist: XDist = XDist::Pm1;
            "x" [data], Choice(XDist::OPTIONS), Control { group: Data, sym: "x", label: "features", show: |s| s.problem == ProblemKind::LinReg, ..BASE };
        /// Noise level σ: regression noise, and the sample noise of mean estimation and the saddle toy.
        sigma: f64 = 1.0;
            "sigma" [data], Num { lo: 0.0, hi: 100.0 },
            Control { group: Data, sym: "σ", label: "noise", slider: Some((0.0, 5.0, 0.05)), show: |s| !s.problem.needs_data(), ..BASE };
        /// Starting point (w₁, w₂) of the saddle toy.
        w0: [f64; 2] = [0.5, 0.0];
            "w0" [data], Pair { lo: -3.0, hi: 3.0 },
            Control { group: Data, sym: "w", sub: "0", label: "start (w₁,w₂)", show: |s| s.problem == ProblemKind::Saddle, ..BASE };
        /// Test-time distribution shift of the classification problems' test images.
        shift: ShiftKind = ShiftKind::None;
            "shift" [data], Choice(ShiftKind::OPTIONS), Control { group: Data, label: "test-time shift", show: |s| s.problem.is_classification(), ..BASE };
        /// Budget of the test-time shift: how far each test image moves, in the chosen norm.
        shift_eps: f64 = 0.3;
            "shift_eps" [data], Num { lo: 0.0, hi: 100.0 },
            Control { group: Data, sym: "ε", sub: "shift", label: "shift budget", slider: Some((0.0, 2.0, 0.05)),
                      show: |s| s.problem.is_classification() && s.shift != ShiftKind::None, ..BASE };
        /// Steps of the MLP's and the CNN's ℓ∞ attack, in the CNN's adversarial training and in the ℓ∞
        /// test shift: projected gradient ascent on the loss (PGD, Madry et al. 2018) from x, step
        /// 2.5ε/k, each step projected on the ball; 1 = one FGSM step x + ε·sign(∇ₓℓ). The linear
        /// classifiers use their exact worst case instead.
        pgd: usize = 1;
            "pgd" [data], Int { lo: 1, hi: 100 },
            Control { group: Data, label: "ℓ∞ attack steps (PGD; 1 = FGSM)", slider: Some((1.0, 20.0, 1.0)),
                      show: |s| matches!(s.problem, ProblemKind::Mlp | ProblemKind::Cnn) && (s.adv > 0.0 || s.shift == ShiftKind::Linf), ..BASE };
        /// Random seed of the data, the attack's randomness, the perturbations and the mini-batches.
        seed: u64 = 1;
            "seed" [data], Seed, Control { group: Run, label: "seed", ..BASE };
        /// Byzantine messages placed by hand (“be the adversary” in the master's view): from round
        /// `hand_t` on, Byzantine worker i sends μ + xᵢ·e₁ + yᵢ·e₂, μ the honest mean and (e₁, e₂) the
        /// plane the master's view draws (e₁ along μ, e₂ the honest messages' top principal direction
        /// orthogonal to it), so what one sees there is what the master gets; the workers past the
        /// list keep the attack's messages. `none`: the attack alone.
        hand: Vec<[f64; 2]> = Vec::new();
            "hand", Points { lo: -1e6, hi: 1e6, max: 200 },
            Control { group: Byzantine, label: "messages placed by hand (x,y per worker, in the master's plane)", show: |s| !s.hand.is_empty(), ..BASE };
        /// The first round whose Byzantine messages are the ones placed by hand (earlier rounds: the attack's).
        hand_t: usize = 0;
            "hand_t", Int { lo: 0, hi: T_MAX },
            Control { group: Byzantine, label: "placed by hand from round", show: |s| !s.hand.is_empty(), ..BASE };
    }

    /// The Byzantine workers' behaviour and its parameters.
    #[derive(Copy)]
    attack: pub struct AttackParams {
        /// What the Byzantine workers send (or how they poison their data).
        kind: AttackKind = AttackKind::SameValue, Saddle => AttackKind::Saddle, Mnist | Binary | Mlp | Cnn | Spambase | CsvClass => AttackKind::LabelFlip;
            "attack", Choice(AttackKind::OPTIONS), Control { group: Byzantine, label: "attack", ..BASE };
        /// Same-value attack: every Byzantine worker sends c·1.
        c: f64 = 100.0;
            "c", Num { lo: -1e6, hi: 1e6 },
            Control { group: Byzantine, sym: "c", label: "(sends c·1)", slider: Some((-200.0, 200.0, 1.0)), show: |s| s.attack.kind == AttackKind::SameValue, ..BASE };
        /// Sign-flip attack: every Byzantine worker sends σ·g, g its honest gradient.
        sf: f64 = -4.0;
            "sf", Num { lo: -1e4, hi: 1e4 },
            Control { group: Byzantine, sym: "σ", label: "(sends σ·g)", slider: Some((-20.0, 5.0, 0.5)), show: |s| s.attack.kind == AttackKind::SignFlip, ..BASE };
        /// Standard deviation of the Gaussian attack's messages N(0, std²·I).
        gstd: f64 = 100.0;
            "gstd", Num { lo: 0.0, hi: 1e6 },
            Control { group: Byzantine, label: "standard deviation", slider: Some((0.0, 500.0, 1.0)), show: |s| s.attack.kind == AttackKind::Gaussian, ..BASE };
        /// IPM attack: every Byzantine worker sends −ε·μ, μ the honest mean.
        ipm: f64 = 0.1;
            "ipm", Num { lo: -1e4, hi: 1e4 },
            Control { group: Byzantine, sym: "ε", label: "(sends −ε·μ)", slider: Some((0.0, 20.0, 0.05)), show: |s| s.attack.kind == AttackKind::Ipm, ..BASE };
        /// ALIE attack: every Byzantine worker sends μ − z·s; auto = z_max from m and ⌊αm⌋.
        z: Option<f64> = None;
            "z", Auto { lo: -100.0, hi: 100.0 },
            Control { group: Byzantine, sym: "z", label: "(μ − z·s; auto = z_max)", show: |s| s.attack.kind == AttackKind::Alie, ..BASE };
        /// Shift attack: every Byzantine worker sends μ + κ·s, s the honest coordinate-wise deviation.
        kappa: f64 = 10.0;
            "kappa", Num { lo: -1e4, hi: 1e4 },
            Control { group: Byzantine, sym: "κ", label: "(μ + κ·s)", slider: Some((0.0, 50.0, 0.5)), show: |s| s.attack.kind == AttackKind::Shift, ..BASE };
        /// The perturbation direction p of Min-Max and Min-Sum (they send μ − γp): the unit vector
        /// μ/‖μ‖, the honest coordinate-wise standard deviation, or sign(μ).
        dir: Direction = Direction::Unit;
            "dev", Choice(Direction::OPTIONS),
            Control { group: Byzantine, sym: "p", label: "(μ − γp)", show: |s| matches!(s.attack.kind, AttackKind::MinMax | AttackKind::MinSum), ..BASE };
        /// Δ of the oracle-level saddle attack: the escape component of ∇F is cut by Δ.
        delta: f64 = 0.05;
            "delta", Num { lo: 0.0, hi: 10.0 },
            Control { group: Byzantine, sym: "Δ", label: "oracle inexactness", slider: Some((0.0, 0.5, 0.005)), show: |s| s.attack.kind == AttackKind::Oracle, ..BASE };
    }

    /// Parameters of the aggregation rules (f = ⌊βm⌋ comes from β).
    #[derive(Copy)]
    agg: pub struct AggParams {
        /// Smoothing ν of the geometric median's Weiszfeld weights 1/max(ν, ‖z − xᵢ‖).
        gm_nu: f64 = 1e-6;
            "gm_nu", Num { lo: 0.0, hi: 1e3 }, Control { group: Master, sym: "ν", label: "geometric median smoothing", show: |s| s.has_rule(AggKind::GeoMed), ..BASE };
        /// Weiszfeld iterations of the geometric median.
        gm_it: usize = 100;
            "gm_it", Int { lo: 1, hi: 1000 },
            Control { group: Master, label: "geometric median: Weiszfeld iterations", slider: Some((1.0, 200.0, 1.0)), show: |s| s.has_rule(AggKind::GeoMed), ..BASE };
        /// Centered clipping radius τ.
        cc_tau: f64 = 10.0;
            "cc_tau", Num { lo: 0.0, hi: 1e6 },
            Control { group: Master, sym: "τ", label: "centered clipping radius", slider: Some((0.0, 100.0, 0.1)), show: |s| s.has_rule(AggKind::CClip), ..BASE };
        /// Centered clipping iterations L.
        cc_it: usize = 3;
            "cc_it", Int { lo: 1, hi: 100 },
            Control { group: Master, sym: "L", label: "centered clipping iterations", slider: Some((1.0, 20.0, 1.0)), show: |s| s.has_rule(AggKind::CClip), ..BASE };
        /// Centered clipping's variant: where each round starts (v₀) and what the clipped sum is
        /// divided by.
        cc_v0: CcCenter = CcCenter::Prev;
            "cc_v0", Choice(CcCenter::OPTIONS),
            Control { group: Master, sym: "v₀", label: "centered clipping starts at", show: |s| s.has_rule(AggKind::CClip), ..BASE };
        /// Bucketing's group size s: the messages are shuffled (a fresh permutation every round) and
        /// averaged in groups of s (the last group may be smaller).
        bucket_s: usize = 2;
            "bucket_s", Int { lo: 1, hi: M_MAX },
            Control { group: Master, sym: "s", label: "bucket size", slider: Some((1.0, 10.0, 1.0)), show: |s| s.pre.has(PreKind::Bucket), ..BASE };
        /// Static clipping's threshold c: every message x becomes x·min(1, c/‖x‖).
        clip_c: f64 = 2.0;
            "clip_c", Num { lo: 0.0, hi: 1e6 },
            Control { group: Master, sym: "c", label: "clipping threshold", slider: Some((0.0, 20.0, 0.1)), show: |s| s.pre.has(PreKind::Clip), ..BASE };
        /// Iterative filtering's σ; 0 = estimated from the messages.
        fsig: f64 = 0.0;
            "fsig", Num { lo: 0.0, hi: 1e6 },
            Control { group: Master, sym: "σ", label: "filtering scale (0 = estimated)", slider: Some((0.0, 10.0, 0.05)), show: |s| s.has_rule(AggKind::Filter), ..BASE };
        /// DnC's iterations niters: each draws its own coordinate subsample; the rule keeps the
        /// inputs every iteration kept.
        dnc_it: usize = 1;
            "dnc_it", Int { lo: 1, hi: 100 },
            Control { group: Master, label: "DnC iterations (niters)", slider: Some((1.0, 20.0, 1.0)), show: |s| s.has_rule(AggKind::Dnc), ..BASE };
        /// DnC's subsample dimension b: the coordinates drawn (without replacement, from the seeded
        /// stream, afresh every round and iteration); all of them when d ≤ b.
        dnc_b: usize = 10_000;
            "dnc_b", Int { lo: 1, hi: 1_000_000 },
            Control { group: Master, sym: "b", label: "DnC subsample dimension", slider: Some((1.0, 10_000.0, 1.0)), show: |s| s.has_rule(AggKind::Dnc), ..BASE };
        /// DnC's filtering fraction c: each iteration drops the ⌊c·f⌋ inputs of largest outlier score.
        dnc_c: f64 = 1.0;
            "dnc_c", Num { lo: 0.0, hi: 10.0 },
            Control { group: Master, sym: "c", label: "DnC filtering fraction", slider: Some((0.0, 3.0, 0.1)), show: |s| s.has_rule(AggKind::Dnc), ..BASE };
    }

    /// ByzantinePGD (Algorithm 3 of the thesis) and perturbed GD.
    #[derive(Copy)]
    bpgd: pub struct BpgdParams {
        /// ByzantinePGD's perturbation rounds Q before it declares a second-order stationary point.
        q_rounds: usize = 3;
            "Q", Int { lo: 1, hi: 50 },
            Control { sym: "Q", label: "perturbation rounds", slider: Some((1.0, 10.0, 1.0)), show: |s| s.algos.contains(&AlgoKind::Bpgd), ..BASE };
        /// Radius r of the uniform perturbation ball.
        r: f64 = 0.25, Saddle => 0.1;
            "r", Num { lo: 0.0, hi: 10.0 },
            Control { sym: "r", label: "perturbation radius", slider: Some((0.0, 1.0, 0.01)), show: |s| s.algos.iter().any(|a| a.perturbs()), ..BASE };
        /// Escape radius R: an escape round that moves at least R counts as an escape.
        big_r: f64 = 0.6;
            "R", Num { lo: 0.0, hi: 100.0 },
            Control { sym: "R", label: "escape radius", slider: Some((0.05, 2.0, 0.05)), show: |s| s.algos.contains(&AlgoKind::Bpgd), ..BASE };
        /// Steps T_th of an escape round (perturbed GD: iterations between perturbations).
        tth: usize = 40, Saddle => 50;
            "tth", Int { lo: 1, hi: 10_000 },
            Control { sym: "T", sub: "th", label: "escape steps", slider: Some((1.0, 200.0, 1.0)), show: |s| s.algos.iter().any(|a| a.perturbs()), ..BASE };
        /// Gradient threshold ε: a perturbation starts when the aggregate's norm is at most ε.
        eps: f64 = 0.15;
            "eps", Num { lo: 0.0, hi: 100.0 },
            Control { sym: "ε", label: "gradient threshold", slider: Some((0.0, 1.0, 0.01)), show: |s| s.algos.iter().any(|a| a.perturbs()), ..BASE };
    }

    /// RSA (Li et al. 2019).
    #[derive(Copy)]
    rsa: pub struct RsaParams {
        /// RSA's penalty λ on the distance between the master's and each worker's model.
        lam: f64 = 0.07;
            "lam", Num { lo: 0.0, hi: 1e4 },
            Control { sym: "λ", label: "RSA penalty", slider: Some((0.0, 5.0, 0.01)), show: |s| s.algos.contains(&AlgoKind::Rsa), ..BASE };
        /// The norm of RSA's penalty.
        norm: RsaNorm = RsaNorm::L1;
            "norm", Choice(RsaNorm::OPTIONS), Control { label: "RSA norm", show: |s| s.algos.contains(&AlgoKind::Rsa), ..BASE };
    }

    /// Wasserstein distributionally robust training of the honest workers (the NBS paper).
    #[derive(Copy)]
    dro: pub struct DroParams {
        /// Wasserstein DRO on the honest workers: each gradient is taken at an adversarially moved input.
        on: bool = false;
            "dro", Flag, Control { label: "Wasserstein DRO on honest workers", show: |s| s.problem.is_classification(), ..BASE };
        /// DRO penalty λ of the inner problem max_z CE(z) − λ‖z − x‖².
        lambda: f64 = 3.0;
            "dlam", Num { lo: 1e-3, hi: 1e4 },
            Control { sym: "λ", sub: "DRO", label: "DRO penalty", slider: Some((0.1, 20.0, 0.1)), show: |s| s.problem.is_classification() && s.dro.on, ..BASE };
        /// Step η_z of DRO's inner gradient ascent.
        eta_z: f64 = 0.05;
            "eta_z", Num { lo: 0.0, hi: 10.0 },
            Control { sym: "η", sub: "z", label: "inner step", slider: Some((0.0, 0.5, 0.01)), show: |s| s.problem.is_classification() && s.dro.on, ..BASE };
        /// Steps T_z of DRO's inner gradient ascent.
        steps: usize = 10;
            "tz", Int { lo: 0, hi: 1000 },
            Control { sym: "T", sub: "z", label: "inner steps", slider: Some((0.0, 50.0, 1.0)), show: |s| s.problem.is_classification() && s.dro.on, ..BASE };
    }
}
