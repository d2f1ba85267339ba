package feed

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// appendJSONFeed writes what encoding/json's Encoder writes, with
// SetEscapeHTML(false), for feeds with every field empty or set, and
// strings that need escaping.
func TestJSONMatchesEncoder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	strs := []string{"", "", "plain", `q"uote\`, "<p>a &amp; b</p>\n", "\u2028\t\x01", "é日", "\xff"}
	// fill sets every string field of the struct v points to, and adds
	// up to two elements to every slice: a field added to jsonFeed,
	// jsonItem or jsonAuthor and not to appendJSONFeed fails the test.
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(strs[r.IntN(len(strs))])
			case reflect.Slice:
				n := r.IntN(3)
				s := reflect.MakeSlice(f.Type(), n, n)
				for k := range n {
					if e := s.Index(k); e.Kind() == reflect.String {
						e.SetString(strs[r.IntN(len(strs))])
					} else {
						fill(e)
					}
				}
				f.Set(s)
			default:
				t.Fatalf("%s.%s is a %s: appendJSONFeed and this test write strings, slices and structs", v.Type(), v.Type().Field(i).Name, f.Kind())
			}
		}
	}
	for range 2000 {
		var jf jsonFeed
		fill(reflect.ValueOf(&jf).Elem())
		if jf.Items == nil {
			jf.Items = []jsonItem{} // AppendJSON always makes it
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(jf); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFeed(nil, &jf); string(got) != want.String() {
			t.Fatalf("appendJSONFeed(%+v)\n got %s\nwant %s", jf, got, want.String())
		}
	}
}

// BenchmarkJSON writes a JSON Feed of 20 entries of about 15 KB of HTML;
// BenchmarkJSONEncoder writes it through encoding/json, as before.
func BenchmarkJSON(b *testing.B) {
	jf := benchFeed()
	var buf []byte
	for b.Loop() {
		buf = appendJSONFeed(buf[:0], jf)
	}
}

func BenchmarkJSONEncoder(b *testing.B) {
	jf := benchFeed()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(jf); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFeed() *jsonFeed {
	body := bytes.Repeat([]byte("<p>Some words of the entry, \"quoted\" &amp; <code>code</code>.</p>\n"), 220)
	jf := &jsonFeed{Version: JSONVersion, Title: "Log", HomePageURL: "https://example.com/", FeedURL: "https://example.com/feed.json"}
	for range 20 {
		jf.Items = append(jf.Items, jsonItem{ID: "tag:example.com,2026:x", URL: "https://example.com/log/x/", Title: "An entry",
			ContentHTML: string(body), Summary: "What broke.", DatePublished: "2026-03-01T10:00:00Z", Tags: []string{"go", "postgres"}})
	}
	return jf
}
