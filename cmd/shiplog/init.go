package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/shiplog/shiplog/internal/scaffold"
)

func init() {
	register(&command{
		name:    "init",
		summary: "Start a new log in DIR (which must be empty or missing)",
		usage:   "[DIR] [--title \"My engineering log\"]",
		example: "shiplog init mylog\ncd mylog && shiplog serve",
		run:     runInit,
	})
}

func runInit(_ context.Context, e *env, args []string) int {
	c := commands["init"]
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	title := fs.String("title", "My engineering log", "the site's `TITLE`")
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	dir := dirArg(pos, 0)
	files, err := scaffold.Init(dir, *title, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "shiplog init: %v\n", err)
		return exitProblem
	}
	for _, f := range files {
		fmt.Fprintf(e.stdout, "created %s\n", f)
	}
	fmt.Fprintf(e.stdout, "\nNext: shiplog serve %s\n", dir)
	return exitOK
}
