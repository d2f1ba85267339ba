// Package search writes the static search index of a log: an inverted
// index cut into shards by term, which the theme's search.js loads a few
// at a time, and one small file per document with the text that
// snippets and exact phrases are read from.
//
// The files, relative to the index folder:
//
//	index.json       the manifest: format version, number of documents, the
//	                 stop words, and the first term of every shard with its
//	                 file name (binary search finds the shard of a term)
//	s/<hash>.json    a shard: {"t": [terms, sorted], "p": [postings]}; the
//	                 name is a hash of the content, so a shard that did not
//	                 change keeps its name and caches forever
//	d/<k>/<i>.json   document i (k = i/1000): URL, title, date, kind,
//	                 project and plain text, for the result list
//
// A term's postings are the documents it occurs in, ascending, as
// comma-separated base-36 numbers: (gap from the previous document << 3)
// | weight, where the weight (1–7) grows with where the term occurs
// (title 4, summary, errors, lesson, tags and project 2, body 1–3 by
// count). Documents are numbered in the order they are given; give the
// oldest first and numbers stay put as the log grows.
//
// Words and Terms are the tokeniser, shared with search.js; package
// docs in docs/search.md say why it splits the way it does.
package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/shiplog/shiplog/internal/jsonstr"
)

// Version is the index format; search.js refuses another.
const Version = 1

// Doc is a document as the index sees it.
type Doc struct {
	URL       string
	Title     string
	Date      time.Time
	Kind      string // "broke", …
	KindLabel string // "Broke", …
	Project   string
	Tags      []string
	Summary   string
	Errors    []string // error messages from front matter
	Lesson    string
	Body      string // plain text
}

// Options tune the index.
type Options struct {
	ShardSize int // target size of a shard in bytes; 24 KiB when 0
	TextLimit int // bytes of text kept per document for snippets; 20,000 when 0
	// Terms, when set, gives document i's terms instead of Build
	// computing them from doc(i): a caller that keeps documents between
	// builds (the dev server) keeps their TermsOf too. Called from
	// several goroutines.
	Terms func(i int, doc func(int) Doc) DocTerms
}

// DocTerms is what Build reads of a document: its terms and weights.
type DocTerms struct{ t []termWeight }

// TermsOf returns d's terms, as Build would compute them.
func TermsOf(d Doc) DocTerms { return DocTerms{sortedTerms(d)} }

// UnsortedTermsOf returns d's terms as TermsOf does, in no order: Build
// takes them so, Update does not.
func UnsortedTermsOf(d Doc) DocTerms { return DocTerms{docTerms(d)} }

// Append appends d to dst in a form DecodeTerms reads, for a caller that
// keeps documents' terms between builds (a cache).
func (d DocTerms) Append(dst []byte) []byte {
	// Grown once, to the size it will have: grown by doubling, the
	// encodings of a cold 10k build allocated twice their 40 MB.
	size := uvarintLen(len(d.t))
	for _, tw := range d.t {
		size += uvarintLen(len(tw.term)) + len(tw.term) + 1
	}
	if cap(dst)-len(dst) < size {
		dst = append(make([]byte, 0, len(dst)+size), dst...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(d.t)))
	for _, tw := range d.t {
		dst = binary.AppendUvarint(dst, uint64(len(tw.term)))
		dst = append(dst, tw.term...)
		dst = append(dst, byte(tw.weight))
	}
	return dst
}

// uvarintLen is the length of binary.AppendUvarint's encoding of n.
func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// DecodeTerms reads what Append wrote; ok is false when data is not that.
// The terms are strings over data, which must not change afterwards.
func DecodeTerms(data []byte) (d DocTerms, ok bool) {
	n, w := binary.Uvarint(data)
	if w <= 0 || n > uint64(len(data)) {
		return d, false
	}
	data = data[w:]
	d.t = make([]termWeight, 0, n)
	for range n {
		l, w := binary.Uvarint(data)
		if w <= 0 || l >= uint64(len(data)-w) {
			return DocTerms{}, false
		}
		term := data[w : w+int(l)]
		weight := data[w+int(l)]
		if len(term) == 0 || weight == 0 || weight > 7 {
			return DocTerms{}, false
		}
		d.t = append(d.t, termWeight{unsafe.String(unsafe.SliceData(term), len(term)), int(weight)})
		data = data[w+int(l)+1:]
	}
	return d, len(data) == 0
}

// File is one file of the index, named relative to the index folder.
type File struct {
	Name string
	Data []byte // nil when make makes it
	make func() []byte
}

// Bytes returns the file's content. The shards of an index made by Build
// are encoded again when asked for rather than kept: at 100,000 entries
// they are over 100 MB, and a build writes each once.
func (f File) Bytes() []byte {
	if f.Data == nil && f.make != nil {
		return f.make()
	}
	return f.Data
}

// Index is a built index.
type Index struct {
	docs  int
	terms map[string]*postings
	opts  Options

	sorted []*postings // the terms in search.js's order; nil until Files
	// Kept by Update, nil after Build: each document's terms, and the
	// shards of the last call to Files.
	kept   [][]termWeight
	shards []*shardFile
}

type postings struct {
	term string
	buf  []byte // uvarint((gap << 3) | weight) per document
	last int
	df   int
	size int // textLen(buf); 0 until known
	// termHash(term), once hashed: an index kept by Update cuts its
	// shards again on every call to Files.
	hash   uint64
	hashed bool
}

// Build indexes n documents; doc(i) returns document i, and is called
// once for each, from several goroutines. Documents are tokenised on
// every core, in batches, and merged in order. Build stops early with
// ctx's error when ctx is done.
func Build(ctx context.Context, n int, doc func(i int) Doc, opts Options) (*Index, error) {
	if opts.ShardSize == 0 {
		opts.ShardSize = 24 << 10
	}
	if opts.TextLimit == 0 {
		opts.TextLimit = 20000
	}
	ix := &Index{docs: n, terms: map[string]*postings{}, opts: opts}
	// Batches are tokenised on every core while the batch before is
	// merged: merged in turn after each batch, the merge left all cores
	// but one idle for a tenth of the build's index time.
	const batch = 256
	batches := make(chan [][]termWeight, 1)
	go func() {
		defer close(batches)
		for lo := 0; lo < n && ctx.Err() == nil; lo += batch {
			weights := make([][]termWeight, min(batch, n-lo))
			onCores(ctx, len(weights), 1, func(i int) {
				if opts.Terms != nil {
					weights[i] = opts.Terms(lo+i, doc).t
				} else {
					weights[i] = docTerms(doc(lo + i))
				}
			})
			batches <- weights
		}
	}()
	i := 0
	for weights := range batches {
		if ctx.Err() != nil {
			continue // drained, so the tokenising goroutine ends
		}
		for k, ws := range weights {
			for _, tw := range ws {
				p := ix.terms[tw.term]
				if p == nil {
					// A copy: the term is a slice of its document's
					// text, which the index must not keep alive.
					p = &postings{term: strings.Clone(tw.term), last: -1}
					ix.terms[p.term] = p
				}
				gap := i - p.last
				if p.last < 0 {
					gap = i
				}
				p.buf = binary.AppendUvarint(p.buf, uint64(gap)<<3|uint64(tw.weight))
				p.last = i
				p.df++
			}
			weights[k] = nil
			i++
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ix, nil
}

type termWeight struct {
	term   string
	weight int
}

// docTerms returns the terms of d with their weights, in no order.
func docTerms(d Doc) []termWeight {
	m := termMaps.Get().(*termMap)
	defer func() {
		clear(m.w)
		m.counts.reset()
		termMaps.Put(m)
	}()
	w, counts := m.w, m.counts
	add := func(text string, weight int) {
		for _, t := range Terms(text) {
			w[t] += weight
		}
	}
	add(d.Title, 4)
	add(d.Summary, 2)
	add(d.Lesson, 2)
	add(d.Project, 2)
	for _, s := range d.Errors {
		add(s, 2)
	}
	for _, s := range d.Tags {
		add(s, 2)
	}
	countWords(d.Body, counts)
	out := make([]termWeight, 0, len(counts.terms)+len(w))
	for i, t := range counts.terms {
		v := 1
		switch c := counts.n[i]; {
		case c >= 4:
			v = 3
		case c >= 2:
			v = 2
		}
		if x, ok := w[t]; ok {
			v += x
			delete(w, t)
		}
		out = append(out, termWeight{t, min(v, 7)})
	}
	for t, v := range w {
		out = append(out, termWeight{t, min(v, 7)})
	}
	return out
}

// sortedTerms is docTerms sorted by term, as Update diffs them. Build
// adds a document's postings term by term in any order, and sorting
// was a fifth of what a one-off build spent on terms.
func sortedTerms(d Doc) []termWeight {
	out := docTerms(d)
	slices.SortFunc(out, func(a, b termWeight) int { return strings.Compare(a.term, b.term) })
	return out
}

// termMap is docTerms's scratch space, kept between documents: maps
// that have grown to a document's size once do not grow again.
type termMap struct {
	w      map[string]int // terms of the fields other than the body
	counts *wordCounts    // the body's
}

var termMaps = sync.Pool{New: func() any {
	return &termMap{w: make(map[string]int, 64), counts: newWordCounts()}
}}

// Docs is the number of documents.
func (ix *Index) Docs() int { return ix.docs }

// Terms is the number of distinct terms.
func (ix *Index) Terms() int { return len(ix.terms) }

// manifest is index.json.
type manifest struct {
	Version int      `json:"v"`
	Docs    int      `json:"n"`
	Stop    []string `json:"stop"`
	First   []string `json:"first"`  // first term of each shard
	Shards  []string `json:"shards"` // file names, relative to the index folder
}

type shard struct {
	Terms    []string `json:"t"`
	Postings []string `json:"p"`
}

// Files returns the manifest and the shards, manifest first.
//
// Shards are cut where the terms say, not at a running count of bytes,
// so that an edit to a few postings changes only the shards that hold
// them: a shard ends before a term whose hash falls under its size
// (its term and postings' bytes, out of half of ShardSize) once the
// shard holds half of ShardSize, or before a term that would take it
// past four times ShardSize. Shards come out about ShardSize on
// average, and a term that grows or shrinks moves a cut only when it
// crosses one of these lines. The cuts depend on nothing but the terms
// and their postings, so an index made by Update has the files Build
// makes of the same documents.
//
// An index made by Update keeps the shards of the last call, and
// encodes again only those whose terms changed since.
func (ix *Index) Files() []File {
	if ix.sorted == nil {
		ix.sorted = make([]*postings, 0, len(ix.terms))
		for _, p := range ix.terms {
			ix.sorted = append(ix.sorted, p)
		}
		// search.js compares strings by UTF-16 code units; sort the
		// same way so its binary search agrees.
		sortOnCores(ix.sorted, comparePostings)
	}
	terms := ix.sorted
	lower := uint64(max(ix.opts.ShardSize/2, 1))
	upper := ix.opts.ShardSize * 4
	var cuts []int // where each shard starts
	size := 0
	for k, p := range terms {
		t := p.term
		if p.size == 0 {
			p.size = textLen(p.buf)
		}
		s := len(t) + p.size + 6
		if size >= int(lower) && !p.hashed {
			p.hash, p.hashed = termHash(t), true
		}
		if k == 0 || size+s > upper || size >= int(lower) && p.hash%lower < uint64(s) {
			cuts = append(cuts, k)
			size = 0
		}
		size += s
	}
	m := manifest{Version: Version, Docs: ix.docs, Stop: stopList(), First: make([]string, 0, len(cuts)), Shards: make([]string, 0, len(cuts))}
	files := make([]File, 1, len(cuts)+1)
	var kept map[string]*shardFile
	if ix.kept != nil {
		kept = make(map[string]*shardFile, len(ix.shards))
		for _, sh := range ix.shards {
			kept[sh.first] = sh
		}
	}
	// Each shard is encoded to name it by its hash: on every core, as
	// it was a twentieth of a cold 10k build with the pages waiting.
	shards := make([]*shardFile, len(cuts))
	span := func(c int) (lo, hi int) {
		lo, hi = cuts[c], len(terms)
		if c+1 < len(cuts) {
			hi = cuts[c+1]
		}
		return lo, hi
	}
	onCores(context.Background(), len(cuts), 1, func(c int) {
		lo, hi := span(c)
		first, last := terms[lo].term, terms[hi-1].term
		sh := kept[first]
		if sh == nil || sh.stale || sh.count != hi-lo || sh.last != last {
			buf := shardBufs.Get().(*[]byte)
			data := appendShard((*buf)[:0], terms[lo:hi])
			sum := sha256.Sum256(data)
			sh = &shardFile{first: first, last: last, count: hi - lo, name: fmt.Sprintf("s/%x.json", sum[:6])}
			if ix.kept != nil {
				sh.data = bytes.Clone(data) // kept for the next call; Build's are encoded again when written
			}
			if cap(data) <= 1<<20 {
				*buf = data
				shardBufs.Put(buf)
			}
		}
		shards[c] = sh
	})
	for c, sh := range shards {
		m.First = append(m.First, sh.first)
		m.Shards = append(m.Shards, sh.name)
		f := File{Name: sh.name, Data: sh.data}
		if ix.kept == nil {
			lo, hi := span(c)
			// A copy of its terms, not a window on all of them: once
			// the shard is written and its file let go, its postings
			// can go too, while the next shards are written. A window
			// kept every posting of a 100k log (over 100 MB, at the
			// build's peak) until the last shard was written.
			part := slices.Clone(terms[lo:hi])
			f.make = func() []byte { return appendShard(make([]byte, 0, shardSize(part)), part) }
		}
		files = append(files, f)
	}
	if ix.kept != nil {
		ix.shards = shards
	}
	files[0] = File{Name: "index.json", Data: encodeJSON(m)}
	return files
}

// sortOnCores sorts s by cmp, its two halves at once and then merged:
// sorting the terms of a 10k log took a tenth of a second on one core
// while the pages waited. cmp must be a total order (equal elements are
// not told apart).
func sortOnCores[T any](s []T, cmp func(a, b T) int) {
	if len(s) < 4096 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(s, cmp)
		return
	}
	mid := len(s) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(s[:mid], cmp) })
	slices.SortFunc(s[mid:], cmp)
	wg.Wait()
	left := slices.Clone(s[:mid])
	i, j, k := 0, mid, 0
	for i < len(left) && j < len(s) {
		if cmp(s[j], left[i]) < 0 {
			s[k] = s[j]
			j++
		} else {
			s[k] = left[i]
			i++
		}
		k++
	}
	copy(s[k:], left[i:]) // what is left of s[j:] is in place already
}

// appendShard appends the JSON of the shard of terms to dst, the bytes
// encoding/json writes for shard{Terms, Postings} with the postings as
// appendText gives them, without the strings and the reflection in
// between: at 100,000 entries those were 47 MB live at the build's
// peak, for shards encoded only to be named.
func appendShard(dst []byte, terms []*postings) []byte {
	dst = append(dst, `{"t":[`...)
	for i, p := range terms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, p.term)
	}
	dst = append(dst, `],"p":[`...)
	for i, p := range terms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = appendText(dst, p.buf) // digits, letters and commas: nothing to escape
		dst = append(dst, '"')
	}
	return append(dst, "]}"...)
}

// shardSize is about the size of appendShard's JSON of terms, whose
// size fields Files has filled.
func shardSize(terms []*postings) int {
	n := 16
	for _, p := range terms {
		n += len(p.term) + p.size + 6
	}
	return n
}

var shardBufs = sync.Pool{New: func() any { return new([]byte) }}

// shardFile is a shard as Files last wrote it: terms[first…last], count
// of them. It is stale once one of them changed.
type shardFile struct {
	first, last string
	count       int
	name        string
	data        []byte
	stale       bool
}

// termHash is FNV-1a of t: where shards are cut.
func termHash(t string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	return h
}

// appendText appends postings as a shard holds them: base-36 numbers,
// comma-separated.
func appendText(dst, buf []byte) []byte {
	for k := 0; len(buf) > 0; k++ {
		v, n := binary.Uvarint(buf)
		buf = buf[n:]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, v, 36)
	}
	return dst
}

// textLen is len(appendText(nil, buf)).
func textLen(buf []byte) int {
	n := -1
	for len(buf) > 0 {
		v, k := binary.Uvarint(buf)
		buf = buf[k:]
		n += 2 // the comma before it, and its last digit
		for v >= 36 {
			v /= 36
			n++
		}
	}
	return max(n, 0)
}

func stopList() []string {
	var s []string
	for w := range Stop {
		s = append(s, w)
	}
	slices.Sort(s)
	return s
}

func comparePostings(a, b *postings) int { return compareUTF16(a.term, b.term) }

// compareUTF16 orders strings as JavaScript does: by UTF-16 code units.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return slices.Compare(utf16.Encode([]rune{ra}), utf16.Encode([]rune{rb}))
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// fragment is one document's file.
// FragmentName is the file of document i, relative to the index folder.
func FragmentName(i int) string {
	return "d/" + strconv.Itoa(i/1000) + "/" + strconv.Itoa(i) + ".json"
}

// Fragment returns the file of d: what a result shows, and the text its
// snippet and exact phrases are read from (the summary, error messages
// the body does not already hold, the body and the lesson, cut at
// Options.TextLimit bytes).
func Fragment(d Doc, opts Options) []byte {
	if opts.TextLimit == 0 {
		opts.TextLimit = 20000
	}
	buf := shardBufs.Get().(*[]byte)
	text := (*buf)[:0]
	line := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			text = append(append(text, s...), '\n')
		}
	}
	line(d.Summary)
	for _, e := range d.Errors {
		if !strings.Contains(d.Body, e) {
			line(e)
		}
	}
	line(d.Body)
	line(d.Lesson)
	x := bytes.TrimSpace(text)
	if len(x) > opts.TextLimit {
		cut := opts.TextLimit
		for cut > 0 && !utf8.RuneStart(x[cut]) {
			cut--
		}
		x = x[:cut]
	}
	var date, dateLabel string
	if !d.Date.IsZero() {
		date, dateLabel = d.Date.Format("2006-01-02"), d.Date.Format("2 Jan 2006")
	}
	// Written as encoding/json writes a fragment{…} (TestFragmentIsJSON),
	// at its size: it was a tenth of a 10k build's search index.
	out := make([]byte, 0, len(x)+len(d.URL)+len(d.Title)+len(d.Kind)+len(d.KindLabel)+len(d.Project)+96)
	out = jsonstr.Append(append(out, `{"u":`...), d.URL)
	out = jsonstr.Append(append(out, `,"t":`...), d.Title)
	out = jsonstr.Append(append(out, `,"d":`...), date)
	out = jsonstr.Append(append(out, `,"dl":`...), dateLabel)
	out = jsonstr.Append(append(out, `,"k":`...), d.Kind)
	out = jsonstr.Append(append(out, `,"kl":`...), d.KindLabel)
	if d.Project != "" {
		out = jsonstr.Append(append(out, `,"p":`...), d.Project)
	}
	// x is read here and nowhere else, before its buffer goes back.
	out = jsonstr.Append(append(out, `,"x":`...), unsafe.String(unsafe.SliceData(x), len(x)))
	out = append(out, '}')
	if cap(text) <= 1<<20 {
		*buf = text
		shardBufs.Put(buf)
	}
	return out
}

// encodeJSON encodes v without HTML escapes: the files are fetched and
// parsed, never put into a page as markup.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only strings and numbers: cannot fail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
