// shiplog's search: the box in every page's header and the /search/ page.
// It reads the static index that `shiplog build` writes under /search/
// (see internal/search): the manifest first, then only the shards that
// hold the words typed, then one small file per result shown. No
// framework, no request to anyone but this site, and every piece of the
// index is put into the page as text (textContent), never as markup.
//
// Keys: "/" focuses the box; ArrowDown and ArrowUp move through the
// results; Enter opens the one chosen (or, with none chosen, the search
// page); Escape closes the list, and a second Escape clears the box.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.search[data-index]");
  if (!forms.length || !window.fetch) return;

  // ---- The tokeniser. It repeats internal/search/token.go rule for rule;
  // internal/e2e runs both over internal/search/testdata/words.jsonl.
  var JOIN = "_-.:+#@", STRONG = ".:+#@", TRAIL = ".:-@";
  var reWord = /[\p{L}\p{N}\p{M}]/u, reAlnum = /[\p{L}\p{N}]/u, reDigit = /\p{Nd}/u,
    reLower = /\p{Ll}/u, reUpper = /\p{Lu}/u;
  function inWord(c) { return reWord.test(c) || (c.length === 1 && JOIN.indexOf(c) >= 0); }
  function count(s) { return Array.from(s).length; }
  function segments(cs, seps) {
    var out = [], cur = [], prev = "";
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      if (seps.indexOf(c) < 0) { cur.push(c); prev = c; continue; }
      if (c === "." && reDigit.test(prev) && i + 1 < cs.length && reDigit.test(cs[i + 1])) { cur.push(c); prev = c; continue; }
      if (cur.length) out.push(cur);
      cur = []; prev = c;
    }
    if (cur.length) out.push(cur);
    return out;
  }
  function camel(cs) {
    var out = [], start = 0;
    for (var k = 1; k < cs.length; k++) {
      var lu = reLower.test(cs[k - 1]) && reUpper.test(cs[k]);
      var ac = k + 1 < cs.length && reUpper.test(cs[k - 1]) && reUpper.test(cs[k]) && reLower.test(cs[k + 1]);
      if (lu || ac) { out.push(cs.slice(start, k)); start = k; }
    }
    out.push(cs.slice(start));
    return out;
  }
  // indexOf finds the characters sub in cs at or after from.
  function indexOf(cs, sub, from) {
    outer: for (var i = from; i + sub.length <= cs.length; i++) {
      for (var k = 0; k < sub.length; k++) if (cs[i + k] !== sub[k]) continue outer;
      return i;
    }
    return -1;
  }
  // word returns {text, parts} for the characters of one run, or null.
  function word(cs) {
    if (!cs.some(function (c) { return reAlnum.test(c); })) return null;
    var text = cs.join("").toLowerCase();
    if (count(text) < 2) return null;
    var parts = [];
    function add(p) {
      p = p.join("").toLowerCase();
      if (count(p) >= 2 && p !== text && parts.indexOf(p) < 0) parts.push(p);
    }
    var bigs = segments(cs, STRONG);
    bigs.forEach(function (big) {
      add(big);
      segments(big, "-_").forEach(function (small) { camel(small).forEach(add); });
    });
    // The word's beginnings at its strong joiners (import.meta of
    // import.meta.env.VITE_API_URL).
    var at = 0;
    bigs.slice(0, -1).forEach(function (big, i) {
      at = indexOf(cs, big, at) + big.length;
      if (i > 0) add(cs.slice(0, at));
    });
    return { text: text, parts: parts };
  }
  // words splits text into words; each has start and end, in UTF-16
  // units, for highlighting.
  function words(text) {
    var out = [], cs = [], at = [], pos = 0;
    for (var c of text) { cs.push(c); at.push(pos); pos += c.length; }
    at.push(pos);
    for (var i = 0; i < cs.length;) {
      if (!inWord(cs[i])) { i++; continue; }
      var j = i;
      while (j < cs.length && inWord(cs[j])) j++;
      var end = j;
      while (end > i && TRAIL.indexOf(cs[end - 1]) >= 0) end--;
      var w = word(cs.slice(i, end));
      if (w) { w.start = at[i]; w.end = at[end]; out.push(w); }
      i = j;
    }
    return out;
  }

  // ---- The index.
  var indexes = {};
  function Index(url) {
    this.base = url.replace(/[^\/]*$/, "");
    this.manifest = null;
    this.shards = {};
    this.docs = {};
    var self = this;
    this.ready = fetchJSON(url).then(function (m) {
      if (!m || m.v !== 1 || !Array.isArray(m.first) || !Array.isArray(m.shards)) throw new Error("unknown index format");
      self.manifest = m;
      self.stop = {};
      (m.stop || []).forEach(function (w) { self.stop[w] = true; });
    });
  }
  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }
  // shardOf returns the shard that holds term: the last whose first term
  // is not after it.
  Index.prototype.shardOf = function (term) {
    var first = this.manifest.first, lo = 0, hi = first.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (first[mid] <= term) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at;
  };
  Index.prototype.shard = function (i) {
    var self = this;
    if (!this.shards[i]) {
      this.shards[i] = fetchJSON(this.base + this.manifest.shards[i]).then(function (s) {
        var at = Object.create(null);
        s.t.forEach(function (t, k) { at[t] = k; });
        return { terms: s.t, postings: s.p, at: at, decoded: Object.create(null) };
      });
    }
    return this.shards[i];
  };
  function decode(sh, k) {
    if (sh.decoded[k]) return sh.decoded[k];
    var docs = [], weights = [], prev = 0;
    sh.postings[k].split(",").forEach(function (s) {
      var v = parseInt(s, 36);
      prev += Math.floor(v / 8);
      docs.push(prev);
      weights.push(v % 8);
    });
    return (sh.decoded[k] = { docs: docs, weights: weights });
  }
  // lookup resolves to the postings of term ({docs, weights}) or null.
  Index.prototype.lookup = function (term) {
    if (!this.manifest.shards.length) return Promise.resolve(null); // an empty log
    return this.shard(this.shardOf(term)).then(function (sh) {
      return term in sh.at ? decode(sh, sh.at[term]) : null;
    });
  };
  // expand resolves to the terms that start with prefix, at most 40,
  // the most frequent first, reading at most three shards.
  Index.prototype.expand = function (prefix) {
    if (!this.manifest.shards.length) return Promise.resolve([]);
    var from = this.shardOf(prefix), to = this.shardOf(prefix + "\uffff");
    if (to - from > 2) to = from + 2;
    var ps = [];
    for (var i = from; i <= to; i++) ps.push(this.shard(i));
    return Promise.all(ps).then(function (shards) {
      var found = [];
      shards.forEach(function (sh) {
        sh.terms.forEach(function (t, k) {
          if (t.lastIndexOf(prefix, 0) === 0 && t !== prefix) found.push({ term: t, df: commas(sh.postings[k]) + 1, sh: sh, k: k });
        });
      });
      found.sort(function (a, b) { return b.df - a.df; });
      return found.slice(0, 40).map(function (f) { return { term: f.term, list: decode(f.sh, f.k) }; });
    });
  };
  function commas(s) {
    var n = 0;
    for (var i = s.indexOf(","); i >= 0; i = s.indexOf(",", i + 1)) n++;
    return n;
  }
  Index.prototype.doc = function (i) {
    if (!this.docs[i]) this.docs[i] = fetchJSON(this.base + "d/" + Math.floor(i / 1000) + "/" + i + ".json");
    return this.docs[i];
  };

  // ---- Queries.
  // parse turns a query into clauses ({text, parts, prefix}), each of
  // which a result must match, and phrases (lists of word texts) that
  // must appear in its text as written.
  function parse(q, stop) {
    var clauses = [], phrases = [], pieces = q.replace(/[\u201c\u201d]/g, "\"").split("\"");
    pieces.forEach(function (piece, n) {
      var ws = words(piece), quoted = n % 2 === 1;
      if (quoted && ws.length > 1) phrases.push(ws.map(function (w) { return w.text; }));
      ws.forEach(function (w, k) {
        if (stop[w.text] && !w.parts.length) return;
        var last = n === pieces.length - 1 && k === ws.length - 1 && !quoted && !/\s$/.test(piece) && w.end === piece.length;
        clauses.push({ text: w.text, parts: w.parts.filter(function (p) { return !stop[p]; }), prefix: last });
      });
    });
    return { clauses: clauses, phrases: phrases };
  }
  function idf(n, df) { return Math.log(1 + n / df); }
  // clauseScores resolves to a map doc → score for the documents that
  // match clause c: the word itself (or, when no entry has it, all of its
  // parts), or, while it is being typed, a word it starts.
  function clauseScores(ix, c) {
    var n = ix.manifest.n;
    var wants = [ix.lookup(c.text), Promise.all(c.parts.map(function (p) { return ix.lookup(p); }))];
    wants.push(c.prefix && count(c.text) >= 2 ? ix.expand(c.text) : Promise.resolve([]));
    return Promise.all(wants).then(function (got) {
      var scores = new Map();
      function offer(d, s) { if (!(scores.get(d) >= s)) scores.set(d, s); }
      var whole = got[0], parts = got[1], more = got[2];
      if (whole) {
        var wi = idf(n, whole.docs.length);
        whole.docs.forEach(function (d, k) { offer(d, whole.weights[k] * wi); });
      }
      // By its parts only when no entry has the word whole: a name such
      // as cache_hit_ratio should not find every entry that says "cache"
      // somewhere and "ratio" somewhere else.
      if (!whole && parts.length && parts.every(Boolean)) {
        var sum = new Map(), hits = new Map();
        parts.forEach(function (p) {
          var pi = idf(n, p.docs.length);
          p.docs.forEach(function (d, k) {
            sum.set(d, (sum.get(d) || 0) + p.weights[k] * pi);
            hits.set(d, (hits.get(d) || 0) + 1);
          });
        });
        hits.forEach(function (h, d) { if (h === parts.length) offer(d, 0.8 * sum.get(d) / parts.length); });
      }
      more.forEach(function (m) {
        var mi = idf(n, m.list.docs.length);
        m.list.docs.forEach(function (d, k) { offer(d, 0.7 * m.list.weights[k] * mi); });
      });
      return { scores: scores, terms: [c.text].concat(c.parts), prefixes: more.map(function (m) { return m.term; }) };
    });
  }
  // search resolves to {ranked: [doc…], marks, phrases}: the documents
  // matching every clause, best first, newest first among equals.
  function search(ix, q) {
    var p = parse(q, ix.stop);
    if (!p.clauses.length) return Promise.resolve({ ranked: [], marks: [], phrases: [] });
    return Promise.all(p.clauses.map(function (c) { return clauseScores(ix, c); })).then(function (cs) {
      cs.sort(function (a, b) { return a.scores.size - b.scores.size; });
      var total = new Map(cs[0].scores);
      cs.slice(1).forEach(function (c) {
        total.forEach(function (s, d) {
          var t = c.scores.get(d);
          if (t === undefined) total.delete(d); else total.set(d, s + t);
        });
      });
      var ranked = Array.from(total.keys());
      ranked.sort(function (a, b) { return total.get(b) - total.get(a) || b - a; });
      var marks = [];
      cs.forEach(function (c) { marks = marks.concat(c.terms, c.prefixes); });
      return { ranked: ranked, marks: marks, phrases: p.phrases };
    });
  }
  function hasPhrase(textWords, phrase) {
    outer: for (var i = 0; i + phrase.length <= textWords.length; i++) {
      for (var k = 0; k < phrase.length; k++) if (textWords[i + k].text !== phrase[k]) continue outer;
      return true;
    }
    return false;
  }
  // results resolves to up to limit shown results from ranked, starting
  // at from: their documents, checked for the phrases.
  function results(ix, found, from, limit) {
    var out = [], i = from, fetched = 0;
    function step() {
      if (out.length >= limit || i >= found.ranked.length || fetched >= limit + 100) return Promise.resolve({ items: out, next: i });
      var batch = found.ranked.slice(i, i + Math.max(4, limit - out.length));
      i += batch.length;
      fetched += batch.length;
      return Promise.all(batch.map(function (d) { return ix.doc(d); })).then(function (docs) {
        docs.forEach(function (doc) {
          if (out.length >= limit || !doc || typeof doc.x !== "string") return;
          var tw = found.phrases.length ? words(doc.x) : null;
          if (tw && !found.phrases.every(function (ph) { return hasPhrase(tw, ph); })) return;
          out.push(doc);
        });
        return step();
      });
    }
    return step();
  }

  // ---- Showing results: text nodes and <mark>s only.
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function safeURL(u) { return typeof u === "string" && /^\/(?!\/)/.test(u) ? u : null; }
  function marked(ws, marks) {
    return ws.map(function (w) {
      return marks.some(function (m) { return w.text === m || w.parts.indexOf(m) >= 0 || (m.length > 1 && w.text.lastIndexOf(m, 0) === 0); });
    });
  }
  // around returns the stretch [a, b) of text that snippet tokenises: all
  // of it when it is short, else about 1,500 characters around the place
  // where the marks, looked for as plain substrings, lie thickest.
  // Tokenising every result's whole text (up to 20,000 bytes) was most of
  // the time a list of results took to show (docs/benchmarks.md).
  function around(text, marks) {
    var size = 1500;
    if (text.length <= size) return [0, text.length];
    var low = text.toLowerCase(), at = [];
    marks.forEach(function (m) {
      for (var i = low.indexOf(m); m && i >= 0 && at.length < 2000; i = low.indexOf(m, i + m.length)) at.push(i);
    });
    at.sort(function (x, y) { return x - y; });
    var best = 0, centre = 0;
    for (var i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] > 200) j++;
      if (i - j + 1 > best) { best = i - j + 1; centre = at[j]; }
    }
    var a = Math.max(0, centre - 500), b = Math.min(text.length, a + size);
    if (a > 0) a = text.indexOf(" ", a) + 1; // whole words only
    if (b < text.length) b = Math.max(a, text.lastIndexOf(" ", b));
    return [a, b];
  }
  // snippet fills node with the stretch of text around the most marked
  // words, the words marked.
  function snippet(node, text, marks) {
    text = text.replace(/\s+/g, " ");
    var cut = around(text, marks), cutBefore = cut[0] > 0, cutAfter = cut[1] < text.length;
    text = text.slice(cut[0], cut[1]);
    var ws = words(text), hit = marked(ws, marks), span = 22, best = 0, bestAt = 0, n = 0;
    for (var i = 0; i < ws.length; i++) {
      if (hit[i]) n++;
      if (i >= span && hit[i - span]) n--;
      if (n > best) { best = n; bestAt = Math.max(0, i - span + 1); }
    }
    var first = Math.max(0, bestAt - (best ? 3 : 0)), last = Math.min(ws.length, first + span + 3);
    if (!ws.length) { node.textContent = text.slice(0, 200); return; }
    var from = first === 0 ? 0 : ws[first].start, to = last >= ws.length ? text.length : ws[last - 1].end;
    if (from > 0 || cutBefore) node.append("\u2026");
    var at = from;
    for (var k = first; k < last; k++) {
      if (!hit[k]) continue;
      node.append(text.slice(at, ws[k].start));
      node.append(el("mark", "", text.slice(ws[k].start, ws[k].end)));
      at = ws[k].end;
    }
    node.append(text.slice(at, to));
    if (to < text.length || cutAfter) node.append("\u2026");
  }
  function meta(doc) {
    var m = el("span", "sr-meta");
    if (doc.k) m.append(el("span", "kind kind-" + String(doc.k).replace(/[^a-z]/g, ""), doc.kl || doc.k), " ");
    if (doc.d) { var t = el("time", "", doc.dl || doc.d); t.dateTime = doc.d; m.append(t); }
    if (doc.p) m.append(" \u00b7 " + doc.p);
    return m;
  }
  // item fills a (an <a>) with one result.
  function item(a, doc, marks) {
    a.href = safeURL(doc.u) || "#";
    a.append(el("span", "sr-title", doc.t || doc.u), meta(doc));
    var s = el("span", "sr-snip");
    snippet(s, doc.x || "", marks);
    a.append(s);
    return a;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // ---- One search form: the header box (a combobox with a pop-up list)
  // or the search page (a list in the page).
  function Box(form) {
    this.form = form;
    this.input = form.querySelector("input[name=q]");
    this.page = form.classList.contains("search-page");
    this.url = new URL(form.getAttribute("data-index"), location.href).href;
    this.seq = 0;
    this.active = -1;
    this.options = [];
    var self = this;
    if (this.page) {
      this.list = document.querySelector(".search-results");
      this.status = document.querySelector(".search-status");
    } else {
      this.list = el("div", "search-pop");
      this.list.id = "search-pop";
      this.list.setAttribute("role", "listbox");
      this.list.setAttribute("aria-label", "Search results");
      this.list.hidden = true;
      this.status = el("span", "visually-hidden");
      this.status.setAttribute("role", "status");
      form.append(this.list, this.status);
      this.input.setAttribute("role", "combobox");
      this.input.setAttribute("aria-autocomplete", "list");
      this.input.setAttribute("aria-expanded", "false");
      this.input.setAttribute("aria-controls", this.list.id);
      document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) self.close(); });
      this.input.addEventListener("blur", function () {
        setTimeout(function () { if (!form.contains(document.activeElement)) self.close(); }, 200);
      });
    }
    var timer = 0;
    this.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.run(); }, 60);
    });
    this.input.addEventListener("focus", function () { self.index(); });
    this.input.addEventListener("keydown", function (ev) { self.key(ev); });
    form.addEventListener("submit", function (ev) {
      if (self.page) { ev.preventDefault(); self.run(); return; }
      var o = self.options[self.active];
      if (o) { ev.preventDefault(); location.href = o.href; }
    });
    if (this.page) {
      var q = new URLSearchParams(location.search).get("q");
      if (q) { this.input.value = q; this.run(); }
    }
  }
  Box.prototype.index = function () {
    if (!indexes[this.url]) indexes[this.url] = new Index(this.url);
    return indexes[this.url];
  };
  Box.prototype.run = function (more) {
    var self = this, q = this.input.value, seq = ++this.seq, ix = this.index(), t0 = performance.now();
    if (this.page && !more) history.replaceState(null, "", q ? "?q=" + encodeURIComponent(q) : location.pathname);
    if (!q.trim()) { this.show(null, [], 0); return Promise.resolve(); }
    var limit = this.page ? 20 : 6;
    return ix.ready.then(function () {
      return more ? self.found : search(ix, q);
    }).then(function (found) {
      if (seq !== self.seq) return;
      self.found = found;
      return results(ix, found, more ? self.next : 0, limit).then(function (r) {
        if (seq !== self.seq) return;
        self.next = r.next;
        self.show(found, r.items, performance.now() - t0, more);
      });
    }).catch(function (err) {
      if (seq !== self.seq) return;
      self.status.textContent = "Search is unavailable: " + err.message;
    });
  };
  Box.prototype.show = function (found, docs, ms, more) {
    var self = this, marks = found ? found.marks : [];
    if (!more) { this.list.textContent = ""; this.options = []; this.active = -1; }
    this.list.setAttribute("data-ms", ms.toFixed(1));
    var total = found ? found.ranked.length : 0;
    docs.forEach(function (doc) {
      var a = el("a", "sr");
      item(a, doc, marks);
      if (self.page) {
        var li = el("li");
        li.append(a);
        self.list.append(li);
      } else {
        a.id = "search-opt-" + self.options.length;
        a.setAttribute("role", "option");
        a.tabIndex = -1;
        self.list.append(a);
      }
      self.options.push(a);
    });
    var q = this.input.value.trim();
    if (!q) {
      this.status.textContent = "";
    } else if (!this.options.length) {
      this.status.textContent = "Nothing found for \u201c" + q + "\u201d.";
    } else if (found.phrases.length) {
      this.status.textContent = plural(this.options.length, "result", "results") + (this.next < total ? " so far" : "") + " for \u201c" + q + "\u201d.";
    } else {
      this.status.textContent = plural(total, "result", "results") + " for \u201c" + q + "\u201d.";
    }
    if (this.page) {
      var old = document.querySelector(".search-more");
      if (old) old.remove();
      if (found && this.next < total) {
        var b = el("button", "search-more", "More results");
        b.type = "button";
        b.addEventListener("click", function () { b.remove(); self.run(true); });
        this.list.after(b);
      }
      return;
    }
    if (q && this.options.length) {
      var all = el("a", "sr sr-all", "All results for \u201c" + q + "\u201d");
      all.href = this.form.action + "?q=" + encodeURIComponent(q);
      all.id = "search-opt-" + this.options.length;
      all.setAttribute("role", "option");
      all.tabIndex = -1;
      this.list.append(all);
      this.options.push(all);
    }
    this.open(!!q && this.options.length > 0);
  };
  Box.prototype.open = function (on) {
    if (this.page) return;
    this.list.hidden = !on;
    this.input.setAttribute("aria-expanded", on ? "true" : "false");
    if (!on) this.select(-1);
  };
  Box.prototype.close = function () { this.open(false); };
  Box.prototype.select = function (i) {
    if (this.active >= 0 && this.options[this.active]) this.options[this.active].classList.remove("active");
    this.active = i;
    if (this.page) {
      if (i >= 0) this.options[i].focus(); else this.input.focus();
      return;
    }
    if (i >= 0) {
      var o = this.options[i];
      o.classList.add("active");
      o.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", o.id);
      o.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
    this.options.forEach(function (o, k) { if (k !== i) o.removeAttribute("aria-selected"); });
  };
  Box.prototype.key = function (ev) {
    var n = this.options.length;
    switch (ev.key) {
      case "ArrowDown":
        if (!n) return;
        ev.preventDefault();
        if (!this.page) this.open(true);
        this.select(this.active + 1 < n ? this.active + 1 : 0);
        break;
      case "ArrowUp":
        if (!n) return;
        ev.preventDefault();
        this.select(this.active > 0 ? this.active - 1 : n - 1);
        break;
      case "Enter":
        if (this.active >= 0 && this.options[this.active] && !this.page) {
          ev.preventDefault();
          location.href = this.options[this.active].href;
        }
        break;
      case "Escape":
        if (!this.page && !this.list.hidden) { ev.preventDefault(); this.close(); }
        else if (this.input.value) { ev.preventDefault(); this.input.value = ""; this.run(); }
        else this.input.blur();
        break;
    }
  };

  var boxes = Array.prototype.map.call(forms, function (f) { return new Box(f); });
  // On the search page, arrows move through the results and Escape goes
  // back to the box.
  boxes.forEach(function (box) {
    if (!box.page) return;
    box.list.addEventListener("keydown", function (ev) {
      var i = box.options.indexOf(document.activeElement);
      if (i < 0) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); box.select(Math.min(i + 1, box.options.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); box.select(i - 1); }
      else if (ev.key === "Escape") { ev.preventDefault(); box.select(-1); }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = boxes.filter(function (b) { return b.page; })[0] || boxes[0];
    ev.preventDefault();
    box.input.focus();
    box.input.select();
  });

  // For tests and the curious: the tokeniser and a query function.
  window.shiplogSearch = {
    words: function (text) { return words(text).map(function (w) { return { text: w.text, parts: w.parts }; }); },
    // query resolves to {total, urls}: the number of results and the
    // URLs of the best limit, fetching what the search page would. With
    // count, a phrase's candidates are all checked (up to 500) so that
    // total counts those that hold it.
    query: function (q, limit, count) {
      var ix = boxes[0].index();
      limit = limit || 10;
      return ix.ready.then(function () { return search(ix, q); }).then(function (found) {
        return results(ix, found, 0, found.phrases.length && count ? 500 : limit).then(function (r) {
          return {
            total: found.phrases.length ? r.items.length : found.ranked.length,
            urls: r.items.slice(0, limit).map(function (d) { return d.u; })
          };
        });
      });
    }
  };
})();
