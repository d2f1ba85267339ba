package errmem

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Normalize skips the steps that cannot change a message; the result
// must be the one of running every step.
func TestNormalizeGuards(t *testing.T) {
	msgs := []string{
		"ECONNREFUSED 127.0.0.1:3306", "dial tcp [::1]:5432: connect: connection refused", ":::3000", "fe80::1%eth0",
		"1:2:3:4:5:6:7:8 unreachable", "std::vector<int> out of range", "Mar 14 09:30:00 host kernel: Out of memory",
		"2026/03/14 09:30:00 panic", "\x1b[31merror\x1b[0m: boom", "a\tb  c\nd", "pod api-7d4b9c8f6d-x2k9p CrashLoopBackOff",
		"0xDEADBEEF segfault", "sha deadbeefcafe1234 mismatch", "https://api.example.com/v1/x?y=1 returned 502",
		"request 6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11 timed out", "Error:", "", "   ", "10.0.0.1/24 denied",
		"db-primary.internal:5432 refused", "main.go:42:7: undefined: x", "E11000 duplicate key error",
	}
	pieces := []string{" ", "  ", "\t", "\n", ":", "::", "-", "/", ".", "[", "]", "0x", "1f", "2026", "-03", "-14", "T09", ":30", ":00", "Z",
		"127", "10", "255", "host", "api", "ERROR", "error:", "://", "http", "x2k9p", "7d4b9c8f6d", "abcdef12", "é", "\x1b[0m", "Mar", "  14", "<time>", "42",
		"9", "1234", "12:3", "beef", "DEAD", "5432", "0.0", "/2026/", "-pod-", "a1b2c"}
	r := rand.New(rand.NewPCG(7, 9))
	for range 20000 {
		var sb strings.Builder
		for range r.IntN(16) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		msgs = append(msgs, sb.String())
	}
	for _, m := range msgs {
		if got, want := Normalize(m), normalize(m, false); got != want {
			t.Errorf("Normalize(%q) = %q; every pattern gives %q", m, got, want)
		}
	}
}

// BenchmarkNormalize normalizes error lines as logs and entries write
// them.
func BenchmarkNormalize(b *testing.B) {
	msgs := []string{
		"Error: Cannot find module 'sharp-linux-x64.node'",
		"dial tcp 10.0.3.7:5432: connect: connection refused",
		"ERROR: deadlock detected (SQLSTATE 40P01)",
		"x509: certificate has expired or is not yet valid: current time 2024-03-19T21:25:01Z is after 2024-03-01T00:00:00Z",
		"npm ERR! code ELIFECYCLE",
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"Error: error acquiring the state lock: ConditionalCheckFailedException",
		"kafka: client has run out of available brokers to talk to",
		"upstream timed out (110: Connection timed out) while reading response header from upstream, client: 172.18.0.1, server: api.example.com",
		"pod api-7d4b9c8f6d-x2k9p in CrashLoopBackOff: Back-off restarting failed container",
		"fatal error: all goroutines are asleep - deadlock!",
		"TypeError: Cannot read properties of undefined (reading 'map') at /app/src/components/List.tsx:42:17",
	}
	for b.Loop() {
		for _, m := range msgs {
			Normalize(m)
		}
	}
}
