// The field app's service worker (Workbox, vendored). It keeps the app's page and its static files so the
// app opens without a signal; it never stores an API answer (the caseload copy lives in IndexedDB, where
// the page can erase it). Pages: network first, the cached copy when offline.
importScripts({{ workbox|safe }});
workbox.setConfig({ modulePathPrefix: {{ modules|safe }}, debug: false });

const CACHE = "sunshine-field";
const SHELL = {{ shell|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && SHELL.includes(url.pathname),
  new workbox.strategies.NetworkFirst({ cacheName: CACHE, networkTimeoutSeconds: 4 }),
);
