package site

import (
	"encoding/binary"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
)

// The facts cache (.shiplog/cache/facts/) keeps what a one-off build
// learns of each entry and would otherwise learn again from its body:
// its search terms (searchOptions), the messages of its error blocks
// (memoryEntryOf) and what the error memory reads of its body
// (scanFactsOf). Values are strings and counts in uvarints, read back by
// a factReader that turns anything damaged into a miss.

// appendFactString appends s, its length first.
func appendFactString(out []byte, s string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(s))), s...)
}

// factReader reads what the append functions wrote; a read past the end
// or a count larger than the bytes left marks it bad.
type factReader struct {
	data []byte
	bad  bool
}

func (r *factReader) uvarint() uint64 {
	n, w := binary.Uvarint(r.data)
	if w <= 0 {
		r.bad = true
		return 0
	}
	r.data = r.data[w:]
	return n
}

// count reads a number of items, each at least a byte long.
func (r *factReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.data)) {
		r.bad = true
		return 0
	}
	return int(n)
}

func (r *factReader) str() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.data)) {
		r.bad = true
		return ""
	}
	s := string(r.data[:n])
	r.data = r.data[n:]
	return s
}

// done reports whether everything read was whole and nothing is left.
func (r *factReader) done() bool { return !r.bad && len(r.data) == 0 }

// scanFactsOf is what the error memory reads of e's body. A one-off
// build that keeps facts finds it there, under e's fingerprint, so a
// rebuild after an edit does not read every body back from the pack and
// scan it again (2 s of CPU per 10k rebuild, in `bench/profile -touch`).
func (b *builder) scanFactsOf(e *content.Entry) scanFacts {
	k, ok := b.scanFactsKey(e)
	if ok {
		if data, found := b.facts.Get(k); found {
			if f, ok := decodeScanFacts(data); ok {
				return f
			}
		}
	}
	s := b.scan(e)
	f := scanFacts{errors: s.Errors, fix: s.Fix}
	if ok {
		b.facts.Put(k, encodeScanFacts(f))
	}
	return f
}

// keepScanFacts keeps f, read from e's body by the search index's scan,
// for the next build's scanFactsOf.
func (b *builder) keepScanFacts(e *content.Entry, f scanFacts) {
	if k, ok := b.scanFactsKey(e); ok {
		b.facts.Put(k, encodeScanFacts(f)) // a value it holds already is not written again
	}
}

func (b *builder) scanFactsKey(e *content.Entry) (buildcache.Key, bool) {
	fp := b.efp[e]
	if b.owner != nil || b.facts == nil || fp == (buildcache.Key{}) {
		return buildcache.Key{}, false
	}
	return buildcache.NewHasher().String("scan facts").String(buildcache.ProgramID()).Bytes(fp[:]).Key(), true
}

func encodeScanFacts(f scanFacts) []byte {
	out := binary.AppendUvarint(nil, uint64(len(f.errors)))
	for _, bl := range f.errors {
		out = appendFactString(appendFactString(out, bl.Lang), bl.Text)
	}
	return appendFactString(out, f.fix)
}

func decodeScanFacts(data []byte) (scanFacts, bool) {
	r := factReader{data: data}
	var f scanFacts
	if n := r.count(); n > 0 {
		f.errors = make([]errorBlock, 0, n)
		for range n {
			f.errors = append(f.errors, errorBlock{Lang: r.str(), Text: r.str()})
		}
	}
	f.fix = r.str()
	return f, r.done()
}
