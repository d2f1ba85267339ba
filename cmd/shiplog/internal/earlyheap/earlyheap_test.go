package earlyheap

import (
	"os"
	"slices"
	"testing"
)

func TestIsBuild(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"shiplog", "build"}, true},
		{[]string{"shiplog", "build", "example", "--out", "x"}, true},
		{[]string{"shiplog", "--debug", "build", "example"}, true},
		{[]string{"shiplog", "-debug", "--debug", "build"}, true},
		{[]string{"shiplog", "serve", "build"}, false},
		{[]string{"shiplog", "new", "build"}, false},
		{[]string{"shiplog"}, false},
		{[]string{"shiplog", "--debug"}, false},
		{nil, false},
	} {
		if got := isBuild(c.args); got != c.want {
			t.Errorf("isBuild(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

// cmdline reads what os.Args holds.
func TestCmdline(t *testing.T) {
	got := cmdline()
	if got == nil {
		t.Skip("no /proc/self/cmdline here")
	}
	if !slices.Equal(got, os.Args) {
		t.Errorf("cmdline() = %q, want os.Args %q", got, os.Args)
	}
}
