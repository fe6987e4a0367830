//! A scenario as a minimal Flower 1.42 app: `pyproject.toml`, a server app on Flower's own
//! strategies, a NumPy client app for byzlab's linear regression and mean estimation, the
//! Byzantine clients' attack, and a README saying what could not be carried over.
//!
//! Flower's strategies aggregate the *models* the clients return from `fit`. Each client returns
//! w − η·g, g its message (its gradient, or the sum of its K local-step gradients, or the attack's
//! message on that scale), so a rule that commutes with translations and positive scaling (all six
//! below) gives the server w − η·rule(g), byzlab's step. Flower has the mean (`FedAvg`, weighted by
//! the clients' example counts, all n here), the coordinate-wise median (`FedMedian`), the trimmed
//! mean (`FedTrimmedAvg`, which cuts ⌊beta·m⌋ per side: beta = (f + 1/4)/m gives byzlab's f =
//! ⌊βm⌋), Krum and Multi-Krum (`Krum`, m − f − 2 neighbours; `num_clients_to_keep` = m − f for
//! Multi-Krum) and `Bulyan` (Krum selection, `to_keep=0`). Any other rule, a pre-aggregation stage,
//! another algorithm, worker momentum, a projection, a classification problem or an attack that
//! needs the honest messages (which a Flower client does not see) is refused with an error.

use crate::engine::scenario::{AggKind, AlgoKind, AttackKind, Dialect, ProblemKind, Schedule, Split};
use crate::engine::Scenario;

/// The app: its files (path relative to the app's directory, contents) and the README's notes.
pub struct App {
    pub files: Vec<(String, String)>,
    pub notes: Vec<String>,
}

/// The package directory inside the app.
pub const PACKAGE: &str = "byzlab_app";

/// Flower's strategy for a byzlab rule (its class name), or None.
pub fn strategy(kind: AggKind) -> Option<&'static str> {
    Some(match kind {
        AggKind::Mean => "FedAvg",
        AggKind::Median => "FedMedian",
        AggKind::TrMean => "FedTrimmedAvg",
        AggKind::Krum | AggKind::MultiKrum => "Krum",
        AggKind::Bulyan => "Bulyan",
        _ => return None,
    })
}

/// The byzlab rules Flower has a strategy for.
pub fn flower_rules() -> Vec<&'static str> {
    AggKind::ALL.iter().filter(|k| strategy(**k).is_some()).map(|k| k.key()).collect()
}

/// The attacks the client app implements: they need only the Byzantine worker's own data.
const ATTACKS: &[AttackKind] = &[
    AttackKind::None,
    AttackKind::SignFlip,
    AttackKind::Gaussian,
    AttackKind::SameValue,
    AttackKind::Large,
    AttackKind::Inf,
    AttackKind::Nan,
    AttackKind::LabelFlip,
    AttackKind::RandLabel,
];

fn py_float(x: f64) -> String {
    if x.is_nan() {
        "float('nan')".into()
    } else if x.is_infinite() {
        if x > 0.0 { "float('inf')" } else { "-float('inf')" }.into()
    } else {
        super::float_text(x)
    }
}

fn py_str(s: &str) -> String {
    super::quote(s)
}

/// Checks that the scenario can be carried over, or says why not.
fn check(s: &Scenario) -> Result<(), String> {
    if !matches!(s.problem, ProblemKind::LinReg | ProblemKind::Mean) {
        return Err(format!(
            "the Flower export implements linear regression and mean estimation (problem=linreg, problem=mean), not {} ({}): for MNIST use `byzlab-cli export byzfl`",
            s.problem.key(),
            s.problem.label()
        ));
    }
    let bad: Vec<String> = s.rules.iter().filter(|r| r.nnm || strategy(r.kind).is_none()).map(|r| r.key()).collect();
    if !bad.is_empty() {
        return Err(format!(
            "Flower has no strategy for {} (it has {}; no pre-aggregation such as nnm-)",
            bad.join(", "),
            flower_rules().join(", ")
        ));
    }
    if !s.pre.0.is_empty() {
        return Err(format!(
            "Flower has no pre-aggregation stages (pre={}); its strategies are {}",
            s.pre.label(),
            flower_rules().join(", ")
        ));
    }
    if s.algos != [AlgoKind::Gd] {
        return Err("the Flower export carries robust GD only (algo=gd)".into());
    }
    if !ATTACKS.contains(&s.attack.kind) {
        return Err(format!(
            "a Flower client sees only its own data, not the honest messages that {} needs; the export implements {}",
            s.attack.kind.label(),
            ATTACKS.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
        ));
    }
    if s.attack.kind == AttackKind::SignFlip && s.dialect == Dialect::Byzfl {
        return Err("dialect=byzfl's sign flip sends −μ, the honest mean, which a Flower client does not see; use dialect=paper (σ·g of the worker's own gradient)".into());
    }
    if s.mom > 0.0 {
        return Err("worker momentum (mom > 0) is not carried: Flower's simulated clients keep no state between rounds".into());
    }
    if s.proj > 0.0 {
        return Err("Flower's strategies do not project the model (proj > 0)".into());
    }
    if !s.hand.is_empty() {
        return Err("hand-placed messages live in the master's plane, which a Flower client does not see".into());
    }
    if s.split == Split::Quantity {
        return Err("quantity skew (unequal n per worker) is not carried: the exported clients each draw n samples".into());
    }
    let f = s.assumed_f();
    if s.has_rule(AggKind::Bulyan) && s.m < 4 * f + 3 {
        return Err(format!("Flower's Bulyan needs m ≥ 4f + 3 clients (m = {}, f = ⌊βm⌋ = {f})", s.m));
    }
    Ok(())
}

/// The Flower app of `s`, or why it cannot be exported.
pub fn export(s: &Scenario) -> Result<App, String> {
    check(s)?;
    let q = s.byzantine();
    let f = s.assumed_f();
    let mut notes = vec![
        "Random streams differ: the data, w* and the attack's noise are drawn by NumPy from the seed, not by byzlab's generator, so the numbers agree with byzlab's only statistically.".to_string(),
        "Flower's strategies aggregate the models the clients return; each client returns w − η·g (g its gradient or the attack's message), so the server's model is w − η·rule(g), byzlab's step, for these translation- and scale-equivariant rules.".into(),
        format!("Clients 0..{q} (partition-id < ⌊αm⌋ = {q}) are Byzantine, as byzlab's workers 0..q."),
    ];
    if s.has_rule(AggKind::TrMean) {
        notes.push(format!(
            "FedTrimmedAvg cuts ⌊beta·(clients heard)⌋ per side; beta = (f + 1/4)/m makes that f = ⌊βm⌋ = {f} when every client is heard."
        ));
    }
    if s.dialect == Dialect::Byzfl && s.rules.iter().any(|r| matches!(r.kind, AggKind::Krum | AggKind::MultiKrum | AggKind::Bulyan)) {
        notes.push("Flower's Krum scores m − f − 2 neighbours (the paper's), not ByzFL's m − f − 1 (dialect=byzfl).".into());
    }
    if s.part < 1.0 {
        notes.push("Partial participation: Flower samples max(⌊part·m⌋, min_fit_clients = ⌈part·m⌉) clients uniformly each round, as byzlab hears ⌈part·m⌉.".into());
    }
    if s.attack.kind == AttackKind::Gaussian {
        notes.push("The Gaussian attack's noise comes from NumPy, a fresh draw per client and round.".into());
    }
    if s.attack.kind == AttackKind::None && q > 0 {
        notes.push(format!("attack=none: the {q} Byzantine clients behave honestly."));
    }
    if s.l1 != 0.0 || s.l2 != 0.0 {
        notes.push("The ℓ1 and ℓ2 regularisers act on classification problems only in byzlab; they are not carried.".into());
    }
    let spread = if s.split.shifts_optima() { py_float(s.zeta) } else { "None".to_string() };
    let floor = match s.problem {
        ProblemKind::LinReg => s.sigma * s.sigma,
        _ => s.d as f64 * s.sigma * s.sigma,
    };
    let rules: Vec<String> = s.rules.iter().map(|r| py_str(r.kind.key())).collect();
    let a = &s.attack;
    let consts = format!(
        "SCENARIO = {query}\nPROBLEM = {problem}\nM = {m}  # workers (Flower clients)\nQ = {q}  # Byzantine clients: partition-id < Q (byzlab's floor(alpha*m))\nF = {f}  # Byzantine clients the server assumes (byzlab's floor(beta*m))\nN = {n}  # samples per worker\nD = {d}\nSIGMA = {sigma}\nXDIST = {xdist}\nSPREAD = {spread}  # spread zeta of the workers' optima (None: i.i.d.)\nFLOOR = {floor}\nETA = {eta}\nSCHED = {sched}\nT = {t}  # rounds\nLOCAL = {local}  # local steps per round\nPART = {part}  # fraction of clients heard per round\nSEED = {seed}\nRULES = [{rules}]\nATTACK = {attack}\nSF = {sf}  # sign flip: sends SF * g\nC = {c}  # same value: sends C * 1\nGSTD = {gstd}  # Gaussian: N(0, GSTD^2 I)\n",
        query = py_str(&s.to_query()),
        problem = py_str(s.problem.key()),
        m = s.m,
        n = s.n,
        d = s.d,
        sigma = py_float(s.sigma),
        xdist = py_str(s.xdist.key()),
        floor = py_float(floor),
        eta = py_float(s.eta),
        sched = py_str(if s.sched == Schedule::Sqrt { "sqrt" } else { "const" }),
        t = s.t,
        local = s.local,
        part = py_float(s.part),
        seed = s.seed,
        rules = rules.join(", "),
        attack = py_str(a.kind.key()),
        sf = py_float(a.sf),
        c = py_float(a.c),
        gstd = py_float(a.gstd),
    );
    let task = format!("{TASK_HEAD}{consts}{TASK_BODY}");
    let readme = readme(s, &notes);
    let files = vec![
        ("pyproject.toml".to_string(), pyproject(s)),
        ("README.md".to_string(), readme),
        ("simulate.py".to_string(), SIMULATE.to_string()),
        (format!("{PACKAGE}/__init__.py"), "\"\"\"A byzlab scenario as a Flower app.\"\"\"\n".to_string()),
        (format!("{PACKAGE}/task.py"), task),
        (format!("{PACKAGE}/client_app.py"), CLIENT.to_string()),
        (format!("{PACKAGE}/server_app.py"), SERVER.to_string()),
    ];
    Ok(App { files, notes })
}

fn pyproject(s: &Scenario) -> String {
    format!(
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"byzlab-app\"\nversion = \"1.0.0\"\ndescription = \"A byzlab scenario as a Flower app: {query}\"\nlicense = \"MIT OR Apache-2.0\"\ndependencies = [\"flwr[simulation]>=1.42.0\", \"numpy>=1.26\"]\n\n[tool.hatch.build.targets.wheel]\npackages = [\".\"]\n\n[tool.flwr.app]\npublisher = \"byzlab\"\n\n[tool.flwr.app.components]\nserverapp = \"{PACKAGE}.server_app:app\"\nclientapp = \"{PACKAGE}.client_app:app\"\n\n[tool.flwr.app.config]\nnum-server-rounds = {t}\nrule = {rule}\n",
        query = s.to_query().replace('"', "'"),
        t = s.t,
        rule = py_str(s.rules.first().map_or("mean", |r| r.kind.key())),
    )
}

fn readme(s: &Scenario, notes: &[String]) -> String {
    let rules: Vec<String> = s.rules.iter().map(|r| format!("`{}` → Flower's `{}`", r.key(), strategy(r.kind).unwrap_or("?"))).collect();
    let mut out = format!(
        "# byzlab scenario as a Flower app\n\nExported by `byzlab-cli export flower` from\n\n    ?{}\n\n{} with m = {} clients, {} of them Byzantine ({}), T = {} rounds, η = {}.\n\nRules: {}.\n\n## Running it\n\n    pip install -e .\n    python simulate.py median      # Flower's simulation, m supernodes, prints the error per round\n\nor `flwr run .` against a SuperLink with {} SuperNodes (`--run-config \"rule='krum'\"` picks the rule).\n\n## What could not be carried over\n\n",
        s.to_query(),
        s.problem.label(),
        s.m,
        s.byzantine(),
        s.attack.kind.label(),
        s.t,
        s.eta,
        rules.join(", "),
        s.m
    );
    for n in notes {
        out.push_str(&format!("- {n}\n"));
    }
    out.push_str(&format!(
        "\nFlower has strategies for byzlab's {} only; the other rules, the pre-aggregation stages and the attacks that need the honest messages (ALIE, IPM, mimic, Min-Max, …) are refused by the exporter.\n",
        flower_rules().join(", ")
    ));
    out
}

const TASK_HEAD: &str = r#""""The scenario's problem and attack in NumPy (byzlab's crates/engine/src/problem/{linreg,mean}.rs).

Linear regression: x uniform on {-1, 1}^D (or N(0, I)), y = x.w_i + N(0, SIGMA^2), loss 1/2 (x.w - y)^2;
worker i keeps A_i = X^T X / N and b_i = X^T y / N, its gradient A_i w - b_i.
Mean estimation: x ~ N(mu_i, SIGMA^2 I), worker i's gradient w - mean of its N samples.
w_i = w* + zeta_i, zeta_i ~ N(0, SPREAD^2 / D I) under a non-i.i.d. split (0 otherwise).
The error is ||w - w*_H||, w*_H = w* + the honest workers' mean shift, as byzlab's trace `err`.
"""
import numpy as np

"#;

const TASK_BODY: &str = r#"

def _rng(*key):
    return np.random.default_rng([SEED, *key])


def base():
    """w* (linear regression) or mu (mean estimation)."""
    return _rng(0).standard_normal(D)


def _worker_stream(i):
    r = _rng(1, i)
    if SPREAD is None:
        return np.zeros(D), r
    return SPREAD * r.standard_normal(D) / np.sqrt(D), r


def shift(i):
    return _worker_stream(i)[0]


def worker_data(i, poison=None):
    """Worker i's data: (A_i, b_i) or its sample mean; poison = "labelflip" (y -> -y, x -> -x) or "randlabel"."""
    z, r = _worker_stream(i)
    w_star = base()
    target = w_star + z
    if PROBLEM == "linreg":
        if XDIST == "pm1":
            x = r.choice(np.array([-1.0, 1.0]), size=(N, D))
        else:
            x = r.standard_normal((N, D))
        y = x @ target + SIGMA * r.standard_normal(N)
        if poison == "labelflip":
            y = -y
        elif poison == "randlabel":
            y = np.sqrt(w_star @ w_star + SIGMA**2) * r.standard_normal(N)
        return ("linreg", x.T @ x / N, x.T @ y / N)
    sd = SIGMA / np.sqrt(N)
    xbar = target + sd * r.standard_normal(D)
    if poison == "labelflip":
        xbar = -xbar
    elif poison == "randlabel":
        xbar = np.sqrt(1.0 + sd * sd) * r.standard_normal(D)
    return ("mean", xbar)


def gradient(data, w):
    if data[0] == "linreg":
        return data[1] @ w - data[2]
    return w - data[1]


def honest_optimum():
    w = base()
    h = max(M - Q, 1)
    for i in range(Q, M):
        w = w + shift(i) / h
    return w


def error(w):
    return float(np.linalg.norm(np.asarray(w, dtype=np.float64) - honest_optimum()))


def step_size(server_round):
    return ETA / np.sqrt(server_round) if SCHED == "sqrt" else ETA


def byzantine_message(g, rng):
    """What a Byzantine client sends in place of its message g (on the gradient's scale)."""
    if ATTACK == "signflip":
        return SF * g
    if ATTACK == "gaussian":
        return GSTD * rng.standard_normal(D)
    if ATTACK == "samevalue":
        return np.full(D, C)
    if ATTACK == "large":
        return np.full(D, 1e308)
    if ATTACK == "inf":
        return np.full(D, np.inf)
    if ATTACK == "nan":
        return np.full(D, np.nan)
    return g  # none, labelflip, randlabel: the message of its (poisoned) data
"#;

const CLIENT: &str = r#""""The clients: honest workers take LOCAL gradient steps; Byzantine ones (partition-id < Q) attack."""
import numpy as np
from flwr.client import ClientApp, NumPyClient
from flwr.common import Context

from byzlab_app import task


class Worker(NumPyClient):
    def __init__(self, i):
        self.i = i
        self.byzantine = i < task.Q
        poison = task.ATTACK if self.byzantine and task.ATTACK in ("labelflip", "randlabel") else None
        self.data = task.worker_data(i, poison)

    def fit(self, parameters, config):
        w0 = np.asarray(parameters[0], dtype=np.float64)
        server_round = int(config.get("server_round", 1))
        eta = task.step_size(server_round)
        w = w0.copy()
        msg = np.zeros_like(w0)
        for _ in range(task.LOCAL):
            g = task.gradient(self.data, w)
            msg += g
            w = w - eta * g
        if self.byzantine:
            rng = np.random.default_rng([task.SEED, 2, self.i, server_round])
            msg = task.byzantine_message(msg, rng)
        return [w0 - eta * msg], task.N, {}

    def evaluate(self, parameters, config):
        return task.error(parameters[0]), task.N, {}


def client_fn(context: Context):
    return Worker(int(context.node_config["partition-id"])).to_client()


app = ClientApp(client_fn=client_fn)
"#;

const SERVER: &str = r#""""The server: Flower's own strategy for the rule, w0 = 0, the error ||w - w*_H|| after every round."""
import math
import os

import numpy as np
from flwr.common import Context, ndarrays_to_parameters
from flwr.server import ServerApp, ServerAppComponents, ServerConfig
from flwr.server.strategy import Bulyan, FedAvg, FedMedian, FedTrimmedAvg, Krum

from byzlab_app import task


def evaluate(server_round, parameters, config):
    err = task.error(parameters[0])
    trace = os.environ.get("BYZLAB_TRACE")
    if trace:
        with open(trace, "a") as out:
            out.write(f"{server_round},{err!r}\n")
    return 0.5 * (err * err + task.FLOOR), {"err": err}


def fit_config(server_round):
    return {"server_round": server_round}


def strategy(rule):
    common = dict(
        fraction_fit=task.PART,
        fraction_evaluate=0.0,
        min_fit_clients=max(1, math.ceil(task.PART * task.M)),
        min_available_clients=task.M,
        evaluate_fn=evaluate,
        on_fit_config_fn=fit_config,
        initial_parameters=ndarrays_to_parameters([np.zeros(task.D)]),
    )
    if rule == "mean":
        return FedAvg(**common)
    if rule == "median":
        return FedMedian(**common)
    if rule == "trmean":
        # FedTrimmedAvg cuts int(beta * clients) per side: (F + 1/4) / M gives F.
        return FedTrimmedAvg(beta=(task.F + 0.25) / task.M, **common)
    if rule == "krum":
        return Krum(num_malicious_clients=task.F, num_clients_to_keep=0, **common)
    if rule == "multikrum":
        return Krum(num_malicious_clients=task.F, num_clients_to_keep=task.M - task.F, **common)
    if rule == "bulyan":
        return Bulyan(num_malicious_clients=task.F, to_keep=0, **common)
    raise ValueError(f"no Flower strategy for {rule!r}; this app has {task.RULES}")


def server_fn(context: Context):
    rule = context.run_config.get("rule") or os.environ.get("BYZLAB_RULE") or task.RULES[0]
    rounds = int(os.environ.get("BYZLAB_ROUNDS") or context.run_config.get("num-server-rounds", task.T))
    return ServerAppComponents(strategy=strategy(rule), config=ServerConfig(num_rounds=rounds))


app = ServerApp(server_fn=server_fn)
"#;

const SIMULATE: &str = r#""""Runs the app in Flower's simulation with M supernodes: python simulate.py [RULE] [ROUNDS].

Needs flwr[simulation] (Ray). The error after every round is printed by the server's evaluate_fn
(and appended to $BYZLAB_TRACE as "round,err" if that is set).
"""
import os
import sys

from flwr.simulation import run_simulation

from byzlab_app import task
from byzlab_app.client_app import app as client_app
from byzlab_app.server_app import app as server_app

if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.environ["BYZLAB_RULE"] = sys.argv[1]
    if len(sys.argv) > 2:
        os.environ["BYZLAB_ROUNDS"] = sys.argv[2]
    run_simulation(server_app=server_app, client_app=client_app, num_supernodes=task.M, backend_config={"client_resources": {"num_cpus": 1}})
"#;
