package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encode is what Append must write: encoding/json's Encoder with
// SetEscapeHTML(false).
func encode(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\b\f\n\r\t", "\u2028\u2029", "\xff\xfe", "é日", "<a href=\"x\">&amp;</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), encode(s); got != want {
			t.Fatalf("Append(%q) = %s, want %s", s, got, want)
		}
	})
}

// Append appends: what dst held stays.
func TestAppendKeeps(t *testing.T) {
	if got := string(Append([]byte(`{"a":`), "b")); got != `{"a":"b"` {
		t.Errorf("Append after a prefix = %s", got)
	}
}
