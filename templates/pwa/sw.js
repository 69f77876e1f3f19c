// Fieldwork 1+2 service worker (config/pwa.py). It keeps ONLY the offline page and the static
// shell, stored once when it is installed. It never stores any other response: pages with data
// always come from the network and are never kept on the device. Non-GET requests and other
// origins are left alone.
"use strict";
const CACHE = {{ cache_name|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    // Always the network; the offline page only when it cannot be reached.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    // (the icon font is asked for with a version query: the stored copy answers it)
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});
