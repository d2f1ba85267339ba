// Package tomlpos finds where keys and values are written in a TOML
// document, so that problems found after decoding (a bad time zone, a date
// in the wrong form) can still name the line and column people need to
// edit.
//
// Positions are 1-based; columns count runes, like diag.LineCol, so
// editors agree with them. Keys are found wherever TOML allows writing
// them: under [table] and [[array]] headers, as dotted keys (ticker.ttl =
// ...), inside inline tables, and quoted. Text inside strings, multi-line
// ones included, is never mistaken for a key.
package tomlpos

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Pos is where one key and its value are written.
type Pos struct {
	KeyLine, KeyCol     int // the key's first character
	ValueLine, ValueCol int // the value's first character
}

// Doc records where each key and value of a TOML document is written.
type Doc struct {
	src        []byte
	lineStarts []int
	pos        map[string]Pos
	arrays     map[string]int // [[array]] tables seen so far, by path
}

// Parse indexes src. For a document that is not valid TOML it indexes the
// part before the first syntax error.
func Parse(src []byte) *Doc {
	d := &Doc{src: src, lineStarts: []int{0}, pos: map[string]Pos{}, arrays: map[string]int{}}
	for i, c := range src {
		if c == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(src)
	var current []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			current = d.key(e, nil)
		case unstable.ArrayTable:
			path := d.key(e, nil)
			k := join(path)
			i := d.arrays[k]
			d.arrays[k] = i + 1
			it := e.Key()
			it.Next()
			line, col := d.at(it.Node())
			current = append(path, strconv.Itoa(i))
			d.record(current, line, col, line, col)
		case unstable.KeyValue:
			d.keyValue(e, current)
		}
	}
	return d
}

// key records the tables a (possibly dotted) key names under parent and
// returns its full path. The positions recorded are those of the key's
// first part, where people look for it.
func (d *Doc) key(n *unstable.Node, parent []string) []string {
	path := slices.Clone(parent)
	it := n.Key()
	line, col := 0, 0
	for it.Next() {
		k := it.Node()
		if line == 0 {
			line, col = d.at(k)
		}
		path = append(path, string(k.Data))
		d.record(path, line, col, line, col)
	}
	return path
}

// keyValue records a key = value expression and everything inside the
// value.
func (d *Doc) keyValue(n *unstable.Node, parent []string) {
	path := d.key(n, parent)
	kl, kc := d.pos[join(path)].KeyLine, d.pos[join(path)].KeyCol
	// The value follows the last key part: skip spaces, "=", spaces.
	var last *unstable.Node
	for it := n.Key(); it.Next(); {
		last = it.Node()
	}
	off := int(last.Raw.Offset + last.Raw.Length)
	for off < len(d.src) && (d.src[off] == ' ' || d.src[off] == '\t' || d.src[off] == '=') {
		off++
	}
	vl, vc := d.lineCol(off)
	d.pos[join(path)] = Pos{kl, kc, vl, vc}
	d.value(n.Value(), path, vl, vc)
}

// value records the elements of arrays and the keys of inline tables; line
// and col are where v starts.
func (d *Doc) value(v *unstable.Node, path []string, line, col int) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			el := append(slices.Clone(path), strconv.Itoa(i))
			l, cl := line, col
			if c.Raw.Length > 0 {
				l, cl = d.at(c)
			}
			d.record(el, l, cl, l, cl)
			d.value(c, el, l, cl)
			i++
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				d.keyValue(c, path)
			}
		}
	}
}

// record sets where path is written unless it is already known: the first
// place a table is named is the one to show.
func (d *Doc) record(path []string, kl, kc, vl, vc int) {
	k := join(path)
	if _, ok := d.pos[k]; !ok {
		d.pos[k] = Pos{kl, kc, vl, vc}
	}
}

func (d *Doc) at(n *unstable.Node) (line, col int) { return d.lineCol(int(n.Raw.Offset)) }

func (d *Doc) lineCol(off int) (line, col int) {
	off = min(max(off, 0), len(d.src))
	i, found := slices.BinarySearch(d.lineStarts, off)
	if !found {
		i--
	}
	return i + 1, 1 + utf8.RuneCount(d.src[d.lineStarts[i]:off])
}

// Lookup returns where the key at path is written, and whether it is. The
// path names keys from the top level down; elements of arrays (and of
// [[array]] tables) are named by their index: Lookup("tags", "1").
func (d *Doc) Lookup(path ...string) (Pos, bool) {
	p, ok := d.pos[join(path)]
	return p, ok
}

func join(path []string) string { return strings.Join(path, "\x00") }

// Find returns the 1-based line and column of key inside table ("" for the
// top level, "a.b" for a nested table) in src, or (0, 0) when the key is
// not written there.
func Find(src []byte, table, key string) (line, col int) {
	var path []string
	if table != "" {
		path = strings.Split(table, ".")
	}
	p, ok := Parse(src).Lookup(append(path, key)...)
	if !ok {
		return 0, 0
	}
	return p.KeyLine, p.KeyCol
}
