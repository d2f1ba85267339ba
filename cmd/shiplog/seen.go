package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/site"
)

func init() {
	register(&command{
		name:    "seen",
		summary: "Find the past entries that met an error (exit 0 when found, 1 when not)",
		usage:   "[\"error text\"] [--site DIR] [--out DIR] [--limit N] [--json]",
		example: "shiplog seen \"connect ECONNREFUSED 10.0.4.7:5432\"\n" +
			"npm test 2>&1 | shiplog seen --site ~/mylog\n" +
			"shiplog seen --json \"invalid ELF header\" | jq .",
		run: runSeen,
	})
}

// maxPaste is the most of a pasted log `seen` reads.
const maxPaste = 16 << 20

func runSeen(ctx context.Context, e *env, args []string) int {
	c := commands["seen"]
	fs := flag.NewFlagSet("seen", flag.ContinueOnError)
	dir := fs.String("site", ".", "the log's `DIR`")
	out := fs.String("out", "", "the built site `DIR` whose error memory to read (default DIR/public)")
	limit := fs.Int("limit", 5, "show at most `N` entries (0 for all)")
	asJSON := fs.Bool("json", false, "print the matches as JSON")
	pos, code := c.parse(e, fs, args, 1<<20)
	if code >= 0 {
		return code
	}
	text := strings.Join(pos, " ")
	if strings.TrimSpace(text) == "" {
		if readsTerminal(e.stdin) {
			fmt.Fprintf(e.stderr, "shiplog seen: give the error text, or pipe a log into it\n\n")
			c.help(e.stderr, fs)
			return exitUsage
		}
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxPaste))
		if err != nil {
			fmt.Fprintf(e.stderr, "shiplog seen: read standard input: %v\n", err)
			return exitProblem
		}
		text = string(data)
	}
	lines := errmem.Lines(text)
	if len(lines) == 0 {
		fmt.Fprintf(e.stderr, "shiplog seen: no error text given\n")
		return exitUsage
	}
	mem, err := loadMemory(ctx, e, *dir, *out)
	if err != nil {
		return exitProblem
	}
	matches := mem.Find(lines, *limit)
	if *asJSON {
		printJSON(e.stdout, mem, matches)
	} else if len(matches) > 0 {
		printMatches(e.stdout, mem, matches, len(lines) > 1)
	}
	if len(matches) == 0 {
		n, msgs := 0, 0
		for _, en := range mem.Entries {
			if len(en.Messages) > 0 {
				n++
				msgs += len(en.Messages)
			}
		}
		what := fmt.Sprintf("%q", lines[0])
		if len(lines) > 1 {
			what = fmt.Sprintf("any of the %d error lines", len(lines))
		}
		fmt.Fprintf(e.stderr, "not seen before: no entry matches %s (%d %s with %d error %s)\n",
			what, n, plural(n, "entry", "entries"), msgs, plural(msgs, "message", "messages"))
		return exitProblem
	}
	return exitOK
}

// loadMemory reads the log's error memory, printing why it cannot.
func loadMemory(ctx context.Context, e *env, dir, out string) (*site.Memory, error) {
	mem, err := site.LoadMemory(ctx, dir, out, time.Now())
	if err != nil {
		var list *diag.ListError
		if errors.As(err, &list) {
			list.List.Print(e.stderr)
		} else {
			fmt.Fprintf(e.stderr, "shiplog seen: %v\n", err)
		}
		return nil, err
	}
	mem.Skipped.Print(e.stderr)
	if mem.Built.IsZero() && mem.Reread > 0 {
		fmt.Fprintf(e.stderr, "note: read all %d entries, as %s has no built site; `shiplog build` makes this fast\n", mem.Reread, dir)
	}
	return mem, nil
}

// printMatches prints matches for people: date, title, score, then the
// message that matched, the lesson, the file and the URL.
func printMatches(w io.Writer, mem *site.Memory, matches []errmem.Match, manyLines bool) {
	fmt.Fprintf(w, "Seen before: %d %s, best first\n", len(matches), plural(len(matches), "entry", "entries"))
	for i, m := range matches {
		en := m.Entry
		fmt.Fprintf(w, "\n%d. %s  %s  (%.0f%% alike)\n", i+1, en.Date, en.Title, 100*m.Score)
		if manyLines {
			fmt.Fprintf(w, "   your line: %s\n", oneLine(m.Query))
		}
		fmt.Fprintf(w, "   error:     %s\n", oneLine(m.Message))
		if en.Lesson != "" {
			fmt.Fprintf(w, "   lesson:    %s\n", oneLine(en.Lesson))
		}
		fmt.Fprintf(w, "   file:      %s\n", en.Path)
		fmt.Fprintf(w, "   url:       %s\n", mem.Config.AbsURL(en.URL))
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

type jsonMatch struct {
	Score   float64 `json:"score"`
	Date    string  `json:"date"`
	Title   string  `json:"title"`
	Kind    string  `json:"kind"`
	Lesson  string  `json:"lesson,omitempty"`
	Path    string  `json:"path"`
	URL     string  `json:"url"`
	Message string  `json:"message"`
	Query   string  `json:"query"`
}

func printJSON(w io.Writer, mem *site.Memory, matches []errmem.Match) {
	out := make([]jsonMatch, 0, len(matches))
	for _, m := range matches {
		en := m.Entry
		out = append(out, jsonMatch{Score: float64(int(m.Score*1000)) / 1000, Date: en.Date, Title: en.Title, Kind: en.Kind, Lesson: en.Lesson,
			Path: en.Path, URL: mem.Config.AbsURL(en.URL), Message: m.Message, Query: m.Query})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

// readsTerminal reports whether r is a terminal, where reading would wait
// for someone to type.
func readsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// seenBefore tells, before a new entry is started from an error, which
// entries met it already. It never stops the new entry: a log that cannot
// be read only gets a note.
func seenBefore(ctx context.Context, e *env, dir string, lines []string) {
	mem, err := site.LoadMemory(ctx, dir, "", time.Now())
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			fmt.Fprintf(e.stderr, "note: could not check whether you have seen this before: %v\n", err)
		}
		return
	}
	if matches := mem.Find(lines, 3); len(matches) > 0 {
		printMatches(e.stdout, mem, matches, len(lines) > 1)
		fmt.Fprintln(e.stdout)
	} else {
		fmt.Fprintln(e.stdout, "Not seen before.")
	}
}

// fromError reads the error of `shiplog new --from-error` (from standard
// input for "-") and returns the positional arguments with a title made
// from the error when none was given, and the error's lines. The kind is
// broke unless --kind says otherwise. With --from-error the title is
// optional, so a lone argument that is a log's folder is the folder.
func fromError(e *env, fs *flag.FlagSet, text string, pos []string, kind *string) ([]string, []string, int) {
	if text == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxPaste))
		if err != nil {
			fmt.Fprintf(e.stderr, "shiplog new: read standard input: %v\n", err)
			return nil, nil, exitProblem
		}
		text = string(data)
	}
	lines := errmem.Lines(text)
	if len(lines) == 0 {
		fmt.Fprintf(e.stderr, "shiplog new: --from-error: no error text\n")
		return nil, nil, exitUsage
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	kindSet := false
	fs.Visit(func(f *flag.Flag) { kindSet = kindSet || f.Name == "kind" })
	if !kindSet {
		*kind = "broke"
	}
	if len(pos) == 1 && isLog(pos[0]) {
		pos = []string{"", pos[0]}
	}
	if len(pos) == 0 {
		pos = []string{""}
	}
	if strings.TrimSpace(pos[0]) == "" {
		pos[0] = titleFrom(lines[0])
	}
	return pos, lines, -1
}

func isLog(dir string) bool {
	info, err := os.Stat(dir + string(os.PathSeparator) + "shiplog.toml")
	return err == nil && !info.IsDir()
}

// titleFrom makes a title of an error line: at most 70 characters, cut
// at a word.
func titleFrom(line string) string {
	t := strings.Join(strings.Fields(line), " ")
	if r := []rune(t); len(r) > 70 {
		t = string(r[:70])
		if i := strings.LastIndexByte(t, ' '); i > 30 {
			t = t[:i]
		}
		t += "…"
	}
	return t
}
