package content

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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

// parseYAML decodes YAML front matter into fields. lineOff is added to the
// parser's lines to count in the source file.
func parseYAML(path string, fm []byte, lineOff int) ([]field, diag.List) {
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
	v := fromYAML(root, lineOff)
	return v.fields, nil
}

func fromYAML(n *yaml.Node, lineOff int) value {
	v := value{line: n.Line + lineOff, col: n.Column}
	switch n.Kind {
	case yaml.AliasNode:
		return fromYAML(n.Alias, lineOff)
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
		for _, c := range n.Content {
			v.list = append(v.list, fromYAML(c, lineOff))
		}
	case yaml.MappingNode:
		v.kind = mapValue
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			v.fields = append(v.fields, field{key: k.Value, line: k.Line + lineOff, col: k.Column, val: fromYAML(n.Content[i+1], lineOff)})
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
		}
		return nil, diag.List{diag.Errorf(path, line+lineOff, col,
			"check the TOML syntax: strings need quotes, dates look like 2026-03-14",
			"front matter is not valid TOML: %v", err)}
	}
	v := fromTOML(fm, "", m, lineOff, 1, 1)
	return v.fields, nil
}

func fromTOML(src []byte, table string, x any, lineOff, line, col int) value {
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
		for _, e := range t {
			v.list = append(v.list, fromTOML(src, table, e, lineOff, line, col))
		}
	case map[string]any:
		v.kind = mapValue
		for _, k := range slices.Sorted(maps.Keys(t)) {
			l, c := tomlpos.Find(src, table, k)
			if l == 0 {
				l, c = line-lineOff, col
			}
			sub := k
			if table != "" {
				sub = table + "." + k
			}
			v.fields = append(v.fields, field{key: k, line: l + lineOff, col: c, val: fromTOML(src, sub, t[k], lineOff, l+lineOff, c)})
		}
		slices.SortStableFunc(v.fields, func(a, b field) int { return a.line - b.line })
	default:
		v.str = fmt.Sprint(t)
	}
	return v
}
