package site

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/render"
)

// memoryFile is the error memory in the output, for `shiplog seen`.
const memoryFile = "errors/errors.tsv"

// errorsPerPage is how many signatures one page of /errors/ lists, and
// seenPerError how many entries each shows.
const (
	errorsPerPage = 100
	seenPerError  = 5
)

// memoryEntry is an entry as the error memory keeps it: the messages of
// its front matter, then the error lines of its error blocks.
func memoryEntry(e *content.Entry, lesson string, blocks []errorBlock) *errmem.Entry {
	return memoryEntryWith(e, lesson, blockMessages(blocks))
}

// memoryEntryWith is memoryEntry with its error blocks' messages made.
func memoryEntryWith(e *content.Entry, lesson string, fromBlocks []errmem.Message) *errmem.Entry {
	m := &errmem.Entry{Path: e.Path, URL: e.URL(), Title: e.Title, Date: e.Date.Format("2006-01-02"), Kind: e.Kind, Lesson: lesson}
	for _, msg := range e.Errors {
		m.AddMessage(msg)
	}
	for _, msg := range fromBlocks {
		m.Add(msg)
	}
	return m
}

// blockMessages are the error lines of blocks, in order, with their
// signatures.
func blockMessages(blocks []errorBlock) []errmem.Message {
	var msgs []errmem.Message
	for _, b := range blocks {
		msgs = append(msgs, errmem.FromBlock(b.Text, b.Lang)...)
	}
	return msgs
}

// memoryEntryOf is memoryEntry for a build: a one-off build keeps the
// messages of each entry's error blocks in a cache, under the blocks'
// text, as extracting and normalizing them costs about a tenth of a
// rebuild after an edit at 10,000 entries.
func (b *builder) memoryEntryOf(e *content.Entry, lesson string, blocks []errorBlock) *errmem.Entry {
	if b.facts == nil || len(blocks) == 0 {
		return memoryEntry(e, lesson, blocks)
	}
	h := buildcache.NewHasher().String("error block messages").String(buildcache.ProgramID())
	for _, bl := range blocks {
		h.String(bl.Lang).String(bl.Text)
	}
	k := h.Key()
	msgs, ok := decodeMessages(b.facts.Get(k))
	if !ok {
		msgs = blockMessages(blocks)
		b.facts.Put(k, encodeMessages(msgs))
	}
	return memoryEntryWith(e, lesson, msgs)
}

// encodeMessages and decodeMessages keep messages in the cache.
func encodeMessages(msgs []errmem.Message) []byte {
	out := binary.AppendUvarint(nil, uint64(len(msgs)))
	for _, m := range msgs {
		out = appendFactString(appendFactString(out, m.Text), m.Signature)
	}
	return out
}

func decodeMessages(data []byte, found bool) ([]errmem.Message, bool) {
	if !found {
		return nil, false
	}
	r := factReader{data: data}
	n := r.count()
	msgs := make([]errmem.Message, 0, n)
	for range n {
		msgs = append(msgs, errmem.Message{Text: r.str(), Signature: r.str()})
	}
	return msgs, r.done()
}

// memory returns the log's error memory, newest entry first, and the
// view of each of its entries. scans are the entries' body facts,
// newest first.
//
// Each entry's part is made on every core: extracting and normalizing
// the messages of error blocks (regular expressions, mostly) took a
// second of a cold 10k build, and the pages wait for it.
func (b *builder) memory(scans []scanFacts) (*errmem.Memory, map[*errmem.Entry]*content.Entry) {
	entries := b.log.Entries
	mem := &errmem.Memory{Entries: make([]*errmem.Entry, len(entries))}
	parallel(context.Background(), len(entries), func(i int) {
		e := entries[i]
		v := b.views[e]
		mem.Entries[i] = memoFor(b, "memory", v, func() *errmem.Entry { return b.memoryEntryOf(e, v.LessonText, scans[i].errors) })
	})
	byEntry := make(map[*errmem.Entry]*content.Entry, len(entries))
	for i, m := range mem.Entries {
		byEntry[m] = entries[i]
	}
	return mem, byEntry
}

// errorPages queues /errors/ and its further pages.
func (b *builder) errorPages(mem *errmem.Memory, byEntry map[*errmem.Entry]*content.Entry, scans []scanFacts) []job {
	fix := map[*content.Entry]string{}
	for i, e := range b.log.Entries {
		if scans[i].fix != "" {
			fix[e] = b.views[e].URL + "#" + url.PathEscape(scans[i].fix)
		}
	}
	withErrors := 0
	for _, m := range mem.Entries {
		if len(m.Messages) > 0 {
			withErrors++
		}
	}
	var groups []render.ErrorGroup
	for _, g := range mem.Groups() {
		eg := render.ErrorGroup{ID: g.ID, Message: g.Text, Count: len(g.Seen)}
		for _, s := range g.Seen[:min(seenPerError, len(g.Seen))] {
			e := byEntry[s.Entry]
			es := render.ErrorSeen{Entry: b.views[e], Fix: fix[e]}
			if s.Text != g.Text {
				es.Message = s.Text
			}
			eg.Seen = append(eg.Seen, es)
		}
		if eg.More = len(g.Seen) - len(eg.Seen); eg.More > 0 {
			var words []string
			for _, t := range errmem.Tokens(g.Signature) {
				if !strings.HasPrefix(t, "<") {
					words = append(words, t)
				}
			}
			eg.MoreURL = b.url("/"+searchDir) + "?q=" + url.QueryEscape(strings.Join(words, " "))
		}
		groups = append(groups, eg)
	}
	var jobs []job
	total := max(1, (len(groups)+errorsPerPage-1)/errorsPerPage)
	pageURL := func(n int) string {
		if n == 1 {
			return "/errors/"
		}
		return "/errors/page/" + strconv.Itoa(n) + "/"
	}
	for n := 1; n <= total; n++ {
		title := "Errors"
		if n > 1 {
			title = fmt.Sprintf("Errors, page %d", n)
		}
		p := &render.ErrorsPage{
			Page:    b.page(title, "Every error message this log has met, each linked to its fix.", pageURL(n), "errors"),
			Groups:  groups[(n-1)*errorsPerPage : min(n*errorsPerPage, len(groups))],
			Total:   len(groups),
			Entries: withErrors,
			Pager:   render.Pager{Number: n, Total: total},
		}
		if n > 1 {
			p.Pager.Prev = b.url(pageURL(n - 1))
		}
		if n < total {
			p.Pager.Next = b.url(pageURL(n + 1))
		}
		jobs = append(jobs, b.pageJob(pageURL(n), "errors.html", p))
	}
	return jobs
}

// keptMemory returns, for a narrowed build of the dev server's whose
// error memory reads as the last build's, the jobs of its files, which
// the last build made and this one keeps; else nil. The memory and
// /errors/ show of each entry its messages, its fix, its URL, title,
// date, kind and lesson, and its card: an edit that changes none of
// these (most edits of a body) leaves them as they were, and grouping
// every message of the log again would cost more than the rest of such
// a rebuild.
func (b *builder) keptMemory(mem *errmem.Memory, scans []scanFacts) []job {
	c := b.owner
	if c == nil || b.only == nil || c.last == nil {
		return nil
	}
	prev := c.last
	if len(prev.memEntries) != len(mem.Entries) || len(prev.memFixes) != len(scans) || len(prev.log.Entries) != len(b.log.Entries) {
		return nil
	}
	for i, m := range mem.Entries {
		o := prev.memEntries[i]
		if m == o {
			continue // read from the same render
		}
		v, ov := b.views[b.log.Entries[i]], prev.views[prev.log.Entries[i]]
		if v == nil || ov == nil || scans[i].fix != prev.memFixes[i] || !reflect.DeepEqual(*m, *o) || !sameCard(v, ov) {
			return nil
		}
	}
	jobs := make([]job, 0, len(prev.memFiles))
	for _, name := range prev.memFiles {
		if _, ok := b.known[name]; !ok {
			return nil
		}
		jobs = append(jobs, job{out: name, by: "the error memory", run: func() ([]byte, error) {
			return nil, fmt.Errorf("%s: kept from the last build, not made again", name)
		}})
	}
	for _, name := range prev.memFiles {
		delete(b.only, name)
	}
	return jobs
}
