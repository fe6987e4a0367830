// Starts the app. An external module (not an inline script) so the page's Content-Security-Policy
// can forbid inline scripts: Trunk writes the hashed file names into this tag's data attributes.
const tag = document.querySelector('script[data-wasm]');
const base = new URL('.', import.meta.url);
const jsUrl = new URL(tag.dataset.js, base).href;
const wasmUrl = new URL(tag.dataset.wasm, base);
const bindings = await import(jsUrl);
// Compiled once: the page and every compute worker (static/worker.js) instantiate this module.
let module;
try {
  module = await WebAssembly.compileStreaming(fetch(wasmUrl));
} catch (_) {
  // A server that does not send application/wasm.
  module = await WebAssembly.compile(await (await fetch(wasmUrl)).arrayBuffer());
}
window.byzlabBoot = { js: jsUrl, module, worker: new URL('worker.js', base).href };
window.wasmBindings = bindings;
await bindings.default({ module_or_path: module });

// Optional offline use: the app's "Available offline" button calls this. The service worker keeps
// a copy of the page, its code and the data so a lecturer can present with no network.
window.byzlabOffline = () => navigator.serviceWorker
  ? navigator.serviceWorker.register('./sw.js').then(() => navigator.serviceWorker.ready).then(() => true)
  : Promise.resolve(false);
