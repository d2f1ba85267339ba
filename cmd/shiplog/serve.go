package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/serve"
	"github.com/shiplog/shiplog/internal/site"
	"github.com/shiplog/shiplog/internal/ticker"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "Build the site with drafts, serve it on 127.0.0.1 and rebuild on change",
		usage:   "[DIR] [--port 8080] [--bind 127.0.0.1] [--drafts=true] [--navigate=true]",
		example: "shiplog serve example\nshiplog serve --port 0   # pick a free port",
		run:     runServe,
	})
}

func runServe(ctx context.Context, e *env, args []string) int {
	c := commands["serve"]
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := fs.Int("port", 8080, "`PORT` to listen on; 0 picks a free one")
	bind := fs.String("bind", "127.0.0.1", "`ADDRESS` to listen on; anything but loopback exposes drafts to the network")
	drafts := fs.Bool("drafts", true, "show entries marked draft, with a badge")
	navigate := fs.Bool("navigate", true, "take open pages to the entry you just saved")
	pos, code := c.parse(e, fs, args, 1)
	if code >= 0 {
		return code
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(e.stderr, "shiplog serve: --port %d: a port is a number from 1 to 65535, or 0 to pick a free one\n", *port)
		return exitUsage
	}
	src := dirArg(pos, 0)
	level := slog.LevelWarn
	if e.debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	live, startTicker, stopTicker := newTicker(ctx, src, logger)
	defer stopTicker()
	var handlers map[string]http.Handler
	if live != nil {
		handlers = map[string]http.Handler{"/" + ticker.LivePath: live}
	}
	// One Builder for the whole session: it keeps the last build and
	// redoes only what each save affects.
	builder := site.NewBuilder(site.Options{Src: src, Drafts: *drafts, Serve: true, TickerLive: live != nil})
	builder.Now = time.Now
	err := serve.Run(ctx, serve.Options{
		Src:        src,
		Bind:       *bind,
		Port:       *port,
		Log:        logger,
		Out:        e.stdout,
		Handlers:   handlers,
		NoNavigate: !*navigate,
		Ready:      func(string) { startTicker() },
		Build: func(ctx context.Context, changed []string, put func(serve.Sum, []byte) error) (*serve.Output, error) {
			out, rep, err := builder.Build(ctx, changed, put)
			if ctx.Err() != nil {
				return nil, ctx.Err() // stopping; nothing to report
			}
			if live != nil && err == nil {
				live.SetTerms(rep.TickerTerms)
			}
			if report(e, rep, err, true) != exitOK {
				return nil, errors.New(problemText(rep, err))
			}
			// The site lives in the server's store; no folder to name.
			fmt.Fprintln(e.stdout, strings.Replace(rep.Summary(), " → "+rep.Out, "", 1))
			return &serve.Output{Files: out.Files, Focus: out.Focus, Changed: out.Changed}, nil
		},
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "shiplog serve: %v\n", err)
		return exitProblem
	}
	return exitOK
}

// newTicker returns what serves the live strip to open pages, and start
// and stop for the background refresh (at most once per [ticker] ttl),
// which starts once the site is served. The refresher is nil when the
// ticker is disabled or shiplog.toml does not load (the build says why).
// Settings are read once: restart the server to change them.
func newTicker(ctx context.Context, src string, logger *slog.Logger) (r *ticker.Refresher, start, stop func()) {
	cfg, problems := config.Load(src)
	if problems.HasErrors() || !cfg.TickerEnabled() {
		return nil, func() {}, func() {}
	}
	r = &ticker.Refresher{
		Path: filepath.Join(src, filepath.FromSlash(ticker.CacheFile)),
		TTL:  cfg.TickerTTL(),
		Log:  logger,
		Options: ticker.Options{
			API:       ticker.APIFromEnv(cfg.Ticker.API),
			Count:     cfg.Ticker.Count,
			UserAgent: ticker.UserAgent(version),
		},
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	started := false
	start = func() {
		if !started {
			started = true
			go func() {
				defer close(done)
				r.Run(ctx)
			}()
		}
	}
	stop = func() {
		cancel()
		if started {
			<-done
		}
	}
	return r, start, stop
}

// problemText is what the dev server's error overlay shows for a failed
// build: the problems, one per line, as on the terminal.
func problemText(rep *site.Report, err error) string {
	var b strings.Builder
	var list *diag.ListError
	switch {
	case errors.As(err, &list):
		list.List.Print(&b)
	case rep != nil && len(rep.Problems) > 0:
		rep.Problems.Print(&b)
		fmt.Fprintf(&b, "%v\n", err)
	default:
		fmt.Fprintf(&b, "%v\n", err)
	}
	return strings.TrimSpace(b.String())
}
