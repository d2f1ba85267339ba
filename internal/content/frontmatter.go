package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	toml "github.com/pelletier/go-toml/v2"
	yaml "go.yaml.in/yaml/v3"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/tomlpos"
)

// value is one front-matter value with the place it was written, decoded
// the same way from YAML and TOML so validation is written once.
type value struct {
	kind      valueKind
	str       string // scalar text as written (dates keep their source form)
	quoted    bool   // the scalar was a quoted string
	list      []value
	fields    []field
	line, col int // in the source file
}

type valueKind int

const (
	scalarValue valueKind = iota
	listValue
	mapValue
	nullValue
)

func (k valueKind) String() string {
	return [...]string{"a single value", "a list", "a table of keys", "empty"}[k]
}

type field struct {
	key       string
	line, col int
	val       value
}

// split separates front matter from the Markdown body. fmLine is the
// 1-based source line where the front matter's first key may be written;
// bodyLine is the line where the body starts.
func split(src []byte) (format string, fm, body []byte, fmLine, bodyLine int, err error) {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	delim := string(bytes.TrimRight(first, " \t\r"))
	if delim != "---" && delim != "+++" {
		return "", nil, src, 0, 1, errNoFrontMatter
	}
	format = "yaml"
	if delim == "+++" {
		format = "toml"
	}
	line := 2
	off := len(first) + 1
	for len(rest) > 0 || off <= len(src) {
		l, r, found := bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimRight(l, " \t\r")) == delim {
			fm = src[len(first)+1 : off]
			body = r
			return format, fm, body, 2, line + 1, nil
		}
		if !found {
			break
		}
		off += len(l) + 1
		rest = r
		line++
	}
	return format, nil, nil, 0, 0, fmt.Errorf("front matter opened with %s is never closed", delim)
}

var errNoFrontMatter = errors.New("no front matter")

var yamlLine = regexp.MustCompile(`line (\d+)`)

// maxYAMLValues bounds the values front matter may expand to through
// aliases (*name), so a few lines of "billion laughs" cannot exhaust
// memory. Real front matter has a few dozen.
const maxYAMLValues = 10000

// parseYAML decodes YAML front matter into fields. lineOff is added to the
// parser's lines to count in the source file.
func parseYAML(path string, fm []byte, lineOff int) ([]field, diag.List) {
	// Most front matter is simple enough to decode without yaml.v3, and
	// much faster; fastYAML gives the same fields or says it cannot.
	if fields, ok := fastYAML(fm, lineOff); ok {
		return fields, nil
	}
	return parseYAMLSlow(path, fm, lineOff)
}

// parseYAMLSlow is parseYAML with yaml.v3, for any front matter.
func parseYAMLSlow(path string, fm []byte, lineOff int) ([]field, diag.List) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = yamlLine.ReplaceAllString(msg, "")
		msg = strings.Trim(strings.TrimSpace(msg), ": ")
		return nil, diag.List{diag.Errorf(path, line+lineOff, 1,
			"check the indentation and quote values that contain `:` or `#`",
			"front matter is not valid YAML: %s", msg)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, diag.List{diag.Errorf(path, root.Line+lineOff, root.Column,
			"write one `key: value` per line", "front matter must be a set of keys")}
	}
	c := yamlConv{path: path, lineOff: lineOff, budget: maxYAMLValues, expanding: map[*yaml.Node]bool{}}
	v := c.value(root)
	if c.err != nil {
		return nil, diag.List{*c.err}
	}
	return v.fields, nil
}

// yamlConv turns YAML nodes into values, expanding aliases with care: an
// alias to a node that contains it would recurse forever, and nested
// aliases can expand exponentially.
type yamlConv struct {
	path      string
	lineOff   int
	budget    int
	expanding map[*yaml.Node]bool // anchored nodes being expanded
	outer     *value              // the outermost alias being expanded
	err       *diag.Problem
}

func (c *yamlConv) value(n *yaml.Node) value {
	v := value{line: n.Line + c.lineOff, col: n.Column}
	if c.err != nil {
		return v
	}
	if c.budget--; c.budget < 0 {
		at := &v
		if c.outer != nil {
			at = c.outer // point at the alias people wrote, not deep inside its target
		}
		p := diag.Errorf(c.path, at.line, at.col, "write the values out instead of repeating anchors (*name)",
			"front matter expands to more than %d values", maxYAMLValues)
		c.err = &p
		return v
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			v.kind = nullValue
			return v
		}
		if c.expanding[n.Alias] {
			p := diag.Errorf(c.path, v.line, v.col, "an alias (*name) cannot point at a value that contains it",
				"alias *%s refers to itself", n.Value)
			c.err = &p
			return v
		}
		c.expanding[n.Alias] = true
		defer delete(c.expanding, n.Alias)
		if c.outer == nil {
			c.outer = &v
			defer func() { c.outer = nil }()
		}
		return c.value(n.Alias)
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			v.kind = nullValue
			return v
		}
		v.kind = scalarValue
		v.str = n.Value
		v.quoted = n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	case yaml.SequenceNode:
		v.kind = listValue
		if n.Anchor != "" {
			c.expanding[n] = true
			defer delete(c.expanding, n)
		}
		for _, e := range n.Content {
			v.list = append(v.list, c.value(e))
		}
	case yaml.MappingNode:
		v.kind = mapValue
		if n.Anchor != "" {
			c.expanding[n] = true
			defer delete(c.expanding, n)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			v.fields = append(v.fields, field{key: k.Value, line: k.Line + c.lineOff, col: k.Column, val: c.value(n.Content[i+1])})
		}
	}
	return v
}

// parseTOML decodes TOML front matter into fields.
func parseTOML(path string, fm []byte, lineOff int) ([]field, diag.List) {
	var m map[string]any
	if err := toml.Unmarshal(fm, &m); err != nil {
		line, col := 1, 1
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col = de.Position()
			col = runeCol(fm, line, col)
		}
		return nil, diag.List{diag.Errorf(path, line+lineOff, col,
			"check the TOML syntax: strings need quotes, dates look like 2026-03-14",
			"front matter is not valid TOML: %s", strings.TrimPrefix(err.Error(), "toml: "))}
	}
	c := tomlConv{doc: tomlpos.Parse(fm), lineOff: lineOff}
	v := c.value(nil, m, 1, 1)
	return v.fields, nil
}

// runeCol turns go-toml's column, which counts bytes, into one that counts
// runes like every other column shiplog reports.
func runeCol(src []byte, line, col int) int {
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	if line < 1 || line > len(lines) {
		return col
	}
	l := lines[line-1]
	return 1 + utf8.RuneCount(l[:min(max(col-1, 0), len(l))])
}

// tomlConv turns decoded TOML into values, with the positions tomlpos
// found for each key and value.
type tomlConv struct {
	doc     *tomlpos.Doc
	lineOff int
}

// value converts x, written at path; line and col (in the source file)
// are used when tomlpos does not know the place.
func (c *tomlConv) value(path []string, x any, line, col int) value {
	v := value{line: line, col: col, kind: scalarValue}
	switch t := x.(type) {
	case nil:
		v.kind = nullValue
	case string:
		v.str, v.quoted = t, true
	case bool:
		v.str = strconv.FormatBool(t)
	case int64:
		v.str = strconv.FormatInt(t, 10)
	case float64:
		v.str = strconv.FormatFloat(t, 'g', -1, 64)
	case toml.LocalDate:
		v.str = t.String()
	case toml.LocalDateTime:
		v.str = t.String()
	case toml.LocalTime:
		v.str = t.String()
	case time.Time:
		v.str = t.Format(time.RFC3339Nano)
	case []any:
		v.kind = listValue
		for i, e := range t {
			p := append(slices.Clone(path), strconv.Itoa(i))
			l, cl := line, col
			if pos, ok := c.doc.Lookup(p...); ok {
				l, cl = pos.ValueLine+c.lineOff, pos.ValueCol
			}
			v.list = append(v.list, c.value(p, e, l, cl))
		}
	case map[string]any:
		v.kind = mapValue
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := append(slices.Clone(path), k)
			f := field{key: k, line: line, col: col}
			vl, vc := line, col
			if pos, ok := c.doc.Lookup(p...); ok {
				f.line, f.col = pos.KeyLine+c.lineOff, pos.KeyCol
				vl, vc = pos.ValueLine+c.lineOff, pos.ValueCol
			}
			f.val = c.value(p, t[k], vl, vc)
			v.fields = append(v.fields, f)
		}
		// Report keys in the order they are written.
		slices.SortStableFunc(v.fields, func(a, b field) int { return cmp.Or(a.line-b.line, a.col-b.col) })
	default:
		v.str = fmt.Sprint(t)
	}
	return v
}
