// shiplog's Tech ticker. The strip works without this script: it moves
// with CSS and the Pause toggle is a checkbox. The script only remembers
// the toggle across pages and, in the dev server (data-live), swaps in new
// headlines without reloading the page. It never talks to Hacker News.
(function () {
  "use strict";
  var strip = document.getElementById("ticker");
  if (!strip) return;
  var pause = strip.querySelector(".ticker-pause");
  var key = "shiplog-ticker-paused";
  if (pause) {
    try { if (localStorage.getItem(key) === "1") pause.checked = true; } catch (e) {}
    pause.addEventListener("change", function () {
      try { localStorage.setItem(key, pause.checked ? "1" : "0"); } catch (e) {}
    });
  }

  var live = strip.getAttribute("data-live");
  if (!live || !window.fetch) return;
  var shown = strip.getAttribute("data-fetched") || "";

  function ok(u, local) {
    return typeof u === "string" && (/^https?:\/\//i.test(u) || (local && /^\/(?!\/)/.test(u)));
  }
  function link(href, text, copy, cls) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (cls) a.className = cls;
    if (copy) a.tabIndex = -1;
    return a;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function item(h, copy) {
    var li = document.createElement("li");
    li.append(link(h.url, h.title, copy), " ");
    var meta = document.createElement("span");
    meta.className = "ticker-meta";
    var talk = link(h.discuss_url, plural(h.comments, "comment", "comments"), copy);
    if (!copy) {
      var more = document.createElement("span");
      more.className = "visually-hidden";
      more.textContent = " on \u201c" + h.title + "\u201d";
      talk.append(more);
    }
    meta.append(plural(h.points, "point", "points") + " \u00b7 ", talk);
    li.append(meta);
    if (h.marker && ok(h.marker.url, true)) li.append(" ", link(h.marker.url, h.marker.text, copy, "ticker-mark"));
    return li;
  }
  function show(st) {
    var items = (st.items || []).filter(function (h) { return ok(h.url) && ok(h.discuss_url); });
    var lists = strip.querySelectorAll(".ticker-list");
    if (!items.length || lists.length < 2) return;
    lists[0].replaceChildren.apply(lists[0], items.map(function (h) { return item(h, false); }));
    lists[1].replaceChildren.apply(lists[1], items.map(function (h) { return item(h, true); }));
    strip.style.setProperty("--ticker-seconds", (st.seconds | 0) + "s");
    var asof = strip.querySelector(".ticker-asof");
    if (asof) asof.textContent = st.label + (st.as_of ? " \u00b7 " + st.as_of : "");
    strip.querySelectorAll("[hidden]").forEach(function (el) { el.hidden = false; });
    var note = strip.querySelector(".ticker-note");
    if (note) note.hidden = true;
  }
  function poll() {
    fetch(live, { cache: "no-cache" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (st) {
      // Never pull the list from under someone reading it with the keyboard.
      if (!st || !st.fetched_at || st.fetched_at === shown || strip.contains(document.activeElement)) return;
      shown = st.fetched_at;
      show(st);
    }).catch(function () { /* the dev server is restarting; try later */ });
  }
  poll();
  setInterval(poll, 30000);
  window.addEventListener("focus", poll);
})();
