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
	msgs := []errmem.Message{{Text: "Error: x", Signature: "error <x>"}, {Text: "", Signature: ""}}
	data := encodeMessages(msgs)
	if got, ok := decodeMessages(data, true); !ok || !reflect.DeepEqual(got, msgs) {
		t.Errorf("messages read back as %+v, %v", got, ok)
	}
	if g, ok := decodeMessages(append(data[:len(data):len(data)], 0), true); ok {
		t.Errorf("messages with a byte more read as %+v", g)
	}
	if g, ok := decodeMessages([]byte{0xff, 0xff, 0xff, 0x0f, 1, 'a'}, true); ok {
		t.Errorf("a count of 33 million in 6 bytes read as %+v", g)
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
