package lessons

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Every network call needs a timeout.", "call need network timeout"},
		{"Retries without backoff are a DoS on yourself", "backoff dos retry without yourself"},
		{"Don't trust the cache's TTL", "cache don't trust ttl"},
		{"never deploy on Friday", "deploy friday never"},
		{"", ""},
		{"the and of", ""},
		{"Status, process, bus: keep ss/us/is", "bus keep process ss status us"},
	} {
		if got := strings.Join(Words(c.in), " "); got != c.want {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSimilar(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"every network call needs a timeout", "Every network call needs a timeout, and the default is never the right one.", true},
		{"Every network call needs a timeout.", "every network call needs a timeout", true},
		{"build native dependencies on the platform that runs them", "build native dependencies on the platform that runs them, in CI", true},
		{"test the backups", "test the restores", false},
		{"never deploy on Friday", "always deploy on Friday", false},
		{"measure before optimising", "write the runbook while the pain is fresh", false},
		{"the boring solution is usually the right one", "", false},
	} {
		if got := Similar(Words(c.a), Words(c.b)); got != c.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestGroup(t *testing.T) {
	texts := []string{
		0: "Every network call needs a timeout, and the default is never the right one.",
		1: "Read the changelog before the upgrade, not after the outage.",
		2: "every network call needs a timeout",
		3: "The boring solution is usually the right one.",
		4: "Read the changelog before upgrading, not after the outage!",
		5: "Every network call needs a timeout.",
		6: "and the",
		7: "and the",
	}
	got := Group(texts)
	want := [][]int{{0, 2, 5}, {1, 4}, {3}, {6, 7}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Group = %v, want %v", got, want)
	}
}

// Group must stay roughly linear: 100,000 lessons, a fifth of them
// rewordings of 500 originals and the rest distinct, group in seconds.
// TestGroupScale checks grouping stays right on a large log. Speed is
// measured by BenchmarkGroup, not asserted here: timed tests fail on a
// busy machine and prove nothing on a fast one.
func TestGroupScale(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	texts, originals := corpus(n)
	groups := Group(texts)
	n = 0
	for _, g := range groups {
		n += len(g)
	}
	if n != len(texts) {
		t.Errorf("groups hold %d lessons, want %d", n, len(texts))
	}
	// Every rewording is with its original.
	groupOf := map[int]int{}
	for gi, g := range groups {
		for _, i := range g {
			groupOf[i] = gi
		}
	}
	for i, o := range originals {
		if o >= 0 && groupOf[i] != groupOf[o] {
			t.Errorf("lesson %d (%q) is not grouped with its original %d (%q)", i, texts[i], o, texts[o])
			break
		}
	}
}

// corpus returns n lessons: distinct random sentences from a 5,000-word
// vocabulary, and every fifth one a rewording (a word dropped or added)
// of one of 500 originals. originals[i] is the original of lesson i, or -1.
func corpus(n int) ([]string, []int) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	sentence := func(k int) []string {
		s := make([]string, k)
		for i := range s {
			s[i] = vocab[r.IntN(len(vocab))]
		}
		return s
	}
	texts := make([]string, n)
	originals := make([]int, n)
	for i := range texts {
		originals[i] = -1
		if i%5 == 4 && i >= 2500 {
			o := (r.IntN(500)) * 5
			ws := strings.Fields(texts[o])
			if r.IntN(2) == 0 {
				ws = append(ws, vocab[r.IntN(len(vocab))])
			} else {
				ws = ws[1:]
			}
			texts[i], originals[i] = strings.Join(ws, " "), o
			continue
		}
		texts[i] = strings.Join(sentence(8+r.IntN(8)), " ")
	}
	return texts, originals
}

// BenchmarkGroup groups 100,000 lessons, the size of a large team's log.
//
//	go test ./internal/lessons -run '^$' -bench Group -benchtime 1x
func BenchmarkGroup(b *testing.B) {
	texts, _ := corpus(100_000)
	for b.Loop() {
		Group(texts)
	}
}
