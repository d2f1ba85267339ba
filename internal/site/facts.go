package site

import "encoding/binary"

// The facts cache (.shiplog/cache/facts/) keeps what a one-off build
// learns of each entry and would otherwise learn again from its body:
// its search terms (searchOptions) and the messages of its error blocks
// (memoryEntryOf). Values are strings and counts in uvarints, read back
// by a factReader that turns anything damaged into a miss.

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
