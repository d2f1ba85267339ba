package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/site"
)

func init() {
	register(&command{
		name:    "build",
		summary: "Build the site into DIR/public",
		usage:   "[DIR] [--out DIR] [--drafts] [--strict]",
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
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	opts := site.Options{Src: dirArg(pos, 0), Out: *out, Drafts: *drafts, Now: time.Now(), Strict: *strict}
	if *future {
		opts.Now = time.Time{}
	}
	rep, err := site.Build(ctx, opts)
	return report(e, rep, err, *quiet)
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
