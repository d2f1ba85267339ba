package errmem

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"one line is taken as typed", "foo bar baz", []string{"foo bar baz"}},
		{"one line, trimmed", "  ECONNREFUSED 127.0.0.1:3306  \n", []string{"  ECONNREFUSED 127.0.0.1:3306"}},
		{"node stack trace", "Error: connect ECONNREFUSED 127.0.0.1:3306\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n    at Protocol._enqueue (/app/node_modules/mysql/lib/protocol/Protocol.js:144:48)",
			[]string{"Error: connect ECONNREFUSED 127.0.0.1:3306"}},
		{"python traceback", "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    int(\"abc\")\nValueError: invalid literal for int() with base 10: 'abc'",
			[]string{"ValueError: invalid literal for int() with base 10: 'abc'"}},
		{"go panic", "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/x/main.go:8 +0x1d\nexit status 2",
			[]string{"panic: runtime error: index out of range [5] with length 3", "exit status 2"}},
		{"github actions", "2026-03-14T09:30:00.1234567Z Run go test ./...\n2026-03-14T09:30:05.1234567Z --- FAIL: TestBuild (0.01s)\n2026-03-14T09:30:05.2234567Z FAIL\tgithub.com/x/y\t0.1s\n2026-03-14T09:30:06.0000000Z ##[error]Process completed with exit code 1.",
			[]string{"--- FAIL: TestBuild (0.01s)", "FAIL\tgithub.com/x/y\t0.1s", "##[error]Process completed with exit code 1."}},
		{"logger levels", "2026-03-14T09:30:00Z INFO retrying after error\n2026-03-14T09:30:01Z DEBUG cache miss\n2026-03-14T09:30:02Z ERROR db: connection reset by peer\nlevel=info msg=\"request failed, retrying\"",
			[]string{"ERROR db: connection reset by peer"}},
		{"npm", "> app@1.0.0 build\n> vite build\n\nnpm ERR! code ELIFECYCLE\nnpm ERR! errno 1",
			[]string{"npm ERR! code ELIFECYCLE", "npm ERR! errno 1"}},
		{"colour codes", "\x1b[31merror[E0382]\x1b[0m: borrow of moved value: `v`\n  --> src/main.rs:4:20\n   |\n4  |     println!(\"{:?}\", v);",
			[]string{"error[E0382]: borrow of moved value: `v`"}},
		{"repeats are one line", "dial tcp 10.0.0.1:5432: connect: connection refused\ndial tcp 10.0.0.2:5432: connect: connection refused\ndial tcp 10.0.0.3:5432: connect: connection refused",
			[]string{"dial tcp 10.0.0.1:5432: connect: connection refused"}},
		{"no error lines: the last three", "step one\nstep two\nstep three\nstep four", []string{"step two", "step three", "step four"}},
		{"java", "Exception in thread \"main\" java.lang.NullPointerException: Cannot invoke \"String.length()\"\n\tat com.example.App.main(App.java:5)\nCaused by: java.io.IOException: Stream closed",
			[]string{"Exception in thread \"main\" java.lang.NullPointerException: Cannot invoke \"String.length()\"", "Caused by: java.io.IOException: Stream closed"}},
		{"kubernetes", "NAME READY STATUS RESTARTS\napi-7f9c4b6d8-x2x4z 0/1 CrashLoopBackOff 5\nweb-5d8f7c9b4-abcde 1/1 Running 0",
			[]string{"api-7f9c4b6d8-x2x4z 0/1 CrashLoopBackOff 5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Lines(c.in); !slices.Equal(got, c.want) {
				t.Errorf("Lines(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestLinesLimit(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "error: check %c%c failed\n", 'a'+i%26, 'a'+i/26)
	}
	if got := Lines(b.String()); len(got) != MaxLines {
		t.Errorf("Lines of 50 distinct errors returned %d, want %d", len(got), MaxLines)
	}
}

func TestFromBlock(t *testing.T) {
	for _, c := range []struct {
		lang, in string
		want     []string
	}{
		{"error", "Error: /var/task/node_modules/sharp/sharp.node: invalid ELF header", []string{"Error: /var/task/node_modules/sharp/sharp.node: invalid ELF header"}},
		{"error", "the widget wobbles\nand then stops", []string{"the widget wobbles"}},
		{"stacktrace", "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:8 +0x1d", []string{"goroutine 1 [running]:"}},
		{"log", "12:00:01 WARN retrying attempt=3\n12:00:02 INFO listening addr=:3000", nil},
		{"log", "12:00:01 WARN retrying attempt=3\n12:00:02 ERROR upstream: connection refused", []string{"12:00:02 ERROR upstream: connection refused"}},
		{"console", "$ docker run app\nexec /docker-entrypoint.sh: exec format error\n$ echo $?", []string{"exec /docker-entrypoint.sh: exec format error"}},
		{"error", "", nil},
		{"console", "$ docker exec storefront env | grep VITE\nVITE_API_URL=https://api.example\nEvery endpoint answered", nil},
		{"log", "  Error: first at 10:02:03\nError: first at 11:04:05\n\tfatal: second", []string{"Error: first at 10:02:03", "fatal: second"}},
	} {
		var want []Message
		for _, l := range c.want {
			want = append(want, NewMessage(l))
		}
		if got := FromBlock(c.in, c.lang); !slices.Equal(got, want) {
			t.Errorf("FromBlock(%q, %q)\n got %q\nwant %q", c.in, c.lang, got, want)
		}
	}
}

// mayNameError never turns down a line errorWordRe matches: not one of
// the words and forms the pattern lists, in any case, nor random mixes
// of them with the rest of a log line.
func TestMayNameError(t *testing.T) {
	lines := []string{
		"Error: x", "errors", "ERR! code", "errno 2", "exceptions", "FATAL", "panicked", "failure", "fails",
		"refused", "denied", "cannot", "can't", "couldn't", "could not", "couldnot", "unable", "INVALID",
		"not found", "no such file", "timeout", "time out", "timed out", "timedout", "times out", "killed",
		"OOMKilled", "segfault", "segmentation fault", "aborted", "CrashLoopBackOff", "crashed", "back-off",
		"backoff", "unexpected", "undefined", "deadlock", "exceeded", "unreachable", "rejected", "forbidden",
		"unauthorized", "violates", "violation", "mismatch", "missing", "broken pipe", "too many", "out of memory",
		"overflow", "conflict", "Traceback", "uncaught", "unhandled", "expired", "corrupted", "is not valid",
		"does not exist", "not allowed", "already in use", "exit code 1", "Exit status: 2", "ECONNREFUSED",
		"EADDRINUSE", "TypeError", "NullPointerException", "x Error y", "oom\u212ailled", "miſſing",
	}
	for _, l := range lines {
		if !errorWordRe.MatchString(l) {
			t.Errorf("errorWordRe does not match %q: the case is wrong", l)
		}
		if !mayNameError(l) {
			t.Errorf("mayNameError(%q) = false, but errorWordRe matches it", l)
		}
	}
	parts := []string{"err", "or", "Ex", "ception", "E", "CONN", "RESET", "exit", " code ", "1", " ", ":", "-", "_", "!", "'",
		"time", "d", "s", "out", "could", "n't", "not", "found", "no such", "back", "off", "fail", "ed", "x", "y", "INFO", "[", "]", "Error", "Kill", "ed", "\t", "é"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		l := b.String()
		if errorWordRe.MatchString(l) && !mayNameError(l) {
			t.Fatalf("mayNameError(%q) = false, but errorWordRe matches it", l)
		}
	}
}

// BenchmarkIsErrorLine checks the lines of a log: a few errors among
// many lines of other output.
func BenchmarkIsErrorLine(b *testing.B) {
	lines := []string{
		"2024-03-19T21:25:01Z INFO starting worker pool size=8 queue=invoices",
		"level=info msg=\"listening on :8080\" service=api",
		"GET /healthz 200 1.2ms",
		"connecting to postgres at 10.0.3.7:5432 (attempt 3 of 5)",
		"dial tcp 10.0.3.7:5432: connect: connection refused",
		"    at Object.<anonymous> (/app/server.js:14:9)",
		"$ docker compose up --build",
		"Successfully built 3f2c1a9b7d4e and tagged api:latest",
		"Error: Cannot find module 'sharp-linux-x64.node'",
		"npm ERR! code ELIFECYCLE",
		"compiled 42 files in 3.1s, wrote bundle to dist/app.js",
		"The deployment rolled out to 3 of 3 replicas; waiting on readiness probes",
	}
	for b.Loop() {
		for _, l := range lines {
			isErrorLine(l)
		}
	}
}
