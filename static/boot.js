// Starts the app. An external module (not an inline script) so the page's Content-Security-Policy
// can forbid inline scripts: Trunk writes the hashed file names into this tag's data attributes.
const tag = document.querySelector('script[data-wasm]');
const base = new URL('.', import.meta.url);
const jsUrl = new URL(tag.dataset.js, base).href;
const wasmUrl = new URL(tag.dataset.wasm, base);
// The lab's worker starts first, so its script loads while the module compiles; it gets the
// module once compiled and starts while the page instantiates its own copy. The app adopts it
// (src/app/pool.rs). Before its first command the only message it can send is that it failed to
// load: then the app starts another.
let early = null;
try {
  const worker = new Worker(new URL('worker.js', base), { type: 'module', name: 'byzlab-lab' });
  early = { worker, failed: false };
  worker.onmessage = (e) => { if (e.data && e.data.fatal) early.failed = true; };
  worker.onerror = () => { early.failed = true; };
} catch (_) {
  // No Web Workers here: the app runs the lab on the page.
}
const bindings = await import(jsUrl);
// Compiled once: the page and every compute worker (static/worker.js) instantiate this module.
let module;
try {
  module = await WebAssembly.compileStreaming(fetch(wasmUrl));
} catch (_) {
  // A server that does not send application/wasm.
  module = await WebAssembly.compile(await (await fetch(wasmUrl)).arrayBuffer());
}
const boot = { js: jsUrl, module, worker: new URL('worker.js', base).href };
if (early) {
  early.worker.postMessage({ boot, role: 'lab' });
  boot.early = early;
}
window.byzlabBoot = boot;
window.wasmBindings = bindings;
await bindings.default({ module_or_path: module });

// Optional offline use: the app's "Available offline" button calls this. The service worker keeps
// a copy of the page, its code and the data so a lecturer can present with no network.
window.byzlabOffline = () => navigator.serviceWorker
  ? navigator.serviceWorker.register('./sw.js').then(() => navigator.serviceWorker.ready).then(() => true)
  : Promise.resolve(false);
