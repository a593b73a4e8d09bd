// zhuqi's service worker: keeps what a coordinator needs in the field on the phone, so the
// app opens with no network: the site's files (the app shell), `/my`, and the firm pages and
// visit forms last opened. Visits themselves wait in the page's outbox (offline.js), not here.
// Served by the server, which fills in the build below; a new build is a new worker.
'use strict';

const BUILD = '__BUILD__';
const SHELL = 'zhuqi-shell-' + BUILD;
const PAGES = 'zhuqi-pages-v1';
// How many firm pages and visit forms are kept; the oldest go first.
const MAX_PAGES = 40;
// The pages worth having offline: the coordinator's list, a firm's file, its visit form.
const KEPT = /^\/(my|firms\/\d+|firms\/\d+\/visit)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL).then((c) => c.addAll(['/offline.js', '/favicon.svg'])).then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith('zhuqi-shell-') && n !== SHELL).map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

// A site file named by its content hash (zhuqi.<22 characters>.wasm) never changes.
function hashed(path) {
  return /^\/pkg\/[^/]+\.[A-Za-z0-9_-]{22}\.[a-z0-9]+$/.test(path);
}

async function keepPage(path, response) {
  const cache = await caches.open(PAGES);
  await cache.delete(path);
  await cache.put(path, response);
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - MAX_PAGES; i++) await cache.delete(keys[i]);
}

function offlinePage() {
  const html = '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>无网络 · No network</title>' +
    '<body style="font-family:sans-serif;padding:1rem;max-width:36rem">' +
    '<h1>无网络</h1><p>此页未保存在本机。已保存的走访会在联网后自动发送。</p>' +
    '<p lang="en">No network, and this page is not kept on this phone. Saved visits are sent when the network returns.</p>' +
    '<p><a href="/my">我的企业 · My firms</a></p></body></html>';
  return new Response(html, {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

// A page from the network when there is one (it is the truth), kept for later; else the copy.
async function page(request, path, plain) {
  try {
    const response = await fetch(request);
    // Only a page the user could read (not the login page a lapsed session is sent to), and
    // only as plainly asked for (not with a one-time notice such as "visit logged").
    if (plain && KEPT.test(path) && response.ok && !response.redirected && response.type === 'basic') {
      await keepPage(path, response.clone());
    }
    return response;
  } catch (e) {
    const kept = await caches.match(path, { cacheName: PAGES });
    return kept || offlinePage();
  }
}

async function siteFile(request, path) {
  const cache = await caches.open(SHELL);
  if (hashed(path)) {
    const kept = await cache.match(request);
    if (kept) return kept;
  }
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (e) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    event.respondWith(page(request, path, !url.search));
  } else if (path.startsWith('/pkg/') || path === '/offline.js' || path === '/favicon.svg') {
    event.respondWith(siteFile(request, path));
  }
  // Everything else (the API, server functions, attachments) goes to the network as usual.
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'keep' && typeof data.path === 'string' && KEPT.test(data.path)) {
    // A page reached by the app's own navigation (no request the worker saw): fetch it once
    // so it is there offline too.
    event.waitUntil(
      fetch(data.path, { credentials: 'same-origin' })
        .then((r) => (r.ok && !r.redirected ? keepPage(data.path, r) : null))
        .catch(() => null)
    );
  } else if (data.type === 'forget') {
    // Logging out: the pages of this user go.
    event.waitUntil(caches.delete(PAGES));
  }
});
