package search

import (
	"context"
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Update makes ix the index Build makes of n documents, doing only the
// work their changes since the last Update need: it reads every
// document's terms (through Options.Terms, which is meant to be cheap
// for a document that did not change), rewrites the postings of the
// terms that documents gained, lost or now weigh differently, and
// leaves Files to encode again only the shards holding those terms. A
// new(Index) is empty. Documents keep their numbers as in Build, so a
// document added or removed anywhere but at the end renumbers those
// after it, and rewrites their terms' postings.
//
// ix keeps every document's terms for the next Update. When ctx is done
// Update returns its error and ix is as it was.
func (ix *Index) Update(ctx context.Context, n int, doc func(i int) Doc, opts Options) error {
	if opts.ShardSize == 0 {
		opts.ShardSize = 24 << 10
	}
	if opts.TextLimit == 0 {
		opts.TextLimit = 20000
	}
	all, err := allTerms(ctx, n, doc, opts)
	if err != nil {
		return err
	}
	if ix.opts.ShardSize != opts.ShardSize {
		ix.shards = nil
	}
	ix.opts = opts
	if ix.terms == nil || ix.kept == nil {
		*ix = Index{opts: opts, terms: map[string]*postings{}}
		for i, tws := range all {
			for _, tw := range tws {
				ix.add(tw.term, i, tw.weight)
			}
		}
		ix.docs, ix.kept = n, all
		return nil
	}

	// What changed, term by term, in document order.
	changes := map[string][]change{}
	for i := range max(n, ix.docs) {
		var was, now []termWeight
		if i < len(ix.kept) {
			was = ix.kept[i]
		}
		if i < n {
			now = all[i]
		}
		diff(changes, i, was, now)
	}
	ix.apply(changes)
	ix.docs, ix.kept = n, all
	return nil
}

// UpdateDocs is Update when only the documents numbered in docs may have
// changed since the last Update of the same n documents: it reads the
// terms of those alone, so its cost does not grow with n. Without an
// earlier Update of n documents it is Update.
func (ix *Index) UpdateDocs(ctx context.Context, n int, docs []int, doc func(i int) Doc, opts Options) error {
	if opts.ShardSize == 0 {
		opts.ShardSize = 24 << 10
	}
	if opts.TextLimit == 0 {
		opts.TextLimit = 20000
	}
	if ix.terms == nil || ix.kept == nil || ix.docs != n || len(ix.kept) != n || ix.opts.ShardSize != opts.ShardSize {
		return ix.Update(ctx, n, doc, opts)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	docs = slices.Sorted(slices.Values(docs))
	docs = slices.Compact(docs)
	now := make([][]termWeight, len(docs))
	for k, i := range docs {
		if i < 0 || i >= n {
			return ix.Update(ctx, n, doc, opts)
		}
		if opts.Terms != nil {
			now[k] = opts.Terms(i, doc).t
		} else {
			now[k] = sortedTerms(doc(i))
		}
	}
	changes := map[string][]change{}
	for k, i := range docs {
		diff(changes, i, ix.kept[i], now[k])
	}
	ix.opts = opts
	ix.apply(changes)
	for k, i := range docs {
		ix.kept[i] = now[k]
	}
	return nil
}

// diff adds to changes what document i's terms changed from was to now,
// both sorted by term. Documents are diffed in order, so each term's
// changes stay in document order.
func diff(changes map[string][]change, i int, was, now []termWeight) {
	if sameTerms(was, now) {
		return
	}
	for len(was) > 0 || len(now) > 0 {
		switch {
		case len(now) == 0 || len(was) > 0 && was[0].term < now[0].term:
			changes[was[0].term] = append(changes[was[0].term], change{i, 0})
			was = was[1:]
		case len(was) == 0 || now[0].term < was[0].term:
			changes[now[0].term] = append(changes[now[0].term], change{i, now[0].weight})
			now = now[1:]
		default:
			if was[0].weight != now[0].weight {
				changes[now[0].term] = append(changes[now[0].term], change{i, now[0].weight})
			}
			was, now = was[1:], now[1:]
		}
	}
}

// apply rewrites the postings of the terms in changes, and marks their
// shards to be encoded again.
func (ix *Index) apply(changes map[string][]change) {
	var added []*postings
	var removed []string
	for t, cs := range changes {
		p := ix.terms[t]
		if p == nil {
			p = &postings{term: strings.Clone(t), last: -1} // not a slice of a document
			ix.terms[p.term] = p
			added = append(added, p)
		}
		p.apply(cs)
		if p.df == 0 {
			delete(ix.terms, t)
			removed = append(removed, t)
		}
		ix.stale(t)
	}
	if ix.sorted != nil && (len(added) > 0 || len(removed) > 0) {
		ix.sorted = resort(ix.sorted, added, removed)
	}
}

// change is a document's new weight for a term; 0 when it lost the term.
type change struct{ doc, weight int }

// add appends document i, which comes after every document of term's
// postings, with its weight.
func (ix *Index) add(term string, i, weight int) {
	p := ix.terms[term]
	if p == nil {
		p = &postings{term: strings.Clone(term), last: -1} // not a slice of a document
		ix.terms[p.term] = p
	}
	gap := i - p.last
	if p.last < 0 {
		gap = i
	}
	p.buf = binary.AppendUvarint(p.buf, uint64(gap)<<3|uint64(weight))
	p.last = i
	p.df++
}

// apply merges changes, in document order, into p.
func (p *postings) apply(cs []change) {
	type post struct{ doc, weight int }
	old := make([]post, 0, p.df)
	doc, buf := 0, p.buf
	for len(buf) > 0 {
		v, k := binary.Uvarint(buf)
		buf = buf[k:]
		doc += int(v >> 3)
		old = append(old, post{doc, int(v & 7)})
	}
	out := p.buf[:0:0]
	last, df := -1, 0
	put := func(doc, weight int) {
		gap := doc - last
		if last < 0 {
			gap = doc
		}
		out = binary.AppendUvarint(out, uint64(gap)<<3|uint64(weight))
		last = doc
		df++
	}
	for len(old) > 0 || len(cs) > 0 {
		switch {
		case len(cs) == 0 || len(old) > 0 && old[0].doc < cs[0].doc:
			put(old[0].doc, old[0].weight)
			old = old[1:]
		default:
			if len(old) > 0 && old[0].doc == cs[0].doc {
				old = old[1:]
			}
			if cs[0].weight > 0 {
				put(cs[0].doc, cs[0].weight)
			}
			cs = cs[1:]
		}
	}
	p.buf, p.last, p.df, p.size = out, last, df, 0
}

// stale marks the kept shard that holds, or would hold, term t.
func (ix *Index) stale(t string) {
	if len(ix.shards) == 0 {
		return
	}
	k, _ := slices.BinarySearchFunc(ix.shards, t, func(sh *shardFile, t string) int { return compareUTF16(sh.first, t) })
	// k is the first shard not before t: t is its first term, or in the
	// shard before it.
	if k == len(ix.shards) || ix.shards[k].first != t {
		k = max(k-1, 0)
	}
	ix.shards[k].stale = true
}

// resort returns sorted without removed and with added, in search.js's
// order. A few terms are inserted and deleted in place; many, merged.
func resort(sorted, added []*postings, removed []string) []*postings {
	if len(added)+len(removed) <= 64 {
		find := func(t string) (int, bool) {
			return slices.BinarySearchFunc(sorted, t, func(p *postings, t string) int { return compareUTF16(p.term, t) })
		}
		for _, t := range removed {
			if k, ok := find(t); ok {
				sorted = slices.Delete(sorted, k, k+1)
			}
		}
		for _, p := range added {
			if k, ok := find(p.term); !ok && p.df > 0 {
				sorted = slices.Insert(sorted, k, p)
			}
		}
		return sorted
	}
	gone := make(map[string]bool, len(removed))
	for _, t := range removed {
		gone[t] = true
	}
	added = slices.DeleteFunc(added, func(p *postings) bool { return gone[p.term] })
	slices.SortFunc(added, comparePostings)
	out := make([]*postings, 0, len(sorted)+len(added))
	for _, p := range sorted {
		if gone[p.term] {
			continue
		}
		for len(added) > 0 && comparePostings(added[0], p) < 0 {
			out = append(out, added[0])
			added = added[1:]
		}
		out = append(out, p)
	}
	return append(out, added...)
}

// sameTerms reports whether a and b hold the same terms and weights;
// at once when they are the same slice, as a kept document's are.
func sameTerms(a, b []termWeight) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// onCores calls f(0) … f(n-1) on every core, each worker taking batch
// of them at a time, and stops early when ctx is done.
func onCores(ctx context.Context, n, batch int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+batch-1)/batch) {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(batch))) - batch
				if lo >= n || ctx.Err() != nil {
					return
				}
				for i := lo; i < min(lo+batch, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// allTerms returns the terms of n documents, computed on every core.
func allTerms(ctx context.Context, n int, doc func(int) Doc, opts Options) ([][]termWeight, error) {
	all := make([][]termWeight, n)
	onCores(ctx, n, 256, func(i int) {
		if opts.Terms != nil {
			all[i] = opts.Terms(i, doc).t
		} else {
			all[i] = sortedTerms(doc(i))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return all, nil
}
