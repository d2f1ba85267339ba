package ticker

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// fetchHN reads the front page from the Firebase API, in rank order.
func fetchHN(ctx context.Context, g *getter) ([]Headline, []string, error) {
	o := g.opts
	// Ask for a few more than needed: dead, deleted and job items are
	// skipped, and the list is only as long as the front page.
	want := min(500, o.Count+o.Count/3+5)
	q := url.Values{"orderBy": {`"$key"`}, "limitToFirst": {strconv.Itoa(want)}}
	var ids idList
	if err := g.getJSON(ctx, o.API+"/topstories.json?"+q.Encode(), &ids); err != nil {
		return nil, nil, err
	}
	if len(ids) == 0 {
		return nil, nil, errors.New("the API listed no top stories")
	}
	ids = ids[:min(len(ids), want)]

	type result struct {
		item *hnItem
		err  error
	}
	results := make([]result, len(ids))
	sem := make(chan struct{}, o.Concurrency)
	// When the first round of items all failed, or half of them did, the
	// API is broken: stop asking rather than wait out the deadline.
	itemCtx, giveUp := context.WithCancelCause(ctx)
	defer giveUp(nil)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		nFails int
		nOK    int
	)
	for i, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if itemCtx.Err() != nil {
				results[i].err = context.Cause(itemCtx)
				return
			}
			var it *hnItem
			err := g.getJSON(itemCtx, fmt.Sprintf("%s/item/%d.json", o.API, id), &it)
			if err == nil && it != nil && it.ID != id {
				err = fmt.Errorf("item %d: the API answered with item %d", id, it.ID)
			}
			results[i] = result{it, err}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				nOK++
				return
			}
			nFails++
			if nFails > len(ids)/2 || (nOK == 0 && nFails >= o.Concurrency) {
				giveUp(err)
			}
		})
	}
	wg.Wait()

	var (
		out      []Headline
		warnings []string
		failed   int
		firstErr error
	)
	for i, r := range results {
		if r.err != nil {
			failed++
			firstErr = cmp.Or(firstErr, r.err)
			continue
		}
		it := r.item
		if it == nil || it.Deleted || it.Dead {
			continue
		}
		switch it.Type {
		case "story", "poll":
		case "job":
			if !o.Jobs {
				continue
			}
		default:
			continue
		}
		h, notes, ok := toHeadline(it, true)
		for _, n := range notes {
			warnings = append(warnings, fmt.Sprintf("item %d (rank %d): %s", it.ID, i+1, n))
		}
		if ok && len(out) < o.Count {
			out = append(out, h)
		}
	}
	// A refresh that lost many stories to errors would replace a good
	// snapshot with a thin one: it fails instead, keeping the last good.
	if failed > 0 && len(out) < min(o.Count, len(ids))/2 {
		return nil, warnings, fmt.Errorf("%d of %d items could not be fetched: %w", failed, len(ids), firstErr)
	}
	if failed > 0 {
		warnings = append(warnings, fmt.Sprintf("%d of %d items could not be fetched (first: %v)", failed, len(ids), firstErr))
	}
	if len(out) == 0 {
		return nil, warnings, errors.New("the API listed no story that can be shown")
	}
	return out, warnings, nil
}

// idList is topstories: an array of ids, or, the way Firebase answers
// some filtered queries, an object from position to id.
type idList []int64

func (l *idList) UnmarshalJSON(b []byte) error {
	var arr []int64
	if err := json.Unmarshal(b, &arr); err == nil {
		*l = arr
		return nil
	}
	var obj map[string]int64
	if err := json.Unmarshal(b, &obj); err != nil {
		return errors.New("topstories is not a list of ids")
	}
	keys := make([]int, 0, len(obj))
	for k := range obj {
		n, err := strconv.Atoi(k)
		if err != nil {
			return fmt.Errorf("topstories has a key %q that is not a position", k)
		}
		keys = append(keys, n)
	}
	slices.Sort(keys)
	*l = make(idList, len(keys))
	for i, k := range keys {
		(*l)[i] = obj[strconv.Itoa(k)]
	}
	return nil
}

// hnItem is the part of a Firebase item the strip uses. Other fields
// (kids, text, parts…) are ignored rather than rejected, so the refresh
// survives the API gaining a field; the types of these are checked.
type hnItem struct {
	ID          int64  `json:"id"`
	Deleted     bool   `json:"deleted"`
	Type        string `json:"type"`
	By          string `json:"by"`
	Time        int64  `json:"time"`
	URL         string `json:"url"`
	Score       int    `json:"score"`
	Title       string `json:"title"`
	Descendants int    `json:"descendants"`
	Dead        bool   `json:"dead"`
}

// toHeadline makes a clean headline of an item; isHTML says its title is
// HTML. ok is false when there is nothing to show.
func toHeadline(it *hnItem, isHTML bool) (h Headline, notes []string, ok bool) {
	if it.ID <= 0 {
		return Headline{}, []string{"no id; left out"}, false
	}
	title, notes := cleanTitle(it.Title, isHTML)
	if title == "" {
		return Headline{}, append(notes, "no title; left out"), false
	}
	h = Headline{
		ID:         it.ID,
		Title:      title,
		DiscussURL: discussURL(it.ID),
		Points:     max(0, it.Score),
		Comments:   max(0, it.Descendants),
		By:         byline(it.By),
	}
	if it.Time > 0 {
		h.Time = time.Unix(it.Time, 0).UTC()
	}
	u, ok := cleanURL(it.URL)
	if !ok {
		notes = append(notes, fmt.Sprintf("url %q is not an http(s) link; linking to the discussion instead", clip(it.URL)))
	}
	h.URL = cmp.Or(u, h.DiscussURL)
	return h, notes, true
}

// byline keeps a user name only when it looks like one.
func byline(s string) string {
	if len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return ""
		}
	}
	return s
}

// clip shortens a hostile value for a warning.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// maxAge is how old an Algolia front_page hit may be.
const maxAge = 48 * time.Hour

type algoliaAnswer struct {
	Hits []algoliaHit `json:"hits"`
}

type algoliaHit struct {
	Title       string  `json:"title"`
	URL         *string `json:"url"`
	Author      string  `json:"author"`
	Points      *int    `json:"points"`
	NumComments *int    `json:"num_comments"`
	ObjectID    string  `json:"objectID"`
	CreatedAtI  int64   `json:"created_at_i"`
}

// fetchAlgolia reads the front page from Algolia's search. Its order is
// Algolia's, not the front page's; the snapshot is labelled so.
func fetchAlgolia(ctx context.Context, g *getter) ([]Headline, []string, error) {
	o := g.opts
	q := url.Values{"tags": {"front_page"}, "hitsPerPage": {strconv.Itoa(min(100, o.Count+10))}}
	var ans algoliaAnswer
	if err := g.getJSON(ctx, o.Algolia+"/api/v1/search?"+q.Encode(), &ans); err != nil {
		return nil, nil, err
	}
	now := o.Now()
	var out []Headline
	var warnings []string
	for _, hit := range ans.Hits {
		id, err := strconv.ParseInt(hit.ObjectID, 10, 64)
		if err != nil || id <= 0 {
			warnings = append(warnings, fmt.Sprintf("Algolia hit %q: not a story id; left out", clip(hit.ObjectID)))
			continue
		}
		posted := time.Unix(hit.CreatedAtI, 0).UTC()
		if hit.CreatedAtI <= 0 || now.Sub(posted) > maxAge {
			continue
		}
		it := &hnItem{ID: id, By: hit.Author, Time: hit.CreatedAtI, Title: hit.Title}
		if hit.URL != nil {
			it.URL = *hit.URL
		}
		if hit.Points != nil {
			it.Score = *hit.Points
		}
		if hit.NumComments != nil {
			it.Descendants = *hit.NumComments
		}
		// Algolia's titles are plain text: no entities to decode.
		h, notes, ok := toHeadline(it, false)
		for _, n := range notes {
			warnings = append(warnings, fmt.Sprintf("item %d: %s", id, n))
		}
		if ok {
			out = append(out, h)
		}
	}
	// Most points first: the order is not rank, so at least make it useful.
	slices.SortStableFunc(out, func(a, b Headline) int { return cmp.Compare(b.Points, a.Points) })
	out = out[:min(len(out), o.Count)]
	if len(out) == 0 {
		return nil, warnings, errors.New("Algolia listed no front-page story from the last two days")
	}
	return out, warnings, nil
}
