package hntest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/hntest"
)

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestShapes checks the answers against what the real services send.
func TestShapes(t *testing.T) {
	srv := hntest.New(t)
	q := url.Values{"orderBy": {`"$key"`}, "limitToFirst": {"3"}}
	if code, _, body := get(t, srv.API()+"/topstories.json?"+q.Encode()); code != 200 || body != "[1000,1001,1002]" {
		t.Errorf("topstories limitToFirst=3 = %d %s, want [1000,1001,1002]", code, body)
	}
	if code, _, body := get(t, srv.API()+"/topstories.json?limitToFirst=3"); code != 400 || !strings.Contains(body, `"error":"orderBy must be defined`) {
		t.Errorf("limitToFirst without orderBy = %d %s, want Firebase's 400", code, body)
	}
	if _, _, body := get(t, srv.API()+"/topstories.json"); strings.Count(body, ",") != 39 {
		t.Errorf("topstories without a limit lists %d ids, want 40", strings.Count(body, ",")+1)
	}
	var item map[string]any
	_, _, body := get(t, srv.API()+"/item/1000.json")
	if err := json.Unmarshal([]byte(body), &item); err != nil || item["type"] != "story" || item["title"] == "" || item["descendants"] == nil {
		t.Errorf("item 1000 = %s", body)
	}
	if _, _, body := get(t, srv.API()+"/item/1005.json"); strings.Contains(body, `"url"`) {
		t.Errorf("item 1005 (Ask HN) has a url: %s", body)
	}
	if code, _, body := get(t, srv.API()+"/item/99.json"); code != 200 || body != "null" {
		t.Errorf("a missing item = %d %s, want 200 null", code, body)
	}
	var search struct {
		Hits []struct {
			ObjectID   string `json:"objectID"`
			CreatedAtI int64  `json:"created_at_i"`
			Points     int    `json:"points"`
		} `json:"hits"`
	}
	_, _, body = get(t, srv.URL+"/api/v1/search?tags=front_page&hitsPerPage=5")
	if err := json.Unmarshal([]byte(body), &search); err != nil || len(search.Hits) != 5 || search.Hits[0].ObjectID == "" || search.Hits[0].CreatedAtI == 0 {
		t.Errorf("Algolia search = %s", body)
	}
}

func TestFaults(t *testing.T) {
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.TooMany, RetryAfter: "7", Times: 1})
	if code, h, _ := get(t, srv.API()+"/item/1000.json"); code != 429 || h.Get("Retry-After") != "7" {
		t.Errorf("429 fault = %d Retry-After %q", code, h.Get("Retry-After"))
	}
	if code, _, _ := get(t, srv.API()+"/item/1000.json"); code != 200 {
		t.Errorf("after Times: 1 the server still fails: %d", code)
	}
	srv.SetFault(hntest.Fault{Kind: hntest.Status500, Only: "/api/"})
	if code, _, _ := get(t, srv.API()+"/item/1000.json"); code != 200 {
		t.Errorf("a fault on /api/ broke /v0/: %d", code)
	}
	srv.SetFault(hntest.Fault{Kind: hntest.TruncatedJSON})
	if _, _, body := get(t, srv.API()+"/item/1000.json"); json.Valid([]byte(body)) {
		t.Errorf("truncated JSON is valid: %s", body)
	}
	srv.SetFault(hntest.Fault{Kind: hntest.NullItems})
	if _, _, body := get(t, srv.API()+"/item/1001.json"); body != "null" {
		t.Errorf("null-items: item 1001 = %s", body)
	}
	srv.SetFault(hntest.Fault{Kind: hntest.SlowHeaders, Delay: 300 * time.Millisecond})
	start := time.Now()
	get(t, srv.API()+"/item/1000.json")
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("slow-headers answered in %v", d)
	}
	srv.SetFault(hntest.Fault{Kind: hntest.SlowConnect, Delay: 30 * time.Second})
	c := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := c.Get(srv.API() + "/item/1000.json"); err == nil {
		t.Errorf("slow-connect answered")
	}
}
