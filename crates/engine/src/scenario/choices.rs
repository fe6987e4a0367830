//! The closed sets of named choices a scenario is made of (problems, attacks, rules, algorithms, …),
//! each named once with its query spelling and its human label, and the curves a scenario compares.

/// Defines a closed set of named choices with their query spelling and a human label.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $key:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// (query spelling, label) of every choice, in menu order.
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($key, $label)),+];
            /// The spelling used in query strings.
            pub fn key(self) -> &'static str { Self::OPTIONS[self as usize].0 }
            /// A short human label for menus and legends.
            pub fn label(self) -> &'static str { Self::OPTIONS[self as usize].1 }
            pub fn from_key(s: &str) -> Option<Self> {
                Self::OPTIONS.iter().position(|o| o.0 == s).map(|i| Self::ALL[i])
            }
        }
        impl $crate::scenario::param::Choice for $name {
            const OPTIONS: &'static [(&'static str, &'static str)] = $name::OPTIONS;
            fn key(&self) -> String { $name::key(*self).to_string() }
            fn from_key(s: &str) -> Option<Self> { $name::from_key(s) }
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
        /// Two convolution + max-pooling layers and a dense layer (see `problem::cnn`).
        Cnn = "cnn": "MNIST CNN (2 conv layers)",
        /// Logistic regression on UCI Spambase's 57 standardised features (the NBS paper's task).
        Spambase = "spambase": "Spambase logistic (57 features)",
        /// Least squares on an uploaded CSV table (see `crate::csv` and `problem::lsq`).
        CsvLs = "csv-ls": "your CSV: least squares",
        /// Softmax (logistic) regression on an uploaded CSV table's label.
        CsvClass = "csv-class": "your CSV: classification",
    }
);

named_enum!(
    /// A training algorithm. A scenario may compare several (`algo=gd,rsa`).
    AlgoKind {
        Gd = "gd": "robust GD",
        OneRound = "oneround": "one-round median",
        Bpgd = "bpgd": "ByzantinePGD",
        Pgd = "pgd": "perturbed GD",
        /// RSA (Li et al. 2019): the master does not aggregate gradients, it penalises its distance
        /// to every worker's model.
        Rsa = "rsa": "RSA",
    }
);

named_enum!(
    /// Aggregation rules of the master.
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
        /// Minimum-diameter averaging: the mean of the m − f inputs of smallest diameter.
        Mda = "mda": "MDA (minimum diameter)",
        /// Mean around nearest neighbours of a trusted pivot (the last worker, honest by construction).
        Monna = "monna": "MoNNA",
        /// Covariance-bound agnostic filter.
        Caf = "caf": "CAF (covariance filter)",
        /// Divide-and-Conquer (Shejwalkar & Houmansadr 2021): drops the ⌊c·f⌋ inputs of largest
        /// projection on the top singular direction of a random coordinate subsample.
        Dnc = "dnc": "DnC (divide and conquer)",
        /// SignGuard (Xu et al. 2022): a median-relative norm filter and the larger cluster of sign
        /// statistics, clipped to the median norm and averaged.
        SignGuard = "signguard": "SignGuard",
        /// FLTrust (Cao et al. 2021): each message weighted by the ReLU of its cosine with the
        /// server's update on its own root set, rescaled to that update's norm.
        FlTrust = "fltrust": "FLTrust (root set)",
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
        /// ALIE with its factor z chosen by ByzFL's line search against the master's rule.
        AlieOpt = "alie-opt": "ALIE (optimal factor)",
        /// IPM with its factor ε chosen by ByzFL's line search against the master's rule.
        IpmOpt = "ipm-opt": "IPM (optimal factor)",
        /// Min-Max (Shejwalkar & Houmansadr 2021): μ − γp, γ as large as keeps the message's largest
        /// distance to an honest one within the honest messages' diameter.
        MinMax = "minmax": "Min-Max",
        /// Min-Sum (Shejwalkar & Houmansadr 2021): μ − γp, γ as large as keeps the message's summed
        /// squared distance to the honest ones within the largest such sum of an honest message.
        MinSum = "minsum": "Min-Sum",
        Mimic = "mimic": "mimic",
        Aggressive = "aggressive": "aggressive (−10g)",
        Intelligent = "intelligent": "intelligent (0.8‖g‖h)",
        Shift = "shift": "worst-case shift",
        Counter = "counter": "NBS counterexample",
        Saddle = "saddle": "saddle point attack",
        Oracle = "oracle": "saddle attack (Δ-oracle)",
        /// Fang et al. (USENIX Security 2020), full knowledge: against the median and the trimmed
        /// mean, values beyond the honest extremes opposite to sign(μ); against any other rule
        /// (Krum's variant) −λ·sign(μ), λ halved from the paper's bound until Krum selects it.
        Fang = "fang": "Fang et al. (local model poisoning)",
    }
);

named_enum!(
    /// A pre-aggregation stage (`pre=`), applied to the messages before the rule, in the order given.
    PreKind {
        /// Static ℓ2 clipping: xᵢ·min(1, c/‖xᵢ‖).
        Clip = "clip": "static clipping",
        /// Adaptive robust clipping: the k = ⌊2(f/m)(m − f)⌋ largest inputs clipped to the norm of the next.
        Arc = "arc": "adaptive robust clipping (ARC)",
        /// Bucketing: a random permutation, then the means of consecutive groups of s.
        Bucket = "bucket": "bucketing",
        /// Nearest-neighbour mixing: each input becomes the mean of its m − f nearest.
        Nnm = "nnm": "nearest-neighbour mixing (NNM)",
    }
);

named_enum!(
    /// Whose definitions the rules and attacks follow where the libraries disagree (the README's
    /// table): the original papers, or ByzFL's code.
    Dialect {
        Paper = "paper": "the papers",
        /// ByzFL 0.0.11: Krum's m − f − 1 neighbours, the geometric median's fixed Weiszfeld steps
        /// from 0, MDA's ties by position, ALIE's μ + z·s (auto: z = 1.5), sign flip's −μ.
        Byzfl = "byzfl": "ByzFL's code",
    }
);

named_enum!(
    /// The perturbation direction p of the Min-Max and Min-Sum attacks (μ − γp).
    Direction {
        /// p = μ/‖μ‖.
        Unit = "unit": "unit vector μ/‖μ‖",
        /// p = the honest coordinate-wise standard deviation.
        Std = "std": "standard deviation",
        /// p = sign(μ).
        Sign = "sign": "sign of μ",
    }
);

named_enum!(
    /// Where centered clipping starts each round (v₀) and what it divides the clipped sum by: the
    /// variants its sources define.
    CcCenter {
        /// v₀ = the previous round's aggregate, 0 in the first (Karimireddy, He & Jaggi 2021,
        /// Algorithm 2; ByzFL `CenteredClipping`, FLPoison, Blades, epfml `Clipping`).
        Prev = "prev": "previous aggregate",
        /// v₀ = 0 every round: clipping without history (ByzFL's `CenteredClipping` called
        /// afresh each round, its documentation's example; the paper's point is that this forgets).
        Zero = "zero": "0 (no history)",
        /// The previous aggregate, the clipped sum divided by all m workers, those not heard
        /// this round contributing 0 (epfml and Blades `_AsyncCenteredClipping`); the same as
        /// `prev` when the master hears every worker.
        Async = "async": "previous, over all m (async)",
    }
);

named_enum!(
    /// How the data are split across workers.
    Split {
        Iid = "iid": "i.i.d.",
        /// Sorted by label (ByzFL's `extreme_niid`); for linear regression and mean estimation every
        /// worker's own optimum.
        Hetero = "hetero": "heterogeneous",
        /// Each worker's label proportions ~ Dir(a·1) (Hsu et al. 2019).
        Dirichlet = "dirichlet": "Dirichlet label skew",
        /// γ-similarity (ByzFL's `gamma_similarity_niid`): a fraction γ i.i.d., the rest sorted by label.
        Gamma = "gamma": "γ-similarity",
        /// Quantity skew (Li et al. 2022, NIID-Bench): i.i.d. examples, worker i holds a share
        /// qᵢ of the m·n, q ~ Dir(a·1_m) ([`crate::problem::worker_sizes`]).
        Quantity = "quantity": "quantity skew",
    }
);

impl Split {
    /// Whether the split gives each worker of linear regression and mean estimation its own
    /// optimum w* + ζᵢ (the label-skewed splits; quantity skew changes only how much data each holds).
    pub fn shifts_optima(self) -> bool {
        matches!(self, Split::Hetero | Split::Dirichlet | Split::Gamma)
    }
}

named_enum!(
    /// The data files the classification problems are built from (see `crate::data`). The `data`
    /// key chooses between MNIST's two ([`DataSource::MNIST`]); the Spambase problem implies the third.
    DataSource {
        Subset = "5k": "5000-digit subset",
        Full = "full": "full MNIST (70 000)",
        Spambase = "spambase": "UCI Spambase (4601 e-mails)",
        /// The reader's own CSV table: never fetched, it comes from the page's file picker.
        Upload = "csv": "your CSV",
    }
);

impl DataSource {
    /// The MNIST sets, the options of the `data` key.
    pub const MNIST: &'static [(&'static str, &'static str)] = DataSource::OPTIONS.split_at(2).0;
}

named_enum!(
    /// Feature distribution of the linear-regression problem.
    XDist {
        Pm1 = "pm1": "uniform on {±1}ᵈ",
        Gauss = "gauss": "Gaussian N(0, I)",
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
        /// Every coordinate moves by ε: for the linear classifiers the exact worst case (each class
        /// pair's margin loses ε‖w_y − w_k‖₁, thesis Theorem 5.4), for the MLP and the CNN one
        /// signed-gradient step (FGSM).
        Linf = "linf": "ℓ∞ shift",
    }
);

named_enum!(
    /// The resolution of the MNIST images the linear classifiers see (thesis §5.6): both resamplings
    /// keep every image's ℓ2 norm.
    Pixels {
        /// Each 2 × 2 patch (a, b, c, d) becomes one pixel √(a² + b² + c² + d²).
        Down = "196": "14 × 14 (d = 196)",
        Orig = "784": "28 × 28 (d = 784)",
        /// Each pixel a becomes a 2 × 2 patch of a/2.
        Up = "3136": "56 × 56 (d = 3136)",
    }
);

impl Pixels {
    /// Features per image.
    pub fn features(self) -> usize {
        match self {
            Pixels::Down => 196,
            Pixels::Orig => 784,
            Pixels::Up => 3136,
        }
    }
}

impl AttackKind {
    /// Attacks that poison the Byzantine workers' training data instead of their messages.
    pub fn is_data_poisoning(self) -> bool {
        matches!(self, AttackKind::LabelFlip | AttackKind::RandLabel)
    }
}

impl ProblemKind {
    pub fn is_classification(self) -> bool {
        matches!(
            self,
            ProblemKind::Mnist | ProblemKind::Binary | ProblemKind::Mlp | ProblemKind::Cnn | ProblemKind::Spambase | ProblemKind::CsvClass
        )
    }
    /// The classes of a classification problem: two (odd/even, spam/non-spam) or the ten digits;
    /// 0 for an uploaded table's label (its file says how many).
    pub fn classes(self) -> usize {
        match self {
            ProblemKind::Binary | ProblemKind::Spambase => 2,
            ProblemKind::CsvClass => 0,
            _ => 10,
        }
    }
    /// The problems of an uploaded CSV table.
    pub fn uses_upload(self) -> bool {
        matches!(self, ProblemKind::CsvLs | ProblemKind::CsvClass)
    }
    /// The linear classifiers (softmax and logistic regression): the ones with closed-form ℓ∞
    /// adversarial examples (thesis ch. 5).
    pub fn is_linear_classifier(self) -> bool {
        matches!(self, ProblemKind::Mnist | ProblemKind::Binary | ProblemKind::Spambase)
    }
    /// Whether the problem learns from MNIST images (which set: the `data` key).
    pub fn uses_mnist(self) -> bool {
        self.is_classification() && !matches!(self, ProblemKind::Spambase | ProblemKind::CsvClass)
    }
    /// Whether the problem needs a data file (which one: [`Scenario::data_source`]).
    pub fn needs_data(self) -> bool {
        self.is_classification() || self.uses_upload()
    }
    /// Whether the population optimum is known (linear regression and mean estimation).
    pub fn has_optimum(self) -> bool {
        matches!(self, ProblemKind::LinReg | ProblemKind::Mean)
    }
}

impl AlgoKind {
    /// Whether the master aggregates the workers' messages with a rule (every algorithm but RSA).
    pub fn uses_rule(self) -> bool {
        self != AlgoKind::Rsa
    }
    /// Whether the algorithm adds perturbations (and so uses r, T_th and ε).
    pub fn perturbs(self) -> bool {
        matches!(self, AlgoKind::Bpgd | AlgoKind::Pgd)
    }
}

/// The pre-aggregation pipeline of `pre=`: its stages in order (empty: none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pipeline(pub Vec<PreKind>);

impl Pipeline {
    pub fn has(&self, k: PreKind) -> bool {
        self.0.contains(&k)
    }
    /// A label, e.g. "clip → NNM".
    pub fn label(&self) -> String {
        self.0.iter().map(|k| k.key()).collect::<Vec<_>>().join(" → ")
    }
}

/// One aggregation rule, optionally preceded by nearest-neighbour mixing (NNM): `median` or
/// `nnm-median` in a query.
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
            Some(rest) => AggKind::from_key(rest).map(|kind| AggSpec { kind, nnm: true }),
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

impl super::param::Choice for AggSpec {
    const OPTIONS: &'static [(&'static str, &'static str)] = AggKind::OPTIONS;
    fn key(&self) -> String {
        AggSpec::key(self)
    }
    fn from_key(s: &str) -> Option<Self> {
        AggSpec::from_key(s)
    }
}

/// One curve of a scenario: an algorithm and, for the algorithms that aggregate, the master's rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Curve {
    pub algo: AlgoKind,
    /// None for RSA, which does not aggregate.
    pub rule: Option<AggSpec>,
}

impl Curve {
    pub const fn gd(rule: AggSpec) -> Curve {
        Curve { algo: AlgoKind::Gd, rule: Some(rule) }
    }
    /// The rule the curve aggregates with, or the mean where it has none (RSA): what an attack
    /// that queries the master's rule (the saddle point attack) sees.
    pub fn rule_or_mean(&self) -> AggSpec {
        self.rule.unwrap_or(AggSpec::new(AggKind::Mean))
    }
    /// A stable name for CSV files: the rule's key under robust GD (`median`), the algorithm's
    /// where there is no rule (`rsa`), else both (`bpgd:median`).
    pub fn key(&self) -> String {
        match self.rule {
            None => self.algo.key().to_string(),
            Some(r) if self.algo == AlgoKind::Gd => r.key(),
            Some(r) => format!("{}:{}", self.algo.key(), r.key()),
        }
    }
    /// A legend label; `with_algo` names the algorithm too (when a scenario compares several).
    pub fn label(&self, with_algo: bool) -> String {
        match self.rule {
            None => self.algo.label().to_string(),
            Some(r) if with_algo => format!("{} · {}", self.algo.label(), r.label()),
            Some(r) => r.label(),
        }
    }
}
