package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestQueryLoadsLittle builds the index of a 10,000-document log and
// checks what a query reads of it, as search.js does: the manifest, then
// the shard of each word (found by binary search over the shards' first
// terms). Issue 7's budget is 300 KB compressed for a typical query on
// 10,000 entries, entry files included; bench/searchbench measures the
// whole of it in a browser (docs/benchmarks.md). Here the index's part
// must stay a small share of it however common the word: its manifest
// and shards at most 100 KB raw.
func TestQueryLoadsLittle(t *testing.T) {
	const n = 10000
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	doc := func(i int) Doc {
		r := rand.New(rand.NewPCG(1, uint64(i)))
		zipf := rand.NewZipf(r, 1.1, 1, uint64(len(vocab)-1))
		var body strings.Builder
		for range 250 {
			body.WriteString(vocab[zipf.Uint64()])
			body.WriteByte(' ')
		}
		var errs []string
		if i%50 == 0 {
			errs = []string{fmt.Sprintf("connect ECONNREFUSED 10.0.%d.7:5432", i%256)}
		}
		if i%4 != 0 {
			body.WriteString("the request hit a timeout")
		}
		return Doc{
			URL:     fmt.Sprintf("/log/entry-%d/", i),
			Title:   fmt.Sprintf("Entry %d about %s", i, vocab[i%len(vocab)]),
			Date:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/20),
			Kind:    "broke",
			Project: "ingest",
			Tags:    []string{"go", "postgres"},
			Errors:  errs,
			Body:    body.String(),
		}
	}
	ix, err := Build(context.Background(), n, doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := ix.Files()
	var m manifest
	if err := json.Unmarshal(files[0].Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	size := map[string]int{}
	for _, f := range files[1:] {
		size[f.Name] = len(f.Bytes())
	}
	shardOf := func(term string) string { // search.js's Index.shardOf
		lo, hi, at := 0, len(m.First)-1, 0
		for lo <= hi {
			mid := (lo + hi) / 2
			if compareUTF16(m.First[mid], term) <= 0 {
				at, lo = mid, mid+1
			} else {
				hi = mid - 1
			}
		}
		return m.Shards[at]
	}
	for _, q := range []string{"timeout", "w0x", "w4999x", "ECONNREFUSED", "10.0.7.7:5432", "postgres", "entry"} {
		loads := map[string]bool{}
		for _, term := range Terms(q) {
			loads[shardOf(term)] = true
		}
		bytes := len(files[0].Bytes())
		for s := range loads {
			bytes += size[s]
		}
		t.Logf("%-14q %d shards, %6d bytes with the manifest (%d bytes)", q, len(loads), bytes, len(files[0].Bytes()))
		if bytes > 100<<10 {
			t.Errorf("query %q reads %d bytes of index (%d shards and the manifest), want at most 100 KB", q, bytes, len(loads))
		}
	}
}
