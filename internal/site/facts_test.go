package site

import (
	"reflect"
	"testing"

	"github.com/shiplog/shiplog/internal/errmem"
)

// What the facts cache keeps reads back as it was written, and anything
// damaged (cut short, with bytes left over, a count larger than the
// bytes) reads as a miss, never as other facts.
func TestFactsCodec(t *testing.T) {
	for _, f := range []scanFacts{
		{},
		{fix: "the-fix"},
		{errors: []errorBlock{{Lang: "text", Text: "Error: invalid ELF header"}, {Lang: "", Text: "ECONNREFUSED 127.0.0.1:5432\n€ ünïcode"}}, fix: "fix"},
	} {
		data := encodeScanFacts(f)
		got, ok := decodeScanFacts(data)
		if !ok || !reflect.DeepEqual(got, f) {
			t.Errorf("scan facts %+v read back as %+v, %v", f, got, ok)
		}
		for cut := range len(data) {
			if g, ok := decodeScanFacts(data[:cut]); ok {
				t.Errorf("%+v cut at %d read as %+v", f, cut, g)
			}
		}
		if g, ok := decodeScanFacts(append(data[:len(data):len(data)], 0)); ok {
			t.Errorf("%+v with a byte more read as %+v", f, g)
		}
	}
	if g, ok := decodeScanFacts([]byte{0xff, 0xff, 0xff, 0x0f, 1, 'a'}); ok {
		t.Errorf("a count of 33 million in 6 bytes read as %+v", g)
	}

	msgs := []errmem.Message{{Text: "Error: x", Signature: "error <x>"}, {Text: "", Signature: ""}}
	data := encodeMessages(msgs)
	if got, ok := decodeMessages(data, true); !ok || !reflect.DeepEqual(got, msgs) {
		t.Errorf("messages read back as %+v, %v", got, ok)
	}
	if _, ok := decodeMessages(data, false); ok {
		t.Error("messages not found read as found")
	}
	for cut := range len(data) {
		if g, ok := decodeMessages(data[:cut], true); ok {
			t.Errorf("messages cut at %d read as %+v", cut, g)
		}
	}
}
