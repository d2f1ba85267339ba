package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options configures Run.
type Options struct {
	Src  string // the log's folder, watched for changes
	Bind string // address to listen on; 127.0.0.1 when ""
	Port int    // 0 picks a free port
	// Build builds the site into out. It prints its own report and returns
	// an error when the build failed; the last good site stays served.
	Build func(ctx context.Context, out string) error
	Log   *slog.Logger
	Out   io.Writer // where the address and rebuild notes are printed
	// Ready, when set, receives the served URL once the first build is up.
	Ready func(url string)
}

// Debounce is how long the watcher waits for a burst of saves to end.
const Debounce = 120 * time.Millisecond

// Run builds the site, serves it until ctx ends, and rebuilds on change.
func Run(ctx context.Context, opts Options) error {
	if opts.Bind == "" {
		opts.Bind = "127.0.0.1"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port %d is in use; try --port 0 to pick a free one", opts.Port)
		}
		return fmt.Errorf("listen on %s:%d: %w", opts.Bind, opts.Port, err)
	}
	defer ln.Close()
	if ip := net.ParseIP(opts.Bind); ip == nil || !ip.IsLoopback() {
		if opts.Bind != "localhost" {
			fmt.Fprintf(opts.Out, "warning: serving on %s: other machines on the network can read your drafts\n", opts.Bind)
		}
	}

	tmp, err := os.MkdirTemp("", "shiplog-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	h := NewHandler(opts.Bind, opts.Log)
	gen := 0
	rebuild := func() error {
		gen++
		out := filepath.Join(tmp, "gen-"+strconv.Itoa(gen))
		if err := opts.Build(ctx, out); err != nil {
			os.RemoveAll(out)
			return err
		}
		g, err := OpenGeneration(out)
		if err != nil {
			return err
		}
		if old := h.Swap(g); old != nil {
			// Let in-flight requests finish before the old files go.
			time.AfterFunc(5*time.Second, func() {
				old.Close()
				os.RemoveAll(old.Dir)
			})
		}
		return nil
	}
	if err := rebuild(); err != nil {
		fmt.Fprintln(opts.Out, "the site did not build; fix the problems above and save again")
	}

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().(*net.TCPAddr)
	url := "http://" + net.JoinHostPort(opts.Bind, strconv.Itoa(addr.Port)) + "/"
	fmt.Fprintf(opts.Out, "serving %s (Ctrl-C to stop)\n", url)
	if opts.Ready != nil {
		opts.Ready(url)
	}

	watchErr := make(chan error, 1)
	go func() { watchErr <- watch(ctx, opts, rebuild) }()

	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	case err := <-watchErr:
		if err != nil {
			fmt.Fprintf(opts.Out, "warning: not watching for changes: %v\n", err)
		}
		<-ctx.Done()
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if g := h.Swap(nil); g != nil {
		g.Close()
	}
	fmt.Fprintln(opts.Out, "stopped")
	return nil
}

// watch rebuilds after each burst of changes under opts.Src. Builds never
// overlap: changes during a build cause one more build after it, so the
// served site always ends up reflecting the last save.
func watch(ctx context.Context, opts Options, rebuild func() error) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := addTree(w, opts.Src); err != nil {
		return err
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ignored(opts.Src, ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			timer = time.After(Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			opts.Log.Warn("watch", "err", err)
		case <-timer:
			timer = nil
			start := time.Now()
			if err := rebuild(); err != nil {
				fmt.Fprintln(opts.Out, "the last good site is still served; fix the problems above and save again")
				continue
			}
			fmt.Fprintf(opts.Out, "rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
		}
	}
}

// addTree watches dir and every folder below it that the site reads.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "public" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// ignored reports changes that cannot affect the site: editor swap and
// backup files, dotfiles and the output folder.
func ignored(src, name string) bool {
	rel, err := filepath.Rel(src, name)
	if err != nil {
		return true
	}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(seg, ".") || seg == "public" {
			return true
		}
	}
	base := filepath.Base(name)
	switch {
	case strings.HasSuffix(base, "~"), strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"),
		strings.HasSuffix(base, ".tmp"), base == "4913", strings.HasPrefix(base, "#"),
		strings.Contains(base, "___jb_"):
		return true
	}
	return false
}
