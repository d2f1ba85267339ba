// Package tomlpos finds where a key is written in a TOML document, so that
// problems found after decoding (a bad time zone, a date in the wrong form)
// can still name the line and column people need to edit.
package tomlpos

import (
	"strings"
)

// Find returns the 1-based line and column of key inside table ("" for the
// top level) in src, or (0, 0) when the key is not written there. It
// understands [table] headers, dotted keys written as table.key at the top
// level, and quoted keys; it does not need to parse values.
func Find(src []byte, table, key string) (line, col int) {
	current := ""
	for i, raw := range strings.Split(string(src), "\n") {
		s := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimLeft(s, " \t")
		indent := len(s) - len(trimmed)
		switch {
		case strings.HasPrefix(trimmed, "[["):
			current = unquote(strings.TrimSpace(strings.Trim(strings.SplitN(trimmed, "]]", 2)[0], "[ ")))
			continue
		case strings.HasPrefix(trimmed, "["):
			current = unquote(strings.TrimSpace(strings.Trim(strings.SplitN(trimmed, "]", 2)[0], "[ ")))
			continue
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq < 0 {
			continue
		}
		k := unquote(strings.TrimSpace(trimmed[:eq]))
		full := k
		if current != "" {
			full = current + "." + k
		}
		want := key
		if table != "" {
			want = table + "." + key
		}
		if full == want {
			return i + 1, indent + 1
		}
	}
	return 0, 0
}

func unquote(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		parts[i] = strings.Trim(p, `"'`)
	}
	return strings.Join(parts, ".")
}
