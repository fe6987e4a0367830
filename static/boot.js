// Starts the app. An external module (not an inline script) so the page's Content-Security-Policy
// can forbid inline scripts: Trunk writes the hashed file names into this tag's data attributes.
const tag = document.querySelector('script[data-wasm]');
const base = new URL('.', import.meta.url);
const bindings = await import(new URL(tag.dataset.js, base).href);
await bindings.default({ module_or_path: new URL(tag.dataset.wasm, base) });
window.wasmBindings = bindings;

// Optional offline use: the app's "Available offline" button calls this. The service worker keeps
// a copy of the page, its code and the data so a lecturer can present with no network.
window.byzlabOffline = () => navigator.serviceWorker
  ? navigator.serviceWorker.register('./sw.js').then(() => navigator.serviceWorker.ready).then(() => true)
  : Promise.resolve(false);
