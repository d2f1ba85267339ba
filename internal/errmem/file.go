package errmem

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
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
// Tabs and line breaks inside fields become spaces. The format is plain
// lines rather than JSON because it is read on every `shiplog seen`, and
// splitting lines is ten times faster than decoding JSON of the same size.
func Write(m *Memory) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteByte('\n')
	field := func(s string) {
		b.WriteByte('\t')
		b.WriteString(clean(s))
	}
	for _, e := range m.Entries {
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
// share one copy of data.
func Read(data []byte) (*Memory, error) {
	s := string(data)
	first, rest, _ := strings.Cut(s, "\n")
	if first != header {
		return nil, ErrFormat
	}
	m := &Memory{}
	var e *Entry
	line := 1
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		if l == "" {
			continue
		}
		switch l[0] {
		case 'e':
			f := split(l, 7)
			if f == nil {
				return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
			}
			e = &Entry{Path: f[1], URL: f[2], Date: f[3], Kind: f[4], Title: f[5], Lesson: f[6]}
			m.Entries = append(m.Entries, e)
		case 'm':
			f := split(l, 3)
			if f == nil || e == nil {
				return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
			}
			e.Messages = append(e.Messages, Message{Signature: f[1], Text: f[2]})
		default:
			return nil, fmt.Errorf("line %d: %w", line, ErrFormat)
		}
	}
	return m, nil
}

// split cuts l at tabs into exactly n fields, or returns nil.
func split(l string, n int) []string {
	f := make([]string, 0, n)
	for range n - 1 {
		i := strings.IndexByte(l, '\t')
		if i < 0 {
			return nil
		}
		f = append(f, l[:i])
		l = l[i+1:]
	}
	if strings.IndexByte(l, '\t') >= 0 {
		return nil
	}
	return append(f, l)
}
