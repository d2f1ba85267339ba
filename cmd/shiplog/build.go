package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/site"
)

func init() {
	register(&command{
		name:    "build",
		summary: "Build the site into DIR/public",
		usage:   "[DIR] [--out DIR] [--drafts] [--strict] [--stats] [--no-cache]",
		example: "shiplog build example\nshiplog build --out /tmp/site --strict",
		run:     runBuild,
	})
}

func runBuild(ctx context.Context, e *env, args []string) int {
	c := commands["build"]
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("out", "", "`DIR` to write the site into (default DIR/public)")
	drafts := fs.Bool("drafts", false, "include entries marked draft")
	future := fs.Bool("future", false, "include entries dated in the future")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	quiet := fs.Bool("quiet", false, "print nothing on success but warnings")
	stats := fs.Bool("stats", false, "print time and memory per phase of the build")
	noCache := fs.Bool("no-cache", false, "render every entry afresh, without DIR/.shiplog/cache/")
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	opts := site.Options{Src: dirArg(pos, 0), Out: *out, Drafts: *drafts, Now: time.Now(), Strict: *strict, Stats: *stats, NoCache: *noCache}
	if *future {
		opts.Now = time.Time{}
	}
	site.TuneGC()
	stop := func() {}
	if isTerminal(e.stderr) && !*quiet {
		opts.Progress = &site.Progress{}
		stop = showProgress(e.stderr, opts.Progress)
	}
	rep, err := site.Build(ctx, opts)
	stop()
	rc := report(e, rep, err, *quiet)
	if err == nil && rep.Stats != nil {
		rep.Stats.Print(e.stdout)
	}
	return rc
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// showProgress shows what a build is doing on one line of a terminal,
// from one second into the build on, and returns a function that stops
// and clears it.
func showProgress(w io.Writer, p *site.Progress) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		shown := false
		delay := time.NewTimer(time.Second)
		defer delay.Stop()
		select {
		case <-done:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if phase, n, total := p.Get(); phase != "" {
				fmt.Fprintf(w, "\r\033[K%s: %d/%d", phase, n, total)
				shown = true
			}
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// report prints a build's problems and summary and returns the exit code.
func report(e *env, rep *site.Report, err error, quiet bool) int {
	if rep != nil {
		rep.Problems.Print(e.stderr)
	}
	if err != nil {
		var list *diag.ListError
		if errors.As(err, &list) {
			n, _ := list.List.Count()
			fmt.Fprintf(e.stderr, "shiplog: build failed: %d %s; the previous site was left as it was\n", n, plural(n, "error", "errors"))
			return exitProblem
		}
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(e.stderr, "shiplog: interrupted; the previous site was left as it was")
			return exitProblem
		}
		fmt.Fprintf(e.stderr, "shiplog: build failed: %v; the previous site was left as it was\n", err)
		return exitProblem
	}
	if !quiet {
		fmt.Fprintln(e.stdout, rep.Summary())
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
