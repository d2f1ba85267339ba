// shiplog's live reload, added to every page by the dev server (never by
// `shiplog build`). It listens to the server's event stream and, after
// each build: reloads the page, keeping its scroll position, when the
// page or a file it uses changed; swaps stylesheets in place when only
// they changed; goes to the entry just saved when the page is elsewhere;
// and shows or clears the overlay naming a failed build's problems.
(function () {
  "use strict";
  if (window.__shiplogLive || !window.EventSource) return;
  window.__shiplogLive = true;
  var me = document.currentScript;
  var seen = me ? +me.getAttribute("data-gen") || 0 : 0;
  var etag = me ? me.getAttribute("data-etag") || "" : "";
  var scrollKey = "shiplog-scroll";
  var overlayStyle = "position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#ffd7d7;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-bottom:3px solid #e5484d";

  // A page path as the server names it: "/log/x/index.html" is "/log/x/".
  function norm(p) {
    try { p = decodeURI(p); } catch (e) {}
    return p.replace(/\/index\.html$/, "/");
  }
  var here = norm(location.pathname);

  // Scroll back to where the reader was before a reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    if (saved && saved.path === location.pathname) {
      sessionStorage.removeItem(scrollKey);
      var back = function () { window.scrollTo(saved.x, saved.y); };
      back();
      window.addEventListener("load", back);
    }
  } catch (e) {}

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) {}
    location.reload();
  }

  // The same-origin files the page uses, by path.
  function resources() {
    var out = {};
    document.querySelectorAll("link[href], img[src], script[src], source[src], video[src], audio[src]").forEach(function (el) {
      var u = el.href || el.src;
      if (!u) return;
      try {
        u = new URL(u, location.href);
        if (u.origin === location.origin) out[norm(u.pathname)] = el;
      } catch (e) {}
    });
    return out;
  }

  function swapStyles(paths, gen) {
    paths.forEach(function (p) {
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (old) {
        var u = new URL(old.href, location.href);
        if (norm(u.pathname) !== p) return;
        var next = old.cloneNode();
        next.href = u.pathname + "?v=" + gen;
        next.onload = next.onerror = function () { old.remove(); };
        old.after(next);
      });
    });
  }

  function overlay(problems) {
    var box = document.getElementById("shiplog-build-error");
    if (!problems) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "shiplog-build-error";
      box.setAttribute("role", "alert");
      box.setAttribute("style", overlayStyle);
      (document.body || document.documentElement).append(box);
    }
    var head = document.createElement("strong");
    head.setAttribute("style", "display:block;margin-bottom:.5rem;color:#fff");
    head.textContent = "The last build failed; this is the last good site. Fix these and save:";
    var pre = document.createElement("pre");
    pre.setAttribute("style", "margin:0;white-space:pre-wrap");
    pre.textContent = problems;
    box.replaceChildren(head, pre);
  }

  // After missing events: reload if this page is not what the server
  // now has.
  function check() {
    if (!etag) return reload();
    fetch(location.href, { method: "HEAD", cache: "no-store" }).then(function (r) {
      var now = (r.headers.get("ETag") || "").replace(/"/g, "");
      if (!r.ok || now !== etag) reload();
    }).catch(function () {});
  }

  function built(ev) {
    var changed = ev.changed || [];
    if (ev.focus && norm(ev.focus) !== here && document.visibilityState === "visible") {
      location.assign(ev.focus);
      return;
    }
    if (ev.all || changed.indexOf(here) >= 0) return reload();
    var uses = resources();
    var touched = changed.filter(function (p) { return uses[p]; });
    if (!touched.length) return;
    var styles = touched.every(function (p) {
      var el = uses[p];
      return el.tagName === "LINK" && /(^|\s)stylesheet(\s|$)/i.test(el.rel);
    });
    if (styles) swapStyles(touched, ev.gen);
    else reload();
  }

  var first = true;
  var es = new EventSource("/_shiplog/events");
  es.onmessage = function (m) {
    var ev;
    try { ev = JSON.parse(m.data); } catch (e) { return; }
    var hello = first;
    first = false;
    overlay(ev.failure);
    if (ev.failure) return;
    if (ev.gen === seen) return;
    if (seen === 0 && ev.gen > 0) return reload(); // the site was not built when this page came
    var missed = hello || ev.gen !== seen + 1;
    seen = ev.gen;
    if (missed) check();
    else built(ev);
  };
  es.onopen = function () {
    first = true;
    window.__shiplogLive = "connected"; // for tests and the curious
  };
  // The stream ends when the server stops; EventSource tries again by
  // itself, and the first message after it says where things are.
})();
