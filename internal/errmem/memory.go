package errmem

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Entry is an entry of the log as the memory keeps it.
type Entry struct {
	Path     string // source file, relative to the site root
	URL      string // the entry's page as a site path: /log/slug/
	Title    string
	Date     string // 2026-03-14
	Kind     string
	Lesson   string
	Messages []Message
}

// Message is an error message an entry saw, with its signature.
type Message struct {
	Text      string
	Signature string
}

// NewMessage returns text with its signature. Both are copies, never
// slices of text: a message lives as long as the memory, and a slice
// would keep whatever text was cut from (a whole rendered entry) alive.
func NewMessage(text string) Message { return newMessage(text, Normalize(text)) }

// newMessage is NewMessage with text's signature known.
func newMessage(text, sig string) Message {
	return Message{Text: strings.Clone(strings.TrimSpace(text)), Signature: strings.Clone(sig)}
}

// AddMessage adds text to e unless e has a message of that signature.
func (e *Entry) AddMessage(text string) { e.Add(NewMessage(text)) }

// Add adds m, made by NewMessage, to e unless e has a message of its
// signature or m is empty.
func (e *Entry) Add(m Message) {
	if m.Text == "" {
		return
	}
	for _, have := range e.Messages {
		if have.Signature == m.Signature {
			return
		}
	}
	e.Messages = append(e.Messages, m)
}

// Memory is every error of a log, by entry.
type Memory struct {
	Entries []*Entry

	idx *index // built by the first Find
}

// index is what Find needs, built once: each distinct signature, its
// tokens' weights and the entries that have it.
type index struct {
	sigs    []string
	byText  map[string]int
	tokens  [][]string
	total   []float64 // sum of the weights of each signature's tokens
	weight  map[string]float64
	posting map[string][]int32 // token → signatures
	owners  [][]owner          // signature → entries that saw it
	unseen  float64            // weight of a token no signature has
}

type owner struct {
	entry *Entry
	text  string
}

// placeholderWeight is the weight of <ip>, <n>, …: that both messages
// had an address says little about whether they are the same error.
const placeholderWeight = 0.25

// Index builds what Find searches, once; Find builds it when it was not.
// Calling it early lets a caller build it while it does something else.
func (m *Memory) Index() { m.index() }

func (m *Memory) index() *index {
	if m.idx != nil {
		return m.idx
	}
	ix := &index{byText: map[string]int{}, weight: map[string]float64{}, posting: map[string][]int32{}}
	// Number the signatures, count their owners, then lay the owners out
	// in one array: a big log has a hundred thousand messages.
	n := 0
	for _, e := range m.Entries {
		n += len(e.Messages)
	}
	ids := make([]int32, 0, n)
	var count []int
	for _, e := range m.Entries {
		for _, msg := range e.Messages {
			i, ok := ix.byText[msg.Signature]
			if !ok {
				i = len(ix.sigs)
				ix.byText[msg.Signature] = i
				ix.sigs = append(ix.sigs, msg.Signature)
				count = append(count, 0)
			}
			ids = append(ids, int32(i))
			count[i]++
		}
	}
	all := make([]owner, len(ids))
	ix.owners = make([][]owner, len(ix.sigs))
	at := 0
	for i, c := range count {
		ix.owners[i] = all[at : at : at+c]
		at += c
	}
	k := 0
	for _, e := range m.Entries {
		for _, msg := range e.Messages {
			i := ids[k]
			ix.owners[i] = append(ix.owners[i], owner{e, msg.Text})
			k++
		}
	}
	df := map[string]int{}
	ix.tokens = make([][]string, len(ix.sigs))
	for i, s := range ix.sigs {
		toks := uniq(Tokens(s))
		ix.tokens[i] = toks
		for _, t := range toks {
			df[t]++
			ix.posting[t] = append(ix.posting[t], int32(i))
		}
	}
	nSigs := float64(len(ix.sigs))
	for t, d := range df {
		ix.weight[t] = idf(t, nSigs, float64(d))
	}
	ix.unseen = math.Log(1 + nSigs)
	ix.total = make([]float64, len(ix.sigs))
	for i, toks := range ix.tokens {
		for _, t := range toks {
			ix.total[i] += ix.weight[t]
		}
	}
	m.idx = ix
	return ix
}

func idf(t string, n, df float64) float64 {
	if strings.HasPrefix(t, "<") {
		return placeholderWeight
	}
	return math.Log(1 + n/df)
}

func uniq(toks []string) []string {
	out := toks[:0:0]
	for _, t := range toks {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Match is an entry that saw an error like one asked about.
type Match struct {
	Entry   *Entry
	Score   float64 // 1 for the same signature; down to MinScore
	Message string  // the entry's message that matched best
	Query   string  // the line asked about that it matched
}

// MinScore is the least similarity Find reports.
const MinScore = 0.35

// Find returns the entries whose errors match any of lines, best first
// (ties: newest first), at most limit (all when limit <= 0).
//
// Each line is normalised and compared with every distinct signature of
// the log by the words they share, each word weighted by how rare it is
// among the log's signatures (a shared "ECONNREFUSED" says more than a
// shared "error"): the score is (2·r + q)/3, where r is the share of the
// signature's weight the line has and q the share of the line's weight
// the signature has. A stored message wholly inside a pasted line thus
// scores at least 2/3, and the same signature scores 1. An entry's score
// is its best message's.
func (m *Memory) Find(lines []string, limit int) []Match {
	ix := m.index()
	best := map[*Entry]*Match{}
	for _, line := range lines {
		sig := Normalize(line)
		if sig == "" {
			continue
		}
		qt := uniq(Tokens(sig))
		var qTotal float64
		for _, t := range qt {
			w, ok := ix.weight[t]
			if !ok {
				w = ix.unseen
				if strings.HasPrefix(t, "<") {
					w = placeholderWeight
				}
			}
			qTotal += w
		}
		shared := map[int32]float64{}
		words := map[int32]bool{}
		for _, t := range qt {
			for _, i := range ix.posting[t] {
				shared[i] += ix.weight[t]
				if !strings.HasPrefix(t, "<") {
					words[i] = true
				}
			}
		}
		score := func(i int32) float64 {
			if ix.sigs[i] == sig {
				return 1
			}
			if !words[i] || qTotal == 0 || ix.total[i] == 0 {
				return 0
			}
			r, q := shared[i]/ix.total[i], shared[i]/qTotal
			return 0.99 * (2*r + q) / 3
		}
		consider := func(i int32) {
			s := score(i)
			if s < MinScore {
				return
			}
			for _, o := range ix.owners[i] {
				if b := best[o.entry]; b == nil || s > b.Score {
					best[o.entry] = &Match{Entry: o.entry, Score: s, Message: o.text, Query: line}
				}
			}
		}
		for i := range shared {
			consider(i)
		}
		if i, ok := ix.byText[sig]; ok {
			if _, done := shared[int32(i)]; !done {
				consider(int32(i)) // a signature with no tokens at all
			}
		}
	}
	out := make([]Match, 0, len(best))
	for _, b := range best {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Entry.Date, a.Entry.Date), cmp.Compare(a.Entry.Path, b.Entry.Path))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Group is one signature and every entry that saw it.
type Group struct {
	Signature string
	ID        string // ID(Signature), for anchors
	Text      string // the message as the newest entry wrote it
	Seen      []Seen // newest first
}

// Seen is one entry's occurrence of a signature.
type Seen struct {
	Entry *Entry
	Text  string
}

// Groups returns the signatures of the log, those seen by the most
// entries first, then by their newest entry. Entries are taken to be in
// the memory newest first.
func (m *Memory) Groups() []Group {
	var groups []Group
	at := map[string]int{}
	for _, e := range m.Entries {
		for _, msg := range e.Messages {
			i, ok := at[msg.Signature]
			if !ok {
				i = len(groups)
				at[msg.Signature] = i
				groups = append(groups, Group{Signature: msg.Signature, ID: ID(msg.Signature), Text: msg.Text})
			}
			groups[i].Seen = append(groups[i].Seen, Seen{Entry: e, Text: msg.Text})
		}
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(len(b.Seen), len(a.Seen)), cmp.Compare(b.Seen[0].Entry.Date, a.Seen[0].Entry.Date))
	})
	return groups
}
