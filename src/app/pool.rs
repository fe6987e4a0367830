//! The page's side of the compute pool (wasm32): dedicated Web Workers, each with its own instance
//! of the app's wasm module (`static/worker.js` loads it; `static/boot.js` compiles it once and
//! hands the compiled module over). Worker 0 runs the lab; workers 1.. compute jobs for it over a
//! `MessageChannel` each, so the page relays nothing. Messages are `postMessage` of bytes only:
//! no `SharedArrayBuffer`, so any static host works without cross-origin isolation.

use crate::lab::host::{Command, ToPage};
use crate::lab::wire::{decode, encode};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The pool's largest size.
pub const MAX_WORKERS: usize = 8;

/// What the pool tells the page.
pub enum PoolEvent {
    /// A message of the lab.
    Page(ToPage),
    /// Worker `worker`, started as its `generation`th, died (a panic, out of memory, it could not
    /// start): why. A report for a generation already replaced is stale (see [`Pool::restart`]).
    Died { worker: usize, generation: u64, reason: String },
}

struct Slot {
    worker: Worker,
    /// Which start this is (counted over the whole pool): a dead worker may report twice.
    generation: u64,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

pub struct Pool {
    slots: Vec<Slot>,
    on_event: Rc<dyn Fn(PoolEvent)>,
    /// The data files sent so far (one message each), for workers that start later.
    data: Vec<JsValue>,
    /// Workers started so far.
    started: u64,
}

/// The default pool size: one worker per core but the page's own, 1 to [`MAX_WORKERS`].
pub fn default_size() -> usize {
    let cores = super::browser::window().navigator().hardware_concurrency() as usize;
    cores.saturating_sub(1).clamp(1, MAX_WORKERS)
}

fn boot() -> Result<JsValue, String> {
    js_sys::Reflect::get(&super::browser::window(), &"byzlabBoot".into())
        .ok()
        .filter(|b| b.is_object())
        .ok_or_else(|| "the page was not started by boot.js".to_string())
}

/// The lab's worker that boot.js started before the app (already sent its start message), if it
/// has not failed. Taken once: `boot` is posted to later workers, and a Worker cannot be.
fn take_early_worker(boot: &JsValue) -> Option<Worker> {
    let early = js_sys::Reflect::get(boot, &"early".into()).ok().filter(|e| e.is_object())?;
    let _ = js_sys::Reflect::delete_property(boot.unchecked_ref::<js_sys::Object>(), &"early".into());
    let worker = js_sys::Reflect::get(&early, &"worker".into()).ok()?.dyn_into::<Worker>().ok()?;
    if js_sys::Reflect::get(&early, &"failed".into()).ok().and_then(|f| f.as_bool()).unwrap_or(true) {
        worker.terminate();
        return None;
    }
    Some(worker)
}

fn spawn(index: usize, generation: u64, on_event: &Rc<dyn Fn(PoolEvent)>) -> Result<Slot, String> {
    let boot = boot()?;
    let early = take_early_worker(&boot).filter(|_| index == 0);
    let started = early.is_some();
    let worker = match early {
        Some(w) => w,
        None => {
            let url = js_sys::Reflect::get(&boot, &"worker".into()).ok().and_then(|u| u.as_string()).ok_or("no worker script")?;
            let opts = web_sys::WorkerOptions::new();
            opts.set_type(web_sys::WorkerType::Module);
            opts.set_name(&format!("byzlab-{}", if index == 0 { "lab".to_string() } else { format!("helper-{index}") }));
            Worker::new_with_options(&url, &opts).map_err(|e| format!("cannot start a Web Worker: {e:?}"))?
        }
    };
    // A panic message comes just before the worker's error event: keep it for the report.
    let panic = Rc::new(RefCell::new(None::<String>));
    // A worker reports its death once: the page may handle the report later (Yew's scheduler
    // yields to the browser), after more errors of the same dead worker have arrived.
    let died = Rc::new(std::cell::Cell::new(false));
    let die = {
        let (ev, died, worker) = (on_event.clone(), died.clone(), worker.clone());
        move |reason: String| {
            if !died.replace(true) {
                worker.terminate();
                ev(PoolEvent::Died { worker: index, generation, reason });
            }
        }
    };
    let (ev, p, die_msg) = (on_event.clone(), panic.clone(), die.clone());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        if let Some(arr) = data.dyn_ref::<js_sys::Uint8Array>() {
            match decode::<ToPage>(&arr.to_vec()) {
                Ok(m) => ev(PoolEvent::Page(m)),
                Err(err) => web_sys::console::error_1(&err.to_string().into()),
            }
        } else if let Some(msg) = js_sys::Reflect::get(&data, &"panic".into()).ok().and_then(|m| m.as_string()) {
            *p.borrow_mut() = Some(msg);
        } else if let Some(msg) = js_sys::Reflect::get(&data, &"fatal".into()).ok().and_then(|m| m.as_string()) {
            let reason = p.borrow_mut().take().unwrap_or(msg);
            die_msg(reason);
        }
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        let reason = panic.borrow_mut().take().unwrap_or_else(|| {
            let m = e.message();
            if m.is_empty() {
                "the worker stopped (out of memory, or it could not load)".into()
            } else {
                m
            }
        });
        die(reason);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    if !started {
        let start = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&start, &"boot".into(), &boot);
        let _ = js_sys::Reflect::set(&start, &"role".into(), &(if index == 0 { "lab" } else { "helper" }).into());
        worker.post_message(&start).map_err(|e| format!("{e:?}"))?;
    }
    Ok(Slot { worker, generation, _on_message: on_message, _on_error: on_error })
}

impl Pool {
    /// Starts `size` workers (worker 0 runs the lab).
    pub fn new(size: usize, on_event: impl Fn(PoolEvent) + 'static) -> Result<Pool, String> {
        let on_event: Rc<dyn Fn(PoolEvent)> = Rc::new(on_event);
        let mut pool = Pool { slots: vec![spawn(0, 0, &on_event)?], on_event, data: Vec::new(), started: 1 };
        pool.resize(size);
        Ok(pool)
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// A command for the lab.
    pub fn send(&self, seq: u32, cmd: &Command) {
        let _ = self.slots[0].worker.post_message(&js_sys::Uint8Array::from(&encode(&(seq, cmd.clone()))[..]));
    }

    /// Gives a data file (its bytes; `csv`: an uploaded table) to every worker: `{seq, data, csv}`, not wire
    /// bytes, so the page copies the file only in JavaScript. The lab takes it as command `seq`.
    pub fn set_data(&mut self, seq: u32, bytes: &js_sys::Uint8Array, csv: bool) {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"seq".into(), &(seq as f64).into());
        let _ = js_sys::Reflect::set(&msg, &"data".into(), bytes);
        let _ = js_sys::Reflect::set(&msg, &"csv".into(), &csv.into());
        for s in &self.slots {
            let _ = s.worker.post_message(&msg);
        }
        self.data.push(msg.into());
    }

    /// Connects helper `i` and the lab with a new channel.
    fn connect(&self, i: usize) {
        let Ok(ch) = web_sys::MessageChannel::new() else { return };
        for (slot, port) in [(0, ch.port1()), (i, ch.port2())] {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"port".into(), &port);
            let _ = js_sys::Reflect::set(&msg, &"worker".into(), &(i as f64).into());
            let _ = self.slots[slot].worker.post_message_with_transfer(&msg, &js_sys::Array::of1(&port));
        }
    }

    /// Grows or shrinks the pool to `size` workers (at least 1). The page then tells the lab the
    /// new size (and which workers were lost).
    pub fn resize(&mut self, size: usize) {
        let size = size.clamp(1, MAX_WORKERS);
        self.slots.truncate(size);
        while self.slots.len() < size {
            let i = self.slots.len();
            match self.spawn(i) {
                Ok(s) => self.slots.push(s),
                Err(reason) => {
                    // The pool stays smaller; the page tells the lab the size it got.
                    web_sys::console::warn_1(&format!("compute worker {i} could not start: {reason}").into());
                    break;
                }
            }
            for d in &self.data {
                let _ = self.slots[i].worker.post_message(d);
            }
            self.connect(i);
        }
    }

    fn spawn(&mut self, i: usize) -> Result<Slot, String> {
        self.started += 1;
        spawn(i, self.started - 1, &self.on_event)
    }

    /// Replaces worker `i`, started as `generation`, with a fresh one (after it died): `Ok(true)`.
    /// `Ok(false)` if that worker is no longer in the pool (a second report of one death, or a
    /// worker the pool shrank away): nothing to do. A new lab gets new lines to every helper; the
    /// page then replays its state to it.
    pub fn restart(&mut self, i: usize, generation: u64) -> Result<bool, String> {
        if self.slots.get(i).is_none_or(|s| s.generation != generation) {
            return Ok(false);
        }
        let slot = self.spawn(i)?;
        self.slots[i] = slot;
        for d in &self.data {
            let _ = self.slots[i].worker.post_message(d);
        }
        if i > 0 {
            self.connect(i);
        } else {
            (1..self.slots.len()).for_each(|h| self.connect(h));
        }
        Ok(true)
    }
}
