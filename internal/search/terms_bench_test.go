package search

import (
	"strings"
	"testing"
)

// BenchmarkTermsOf measures what indexing costs per entry, on a body of
// the size and kind generated logs have (about 7 KB of prose, names and
// code).
func BenchmarkTermsOf(b *testing.B) {
	para := "The handler called fetchInvoices with a 30s timeout, and the pool at 127.0.0.1:5432 refused: ECONNREFUSED. " +
		"We moved sharp-linux-x64.node into the layer, set GOOS=linux, and read import.meta.env.VITE_API_URL at build time. " +
		"What this reinforced: a container's address is not an identity; the retry loop hid the real error for two days.\n"
	d := Doc{Title: "Postgres refused connections after the compose network was recreated", Summary: "The API lost its database.",
		Tags: []string{"postgres", "docker", "networking"}, Project: "ledger", Errors: []string{"ECONNREFUSED 127.0.0.1:5432"},
		Lesson: "name services, not addresses", Body: strings.Repeat(para, 20)}
	b.SetBytes(int64(len(d.Body)))
	for b.Loop() {
		TermsOf(d)
	}
}
