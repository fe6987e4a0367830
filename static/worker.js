// A byzlab compute worker: it loads the page's own wasm module (compiled once by boot.js and
// handed over) and runs its worker side (src/app/worker.rs): the lab, or jobs for the lab.
// An external module script, so the page's Content-Security-Policy needs only worker-src 'self'.
let wasm = null;
const queue = [];

self.onmessage = (e) => {
  if (wasm) { wasm.worker_receive(e.data); return; }
  if (e.data && e.data.boot) {
    const { boot, role } = e.data;
    import(boot.js)
      .then(async (b) => {
        await b.default({ module_or_path: boot.module });
        b.worker_start(role);
        // Outside the promise: a panic in the messages that waited is an uncaught error (the
        // page's error event), not a failure to load. `wasm` is set in the same task that hands
        // over the waiting messages, so none that came later can overtake them: the lab handles
        // commands in the order of their sequence numbers.
        setTimeout(() => {
          wasm = b;
          for (const m of queue.splice(0)) b.worker_receive(m);
        });
      })
      .catch((err) => self.postMessage({ fatal: 'the worker could not load the app: ' + err }));
    return;
  }
  queue.push(e.data);
};
