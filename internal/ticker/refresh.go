package ticker

import (
	"context"
	"fmt"
	"time"
)

// Fetch reads the front page from the API, falling back to Algolia, all
// within opts.Timeout. The warnings say what was cleaned up or left out.
// It never returns a snapshot without headlines.
func Fetch(ctx context.Context, opts Options) (Snapshot, []string, error) {
	o := opts.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	g := &getter{opts: o}

	// The API gets most of the time; what it leaves is the fallback's, so
	// a stuck API still lets the fallback answer within the deadline.
	primary := ctx
	if o.Algolia != "" {
		var stop context.CancelFunc
		primary, stop = context.WithTimeout(ctx, o.Timeout*3/5)
		defer stop()
	}
	items, warnings, err := fetchHN(primary, g)
	source := SourceHN
	if err != nil && o.Algolia != "" && ctx.Err() == nil {
		var fbWarnings []string
		var fbErr error
		items, fbWarnings, fbErr = fetchAlgolia(ctx, g)
		if fbErr != nil {
			return Snapshot{}, warnings, fmt.Errorf("%v; the fallback failed too: %v", err, fbErr)
		}
		warnings = append(warnings, fmt.Sprintf("the API failed (%v); used Algolia's front page instead", err))
		warnings = append(warnings, fbWarnings...)
		source, err = SourceAlgolia, nil
	}
	if err != nil {
		return Snapshot{}, warnings, err
	}
	for i := range items {
		items[i].Rank = i + 1
	}
	return Snapshot{
		Version:   snapshotVersion,
		Source:    source,
		FetchedAt: o.Now().UTC().Truncate(time.Second),
		Headlines: items,
	}, warnings, nil
}

// Result is what a Refresh leaves in the cache.
type Result struct {
	Snapshot Snapshot    // the new snapshot, or the last good one when the fetch failed
	Updated  bool        // the fetch succeeded and the cache was rewritten
	Warnings []string    // titles cleaned, links replaced, the fallback used…
	CacheErr *CacheError // the cache was corrupt: ignored, and replaced when Updated
}

// Refresh fetches the front page and, on success, saves it to the cache
// at path. On failure it returns the error with the last good snapshot
// in the result, and the cache is left as it was. A corrupt cache is
// reported in CacheErr and replaced by the next successful refresh.
func Refresh(ctx context.Context, path string, opts Options) (Result, error) {
	var res Result
	last, err := Cached(path)
	if err != nil {
		res.CacheErr, _ = err.(*CacheError)
	}
	res.Snapshot = last
	snap, warnings, err := Fetch(ctx, opts)
	res.Warnings = append(res.Warnings, warnings...)
	if err != nil {
		return res, err
	}
	if err := Save(path, snap); err != nil {
		return res, err
	}
	res.Snapshot, res.Updated = snap, true
	return res, nil
}
