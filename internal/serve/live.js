// shiplog's live reload, added to every page by the dev server (never by
// `shiplog build`). It listens to the server's event stream and, after
// each build: updates the page in place when it changed (its <main>, its
// title and head metadata swapped for the new page's, without a
// navigation), and reloads it, keeping its scroll position, when that is
// not safe; reloads when a file it uses changed; swaps stylesheets in
// place when only they changed; goes to the entry just saved when the
// page is elsewhere; and shows or clears the overlay naming a failed
// build's problems.
(function () {
  "use strict";
  if (window.__shiplogLive || !window.EventSource) return;
  window.__shiplogLive = true;
  var me = document.currentScript;
  var seen = me ? +me.getAttribute("data-gen") || 0 : 0;
  var etag = me ? me.getAttribute("data-etag") || "" : "";
  var scriptPath = "/_shiplog/live.js";
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

  // updates counts the in-place updates started; one that finds a later
  // one started, or a reload or navigation begun, gives up.
  var updates = 0;
  var pending = null; // the AbortController of the update in flight

  function cancel() {
    updates++;
    if (pending) pending.abort();
    pending = null;
  }

  function reload() {
    cancel();
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) {}
    location.reload();
  }

  // The same-origin files the page loads, by path. Links the page does
  // not load (feeds, canonical) are not among them: an edit changes the
  // feeds every page links to.
  function resources() {
    var out = {};
    document.querySelectorAll("link[href], img[src], script[src], source[src], video[src], audio[src]").forEach(function (el) {
      if (el.tagName === "LINK" && !/(^|\s)(stylesheet|icon|preload|modulepreload)(\s|$)/i.test(el.rel)) return;
      var u = el.href || el.src;
      if (!u) return;
      try {
        u = new URL(u, location.href);
        if (u.origin === location.origin) out[norm(u.pathname)] = el;
      } catch (e) {}
    });
    return out;
  }

  function isStyle(el) {
    return el.tagName === "LINK" && /(^|\s)stylesheet(\s|$)/i.test(el.rel);
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

  // ---- In-place updates.
  //
  // Only the page's <main> is replaced, with its title and the head's
  // metadata (title, meta, links the page does not load, JSON-LD). The
  // rest stays as it is, with whatever the page's scripts bound to it
  // (the search box, the ticker strip), so the scripts run once and keep
  // working. That is safe only when the rest is what the new page would
  // have: the page as served before (its HTML, before any script changed
  // it) and the new page must be the same outside <main> and the head's
  // metadata — the same scripts, stylesheets, header, strip and footer —
  // and neither <main> may hold a script or a form (the search page's
  // form is bound by search.js). Anything else reloads.

  // soft reports a head element the update may replace.
  function soft(el) {
    var t = el.tagName;
    if (t === "TITLE" || t === "META") return true;
    if (t === "LINK") return !/(^|\s)(stylesheet|preload|modulepreload)(\s|$)/i.test(el.rel);
    return t === "SCRIPT" && (el.type || "").toLowerCase() === "application/ld+json";
  }

  function html(els) {
    return els.map(function (el) { return el.outerHTML; }).join("\n");
  }

  // shape takes apart a page as served (its HTML): its generation and
  // ETag from the live-reload tag; its <main>; its head metadata; and the
  // rest ("shell"), which an update keeps. It returns null for a page
  // that cannot be updated in place.
  function shape(text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var mains = doc.querySelectorAll("main");
    var tag = doc.querySelector('script[src="' + scriptPath + '"]');
    if (mains.length !== 1 || !tag || !doc.head || !doc.body) return null;
    var main = mains[0];
    if (main.querySelector("script, form")) return null;
    var p = { gen: +tag.getAttribute("data-gen") || 0, etag: tag.getAttribute("data-etag") || "", main: main };
    tag.remove();
    var box = doc.getElementById("shiplog-build-error"); // the server's overlay; events keep it
    if (box) box.remove();
    main.replaceWith(main.cloneNode(false));
    var head = Array.prototype.slice.call(doc.head.children);
    p.soft = head.filter(soft);
    p.meta = html(p.soft);
    p.hard = html(head.filter(function (el) { return !soft(el); }));
    p.shell = doc.documentElement.cloneNode(false).outerHTML + doc.body.outerHTML;
    return p;
  }

  // served is the page as it was served: its HTML, read from the
  // browser's cache (where the page just loaded is) once the page is
  // idle, and taken apart by the first update that needs it; after each
  // update, the page swapped in.
  var served = null;
  function before() {
    if (!served) {
      served = !etag ? Promise.resolve(null) : fetch(location.href, { cache: "force-cache", credentials: "same-origin" }).then(function (r) {
        // Not in the cache, and the page changed since it loaded:
        // nothing to compare with.
        if (r.status !== 200 || (r.headers.get("ETag") || "").replace(/"/g, "") !== etag) return null;
        return r.text();
      }).catch(function () { return null; });
    }
    return served;
  }
  if (window.fetch && window.DOMParser) (window.requestIdleCallback || setTimeout)(before);

  // update shows the page of generation gen (or later) in place, or
  // reloads.
  function update(gen) {
    if (!window.fetch || !window.DOMParser || !window.AbortController) return reload();
    cancel();
    var mine = updates;
    var ctl = pending = new AbortController();
    var next = fetch(location.href, { cache: "no-store", credentials: "same-origin", signal: ctl.signal }).then(function (r) {
      if (r.status !== 200 || r.redirected || !/^text\/html/i.test(r.headers.get("Content-Type") || "")) throw new Error("not a page");
      return r.text();
    });
    Promise.all([before(), next]).then(function (both) {
      if (mine !== updates) return;
      pending = null;
      var old = typeof both[0] === "string" ? shape(both[0]) : both[0];
      var neu = shape(both[1]);
      if (!old || !neu || neu.gen < gen || old.shell !== neu.shell || old.hard !== neu.hard || !swap(old, neu)) reload();
    }).catch(function () {
      if (mine === updates) reload();
    });
  }

  // swap puts neu's <main> and head metadata in place of old's.
  function swap(old, neu) {
    var mains = document.querySelectorAll("main");
    if (mains.length !== 1) return false;
    var main = mains[0];
    var x = window.scrollX, y = window.scrollY;
    var active = document.activeElement;
    var focusID = active && active !== main && main.contains(active) ? active.id : "";
    main.replaceChildren.apply(main, Array.prototype.slice.call(neu.main.childNodes));
    if (old.meta !== neu.meta) {
      Array.prototype.slice.call(document.head.children).filter(soft).forEach(function (el) { el.remove(); });
      document.head.prepend.apply(document.head, neu.soft);
    }
    window.scrollTo(x, y);
    var again = focusID && document.getElementById(focusID);
    if (again && main.contains(again)) again.focus({ preventScroll: true });
    neu.main = neu.soft = null;
    served = Promise.resolve(neu);
    etag = neu.etag;
    if (me) {
      me.setAttribute("data-gen", neu.gen);
      me.setAttribute("data-etag", neu.etag);
    }
    return true;
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
      cancel();
      location.assign(ev.focus);
      return;
    }
    if (ev.all) return reload();
    var uses = resources();
    var touched = changed.filter(function (p) { return p !== here && uses[p]; });
    var styles = touched.filter(function (p) { return isStyle(uses[p]); });
    if (styles.length < touched.length) return reload(); // an image, a script
    if (styles.length) swapStyles(styles, ev.gen);
    if (changed.indexOf(here) >= 0) update(ev.gen);
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
