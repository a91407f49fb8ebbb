// skillbook offline support: `skillbook build` writes sw.js as `"use strict";`, one line of data,
// `const SKILLBOOK = {"first": [...], "rest": [...], "version": "..."};` (serialized, see
// skillbook/site/offline.py), then this file as it is: nothing is ever put into this code.
/* global SKILLBOOK */
const CACHE = "skillbook-" + SKILLBOOK.version;
const FIRST = SKILLBOOK.first;
const REST = SKILLBOOK.rest;
const PAGES = new Set(FIRST.concat(REST).filter((p) => p.endsWith(".html")));

// this build's copy of a file, asked of the server: the browser's own cache may still hold the last
// build's (hosts let pages be cached for minutes), and that copy must not enter this build's cache
const fresh = (path) => new Request(path, { cache: "no-cache" });

// this build's cache, or null once a newer build has replaced it: opening it then would bring the
// old copy back beside the new one
function ownCache() {
  return caches.has(CACHE).then((kept) => (kept ? caches.open(CACHE) : null));
}

function dropOtherBuilds() {
  return caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("skillbook-") && k !== CACHE)
    .map((k) => caches.delete(k))));
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FIRST.map(fresh))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // activation is kept short (pages wait for it); the rest is cached when a page asks (below)
  event.waitUntil(dropOtherBuilds().then(() => self.clients.claim()));
});

let complete = null;
function cacheTheRest() {
  complete = complete || ownCache().then(async (cache) => {
    if (!cache) return false;
    for (const path of REST) {
      if (!(await cache.match(path))) {
        try { await cache.add(fresh(path)); } catch (error) { complete = null; return false; }
      }
    }
    return true;
  });
  return complete.then((done) => { if (done) tell({ type: "skillbook-offline-ready" }); return done; });
}

function tell(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then((clients) => clients.forEach((c) => c.postMessage(message)));
}

// a page asks the active worker how far the offline copy is; the active worker also clears what a
// replaced worker may have written after the switch
function isActive() {
  return self.serviceWorker !== undefined && self.registration.active === self.serviceWorker;
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skillbook-status") {
    event.waitUntil((isActive() ? dropOtherBuilds() : Promise.resolve()).then(cacheTheRest));
  }
});

function pathOf(url) {
  const scope = new URL(self.registration.scope);
  return url.pathname.startsWith(scope.pathname) ? decodeURIComponent(url.pathname.slice(scope.pathname.length)) : null;
}

function fromCacheFirst(path) {
  return ownCache().then((cache) => (cache ? cache.match(path) : null).then((hit) => hit ||
    fetch(fresh(path)).then((response) => { if (cache && response.ok) cache.put(path, response.clone()); return response; })))
    .catch(() => caches.match(FIRST[0]));
}

function fromNetworkFirst(request, path) {
  return fetch(request).then((response) => {
    if (response.ok) { const copy = response.clone(); ownCache().then((cache) => cache && cache.put(path, copy)); }
    return response;
  }).catch(() => caches.match(path).then((hit) => hit || (request.mode === "navigate" ? caches.match(FIRST[0]) : Response.error())));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  let path = pathOf(url);
  if (path === null) return;
  if (path === "" || path.endsWith("/")) path += "index.html";
  if (PAGES.has(path) || FIRST.includes(path) || REST.includes(path)) {
    // pages and assets of this build: from the cache, so they open at once and without a connection
    event.respondWith(fromCacheFirst(path));
    return;
  }
  // worksheets, the app bundle and anything else: the network first, a kept copy without a connection
  event.respondWith(fromNetworkFirst(event.request, path));
});
