package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shiplog/shiplog/internal/config"
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
	kind := fs.String("kind", "note", "`KIND` of entry: broke, built, decision or note")
	project := fs.String("project", "", "the `PROJECT` the entry belongs to")
	tags := fs.String("tags", "", "comma-separated `TAGS`")
	date := fs.String("date", "", "the entry's `DATE`, YYYY-MM-DD (default today)")
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
	dir := dirArg(pos, 1)
	if _, err := os.Stat(filepath.Join(dir, "shiplog.toml")); err != nil {
		fmt.Fprintf(e.stderr, "shiplog new: %s is not a log (it has no shiplog.toml); pass the log's folder after the title, or run `shiplog init %s` first\n", dir, dir)
		return exitProblem
	}
	if *date == "" {
		// Today in the log's time zone, not the machine's: otherwise a new
		// entry can be "in the future" for the log and left out of builds.
		if cfg, problems := config.Load(dir); !problems.HasErrors() {
			day = day.In(cfg.Location)
		}
	}
	rel, err := scaffold.NewEntry(dir, scaffold.EntryInput{
		Title: strings.TrimSpace(pos[0]), Kind: *kind, Project: *project, Tags: tagList, Date: day,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "shiplog new: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "created %s\n", rel)
	return exitOK
}
