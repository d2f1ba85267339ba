package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Streams split an entry's seed into independent generators, so that adding
// a hero photo to an entry changes neither its text nor its id.
const (
	streamText uint64 = iota + 1
	streamID
	streamHero
	streamPhoto
	streamDate
)

// Dates spread over 2024-01-01 .. 2025-12-31: entry i is dated
// firstDay + (offset + i*dateStride) mod spanDays. The stride is coprime with
// the span, so the first spanDays entries all have distinct dates, later ones
// repeat each date at most ceil(n/spanDays) times, and no date is on or after
// 2026-01-01.
const (
	spanDays   = 731
	dateStride = 277
)

var firstDay = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// entry is one generated log entry.
type entry struct {
	index   int
	id      string // urn:uuid:...
	title   string
	slug    string
	date    string // YYYY-MM-DD
	kind    string
	project string
	tags    []string
	summary string
	errors  []string // exact messages, broke entries only
	hero    *hero
	body    string // Markdown, without front matter
}

// hero is an entry's photo; its front matter src is relative to the entry
// file (../photos/<file>).
type hero struct {
	file    string // file name under log/photos/
	alt     string
	caption string
}

// newEntry generates entry i of the corpus for seed. Everything about it
// comes from derive(seed, i), so the entry is the same whatever n is.
func newEntry(seed uint64, i int, withHero bool) entry {
	es := derive(seed, uint64(i))
	r := newRNG(derive(es, streamText))
	e := entry{index: i}

	k := make([]int, len(kinds))
	for j, kd := range kinds {
		k[j] = kd.weight
	}
	e.kind = kinds[r.weighted(k)].name
	proj := pick(r, projects)
	e.project = proj.name
	e.tags = pickTags(r, proj.tags)

	c := &composer{r: r, project: e.project, svc: pick(r, words["service"]), decks: map[string][]string{}}
	if e.kind == "broke" {
		for range r.between(1, 2) {
			c.errors = append(c.errors, c.expand(pick(r, errorTemplates)))
		}
		e.errors = c.errors
	}
	e.title = c.plain(pick(r, titles[e.kind]))
	e.slug = slugify(e.title)
	e.summary = c.plain(pick(r, summaries[e.kind]))
	e.date = entryDate(seed, i)
	e.body = c.body(e.kind, e.date)
	e.id = uuidFrom(newRNG(derive(es, streamID)))

	if withHero {
		hr := newRNG(derive(es, streamHero))
		hc := &composer{r: hr, project: e.project, svc: c.svc, decks: map[string][]string{}}
		e.hero = &hero{
			file:    photoName(i),
			alt:     hc.plain(pick(hr, heroAlts)),
			caption: hc.plain(pick(hr, heroCaptions)),
		}
	}
	return e
}

// pickTags returns 2 to 5 distinct tags: one of the project's own, the rest
// drawn from all tags with weights that fall with the tag's rank.
func pickTags(r *rng, projectTags []string) []string {
	n := r.between(2, 5)
	out := []string{pick(r, projectTags)}
	weights := make([]int, len(tags))
	for j := range weights {
		weights[j] = len(tags) - j + 8
	}
	for len(out) < n {
		t := tags[r.weighted(weights)]
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// entryDate returns the date of entry i; see spanDays.
func entryDate(seed uint64, i int) string {
	offset := int(derive(seed, streamDate) % spanDays)
	day := (offset + i*dateStride) % spanDays
	return firstDay.AddDate(0, 0, day).Format(time.DateOnly)
}

// uuidFrom returns a version-4-shaped UUID URN built from r.
func uuidFrom(r *rng) string {
	hi, lo := r.next(), r.next()
	hi = hi&^0xf000 | 0x4000           // version 4
	lo = lo&^(0xc000<<48) | 0x8000<<48 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%08x-%04x-%04x-%04x-%012x",
		hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// photoName is the file name of entry i's photo under log/photos/.
func photoName(i int) string { return fmt.Sprintf("photo-%05d.jpg", i) }

// path is the entry's file path relative to the site root, with forward
// slashes: log/<project>/YYYY-MM-DD-<slug>-<i>.md.
func (e entry) path() string {
	return fmt.Sprintf("log/%s/%s-%s-%d.md", e.project, e.date, e.slug, e.index)
}

// shiplog returns the entry as a shiplog Markdown file.
func (e entry) shiplog() []byte {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\n", e.id)
	fmt.Fprintf(&b, "title: %s\n", yamlQuote(e.title))
	fmt.Fprintf(&b, "date: %s\n", e.date)
	fmt.Fprintf(&b, "kind: %s\n", e.kind)
	fmt.Fprintf(&b, "project: %s\n", e.project)
	fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(e.tags, ", "))
	fmt.Fprintf(&b, "summary: %s\n", yamlQuote(e.summary))
	if len(e.errors) > 0 {
		b.WriteString("errors:\n")
		for _, msg := range e.errors {
			fmt.Fprintf(&b, "  - %s\n", yamlQuote(msg))
		}
	}
	if e.hero != nil {
		b.WriteString("hero:\n")
		fmt.Fprintf(&b, "  src: %s\n", yamlQuote("../photos/"+e.hero.file))
		fmt.Fprintf(&b, "  alt: %s\n", yamlQuote(e.hero.alt))
		fmt.Fprintf(&b, "  caption: %s\n", yamlQuote(e.hero.caption))
	}
	b.WriteString("---\n\n")
	b.WriteString(e.body)
	return []byte(b.String())
}

// hugo returns the entry as a Hugo content file: the same body, with the
// project as a one-term "projects" taxonomy, the kind as a page parameter,
// and the hero photo served from static/log/photos/.
func (e entry) hugo() []byte {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", yamlQuote(e.title))
	fmt.Fprintf(&b, "date: %s\n", e.date)
	fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(e.tags, ", "))
	fmt.Fprintf(&b, "projects: [%s]\n", e.project)
	fmt.Fprintf(&b, "summary: %s\n", yamlQuote(e.summary))
	fmt.Fprintf(&b, "entrykind: %s\n", e.kind)
	if e.hero != nil {
		b.WriteString("hero:\n")
		fmt.Fprintf(&b, "  src: %s\n", yamlQuote("/log/photos/"+e.hero.file))
		fmt.Fprintf(&b, "  alt: %s\n", yamlQuote(e.hero.alt))
		fmt.Fprintf(&b, "  caption: %s\n", yamlQuote(e.hero.caption))
	}
	b.WriteString("---\n\n")
	b.WriteString(e.body)
	return []byte(b.String())
}

// yamlQuote returns s as a YAML double-quoted scalar. Only backslash and the
// double quote need escaping in the generated text, and the result is also a
// valid Go string literal, which the tests rely on.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
