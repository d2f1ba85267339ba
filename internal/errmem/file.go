package errmem

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// header starts a memory file; the number is the format's version.
const header = "shiplog-errors 1"

// Write encodes m as the memory file: a header line, then one line per
// entry and one per message, fields separated by tabs:
//
//	shiplog-errors 1
//	e	PATH	URL	DATE	KIND	TITLE	LESSON
//	m	SIGNATURE	MESSAGE
//
// Entries without messages are left out: they can match nothing, and on
// a generated log of 100,000 entries they were half the file. Tabs and
// line breaks inside fields become spaces. The format is plain
// lines rather than JSON because it is read on every `shiplog seen`, and
// splitting lines is ten times faster than decoding JSON of the same size.
func Write(m *Memory) []byte {
	// Sized up front (at most a byte per field over): grown by doubling,
	// the 25 MB file of a 100,000-entry log held 60 MB in copies.
	size := len(header) + 1
	for _, e := range m.Entries {
		if len(e.Messages) == 0 {
			continue
		}
		size += 8 + len(e.Path) + len(e.URL) + len(e.Date) + len(e.Kind) + len(e.Title) + len(e.Lesson)
		for _, msg := range e.Messages {
			size += 4 + len(msg.Signature) + len(msg.Text)
		}
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(header)
	b.WriteByte('\n')
	field := func(s string) {
		b.WriteByte('\t')
		b.WriteString(clean(s))
	}
	for _, e := range m.Entries {
		if len(e.Messages) == 0 {
			continue
		}
		b.WriteByte('e')
		for _, f := range []string{e.Path, e.URL, e.Date, e.Kind, e.Title, e.Lesson} {
			field(f)
		}
		b.WriteByte('\n')
		for _, msg := range e.Messages {
			b.WriteByte('m')
			field(msg.Signature)
			field(msg.Text)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

var cleaner = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

func clean(s string) string {
	if strings.ContainsAny(s, "\t\n\r") {
		return cleaner.Replace(s)
	}
	return s
}

// ErrFormat is returned for data that is not a memory file of this
// version.
var ErrFormat = errors.New("not a shiplog error memory (version 1)")

// Read decodes a memory file written by Write. The strings of the result
// point into data, which must not change afterwards: on a big log the
// file is tens of megabytes, read on every `shiplog seen`.
func Read(data []byte) (*Memory, error) {
	if len(data) == 0 {
		return nil, ErrFormat
	}
	s := unsafe.String(&data[0], len(data))
	first, rest, _ := strings.Cut(s, "\n")
	if first != header {
		return nil, ErrFormat
	}
	// One allocation for all entries and one for all messages: a big
	// log's file has hundreds of thousands of lines.
	ne, nm := 0, 0
	for i := strings.IndexByte(s, '\n'); i >= 0 && i+1 < len(s); {
		switch s[i+1] {
		case 'e':
			ne++
		case 'm':
			nm++
		}
		j := strings.IndexByte(s[i+1:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	entries := make([]Entry, 0, ne)
	msgs := make([]Message, 0, nm)
	m := &Memory{Entries: make([]*Entry, 0, cap(entries))}
	var e *Entry
	from := 0 // where e's messages start in msgs
	line := 1
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		if l == "" {
			continue
		}
		var f [7]string
		switch l[0] {
		case 'e':
			if !split(l, f[:7]) || len(entries) == cap(entries) {
				return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
			}
			if e != nil {
				e.Messages = msgs[from:len(msgs):len(msgs)]
			}
			entries = append(entries, Entry{Path: f[1], URL: f[2], Date: f[3], Kind: f[4], Title: f[5], Lesson: f[6]})
			e, from = &entries[len(entries)-1], len(msgs)
			m.Entries = append(m.Entries, e)
		case 'm':
			if !split(l, f[:3]) || e == nil || len(msgs) == cap(msgs) {
				return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
			}
			msgs = append(msgs, Message{Signature: f[1], Text: f[2]})
		default:
			return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
		}
	}
	if e != nil {
		e.Messages = msgs[from:len(msgs):len(msgs)]
	}
	return m, nil
}

// split cuts l at tabs into exactly len(f) fields, or reports false.
func split(l string, f []string) bool {
	for i := range len(f) - 1 {
		j := strings.IndexByte(l, '\t')
		if j < 0 {
			return false
		}
		f[i], l = l[:j], l[j+1:]
	}
	if strings.IndexByte(l, '\t') >= 0 {
		return false
	}
	f[len(f)-1] = l
	return true
}
