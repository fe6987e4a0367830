// byzlab's optional service worker (registered only when the user asks for offline use).
// Network first, cache as fallback: online the page is always current, offline it still works.
const CACHE = 'byzlab-v2';

async function precache() {
  const cache = await caches.open(CACHE);
  const page = await fetch('./', { cache: 'no-cache' });
  const html = await page.clone().text();
  await cache.put('./', page);
  // The hashed assets the page refers to, plus the data files and this folder's fixed files.
  const assets = new Set(['./boot.js', './worker.js', './data/mnist5k.bin', './data/spambase.bin']);
  for (const m of html.matchAll(/(?:href|src|data-js|data-wasm)="\.?\/?([^"#?]+\.(?:js|wasm|css|svg))"/g)) assets.add('./' + m[1]);
  await Promise.all([...assets].map(a => fetch(a).then(r => r.ok && cache.put(a, r)).catch(() => {})));
}

self.addEventListener('install', e => e.waitUntil(precache().then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  const key = url.pathname.endsWith('/') ? './' : e.request;
  e.respondWith(
    fetch(e.request).then(r => {
      if (r.ok) { const copy = r.clone(); caches.open(CACHE).then(c => c.put(key, copy)); }
      return r;
    }).catch(() => caches.match(key, { ignoreSearch: true }).then(r => r || Response.error()))
  );
});
