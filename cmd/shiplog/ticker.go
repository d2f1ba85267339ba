package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/ticker"
)

func init() {
	register(&command{
		name:    "ticker",
		summary: "Show the cached Hacker News headlines, or refresh them",
		usage:   "[DIR] [--json]\n  shiplog ticker refresh [DIR] [--timeout 5s]",
		example: "shiplog ticker refresh example   # fetch the front page into example/.shiplog/ticker.json\n" +
			"shiplog ticker example           # print what the next build will show\n" +
			"SHIPLOG_HN_API=http://127.0.0.1:8081/v0 shiplog ticker refresh   # a mirror or test server",
		run: runTicker,
	})
}

func runTicker(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && args[0] == "refresh" {
		return runTickerRefresh(ctx, e, args[1:])
	}
	c := commands["ticker"]
	fs := flag.NewFlagSet("ticker", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the cached snapshot as JSON, for scripts")
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	dir := dirArg(pos, 0)
	path := filepath.Join(dir, filepath.FromSlash(ticker.CacheFile))
	snap, err := ticker.Cached(path)
	if err != nil {
		printCacheError(e, err, "run `shiplog ticker refresh` to fetch it again")
		return exitProblem
	}
	if snap.Empty() {
		fmt.Fprintf(e.stderr, "shiplog ticker: no headlines cached in %s; run `shiplog ticker refresh %s` to fetch them\n", path, dir)
		return exitProblem
	}
	if *asJSON {
		out, err := json.MarshalIndent(snap, "", "  ")
		if err != nil {
			fmt.Fprintf(e.stderr, "shiplog ticker: %v\n", err)
			return exitProblem
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return exitOK
	}
	now := time.Now()
	fmt.Fprintf(e.stdout, "%s, %s (%s ago)\n", snap.Label(), snap.AsOf(), age(now.Sub(snap.FetchedAt)))
	for _, h := range snap.Headlines {
		when := ""
		if !h.Time.IsZero() {
			when = ", " + age(now.Sub(h.Time)) + " old"
		}
		fmt.Fprintf(e.stdout, "%3d. %s\n     %d %s, %d %s%s · %s\n", h.Rank, h.Title,
			h.Points, plural(h.Points, "point", "points"), h.Comments, plural(h.Comments, "comment", "comments"), when, h.URL)
	}
	return exitOK
}

func runTickerRefresh(ctx context.Context, e *env, args []string) int {
	c := &command{name: "ticker refresh", summary: "Fetch the Hacker News front page into DIR/.shiplog/ticker.json", usage: "[DIR] [--timeout 5s]",
		example: "shiplog ticker refresh example"}
	fs := flag.NewFlagSet("ticker refresh", flag.ContinueOnError)
	timeout := fs.Duration("timeout", ticker.DefaultTimeout, "the longest the whole refresh may take")
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	if *timeout <= 0 {
		fmt.Fprintf(e.stderr, "shiplog ticker refresh: --timeout must be positive\n")
		return exitUsage
	}
	dir := dirArg(pos, 0)
	cfg, problems := config.Load(dir)
	problems.Print(e.stderr)
	if problems.HasErrors() {
		return exitProblem
	}
	api := ticker.APIFromEnv(cfg.Ticker.API)
	if u, err := url.Parse(api); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(e.stderr, "shiplog ticker refresh: %s=%q is not an http(s) URL\n", ticker.EnvAPI, api)
		return exitProblem
	}
	if !cfg.TickerEnabled() {
		fmt.Fprintln(e.stderr, "note: the ticker is disabled in shiplog.toml ([ticker] enabled = false); refreshing anyway")
	}
	path := filepath.Join(dir, filepath.FromSlash(ticker.CacheFile))
	start := time.Now()
	res, err := ticker.Refresh(ctx, path, ticker.Options{
		API:       api,
		Count:     cfg.Ticker.Count,
		Timeout:   *timeout,
		UserAgent: ticker.UserAgent(version),
	})
	if res.CacheErr != nil {
		printCacheError(e, res.CacheErr, "it is replaced by the next successful refresh")
	}
	var warnings diag.List
	for _, w := range res.Warnings {
		warnings.Add(diag.Warnf("", 0, 0, "", "%s", w))
	}
	warnings.Print(e.stderr)
	if err != nil {
		kept := "no headlines are cached yet"
		if !res.Snapshot.Empty() {
			kept = "kept the headlines " + res.Snapshot.AsOf()
		}
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(e.stderr, "shiplog ticker refresh: interrupted; %s\n", kept)
			return exitProblem
		}
		fmt.Fprintf(e.stderr, "shiplog ticker refresh: %v; %s\n", err, kept)
		return exitProblem
	}
	n := len(res.Snapshot.Headlines)
	fmt.Fprintf(e.stdout, "fetched %d %s (%s) in %s → %s\n", n, plural(n, "headline", "headlines"),
		res.Snapshot.Label(), time.Since(start).Round(time.Millisecond), path)
	return exitOK
}

// printCacheError reports a corrupt cache as a warning on the cache file.
func printCacheError(e *env, err error, hint string) {
	var ce *ticker.CacheError
	if !errors.As(err, &ce) {
		fmt.Fprintf(e.stderr, "shiplog ticker: %v\n", err)
		return
	}
	diag.List{diag.Warnf(ticker.CacheFile, ce.Line, ce.Col, hint, "the ticker cache is corrupt: %v", ce.Err)}.Print(e.stderr)
}

// age is a short duration for people: 45s, 12m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
