package errmem

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// testMemory is a small log, newest first, like the example's.
func testMemory() *Memory {
	entry := func(path, date, title string, msgs ...string) *Entry {
		e := &Entry{Path: "log/" + path + ".md", URL: "/log/" + path + "/", Title: title, Date: date, Kind: "broke", Lesson: "lesson of " + path}
		for _, m := range msgs {
			e.AddMessage(m)
		}
		return e
	}
	return &Memory{Entries: []*Entry{
		entry("x509", "2026-07-02", "x509 unknown authority in scratch", "tls: failed to verify certificate: x509: certificate signed by unknown authority", "unknown time zone Europe/London"),
		entry("fetch", "2026-06-01", "Frontend cannot reach the API", "net::ERR_CONNECTION_REFUSED", "TypeError: Failed to fetch"),
		entry("exec-format", "2026-05-20", "exec format error on arm64", "exec /docker-entrypoint.sh: exec format error"),
		entry("nginx", "2026-05-01", "nginx upstream refused", "connect() failed (111: Connection refused) while connecting to upstream"),
		entry("oom", "2026-04-10", "CSV export OOMKilled", "OOMKilled", "Memory cgroup out of memory"),
		entry("pgx", "2026-03-18", "pgxpool deadline", "context deadline exceeded", "cannot scan NULL into *int64"),
		entry("elf", "2026-02-09", "Lambda dies with invalid ELF header", "invalid ELF header", "Error: /var/task/node_modules/canvas/build/Release/canvas.node: invalid ELF header"),
		entry("compose", "2026-01-27", "Compose: postgres connection refused", "dial tcp 127.0.0.1:5432: connect: connection refused", "FATAL: the database system is starting up (SQLSTATE 57P03)"),
		entry("mysql", "2025-06-03", "MySQL refuses connections after restart", "connect ECONNREFUSED 127.0.0.1:3306"),
		entry("elf-old", "2025-01-15", "Old Lambda ELF trouble", "invalid ELF header"),
	}}
}

func paths(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(m.Entry.Path, "log/"), ".md"))
	}
	return out
}

func TestFind(t *testing.T) {
	mem := testMemory()
	for _, c := range []struct {
		name  string
		query string
		want  []string // the best matches, in order; more may follow
		exact bool     // want is the whole list
	}{
		{"same error, other address", "connect ECONNREFUSED 10.0.4.7:5432", []string{"mysql"}, false},
		{"same error, other path", "/opt/nodejs/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header", []string{"elf", "elf-old"}, false},
		{"newest first among equals", "invalid ELF header", []string{"elf", "elf-old"}, true},
		{"same signature first, then related", "dial tcp 10.1.2.3:5432: connect: connection refused", []string{"compose", "mysql", "nginx"}, true},
		{"a short query inside a long message", "certificate signed by unknown authority", []string{"x509"}, true},
		{"a log line around a stored message", "2026-03-14T09:30:00Z ERROR api: OOMKilled", []string{"oom"}, true},
		{"chrome's error", "GET http://localhost:8080/api/items net::ERR_CONNECTION_REFUSED", []string{"fetch"}, false},
		{"case and spacing do not matter", "  EXEC   /entrypoint.sh:  Exec Format Error ", []string{"exec-format"}, true},
		{"unrelated", "ModuleNotFoundError: No module named 'numpy'", nil, true},
		{"errno names mean words", "Error: connect ECONNREFUSED 10.0.0.9:6379", []string{"mysql", "compose"}, false},
		{"no shared word", "warning: deprecated", nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mem.Find([]string{c.query}, 0)
			p := paths(got)
			if c.exact && !slices.Equal(p, c.want) || !c.exact && (len(p) < len(c.want) || !slices.Equal(p[:len(c.want)], c.want)) {
				t.Errorf("Find(%q) = %s, want %v (exact %v)", c.query, describe(got), c.want, c.exact)
			}
		})
	}
}

func describe(ms []Match) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %.2f (%q)", strings.TrimPrefix(m.Entry.Path, "log/"), m.Score, m.Message))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// The same signature scores 1 and beats any partial match; a stored
// message wholly inside the query scores at least 2/3.
func TestFindScores(t *testing.T) {
	mem := testMemory()
	got := mem.Find([]string{"ECONNREFUSED 10.9.9.9:3306"}, 0)
	if len(got) == 0 || got[0].Score != 1 && got[0].Entry.Path != "log/mysql.md" {
		t.Fatalf("Find = %s, want mysql with 1", describe(got))
	}
	got = mem.Find([]string{"worker 7: OOMKilled while exporting"}, 1)
	if len(got) != 1 || got[0].Score < 0.66 || got[0].Message != "OOMKilled" {
		t.Errorf("Find = %s, want oom scoring at least 2/3 for OOMKilled", describe(got))
	}
	for _, m := range mem.Find([]string{"connection refused"}, 0) {
		if m.Score >= 1 || m.Score < MinScore {
			t.Errorf("partial match %s scores %.2f, want in [%.2f, 1)", m.Entry.Path, m.Score, MinScore)
		}
	}
}

// Many lines: each entry is reported once, with its best line.
func TestFindManyLines(t *testing.T) {
	mem := testMemory()
	log := "npm ERR! code ELIFECYCLE\nError: connect ECONNREFUSED 127.0.0.1:3306\n    at TCPConnectWrap.afterConnect (node:net:1555:16)\nTypeError: Failed to fetch"
	got := mem.Find(Lines(log), 0)
	p := paths(got)
	if !slices.Contains(p, "mysql") || !slices.Contains(p, "fetch") {
		t.Fatalf("Find(Lines(log)) = %s, want mysql and fetch", describe(got))
	}
	seen := map[string]bool{}
	for _, x := range p {
		if seen[x] {
			t.Errorf("%s reported twice", x)
		}
		seen[x] = true
	}
	for _, m := range got {
		if m.Entry.Path == "log/mysql.md" && m.Query != "Error: connect ECONNREFUSED 127.0.0.1:3306" {
			t.Errorf("mysql matched %q, want the ECONNREFUSED line", m.Query)
		}
	}
	if got := mem.Find(Lines(log), 1); len(got) != 1 {
		t.Errorf("limit 1 returned %d", len(got))
	}
}

func TestAddMessageDedupes(t *testing.T) {
	e := &Entry{}
	e.AddMessage("ECONNREFUSED 127.0.0.1:3306")
	e.AddMessage("ECONNREFUSED 10.0.0.1:5432")
	e.AddMessage("  ")
	if len(e.Messages) != 1 {
		t.Errorf("messages = %q, want one", e.Messages)
	}
}

func TestGroups(t *testing.T) {
	groups := testMemory().Groups()
	if len(groups) == 0 || groups[0].Signature != "invalid elf header" || len(groups[0].Seen) != 2 {
		t.Fatalf("first group = %+v, want invalid elf header seen twice", groups[0])
	}
	if groups[0].Seen[0].Entry.Path != "log/elf.md" {
		t.Errorf("first occurrence = %s, want the newest (elf)", groups[0].Seen[0].Entry.Path)
	}
	if groups[1].Signature != "tls: failed to verify certificate: x509: certificate signed by unknown authority" {
		t.Errorf("second group = %q, want the newest of those seen once", groups[1].Signature)
	}
}

func TestFileRoundTrip(t *testing.T) {
	mem := testMemory()
	mem.Entries[0].Title = "tab\there and\nnewline"
	data := Write(mem)
	got, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != len(mem.Entries) {
		t.Fatalf("read %d entries, want %d", len(got.Entries), len(mem.Entries))
	}
	if got.Entries[0].Title != "tab here and newline" {
		t.Errorf("title = %q, want tabs and line breaks as spaces", got.Entries[0].Title)
	}
	for i, e := range mem.Entries[1:] {
		g := got.Entries[i+1]
		if g.Path != e.Path || g.URL != e.URL || g.Date != e.Date || g.Lesson != e.Lesson || !slices.Equal(g.Messages, e.Messages) {
			t.Errorf("entry %d = %+v, want %+v", i+1, g, e)
		}
	}
	if !bytes.Equal(Write(got), Write(&Memory{Entries: got.Entries})) {
		t.Error("writing what was read changes it")
	}
	// An entry without messages can match nothing and is not written.
	quiet := &Memory{Entries: append([]*Entry{{Path: "log/quiet.md", URL: "/log/quiet/", Title: "Quiet", Date: "2026-08-01", Kind: "built"}}, mem.Entries...)}
	if !bytes.Equal(Write(quiet), data) {
		t.Error("an entry without messages changed the file")
	}
	for _, bad := range []string{"", "shiplog-errors 2\n", "shiplog-errors 1\nm\tsig\ttext\n", "shiplog-errors 1\ne\tonly\ttwo\n", "shiplog-errors 1\nx\n"} {
		if _, err := Read([]byte(bad)); err == nil {
			t.Errorf("Read(%q) succeeded, want an error", bad)
		}
	}
}
