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
		usage:   "\"Title\" [--kind broke] [--project X] [--tags a,b] [--from-error TEXT] [DIR]",
		example: "shiplog new \"Lambda dies with invalid ELF header\" --kind broke --project thumbnailer --tags aws,lambda\n" +
			"shiplog new --from-error \"connect ECONNREFUSED 127.0.0.1:3306\"\n" +
			"docker logs api 2>&1 | shiplog new \"API cannot reach MySQL\" --from-error -",
		run: runNew,
	})
}

func runNew(ctx context.Context, e *env, args []string) int {
	c := commands["new"]
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	kind := fs.String("kind", "note", "`KIND` of entry: broke, built, decision or note")
	project := fs.String("project", "", "the `PROJECT` the entry belongs to")
	tags := fs.String("tags", "", "comma-separated `TAGS`")
	date := fs.String("date", "", "the entry's `DATE`, YYYY-MM-DD (default today)")
	fromErr := fs.String("from-error", "", "start from an error: `TEXT`, or - to read a log from standard input; says first whether you have seen it before")
	pos, code := c.parse(e, fs, args, 2)
	if code >= 0 {
		return code
	}
	var errLines []string
	if *fromErr != "" {
		if pos, errLines, code = fromError(e, fs, *fromErr, pos, kind); code >= 0 {
			return code
		}
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
	if errLines != nil {
		seenBefore(ctx, e, dir, errLines)
	}
	rel, err := scaffold.NewEntry(dir, scaffold.EntryInput{
		Title: strings.TrimSpace(pos[0]), Kind: *kind, Project: *project, Tags: tagList, Date: day, Errors: errLines,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "shiplog new: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "created %s\n", rel)
	return exitOK
}
