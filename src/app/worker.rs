//! Inside a Web Worker (wasm32): one of the pool's workers, running the same wasm module as the
//! page. Worker 0 runs the lab ([`Host`]); the others run jobs ([`Core`]) for it over a
//! `MessagePort` each. Only bytes move here; what they mean is in `crate::lab`.
//!
//! `static/worker.js` loads the module and calls [`worker_start`] with the role, then hands every
//! message to [`worker_receive`]: wire bytes (a command from the page, with its sequence number),
//! or `{port, worker}` (the lab's line to helper `worker`; a helper's line to the lab).

use crate::lab::host::{Command, Host, ToPage};
use crate::lab::jobs::{Core, FromWorker, ToWorker};
use crate::lab::wire::{decode, encode, Wire};
use crate::lab::ViewId;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, MessagePort};

/// Milliseconds of work between two looks at the inbox.
const SLICE_MS: f64 = 12.0;
/// A lab tick shorter than this did no work: it only waits (for helpers' results, the data, the
/// speed's next unit). The next one then comes after IDLE_WAIT_MS instead of at once, so a
/// waiting lab does not keep a core busy; a message (a command, a helper's result) still wakes
/// it at its next tick.
const IDLE_TICK_MS: f64 = 0.5;
const IDLE_WAIT_MS: i32 = 4;

/// What this worker is: one per worker, so boxing a variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Role {
    Lab { host: Host, ports: Vec<Option<MessagePort>> },
    Helper { core: Core, port: Option<MessagePort> },
}

struct State {
    role: Role,
    /// A tick is queued on `tick`.
    scheduled: bool,
    /// The lab has news for the page (a command was handled).
    dirty: bool,
    last_snapshot: f64,
    tick: MessagePort,
    /// Calls [`tick`] (after IDLE_WAIT_MS).
    later: js_sys::Function,
    /// A tick is queued on the timer.
    waiting: bool,
    /// The last snapshot sent, encoded.
    last_sent: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    /// A panic happened: the module's state is broken (the panic aborted with `STATE` borrowed),
    /// so nothing runs any more. One crash is one error event on the page, not one per message
    /// that was still on its way; the page terminates this worker.
    static DEAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Whether this code runs in a worker (there is no document).
pub fn in_worker() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"document".into()).map_or(true, |d| d.is_undefined())
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

fn bytes(v: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(v).into()
}

fn post<T: Wire>(v: &T) {
    let _ = scope().post_message(&bytes(&encode(v)));
}

/// Starts the worker in its role: "lab" or "helper".
#[wasm_bindgen]
pub fn worker_start(role: &str) {
    // A panic is reported to the page before the module aborts: the page shows it and starts a
    // fresh worker.
    std::panic::set_hook(Box::new(|info| {
        DEAD.with(|d| d.set(true));
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"panic".into(), &info.to_string().into());
        let _ = scope().post_message(&msg);
    }));
    let Ok(channel) = web_sys::MessageChannel::new() else { return };
    let on_tick = Closure::<dyn FnMut(MessageEvent)>::new(|_| tick());
    channel.port2().set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    on_tick.forget();
    let later = Closure::<dyn FnMut()>::new(tick).into_js_value().unchecked_into();
    let role = if role == "lab" {
        let (sc, _) = crate::engine::scenario::Scenario::from_query("");
        Role::Lab { host: Host::new(sc, ViewId(0), 0), ports: Vec::new() }
    } else {
        Role::Helper { core: Core::default(), port: None }
    };
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            role,
            scheduled: false,
            dirty: false,
            last_snapshot: f64::NEG_INFINITY,
            tick: channel.port1(),
            later,
            waiting: false,
            last_sent: Vec::new(),
        })
    });
}

fn with_state(f: impl FnOnce(&mut State)) {
    if DEAD.with(|d| d.get()) {
        return;
    }
    STATE.with(|s| {
        if let Some(st) = s.borrow_mut().as_mut() {
            f(st)
        }
    });
}

/// The next tick after IDLE_WAIT_MS, unless one is queued already.
fn schedule_later(st: &mut State) {
    if !st.scheduled && !st.waiting {
        st.waiting = true;
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&st.later, IDLE_WAIT_MS);
    }
}

/// The next tick at once (also while a later one waits: that one then finds little to do).
fn schedule(st: &mut State) {
    if !st.scheduled {
        st.scheduled = true;
        let _ = st.tick.post_message(&JsValue::NULL);
    }
}

/// A message from the page.
#[wasm_bindgen]
pub fn worker_receive(data: JsValue) {
    if let Some(arr) = data.dyn_ref::<js_sys::Uint8Array>() {
        let raw = arr.to_vec();
        with_state(|st| {
            match decode::<(u32, Command)>(&raw) {
                Ok((seq, cmd)) => match &mut st.role {
                    Role::Lab { host, .. } => {
                        host.handle(seq, cmd, now());
                        st.dirty = true;
                    }
                    // Helpers get data files as they are (below), and nothing else from the page.
                    Role::Helper { .. } => {}
                },
                Err(e) => web_sys::console::error_1(&e.to_string().into()),
            }
            schedule(st);
        });
        return;
    }
    let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
    // A data file's bytes, sent as they are (see `Pool::set_data`): command `seq` for the lab.
    if let Some(arr) = get("data").and_then(|d| d.dyn_into::<js_sys::Uint8Array>().ok()) {
        let seq = get("seq").and_then(|s| s.as_f64()).unwrap_or(0.0) as u32;
        let bytes = arr.to_vec();
        let csv = get("csv").is_some_and(|c| c.is_truthy());
        with_state(|st| {
            match &mut st.role {
                Role::Lab { host, .. } => {
                    host.handle(seq, Command::Data { bytes, csv }, now());
                    st.dirty = true;
                }
                Role::Helper { core, .. } => {
                    if let Ok(d) = crate::engine::data::Dataset::decode(&bytes, csv) {
                        core.set_data(std::sync::Arc::new(d));
                    }
                }
            }
            schedule(st);
        });
        return;
    }
    let Some(port) = get("port").and_then(|p| p.dyn_into::<MessagePort>().ok()) else { return };
    let worker = get("worker").and_then(|w| w.as_f64()).unwrap_or(0.0) as usize;
    with_state(|st| match &mut st.role {
        Role::Lab { ports, .. } => {
            let on_reply = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let Some(arr) = e.data().dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()) else { return };
                with_state(|st| {
                    if let (Role::Lab { host, .. }, Ok(reply)) = (&mut st.role, decode::<FromWorker>(&arr)) {
                        host.deliver(reply);
                        schedule(st);
                    }
                });
            });
            port.set_onmessage(Some(on_reply.as_ref().unchecked_ref()));
            on_reply.forget();
            if ports.len() <= worker {
                ports.resize(worker + 1, None);
            }
            if let Some(old) = ports[worker].replace(port) {
                old.close();
            }
        }
        Role::Helper { core, port: mine } => {
            let on_jobs = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let Some(arr) = e.data().dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()) else { return };
                with_state(|st| {
                    if let (Role::Helper { core, port }, Ok(msg)) = (&mut st.role, decode::<ToWorker>(&arr)) {
                        for failed in core.receive(msg) {
                            reply(port.as_ref(), &failed);
                        }
                        schedule(st);
                    }
                });
            });
            port.set_onmessage(Some(on_jobs.as_ref().unchecked_ref()));
            on_jobs.forget();
            // A new line means a new lab: the old one's jobs are void.
            core.receive(ToWorker::Keep { epochs: Vec::new() });
            if let Some(old) = mine.replace(port) {
                old.close();
            }
        }
    });
}

fn reply(port: Option<&MessagePort>, r: &FromWorker) {
    if let Some(p) = port {
        let _ = p.post_message(&bytes(&encode(r)));
    }
}

/// One slice of work, then a look at the inbox (the next tick is queued behind it).
fn tick() {
    with_state(|st| {
        // One tick serves both queues: a second one that comes finds little to do.
        st.scheduled = false;
        st.waiting = false;
        let mut idle = false;
        let more = match &mut st.role {
            Role::Lab { host, ports } => {
                let mut clock = now;
                let t0 = now();
                let more = host.tick(&mut clock, SLICE_MS);
                idle = now() - t0 < IDLE_TICK_MS;
                for (w, msg) in host.take_sends() {
                    if let Some(Some(p)) = ports.get(w) {
                        let _ = p.post_message(&bytes(&encode(&msg)));
                    }
                }
                for r in host.take_replies() {
                    post(&r);
                }
                let t = now();
                // A command's effect at once; while computing, at most one per snapshot interval; the
                // last state when the work ends.
                // One that says what the last said is not sent: a waiting lab costs the page no redraws.
                if st.dirty || !more || t - st.last_snapshot >= host.snapshot_interval_ms() {
                    let mut snap = host.snapshot();
                    snap.memory = super::wasm_memory_bytes();
                    let msg = encode(&ToPage::Snapshot(Box::new(snap)));
                    if msg != st.last_sent {
                        let _ = scope().post_message(&bytes(&msg));
                        st.last_sent = msg;
                    }
                    st.last_snapshot = t;
                    st.dirty = false;
                }
                more
            }
            Role::Helper { core, port } => {
                let t0 = now();
                let mut out = Vec::new();
                while core.pending() > 0 && now() - t0 < SLICE_MS {
                    out.extend(core.work(1));
                }
                // The followed runs' records, once per slice.
                out.extend(core.flush());
                for r in &out {
                    reply(port.as_ref(), r);
                }
                core.pending() > 0
            }
        };
        if more && idle {
            schedule_later(st);
        } else if more {
            schedule(st);
        }
    });
}
