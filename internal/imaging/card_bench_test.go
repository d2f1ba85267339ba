package imaging

import "testing"

func BenchmarkCardRender(b *testing.B) {
	c := Card{Site: "Engineering log", Title: "Postgres refused connections after the compose network was recreated", Kind: "broke", KindLabel: "Broke", Date: "14 March 2026", Project: "ledger", Lesson: "a container's address is not an identity; name services and let DNS do the rest"}
	for b.Loop() {
		if _, err := c.Render(); err != nil {
			b.Fatal(err)
		}
	}
}
