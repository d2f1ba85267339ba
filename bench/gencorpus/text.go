package main

import (
	"fmt"
	"strconv"
	"strings"
)

// composer writes the text of one entry. It draws every choice from its own
// rng, and it knows the entry's main service, project and error messages so
// that the sentences of one entry talk about the same things.
type composer struct {
	r       *rng
	svc     string
	project string
	errors  []string
	// decks holds, per topic, the sentence templates not yet used in this
	// round; see sentence.
	decks map[string][]string
}

// ports are the port numbers error messages and code refer to.
var ports = []int{443, 3000, 5432, 6379, 8080, 8443, 9000, 9092, 11211}

// expand fills every {name} in tmpl. A brace pair around anything that is not
// a name ({}, { x }, {a=b}) is copied as is, so code templates can use braces;
// a name that is not known panics, which the tests turn into a failure.
func (c *composer) expand(tmpl string) string {
	var b []byte
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			return string(append(b, tmpl...))
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 || !isName(tmpl[open+1:open+end]) {
			b = append(b, tmpl[:open+1]...)
			tmpl = tmpl[open+1:]
			continue
		}
		b = append(b, tmpl[:open]...)
		value := c.word(tmpl[open+1 : open+end])
		b = append(fixArticle(b, value), value...)
		tmpl = tmpl[open+end+1:]
	}
}

// fixArticle turns a trailing "a " in b into "an " when value, which is about
// to follow it, starts with a vowel sound: "a {thing}" → "an audit trail".
func fixArticle(b []byte, value string) []byte {
	n := len(b)
	if value == "" || !strings.ContainsRune("aeioAEIO", rune(value[0])) ||
		n < 2 || b[n-1] != ' ' || (b[n-2] != 'a' && b[n-2] != 'A') ||
		n > 2 && b[n-3] != ' ' && b[n-3] != '(' {
		return b
	}
	return append(b[:n-1], 'n', ' ')
}

// plain expands tmpl and drops Markdown backticks, for titles, summaries and
// captions, which are plain text.
func (c *composer) plain(tmpl string) string {
	return strings.ReplaceAll(c.expand(tmpl), "`", "")
}

// isName reports whether s looks like a placeholder name: ASCII letters and
// digits only.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// word returns a value for the placeholder name.
func (c *composer) word(name string) string {
	r := c.r
	switch name {
	case "svc":
		return c.svc
	case "project":
		return c.project
	case "err":
		if len(c.errors) > 0 {
			return "`" + c.errors[0] + "`"
		}
		return "`" + c.expand(pick(r, errorTemplates)) + "`"
	case "n":
		return strconv.Itoa(r.between(2, 64))
	case "n2":
		return strconv.Itoa(r.between(100, 900))
	case "count":
		return thousands(r.between(1_000, 2_000_000))
	case "ms":
		return strconv.Itoa(r.between(3, 400))
	case "bigms":
		return thousands(r.between(800, 30_000))
	case "pct":
		return strconv.Itoa(r.between(2, 97))
	case "lowpct":
		return fmt.Sprintf("%d.%d", r.intn(10), r.intn(10))
	case "mem":
		return strconv.Itoa(r.between(2, 64) * 64)
	case "time":
		return fmt.Sprintf("%02d:%02d", r.intn(24), r.intn(60))
	case "version", "version2":
		return fmt.Sprintf("v%d.%d.%d", r.intn(5), r.intn(31), r.intn(13))
	case "port":
		return strconv.Itoa(pick(r, ports))
	case "hex":
		return fmt.Sprintf("%08x-%05x", r.next()&0xffffffff, r.next()&0xfffff)
	case "link":
		return c.link()
	}
	if list, ok := words[name]; ok {
		return pick(r, list)
	}
	panic(fmt.Sprintf("gencorpus: unknown placeholder {%s}", name))
}

// link returns a Markdown link to a plausible page under https://example.com/.
func (c *composer) link() string {
	r := c.r
	switch r.intn(6) {
	case 0:
		return fmt.Sprintf("[the runbook](https://example.com/runbooks/%s)", c.svc)
	case 1:
		return fmt.Sprintf("[an old issue](https://example.com/issues/%d)", r.between(100, 9999))
	case 2:
		tool := slugify(pick(r, words["tool"]))
		return fmt.Sprintf("[the upstream bug](https://example.com/%s/issues/%d)", tool, r.between(1000, 60000))
	case 3:
		return fmt.Sprintf("[the design doc](https://example.com/docs/design/%s-%d)", c.project, r.between(1, 40))
	case 4:
		return fmt.Sprintf("[this dashboard](https://example.com/grafana/d/%s?from=now-24h)", c.svc)
	default:
		tool := pick(r, words["tool"])
		return fmt.Sprintf("[the %s docs](https://example.com/docs/%s/configuration#timeouts)", tool, slugify(tool))
	}
}

// sentence returns one expanded sentence on topic, mixing in a generic one
// now and then. Templates are dealt from a shuffled deck per topic, so an
// entry repeats a sentence only after it has used all of its topic's.
func (c *composer) sentence(topic string) string {
	if topic != "generic" && c.r.chance(0.15) {
		topic = "generic"
	}
	list := sentences[topic]
	deck := c.decks[topic]
	if len(deck) == 0 {
		deck = sample(c.r, list, len(list))
	}
	tmpl := deck[len(deck)-1]
	c.decks[topic] = deck[:len(deck)-1]
	s := c.expand(tmpl)
	if strings.HasPrefix(tmpl, "{team}") {
		s = strings.ToUpper(s[:1]) + s[1:] // "the data team" starts a sentence
	}
	return s
}

// paragraph returns lo to hi sentences on topic as one paragraph.
func (c *composer) paragraph(topic string, lo, hi int) string {
	n := c.r.between(lo, hi)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = c.sentence(topic)
	}
	return strings.Join(parts, " ")
}

// bullets returns a Markdown list of three to five sentences on topic.
func (c *composer) bullets(topic string) string {
	n := c.r.between(3, 5)
	items := make([]string, n)
	for i := range items {
		items[i] = "- " + c.sentence(topic)
	}
	return strings.Join(items, "\n")
}

// lesson returns the closing paragraph.
func (c *composer) lesson() string {
	return "What this reinforced: " + pick(c.r, lessons)
}

// thousands formats n with comma separators: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// slugify lowercases s and joins its words with hyphens, keeping at most
// maxSlug bytes and never cutting a word in half.
func slugify(s string) string {
	const maxSlug = 48
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(strings.ReplaceAll(s, "ã", "a")) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			cur.WriteRune(r)
		} else {
			flush()
		}
	}
	flush()
	slug := ""
	for _, w := range parts {
		next := w
		if slug != "" {
			next = slug + "-" + w
		}
		if len(next) > maxSlug && slug != "" {
			break
		}
		slug = next
	}
	return slug
}
