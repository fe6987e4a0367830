//! What a parameter is: its query key, the values it accepts (its [`Domain`]), its control in the
//! app ([`Control`]) and typed access to its field. Every parameter is declared once, in
//! `table.rs`, by [`scenario_table!`], which writes the [`super::Scenario`] struct, its sub-structs,
//! its per-problem defaults and the [`super::PARAMS`] list from those declarations; everything else
//! (parsing, the query string, `byzlab-cli keys`, the app's controls, sweep axes, the problem cache's
//! key) reads that list.

use super::{fmt_f64, shorten, Scenario};

/// The values a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    /// A whole number in [lo, hi] (non-integers are rounded, out-of-range values clamped).
    Int { lo: usize, hi: usize },
    /// A finite number in [lo, hi] (clamped).
    Num { lo: f64, hi: f64 },
    /// Any whole number ≥ 0 that fits in 64 bits (seeds).
    Seed,
    /// 0 or 1 (also `true`/`false`, `on`/`off`).
    Flag,
    /// One of the named options: (query spelling, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A comma list of at most `max` distinct options, at least one. Items may carry `prefix`
    /// (`nnm-median`), described by its label.
    List { options: &'static [(&'static str, &'static str)], max: usize, prefix: Option<(&'static str, &'static str)> },
    /// An ordered comma list of at most `max` options, repeats allowed, or `none`: stages applied in
    /// the order given.
    Stages { options: &'static [(&'static str, &'static str)], max: usize },
    /// Two numbers `a,b`, each in [lo, hi].
    Pair { lo: f64, hi: f64 },
    /// A number in [lo, hi], or `auto`.
    Auto { lo: f64, hi: f64 },
    /// A flat comma list of at most `max` points `x1,y1,x2,y2,…`, every number in [lo, hi];
    /// `none` for none.
    Points { lo: f64, hi: f64, max: usize },
}

impl Domain {
    /// The options of a choice or list domain.
    pub fn options(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Domain::Choice(o) | Domain::List { options: o, .. } | Domain::Stages { options: o, .. } => o,
            _ => &[],
        }
    }
    /// A sentence for `byzlab-cli keys`.
    pub fn describe(&self) -> String {
        let keys = |o: &[(&str, &str)]| o.iter().map(|o| o.0).collect::<Vec<_>>().join(" | ");
        match *self {
            Domain::Int { lo, hi } => format!("whole number {lo}–{hi}"),
            Domain::Num { lo, hi } => format!("number in [{}, {}]", fmt_f64(lo), fmt_f64(hi)),
            Domain::Seed => "whole number ≥ 0".into(),
            Domain::Flag => "0 | 1".into(),
            Domain::Choice(o) => keys(o),
            Domain::List { options, .. } => format!("comma list of {}", keys(options)),
            Domain::Stages { options, max } => format!("none, or an ordered comma list (at most {max}) of {}", keys(options)),
            Domain::Pair { lo, hi } => format!("a,b in [{}, {}]", fmt_f64(lo), fmt_f64(hi)),
            Domain::Auto { lo, hi } => format!("auto | number in [{}, {}]", fmt_f64(lo), fmt_f64(hi)),
            Domain::Points { lo, hi, max } => {
                format!("x1,y1,x2,y2,… (at most {max} points) in [{}, {}], or none", fmt_f64(lo), fmt_f64(hi))
            }
        }
    }
}

/// Which fieldset of the app's controls a parameter belongs to, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Data,
    Byzantine,
    Master,
    Algorithm,
    Run,
}

impl Group {
    pub const ALL: [Group; 5] = [Group::Data, Group::Byzantine, Group::Master, Group::Algorithm, Group::Run];
    /// A name for the page's styles.
    pub fn key(self) -> &'static str {
        match self {
            Group::Data => "data",
            Group::Byzantine => "byzantine",
            Group::Master => "master",
            Group::Algorithm => "algorithm",
            Group::Run => "run",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Group::Data => "Problem and data",
            Group::Byzantine => "Byzantine workers",
            Group::Master => "Master's aggregation",
            Group::Algorithm => "Algorithm",
            Group::Run => "Run",
        }
    }
}

/// How a parameter appears among the app's controls. The widget follows from the domain: a slider
/// where `slider` is set, a menu for a choice, check boxes for a list, a check box for a flag,
/// a text field otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Control {
    pub group: Group,
    /// The paper's symbol, set in italics (`α`), or "" for none.
    pub sym: &'static str,
    /// A subscript to the symbol (`th` in T_th), or "".
    pub sub: &'static str,
    /// What it is, in words.
    pub label: &'static str,
    /// Slider range and step (the query accepts the wider domain).
    pub slider: Option<(f64, f64, f64)>,
    /// Whether the control is shown for this scenario.
    pub show: fn(&Scenario) -> bool,
    /// A line under the control, e.g. "⌊αm⌋ = 4 of 40 workers".
    pub note: Option<fn(&Scenario) -> String>,
}

fn always(_: &Scenario) -> bool {
    true
}

impl Control {
    /// The defaults that entries of the table override.
    pub const BASE: Control = Control { group: Group::Algorithm, sym: "", sub: "", label: "", slider: None, show: always, note: None };
}

/// One parameter. See the module documentation.
pub struct Param {
    /// The query key (`alpha`), also the control's element id (`ctl-alpha`).
    pub key: &'static str,
    /// The field's documentation (see [`Param::help`]).
    pub doc: &'static str,
    pub domain: Domain,
    pub control: Control,
    /// Whether the parameter defines the problem's data (so two scenarios that agree on every
    /// data parameter share one built problem).
    pub data: bool,
    /// The field this parameter is, in a scenario.
    pub(super) field: fn(&Scenario) -> &dyn Field,
    pub(super) field_mut: fn(&mut Scenario) -> &mut dyn Field,
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Param({})", self.key)
    }
}

impl PartialEq for Param {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Param {
    /// One or two sentences: the field's documentation, shown as the control's tooltip and by
    /// `byzlab-cli keys`.
    pub fn help(&self) -> String {
        self.doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }
    /// The canonical query value of this parameter in `s`.
    pub fn get(&self, s: &Scenario) -> String {
        (self.field)(s).format()
    }
    /// Sets the parameter from a query value. `Ok(None)`: taken as is; `Ok(Some(why))`: taken after
    /// a repair (clamped); `Err(why)`: rejected, the old value kept.
    pub fn set(&self, s: &mut Scenario, value: &str) -> Result<Option<String>, String> {
        let kept = self.get(s);
        (self.field_mut)(s).parse_into(value, &self.domain).map_err(|why| format!("{why}; kept {}", shorten(&kept)))
    }
    /// The value as a number, for numeric parameters.
    pub fn num(&self, s: &Scenario) -> Option<f64> {
        (self.field)(s).to_f64()
    }
    /// Sets a numeric parameter (clamped to its domain); false if it is not numeric.
    pub fn set_num(&self, s: &mut Scenario, x: f64) -> bool {
        (self.field_mut)(s).set_f64(x, &self.domain)
    }
    /// Copies this parameter's value from one scenario to another (through its canonical query
    /// value, which reads back exactly).
    pub fn copy(&self, from: &Scenario, to: &mut Scenario) {
        let _ = (self.field_mut)(to).parse_into(&self.get(from), &self.domain);
    }
    pub fn is_numeric(&self) -> bool {
        matches!(self.domain, Domain::Int { .. } | Domain::Num { .. })
    }
    /// The options this scenario allows (for choice and list parameters): those that survive
    /// [`Scenario::sanitize`], so the menus offer exactly what can run.
    pub fn allowed(&self, s: &Scenario) -> Vec<(&'static str, &'static str)> {
        let fits = |key: &str| {
            let mut t = s.clone();
            if (self.field_mut)(&mut t).parse_into(key, &self.domain).is_err() {
                return false;
            }
            let want = t.clone();
            t.sanitize();
            self.get(&t) == self.get(&want)
        };
        self.domain.options().iter().copied().filter(|o| fits(o.0)).collect()
    }
}

/// A value a parameter can hold, with its query form.
pub trait Value: Clone + PartialEq + Sized {
    /// Parses a query value: `Ok((v, None))` exactly, `Ok((v, Some(why)))` after a repair,
    /// `Err(why)` if it cannot be read.
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String>;
    fn format(&self) -> String;
    fn to_f64(&self) -> Option<f64> {
        None
    }
    fn from_f64(_x: f64, _dom: &Domain) -> Option<Self> {
        None
    }
}

/// A field of any [`Value`] type, as the parameter list sees it (one implementation per type, so
/// that each parameter adds two field accessors and nothing else to the code).
pub trait Field {
    fn format(&self) -> String;
    /// Parses `s` into the field; see [`Param::set`].
    fn parse_into(&mut self, s: &str, dom: &Domain) -> Result<Option<String>, String>;
    fn to_f64(&self) -> Option<f64>;
    fn set_f64(&mut self, x: f64, dom: &Domain) -> bool;
}

impl<T: Value> Field for T {
    fn format(&self) -> String {
        Value::format(self)
    }
    fn parse_into(&mut self, s: &str, dom: &Domain) -> Result<Option<String>, String> {
        let (v, note) = T::parse(s, dom)?;
        *self = v;
        Ok(note)
    }
    fn to_f64(&self) -> Option<f64> {
        Value::to_f64(self)
    }
    fn set_f64(&mut self, x: f64, dom: &Domain) -> bool {
        match T::from_f64(x, dom) {
            Some(v) => {
                *self = v;
                true
            }
            None => false,
        }
    }
}

/// A named option (the enums of `choices.rs`).
pub trait Choice: Copy + PartialEq {
    const OPTIONS: &'static [(&'static str, &'static str)];
    fn key(&self) -> String;
    fn from_key(s: &str) -> Option<Self>;
}

/// Parses a finite number; rejects NaN and infinities.
pub fn parse_f64(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.len() > 64 {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn clamp_note(raw: &str, lo: f64, hi: f64, c: f64) -> String {
    format!("{} is outside [{}, {}]; clamped to {}", shorten(raw), fmt_f64(lo), fmt_f64(hi), fmt_f64(c))
}

fn number(s: &str, lo: f64, hi: f64) -> Result<(f64, Option<String>), String> {
    let x = parse_f64(s).ok_or_else(|| format!("“{}” is not a number", shorten(s)))?;
    let c = x.clamp(lo, hi);
    Ok((c, (c != x).then(|| clamp_note(s, lo, hi, c))))
}

fn domain_error(dom: &Domain) -> String {
    format!("internal: a value of this type cannot have domain {dom:?}")
}

impl Value for f64 {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match *dom {
            Domain::Num { lo, hi } => number(s, lo, hi),
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        fmt_f64(*self)
    }
    fn to_f64(&self) -> Option<f64> {
        Some(*self)
    }
    fn from_f64(x: f64, dom: &Domain) -> Option<Self> {
        match *dom {
            Domain::Num { lo, hi } if x.is_finite() => Some(x.clamp(lo, hi)),
            _ => None,
        }
    }
}

impl Value for usize {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match *dom {
            Domain::Int { lo, hi } => {
                let (x, note) = number(s, lo as f64, hi as f64)?;
                Ok((x.round() as usize, note))
            }
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        self.to_string()
    }
    fn to_f64(&self) -> Option<f64> {
        Some(*self as f64)
    }
    fn from_f64(x: f64, dom: &Domain) -> Option<Self> {
        match *dom {
            Domain::Int { lo, hi } if x.is_finite() => Some(x.clamp(lo as f64, hi as f64).round() as usize),
            _ => None,
        }
    }
}

impl Value for u64 {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match dom {
            Domain::Seed => s.parse::<u64>().map(|v| (v, None)).map_err(|_| format!("“{}” is not a whole number ≥ 0", shorten(s))),
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        self.to_string()
    }
}

impl Value for bool {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match (dom, s) {
            (Domain::Flag, "1" | "true" | "on") => Ok((true, None)),
            (Domain::Flag, "0" | "false" | "off") => Ok((false, None)),
            (Domain::Flag, _) => Err(format!("“{}” is not 0 or 1", shorten(s))),
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        (*self as u8).to_string()
    }
}

impl Value for Option<f64> {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match *dom {
            Domain::Auto { .. } if s == "auto" => Ok((None, None)),
            Domain::Auto { lo, hi } => number(s, lo, hi).map(|(x, n)| (Some(x), n)),
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        self.map_or("auto".into(), fmt_f64)
    }
}

impl Value for [f64; 2] {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        let Domain::Pair { lo, hi } = *dom else { return Err(domain_error(dom)) };
        let parts: Vec<Option<f64>> = s.split(',').map(parse_f64).collect();
        match parts.as_slice() {
            [Some(a), Some(b)] => {
                let v = [a.clamp(lo, hi), b.clamp(lo, hi)];
                let note = (v != [*a, *b]).then(|| format!("{} is outside [{}, {}]²; clamped", shorten(s), fmt_f64(lo), fmt_f64(hi)));
                Ok((v, note))
            }
            _ => Err(format!("“{}” is not two numbers a,b", shorten(s))),
        }
    }
    fn format(&self) -> String {
        format!("{},{}", fmt_f64(self[0]), fmt_f64(self[1]))
    }
}

impl Value for Vec<[f64; 2]> {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        let Domain::Points { lo, hi, max } = *dom else { return Err(domain_error(dom)) };
        if s == "none" {
            return Ok((Vec::new(), None));
        }
        let nums: Vec<Option<f64>> = s.split(',').take(2 * max + 1).map(parse_f64).collect();
        if nums.len() % 2 == 1 || nums.iter().any(Option::is_none) {
            return Err(format!("“{}” is not a list of points x1,y1,x2,y2,…", shorten(s)));
        }
        let raw: Vec<f64> = nums.into_iter().flatten().collect();
        let v: Vec<[f64; 2]> = raw.chunks(2).map(|c| [c[0].clamp(lo, hi), c[1].clamp(lo, hi)]).collect();
        let note = (v.iter().flatten().ne(raw.iter())).then(|| format!("a point outside [{}, {}]² was clamped", fmt_f64(lo), fmt_f64(hi)));
        Ok((v, note))
    }
    fn format(&self) -> String {
        if self.is_empty() {
            return "none".into();
        }
        self.iter().flat_map(|p| [fmt_f64(p[0]), fmt_f64(p[1])]).collect::<Vec<_>>().join(",")
    }
}

impl<T: Choice> Value for T {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        match dom {
            Domain::Choice(o) => T::from_key(s)
                .filter(|_| o.iter().any(|o| o.0 == s))
                .map(|v| (v, None))
                .ok_or_else(|| format!("unknown value “{}”", shorten(s))),
            _ => Err(domain_error(dom)),
        }
    }
    fn format(&self) -> String {
        self.key()
    }
}

impl<T: Choice> Value for Vec<T> {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        let Domain::List { max, .. } = *dom else { return Err(domain_error(dom)) };
        let mut out: Vec<T> = Vec::new();
        let mut bad = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()).take(max) {
            match T::from_key(part) {
                Some(a) if !out.contains(&a) => out.push(a),
                Some(_) => {}
                None => bad.push(shorten(part)),
            }
        }
        if out.is_empty() {
            return Err(format!("nothing known in “{}”", shorten(s)));
        }
        // At most three names, so that the notice stays short.
        let note = (!bad.is_empty()).then(|| {
            let more = if bad.len() > 3 { format!(" and {} more", bad.len() - 3) } else { String::new() };
            format!("ignored unknown {}{more}", bad[..bad.len().min(3)].join(", "))
        });
        Ok((out, note))
    }
    fn format(&self) -> String {
        self.iter().map(Choice::key).collect::<Vec<_>>().join(",")
    }
}

impl Value for super::choices::Pipeline {
    fn parse(s: &str, dom: &Domain) -> Result<(Self, Option<String>), String> {
        let Domain::Stages { max, .. } = *dom else { return Err(domain_error(dom)) };
        if s == "none" {
            return Ok((Self::default(), None));
        }
        if s.is_empty() {
            return Err("empty: write none for no stages".into());
        }
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            match super::choices::PreKind::from_key(part) {
                Some(k) if out.len() < max => out.push(k),
                Some(_) => {}
                None => bad.push(shorten(part)),
            }
        }
        if out.is_empty() && !bad.is_empty() {
            return Err(format!("nothing known in “{}”", shorten(s)));
        }
        let mut notes = Vec::new();
        if !bad.is_empty() {
            notes.push(format!("ignored unknown {}", bad[..bad.len().min(3)].join(", ")));
        }
        if s.split(',').filter(|p| super::choices::PreKind::from_key(p).is_some()).count() > max {
            notes.push(format!("kept the first {max} stages"));
        }
        Ok((Self(out), (!notes.is_empty()).then(|| notes.join("; "))))
    }
    fn format(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.0.iter().map(|k| k.key()).collect::<Vec<_>>().join(",")
    }
}

/// Declares the scenario: every parameter once, as a field of [`Scenario`] or of one of its
/// sub-structs, with its per-problem defaults, query key, domain and control. The doc comment of
/// each field is its help line. See `table.rs`.
macro_rules! scenario_table {
    (
        defaults($problem:ident);
        $(#[$top_meta:meta])*
        pub struct $Top:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $f:ident : $fty:ty = $fdef:expr $(, $($fp:ident)|+ => $fpd:expr)* ;
                $fkey:literal $([$fflag:ident])? , $fdom:expr , $fctl:expr ;
            )*
        }
        $(
            $(#[$smeta:meta])*
            $sf:ident : pub struct $Sub:ident {
                $(
                    $(#[doc = $gdoc:literal])*
                    $g:ident : $gty:ty = $gdef:expr $(, $($gp:ident)|+ => $gpd:expr)* ;
                    $gkey:literal $([$gflag:ident])? , $gdom:expr , $gctl:expr ;
                )*
            }
        )*
    ) => {
        $(#[$top_meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $Top {
            $( $(#[doc = $fdoc])* pub $f: $fty, )*
            $( pub $sf: $Sub, )*
        }

        $(
            $(#[$smeta])*
            #[derive(Clone, Debug, PartialEq)]
            pub struct $Sub {
                $( $(#[doc = $gdoc])* pub $g: $gty, )*
            }

            impl Default for $Sub {
                fn default() -> Self {
                    $Top::default().$sf
                }
            }
        )*

        impl $Top {
            /// The defaults of a problem.
            #[allow(unreachable_patterns)]
            pub fn defaults_for($problem: ProblemKind) -> $Top {
                $Top {
                    $( $f: match $problem { $( $(ProblemKind::$fp)|+ => $fpd, )* _ => $fdef }, )*
                    $( $sf: $Sub { $( $g: match $problem { $( $(ProblemKind::$gp)|+ => $gpd, )* _ => $gdef }, )* }, )*
                }
            }
        }

        /// Every parameter, in the canonical order of the query string.
        pub static PARAMS: &[$crate::scenario::param::Param] = &[
            $( scenario_table!(@param $fkey, [$($fflag)?], concat!($($fdoc, "\n"),*), $fty, $fdom, $fctl, $f), )*
            $( $( scenario_table!(@param $gkey, [$($gflag)?], concat!($($gdoc, "\n"),*), $gty, $gdom, $gctl, $sf . $g), )* )*
        ];
    };
    (@flag []) => { false };
    (@flag [data]) => { true };
    (@param $key:literal, [$($flag:ident)?], $help:expr, $ty:ty, $dom:expr, $ctl:expr, $($path:ident).+) => {
        $crate::scenario::param::Param {
            key: $key,
            doc: $help,
            domain: $dom,
            control: $ctl,
            data: scenario_table!(@flag [$($flag)?]),
            field: |s| &s.$($path).+ as &$ty,
            field_mut: |s| &mut s.$($path).+ as &mut $ty,
        }
    };
}

pub(crate) use scenario_table;
