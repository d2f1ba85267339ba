package site

import "testing"

// The budget for rendered bodies is whole up to 10,000 entries, then
// shrinks with the log, never below its floor; a test's own budget wins.
func TestRenderedBudget(t *testing.T) {
	_, rendered := Options{}.budgets()
	for _, c := range []struct {
		entries int
		want    int64
	}{
		{0, 192 << 20}, {10000, 192 << 20}, {10001, 192<<20 - 2<<10}, {50000, 192<<20 - 40000*2<<10}, {100000, 32 << 20}, {1 << 30, 32 << 20},
	} {
		if got := rendered(c.entries); got != c.want {
			t.Errorf("budget for %d entries: %d, want %d", c.entries, got, c.want)
		}
	}
	if _, rendered := (Options{keepRendered: 100}).budgets(); rendered(100000) != 100 {
		t.Error("a test's budget was not kept")
	}
}
