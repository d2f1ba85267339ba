package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

// TestRunPanic checks that a bug surfacing as a panic is reported as an
// internal error with exit 1, and that only --debug shows the stack.
func TestRunPanic(t *testing.T) {
	register(&command{
		name:    "explode",
		summary: "panic, for this test",
		run: func(_ context.Context, e *env, args []string) int {
			fs := flag.NewFlagSet("explode", flag.ContinueOnError)
			if _, code := commands["explode"].parse(e, fs, args, 0); code >= 0 {
				return code
			}
			var m map[string]int
			m["boom"]++ // a nil-map write: a real runtime panic
			return exitOK
		},
	})
	t.Cleanup(func() { delete(commands, "explode") })

	for _, tc := range []struct {
		args      []string
		wantStack bool
	}{
		{[]string{"explode"}, false},
		{[]string{"--debug", "explode"}, true},
		{[]string{"explode", "--debug"}, true},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr}, tc.args)
		if code != exitProblem {
			t.Errorf("run(%q) = %d, want %d", tc.args, code, exitProblem)
		}
		got := stderr.String()
		if !strings.HasPrefix(got, "shiplog explode: internal error: assignment to entry in nil map\n") {
			t.Errorf("run(%q) stderr starts %q, want the command and the panic", tc.args, firstLine(got))
		}
		if !strings.Contains(got, "please report this") {
			t.Errorf("run(%q) stderr does not ask to report the bug:\n%s", tc.args, got)
		}
		if hasStack := strings.Contains(got, "goroutine ") && strings.Contains(got, "run_test.go"); hasStack != tc.wantStack {
			t.Errorf("run(%q) printed a stack trace: %v, want %v:\n%s", tc.args, hasStack, tc.wantStack, got)
		}
		if !tc.wantStack && !strings.Contains(got, "--debug") {
			t.Errorf("run(%q) does not say how to get the stack trace:\n%s", tc.args, got)
		}
		if stdout.Len() > 0 {
			t.Errorf("run(%q) wrote to stdout: %q", tc.args, stdout.String())
		}
	}
}

// TestHelpEveryCommand checks that every command explains itself with an
// example, through both ways of asking.
func TestHelpEveryCommand(t *testing.T) {
	for name := range commands {
		for _, args := range [][]string{{"help", name}, {name, "--help"}} {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr}, args); code != exitOK {
				t.Errorf("run(%q) = %d, want 0; stderr:\n%s", args, code, stderr.String())
			}
			out := stdout.String()
			for _, want := range []string{"Usage:\n  shiplog " + name, "\nExample:\n  shiplog "} {
				if !strings.Contains(out, want) {
					t.Errorf("run(%q) output lacks %q:\n%s", args, want, out)
				}
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
