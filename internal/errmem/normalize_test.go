package errmem

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// The examples.
		{"ECONNREFUSED 127.0.0.1:3306", "econnrefused <ip>"},
		{"ECONNREFUSED 10.0.4.7:5432", "econnrefused <ip>"},
		{"/opt/nodejs/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header", "<path>: invalid elf header"},
		{"Error: /var/task/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header", "<path>: invalid elf header"},
		// Numbers, and numbers that are names.
		{"exit code: 137", "exit code: <n>"},
		{"OOMKilled: container api exceeded its memory limit (512Mi)", "oomkilled: container api exceeded its memory limit (<n>)"},
		{"retry after 30s, waited 250ms", "retry after <n>, waited <n>"},
		{"E11000 duplicate key error collection: app.users", "e11000 duplicate key error collection: app.users"},
		{`ERROR: relation "users" does not exist (SQLSTATE 42P01)`, `relation "users" does not exist (sqlstate 42p01)`},
		{"unsupported encoding utf-8 on x86_64, sha-256 mismatch", "unsupported encoding utf-8 on x86_64, sha-256 mismatch"},
		{"0/3 nodes are available: 3 Insufficient memory.", "<n>/<n> nodes are available: <n> insufficient memory"},
		{"processed 1,714,345 events in 1.5s", "processed <n> events in <n>"},
		{"CPU at 97%", "cpu at <n>"},
		// Addresses.
		{"dial tcp 127.0.0.1:5432: connect: connection refused", "dial tcp <ip>: connect: connection refused"},
		{"dial tcp [::1]:5432: connect: connection refused", "dial tcp <ip>: connect: connection refused"},
		{"dial tcp db-primary.internal:5432: connect: connection refused", "dial tcp <host>: connect: connection refused"},
		{"dial tcp localhost:5432: connect: connection refused", "dial tcp <host>: connect: connection refused"},
		{"Error: listen EADDRINUSE: address already in use :::3000", "listen eaddrinuse: address already in use <ip>"},
		{"listen tcp [::]:8080: bind: address already in use", "listen tcp <ip>: bind: address already in use"},
		{"connect to fe80::1ff:fe23:4567:890a failed", "connect to <ip> failed"},
		{"no route to 10.0.0.0/8", "no route to <ip>"},
		{"std::bad_alloc thrown in net::ERR_CONNECTION_REFUSED", "std::bad_alloc thrown in net::err_connection_refused"},
		{"GET https://api.example.com/v1/users?id=7 failed: 502 Bad Gateway", "get <url> failed: <n> bad gateway"},
		// Files: paths go, file names and lines stay apart.
		{"panic at main.go:42:7", "panic at main.go:<n>:<n>"},
		{"    at Object.<anonymous> (/app/src/index.js:10:5)", "at object.<anonymous> (<path>:<n>:<n>)"},
		{`open C:\Users\mara\AppData\config.json: access denied`, "open <path>: access denied"},
		{"exec /docker-entrypoint.sh: exec format error", "exec <path>: exec format error"},
		{"Cannot find module './handler'", "cannot find module '<path>'"},
		{"read node_modules/sharp/lib/index.js failed", "read <path> failed"},
		{"i/o timeout on linux/arm64/v8", "i/o timeout on linux/arm64/v8"},
		// Ids, times, prefixes.
		{"request 6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11 failed", "request <uuid> failed"},
		{"segfault at 0x7ffe12ab in libc", "segfault at <hex> in libc"},
		{"image sha 9f86d081884c7d65 not found", "image sha <hex> not found"},
		{"Back-off restarting failed container api in pod api-7f9c4b6d8-x2x4z", "back-off restarting failed container api in pod api-<id>"},
		{"2026-03-14T09:30:00.123Z ERROR upload-api: connection reset by peer", "upload-api: connection reset by peer"},
		{"2026/03/14 09:30:00 http: proxy error: context canceled", "http: proxy error: context canceled"},
		{"Mar 14 09:30:00 web1 kernel: Out of memory: Killed process 1234 (node)", "web1 kernel: out of memory: killed process <n> (node)"},
		{"[ERROR] [2026-03-14 09:30:00] worker crashed", "worker crashed"},
		{"E0314 09:30:00.123456    1234 controller.go:42] sync failed", "sync failed"},
		{"\x1b[31merror\x1b[0m: could not compile `shiplog`", "could not compile `shiplog`"},
		{"FATAL:  sorry, too many clients already", "sorry, too many clients already"},
		{"fatal error: concurrent map writes", "concurrent map writes"},
		{"panic: runtime error: invalid memory address or nil pointer dereference", "panic: runtime error: invalid memory address or nil pointer dereference"},
		{"TypeError: Cannot read properties of undefined (reading 'id')", "typeerror: cannot read properties of undefined (reading 'id')"},
		{"  invalid   ELF\theader.  ", "invalid elf header"},
		{"Uncaught (in promise) TypeError: Failed to fetch", "typeerror: failed to fetch"},
		{"Error:", "error:"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Occurrences of one error normalise to one signature; different errors
// do not.
func TestNormalizeSame(t *testing.T) {
	same := [][]string{
		{"ECONNREFUSED 127.0.0.1:3306", "ECONNREFUSED 10.0.4.7:5432", "ECONNREFUSED [::1]:5432"},
		{"/opt/nodejs/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header",
			"/var/task/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header",
			"Error: /var/task/node_modules/canvas/build/Release/canvas.node: invalid ELF header"},
		{"2026-03-14T09:30:00Z worker-7 OOMKilled after 512MiB", "2026-01-02T23:59:59+02:00 worker-7 OOMKilled after 2GiB"},
		{"panic at main.go:42:7", "panic at main.go:108:1"},
		{"request 6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11 timed out after 30s", "request 00000000-0000-0000-0000-000000000000 timed out after 5s"},
	}
	for _, group := range same {
		want := Normalize(group[0])
		for _, m := range group[1:] {
			if got := Normalize(m); got != want {
				t.Errorf("Normalize(%q) = %q, want %q (as for %q)", m, got, want, group[0])
			}
		}
	}
	different := [][2]string{
		{"ECONNREFUSED 127.0.0.1:3306", "ECONNRESET 127.0.0.1:3306"},
		{"panic at main.go:42", "panic at server.go:42"},
		{"SQLSTATE 42P01", "SQLSTATE 40P01"},
		{"E11000 duplicate key", "E11001 duplicate key"},
	}
	for _, d := range different {
		if Normalize(d[0]) == Normalize(d[1]) {
			t.Errorf("Normalize(%q) = Normalize(%q) = %q, want them apart", d[0], d[1], Normalize(d[0]))
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("dial tcp <ip>: connect: connection refused (sqlstate 42p01) x")
	want := []string{"dial", "tcp", "<ip>", "connect", "connection", "refused", "sqlstate", "42p01"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
}

func TestID(t *testing.T) {
	a, b := ID("econnrefused <ip>"), ID("econnreset <ip>")
	if len(a) != 10 || a == b || ID("econnrefused <ip>") != a {
		t.Errorf("ID: %q, %q; want 10 hex digits, stable and distinct", a, b)
	}
}
