// skillbook: what JavaScript adds to pages that work without it: the colour switch, the "what can I
// do right now?" chooser one step at a time, search results, offline use (a service worker), and in
// the live preview a reload after each rebuild.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "";
  var html = document.documentElement;

  // --- colours: system, light or dark; the choice is kept for the next pages
  var button = document.querySelector(".sb-scheme");
  var names = { "": "system", light: "light", dark: "dark" };
  function show() { if (button) button.querySelector("span").textContent = names[html.dataset.scheme || ""]; }
  if (button) {
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var next = { "": "light", light: "dark", dark: "" }[html.dataset.scheme || ""];
      if (next) html.dataset.scheme = next; else delete html.dataset.scheme;
      try { if (next) localStorage.setItem("skillbook-scheme", next); else localStorage.removeItem("skillbook-scheme"); }
      catch (e) { /* private browsing: the choice lasts for this page */ }
      show();
    });
  }

  // --- quick exit (companion pages, the crisis page, pages about relationships): the button or the
  // Escape key leaves at once for a neutral page, which takes this page's place in the history
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    var leave = function (event) {
      if (event) event.preventDefault();
      document.body.hidden = true;  // nothing stays on screen while the next page loads
      location.replace(exit.getAttribute("href"));
    };
    exit.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      // Escape also closes a dialog: there it does only that
      if (event.key === "Escape" && !document.querySelector("dialog[open]")) leave(event);
    });
  }

  // --- a fill-in page opened as a file: browsers refuse its modules there, so say what to do instead
  var fill = document.querySelector(".sb-fill");
  if (fill && location.protocol === "file:") {
    var note = fill.querySelector(".sb-fill-file");
    if (note) note.hidden = false;
    fill.dataset.ready = "file";
  }

  // --- the client's own card, where they made one on this phone (chooser's top band, crisis page)
  if (document.querySelector("[data-own-card]") && "indexedDB" in window) {
    import(root + "_static/companion/glance.js").then(function (module) { return module.showOwnCard(); })
      .catch(function () { /* no card: the page is complete without it */ });
  }

  // --- offline: cache the handbook after the first visit, and say so quietly when it is ready
  var status = document.querySelector(".sb-offline");
  if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol) && !script.hasAttribute("data-live-reload")) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "skillbook-offline-ready" && status) {
        status.textContent = "Ready to use offline: this handbook now opens without a connection.";
        html.dataset.offline = "ready";
      }
    });
    // a page the offline copy served asks for a newer build; a first visit has just installed the
    // newest one, and asking again at once can hold the browser's update queue for seconds
    var served = !!navigator.serviceWorker.controller;
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(root + "sw.js").then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "skillbook-status" });
        if (served && navigator.onLine) return registration.update();  // a new build replaces the offline copy
      }).catch(function () { /* no offline copy; the site still works online */ });
    });
  }

  // --- live preview (skillbook serve): reload when a rebuild finished; no offline copy of a
  // published build on the same address may stand in for the pages being written
  if (script.hasAttribute("data-live-reload")) {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.getRegistrations().then(function (all) {
        all.forEach(function (registration) { registration.unregister(); });
      });
    }
    // a save that breaks the content: the last good page stays, the problems show over it
    var banner = null;
    var show = function (problems) {
      if (banner) { banner.remove(); banner = null; }
      if (!problems.length) { return; }
      banner = document.createElement("div");
      banner.className = "sb-preview-problems";
      banner.setAttribute("role", "alert");
      var title = document.createElement("p");
      title.className = "sb-preview-problems-title";
      title.textContent = problems.length === 1 ? "The last save has a problem; this page is from the last good build."
        : "The last save has " + problems.length + " problems; this page is from the last good build.";
      banner.appendChild(title);
      var list = document.createElement("ul");
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        var where = document.createElement("code");
        where.textContent = problem.path + ":" + problem.line;
        item.appendChild(where);
        item.appendChild(document.createTextNode(" " + problem.message));
        if (problem.hint) {
          var hint = document.createElement("span");
          hint.className = "sb-preview-hint";
          hint.textContent = "Hint: " + problem.hint;
          item.appendChild(hint);
        }
        list.appendChild(item);
      });
      banner.appendChild(list);
      document.body.insertBefore(banner, document.body.firstChild);
    };
    var seen = null;
    var poll = function () {
      fetch("/_skillbook/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
        if (seen !== null && status.build !== seen && !status.problems.length) { location.reload(); return; }
        if (status.build !== seen) { show(status.problems); }
        seen = status.build;
        setTimeout(poll, 100);
      }).catch(function () { setTimeout(poll, 1000); });
    };
    poll();
  }

  // --- "What can I do right now?": one step at a time. Without scripts every answer is on the page
  // and the same links jump to it; here the others are hidden so a reader in distress sees only
  // the question or the answer they chose.
  var chooser = document.querySelector(".skillbook-chooser");
  if (chooser) {
    var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
    var step = function (moved) {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id ? document.getElementById(id) : null;
      if (target && !chooser.contains(target)) return;
      var band = target ? target.closest(".skillbook-band") : null;
      var answer = target ? target.closest(".skillbook-choice") : null;
      each(chooser.querySelectorAll(".skillbook-band"), function (block) {
        block.hidden = block !== band;
        block.querySelector(".skillbook-step-two").hidden = !!answer;
        each(block.querySelectorAll(".skillbook-choice"), function (c) { c.hidden = c !== answer; });
      });
      if (!target) return;
      target.scrollIntoView();
      if (moved) {  // where a screen reader or the keyboard carries on from
        target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      }
    };
    step(false);
    window.addEventListener("hashchange", function () { step(true); });
  }

  // --- search: everyday words find the skills that fit; crisis help first where it matters
  var results = document.getElementById("sb-results");
  if (!results) return;
  var query = new URLSearchParams(location.search).get("q") || "";
  var field = document.getElementById("sb-q");
  if (field) field.value = query;
  if (!query.trim()) return;
  fetch(root + "skillbook-search.json").then(function (r) { return r.json(); }).then(function (index) {
    render(search(index, query), query);
  }).catch(function () {
    results.textContent = "Search could not load. Use the contents, or What can I do right now?";
  });

  var STOP = " a an and am are at be but can cant do dont feel feeling feels for from get got have i im in is it " +
    "its just me my myself of on or really so the to too very want what when with ";
  function norm(text) {
    return " " + text.toLowerCase().replace(/[\u2019']/g, "").replace(/[^a-z0-9]+/g, " ").trim() + " ";
  }
  function matches(q, term) {
    if (term.length < 3) return false;
    return q.indexOf(term) >= 0 || (q.trim().length >= 4 && term.indexOf(q) === 0);
  }
  function search(index, text) {
    var q = norm(text), found = [], seen = {}, crisis = false;
    function add(i, why) { if (!(i in seen)) { seen[i] = true; found.push({ page: index.pages[i], why: why }); } }
    index.words.forEach(function (word) {
      if (!word.terms.some(function (t) { return matches(q, norm(t)); })) return;
      if (word.crisis) crisis = true;
      word.pages.forEach(function (i) { add(i, word.label); });
    });
    var tokens = q.trim().split(" ").filter(function (t) { return t.length > 1 && STOP.indexOf(" " + t + " ") < 0; });
    var scored = [];
    index.pages.forEach(function (page, i) {
      var title = norm(page.t), keys = norm(page.w + " " + page.s), score = 0;
      tokens.forEach(function (t) {
        if (title.indexOf(" " + t) >= 0) score += 5;
        if (keys.indexOf(" " + t) >= 0) score += 1;
      });
      if (score) scored.push([score, i]);
    });
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    scored.forEach(function (s) { add(s[1], ""); });
    return { crisis: crisis, pages: found.slice(0, 40), help: index.crisis, plan: index.plan };
  }
  function item(list, page, className, note) {
    var li = document.createElement("li");
    if (className) li.className = className;
    var a = document.createElement("a");
    a.className = "sb-result-title";
    a.href = root + page.u;
    a.textContent = page.t;
    li.appendChild(a);
    var p = document.createElement("p");
    p.textContent = (page.k ? page.k + ". " : "") + (note || page.s || "");
    li.appendChild(p);
    list.appendChild(li);
  }
  function render(found, text) {
    results.textContent = "";
    var heading = document.createElement("h2");
    var count = found.pages.length;
    heading.textContent = count ? count + (count === 1 ? " result" : " results") + " for “" + text + "”"
      : "Nothing found for “" + text + "”";
    results.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "sb-results";
    if (found.crisis) {
      item(list, found.help, "sb-crisis-first", "If you are in danger or thinking of ending your life: get help now.");
      if (found.plan) item(list, found.plan, "sb-crisis-first", "Follow the steps you wrote down for moments like this.");
    }
    found.pages.forEach(function (r) {
      if (r.page.u !== found.help.u && (!found.plan || r.page.u !== found.plan.u)) item(list, r.page, "", "");
    });
    results.appendChild(list);
  }
})();
