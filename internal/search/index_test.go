package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// words is a vocabulary with a few common words and many rare ones, so
// that postings range from one document to all of them.
func words(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		switch k := r.IntN(10); {
		case k < 4:
			fmt.Fprintf(&b, "common%d ", r.IntN(5))
		case k < 8:
			fmt.Fprintf(&b, "word%d ", r.IntN(300))
		default:
			fmt.Fprintf(&b, "rare%d ", r.IntN(5000))
		}
	}
	return b.String()
}

func randomDoc(r *rand.Rand, i int) Doc {
	return Doc{
		URL:     fmt.Sprintf("/log/e%d/", i),
		Title:   words(r, 4),
		Date:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
		Kind:    "note",
		Tags:    []string{fmt.Sprintf("tag%d", r.IntN(8))},
		Summary: words(r, 6),
		Body:    words(r, 60+r.IntN(100)),
	}
}

// filesOf returns the index's files by name, and the manifest.
func filesOf(files []File) (map[string][]byte, []byte) {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Bytes()
	}
	return m, files[0].Bytes()
}

// TestUpdateMatchesBuild edits a set of documents in every way the dev
// server does and checks after each edit that Update's files (or
// UpdateDocs', told which documents were edited) are exactly Build's of
// the same documents, and that an edit to one document encoded again
// only a few shards.
func TestUpdateMatchesBuild(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	docs := make([]Doc, 300)
	for i := range docs {
		docs[i] = randomDoc(r, i)
	}
	opts := Options{ShardSize: 2 << 10}
	// Terms memoised per document, as the dev server keeps them.
	memo := map[string]DocTerms{}
	optsMemo := opts
	ctx := context.Background()
	ix := new(Index)
	var last map[string][]byte
	// check updates the index, through UpdateDocs when edited names
	// the documents that changed, and compares it with Build's.
	check := func(what string, maxNew int, edited ...int) {
		t.Helper()
		terms := make([]DocTerms, len(docs))
		for i, d := range docs {
			k := fmt.Sprint(d)
			if _, ok := memo[k]; !ok {
				memo[k] = TermsOf(d)
			}
			terms[i] = memo[k]
		}
		optsMemo.Terms = func(i int, _ func(int) Doc) DocTerms { return terms[i] }
		doc := func(i int) Doc { return docs[i] }
		update := ix.Update
		if edited != nil {
			update = func(ctx context.Context, n int, doc func(int) Doc, opts Options) error {
				return ix.UpdateDocs(ctx, n, edited, doc, opts)
			}
		}
		if err := update(ctx, len(docs), doc, optsMemo); err != nil {
			t.Fatal(err)
		}
		full, err := Build(ctx, len(docs), doc, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, gotManifest := filesOf(ix.Files())
		want, wantManifest := filesOf(full.Files())
		if !bytes.Equal(gotManifest, wantManifest) {
			t.Fatalf("%s: manifest differs:\nUpdate: %.300s\nBuild:  %.300s", what, gotManifest, wantManifest)
		}
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Fatalf("%s: %s differs", what, name)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d files, Build has %d", what, len(got), len(want))
		}
		made := 0
		for name := range got {
			if _, ok := last[name]; !ok {
				made++
			}
		}
		t.Logf("%s: %d of %d files new", what, made, len(got))
		if maxNew >= 0 && made > maxNew {
			t.Errorf("%s: %d of %d files are new, want at most %d", what, made, len(got), maxNew)
		}
		last = got
	}
	check("first", -1)
	if len(last) < 20 {
		t.Fatalf("only %d files: the test wants many shards", len(last))
	}
	check("nothing changed", 1) // the manifest is always made again
	docs[100].Body += " rare4999 word7"
	check("a word added to a body", 1+3*2)
	docs[100].Body = strings.TrimSuffix(docs[100].Body, " rare4999 word7")
	check("the words removed again", 1+3*2)
	docs[42].Title = "An entirely new title with newword"
	check("a title edit", 1+8*2)
	docs[7].Body = words(r, 120)
	check("a body rewritten", -1)
	docs[100].Body += " rare4998 word8"
	check("a word added to a body, told which", 1+3*2, 100)
	docs[100].Body = strings.TrimSuffix(docs[100].Body, " rare4998 word8")
	check("the words removed again, told which", 1+3*2, 100)
	docs[42].Title = "Another new title with newerword"
	docs[200].Body = words(r, 80)
	check("two documents, told which", -1, 200, 42, 200)
	check("told of a document that did not change", 1, 3)
	docs = append(docs, randomDoc(r, len(docs)))
	check("a document added at the end, told only of it", -1, len(docs)-1)
	docs = docs[:len(docs)-1]
	check("the document removed again", -1)
	docs = append(docs, randomDoc(r, len(docs)))
	check("a document added at the end", -1)
	docs = docs[:len(docs)-1]
	check("the document removed again", -1)
	docs = append(docs[:50], docs[51:]...)
	check("a document removed from the middle", -1)
	docs = append(docs[:20], append([]Doc{randomDoc(r, 1000)}, docs[20:]...)...)
	check("a document inserted in the middle", -1)
	docs[0].Body, docs[0].Title, docs[0].Summary = "", "", ""
	docs[0].Tags = nil
	check("a document without terms", -1)
	docs = docs[:0]
	check("no documents", -1)
	for i := range 40 {
		docs = append(docs, randomDoc(r, i))
	}
	check("documents again", -1)
}

// TestUpdateCancelled checks that a cancelled Update leaves the index
// as it was.
func TestUpdateCancelled(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	docs := make([]Doc, 50)
	for i := range docs {
		docs[i] = randomDoc(r, i)
	}
	doc := func(i int) Doc { return docs[i] }
	ix := new(Index)
	if err := ix.Update(context.Background(), len(docs), doc, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := filesOf(ix.Files())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	docs[3].Body = "something else entirely"
	if err := ix.Update(ctx, len(docs), doc, Options{}); err == nil {
		t.Fatal("Update with a cancelled context: no error")
	}
	after, _ := filesOf(ix.Files())
	if len(after) != len(before) {
		t.Fatalf("after a cancelled Update: %d files, before %d", len(after), len(before))
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("after a cancelled Update: %s is gone", name)
		}
	}
}

// TestShardSizes checks that shards are cut about Options.ShardSize
// apart, and never past four times it unless one term is that big.
func TestShardSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	docs := make([]Doc, 2000)
	for i := range docs {
		docs[i] = randomDoc(r, i)
	}
	const size = 8 << 10
	ix, err := Build(context.Background(), len(docs), func(i int) Doc { return docs[i] }, Options{ShardSize: size})
	if err != nil {
		t.Fatal(err)
	}
	files := ix.Files()
	total := 0
	for _, f := range files[1:] {
		total += len(f.Bytes())
		var sh shard
		if err := json.Unmarshal(f.Bytes(), &sh); err != nil {
			t.Fatal(err)
		}
		if len(f.Bytes()) > 4*size+64 && len(sh.Terms) > 1 {
			t.Errorf("%s: %d bytes in %d terms, more than four times %d", f.Name, len(f.Bytes()), len(sh.Terms), size)
		}
	}
	avg := total / (len(files) - 1)
	if avg < size/2 || avg > 2*size {
		t.Errorf("shards average %d bytes over %d shards, want about %d", avg, len(files)-1, size)
	}
	t.Logf("%d shards, %d bytes on average", len(files)-1, avg)
}

func TestUvarintLen(t *testing.T) {
	for _, n := range []int{0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 1 << 20, 1<<35 + 3} {
		if got, want := uvarintLen(n), len(binary.AppendUvarint(nil, uint64(n))); got != want {
			t.Errorf("uvarintLen(%d) = %d, want %d", n, got, want)
		}
	}
}

// Terms kept by a cache (DocTerms.Append, DecodeTerms) build the same
// index as terms computed afresh; damaged bytes are refused, not read.
func TestTermsKept(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	docs := make([]Doc, 60)
	for i := range docs {
		docs[i] = randomDoc(r, i)
	}
	docs[3].Body += " Ünïcode naïve café 東京 ECONNREFUSED invalid_ELF_header"
	kept := make([][]byte, len(docs))
	for i, d := range docs {
		kept[i] = UnsortedTermsOf(d).Append(nil)
		if len(kept[i]) != cap(kept[i]) {
			t.Errorf("document %d: Append(nil) made %d bytes of room for %d", i, cap(kept[i]), len(kept[i]))
		}
	}
	doc := func(i int) Doc { return docs[i] }
	fresh, err := Build(context.Background(), len(docs), doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromCache, err := Build(context.Background(), len(docs), doc, Options{Terms: func(i int, _ func(int) Doc) DocTerms {
		d, ok := DecodeTerms(kept[i])
		if !ok {
			t.Fatalf("document %d: its terms do not decode", i)
		}
		return d
	}})
	if err != nil {
		t.Fatal(err)
	}
	want, wantManifest := filesOf(fresh.Files())
	got, gotManifest := filesOf(fromCache.Files())
	if !bytes.Equal(got["index.json"], want["index.json"]) || !bytes.Equal(gotManifest, wantManifest) || len(got) != len(want) {
		t.Fatal("an index built from kept terms differs from one built afresh")
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs", name)
		}
	}
	for _, bad := range [][]byte{nil, {5}, kept[0][:len(kept[0])-1], append(bytes.Clone(kept[0]), 0), {1, 3, 'a', 'b', 'c', 9}, {1, 0, 1}} {
		if _, ok := DecodeTerms(bad); ok {
			t.Errorf("DecodeTerms(%q) accepted damaged terms", bad)
		}
	}
}

// sortOnCores sorts as slices.SortFunc does, at every size around its
// threshold and with repeated keys.
func TestSortOnCores(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 4097, 10000} {
		s := make([]int, n)
		for i := range s {
			s[i] = (i * 7919) % 1013
		}
		want := slices.Clone(s)
		slices.Sort(want)
		sortOnCores(s, func(a, b int) int { return a - b })
		if !slices.Equal(s, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
}

// appendShard writes the bytes encoding/json writes for a shard, for
// any terms.
func TestAppendShardIsJSON(t *testing.T) {
	terms := []string{"econnrefused", "net::err_x", "c++", "grüße", "日本語", "a\"b\\c", "tab\there", "nl\nx",
		"bell\x07", "bs\b ff\f", "<html>&", "line\u2028sep\u2029", "bad\xffutf8", "\x7f"}
	var ps []*postings
	for i, term := range terms {
		p := &postings{term: term}
		for d := range i + 1 {
			p.buf = binary.AppendUvarint(p.buf, uint64(d*37+1)<<3|uint64(d%8))
		}
		ps = append(ps, p)
	}
	for lo := range ps {
		part := ps[lo:]
		want := shard{}
		for _, p := range part {
			want.Terms = append(want.Terms, p.term)
			want.Postings = append(want.Postings, string(appendText(nil, p.buf)))
		}
		if got, w := string(appendShard(nil, part)), string(encodeJSON(want)); got != w {
			t.Fatalf("appendShard:\n got %s\nwant %s", got, w)
		}
	}
}

// fragment is a fragment file's fields, as search.js reads them.
type fragment struct {
	URL       string `json:"u"`
	Title     string `json:"t"`
	Date      string `json:"d"`  // 2026-03-14
	DateLabel string `json:"dl"` // 14 Mar 2026
	Kind      string `json:"k"`
	KindLabel string `json:"kl"`
	Project   string `json:"p,omitempty"`
	Text      string `json:"x"`
}

// Fragment writes the bytes encoding/json writes for its fields: with and
// without a date and a project, with text to escape and text to cut.
func TestFragmentIsJSON(t *testing.T) {
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d     Doc
		limit int
	}{
		{Doc{URL: "/log/a/", Title: `Quote " and \ slash`, Date: day, Kind: "broke", KindLabel: "Broke", Project: "ledger",
			Summary: "  sum <b>  ", Errors: []string{"ECONNREFUSED", "in body"}, Body: "body in body\ttab\u2028", Lesson: "lesson"}, 0},
		{Doc{URL: "/log/b/", Title: "No date, no project", Body: strings.Repeat("é", 30)}, 25},
		{Doc{}, 0},
	} {
		got := Fragment(c.d, Options{TextLimit: c.limit})
		limit := c.limit
		if limit == 0 {
			limit = 20000
		}
		var text []string
		for _, s := range append(append([]string{c.d.Summary}, c.d.Errors...), c.d.Body, c.d.Lesson) {
			if s = strings.TrimSpace(s); s != "" && (s == strings.TrimSpace(c.d.Summary) || s == strings.TrimSpace(c.d.Body) || s == strings.TrimSpace(c.d.Lesson) || !strings.Contains(c.d.Body, s)) {
				text = append(text, s)
			}
		}
		x := strings.Join(text, "\n")
		if len(x) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			x = x[:cut]
		}
		f := fragment{URL: c.d.URL, Title: c.d.Title, Kind: c.d.Kind, KindLabel: c.d.KindLabel, Project: c.d.Project, Text: x}
		if !c.d.Date.IsZero() {
			f.Date, f.DateLabel = c.d.Date.Format("2006-01-02"), c.d.Date.Format("2 Jan 2006")
		}
		if want := encodeJSON(f); string(got) != string(want) {
			t.Errorf("Fragment:\n got %s\nwant %s", got, want)
		}
	}
}
