package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/shiplog/shiplog/internal/scaffold"
)

func init() {
	register(&command{
		name:    "new",
		summary: "Start a new entry from the Symptom / Cause / Fix template",
		usage:   "\"Title\" [--kind broke] [--project X] [--tags a,b] [DIR]",
		example: "shiplog new \"Lambda dies with invalid ELF header\" --kind broke --project thumbnailer --tags aws,lambda",
		run:     runNew,
	})
}

func runNew(_ context.Context, e *env, args []string) int {
	c := commands["new"]
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	kind := fs.String("kind", "note", "broke, built, decision or note")
	project := fs.String("project", "", "the project the entry belongs to")
	tags := fs.String("tags", "", "comma-separated tags")
	date := fs.String("date", "", "the entry's date, YYYY-MM-DD (default today)")
	pos, code := c.parse(e, fs, args, 2)
	if code >= 0 {
		return code
	}
	if len(pos) == 0 || strings.TrimSpace(pos[0]) == "" {
		fmt.Fprintf(e.stderr, "shiplog new: a title is required\n\n")
		c.help(e.stderr, fs)
		return exitUsage
	}
	day := time.Now()
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			fmt.Fprintf(e.stderr, "shiplog new: --date %q: write it as 2026-03-14\n", *date)
			return exitUsage
		}
		day = d
	}
	var tagList []string
	for _, t := range strings.Split(*tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tagList = append(tagList, t)
		}
	}
	rel, err := scaffold.NewEntry(dirArg(pos, 1), scaffold.EntryInput{
		Title: strings.TrimSpace(pos[0]), Kind: *kind, Project: *project, Tags: tagList, Date: day,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "shiplog new: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "created %s\n", rel)
	return exitOK
}
