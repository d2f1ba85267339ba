// Package lessons finds lessons learned more than once: it groups
// near-duplicate lessons ("Every network call needs a timeout." and
// "every network call needs a timeout, and the default is never right")
// so a log can say "learned 3 times".
//
// Each lesson becomes a set of words (lowercased, without common English
// words, plurals made singular). Identical sets are one group at once.
// The distinct sets are compared only with those that land in the same
// bucket of a MinHash locality-sensitive hash (16 bands of 2 hashes), so
// the work grows with the number of lessons, not with its square: a pair
// with Jaccard similarity 0.5 shares a bucket with probability
// 1 − (1 − 0.5²)¹⁶ ≈ 0.99. Candidates are then checked exactly; similar
// lessons are joined transitively.
package lessons

import (
	"hash/fnv"
	"slices"
	"strings"
	"unicode"
)

// Similar reports whether two word sets are near-duplicates: they share
// at least 60% of their words (Jaccard), or the smaller, of at least four
// words, is at least 80% inside the larger.
func Similar(a, b []string) bool { return similar(hashes(a), hashes(b)) }

// similar is Similar on sorted word hashes.
func similar(a, b []uint64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	union := len(a) + len(b) - inter
	if float64(inter) >= 0.6*float64(union) {
		return true
	}
	small := min(len(a), len(b))
	return small >= 4 && float64(inter) >= 0.8*float64(small)
}

// Words returns the sorted set of words a lesson is compared by.
func Words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '\''
	}) {
		w = strings.TrimSuffix(strings.Trim(w, "'"), "'s")
		if len([]rune(w)) < 2 || stop[w] {
			continue
		}
		out = append(out, singular(w))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

var stop = map[string]bool{}

func init() {
	// Not "no", "not", "never", "always": they turn a lesson around.
	for _, w := range strings.Fields(`a an and are as at be been but by can do does for from had has have how i if in into is it
		its just me more most my of on one only or our so than that the their them then there these they this
		those to too was we were what when where which while who why will with would you your every`) {
		stop[w] = true
	}
}

const (
	bands = 16
	rows  = 2
	// maxCompare bounds the exact comparisons one lesson makes in one
	// bucket, so a bucket that many lessons share stays linear.
	maxCompare = 32
)

// Group returns the indexes of texts in groups of near-duplicates. Groups
// are in the order of their first member; members in the order given.
// Every index is in exactly one group.
func Group(texts []string) [][]int {
	// Identical word sets first.
	type set struct {
		words   []uint64 // sorted hashes of the words
		members []int
	}
	var sets []*set
	byKey := map[string]*set{}
	for i, t := range texts {
		words := Words(t)
		key := strings.Join(words, " ")
		if len(words) == 0 {
			key = "\x00" + t // lessons of only common words stay apart
		}
		s := byKey[key]
		if s == nil {
			s = &set{words: hashes(words)}
			byKey[key] = s
			sets = append(sets, s)
		}
		s.members = append(s.members, i)
	}

	parent := make([]int, len(sets))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}

	buckets := map[uint64][]int{}
	for i, s := range sets {
		if len(s.words) == 0 {
			continue
		}
		sig := minhash(s.words)
		for b := range bands {
			key := uint64(b)<<56 ^ sig[b*rows]*0x9e3779b97f4a7c15 ^ sig[b*rows+1]
			compared := 0
			for _, j := range buckets[key] {
				if compared == maxCompare {
					break
				}
				ri, rj := find(i), find(j)
				if ri == rj {
					continue
				}
				compared++
				if similar(s.words, sets[j].words) {
					parent[max(ri, rj)] = min(ri, rj)
				}
			}
			buckets[key] = append(buckets[key], i)
		}
	}

	var groups [][]int
	at := map[int]int{}
	for i, s := range sets {
		r := find(i)
		g, ok := at[r]
		if !ok {
			g = len(groups)
			at[r] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], s.members...)
	}
	for _, g := range groups {
		slices.Sort(g)
	}
	slices.SortFunc(groups, func(a, b []int) int { return a[0] - b[0] })
	return groups
}

// hashes returns the sorted 64-bit hashes of words.
func hashes(words []string) []uint64 {
	out := make([]uint64, len(words))
	for i, w := range words {
		h := fnv.New64a()
		h.Write([]byte(w))
		out[i] = h.Sum64()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minhash returns bands×rows MinHash values of a set of word hashes.
func minhash(words []uint64) []uint64 {
	sig := make([]uint64, bands*rows)
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for _, x := range words {
		for i := range sig {
			v := mix(x ^ uint64(i+1)*0xbf58476d1ce4e5b9)
			if v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// mix is SplitMix64's finaliser: a good 64-bit hash of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
