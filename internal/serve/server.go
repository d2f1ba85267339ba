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
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options configures Run.
type Options struct {
	Src  string // the log's folder, watched for changes
	Bind string // address to listen on; 127.0.0.1 when ""
	Port int    // 0 picks a free port
	// Build builds the site. changed lists the files under Src (slash-
	// separated, relative to Src) that changed since the previous call
	// that returned without error; nil means unknown, so everything is
	// read again. It gives every file of the new site that the previous
	// Output did not have, by content, to put (from many goroutines at
	// once if it likes), and returns the whole site. It prints its own
	// report and returns an error when the build failed; the last good
	// site stays served, and the error's text (one problem per line) is
	// shown in an overlay on its pages. Builds never overlap.
	Build func(ctx context.Context, changed []string, put func(Sum, []byte) error) (*Output, error)
	Log   *slog.Logger
	Out   io.Writer // where the address and rebuild notes are printed
	// Ready, when set, receives the served URL once serving has started,
	// after the first build (which may have failed).
	Ready func(url string)
	// Handlers answer requests for their exact paths instead of files of
	// the build: live data such as the ticker's strip. Paths start with
	// /_shiplog/.
	Handlers map[string]http.Handler
	// NoNavigate keeps open pages where they are after an edit, instead
	// of taking them to the entry that was saved.
	NoNavigate bool
}

// Debounce is how long the watcher waits for a burst of saves to end: an
// editor saving by rename, or a tool writing several files, is done
// within a few milliseconds. Changes that arrive while a build runs make
// one more build after it.
const Debounce = 20 * time.Millisecond

// maxWait bounds the wait for a burst that does not end (a tool writing
// files without pause).
const maxWait = 250 * time.Millisecond

// Run builds the site, serves it until ctx ends, and rebuilds on change.
// It returns nil when ctx ends, and an error when it cannot serve at all
// (the port is taken, Src is not a folder). A failed build is not an
// error: the last good site stays served with an overlay naming the
// problems. When Run returns, the listener is closed, no build is running
// and the temporary output folders are gone.
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
	if st, err := os.Stat(opts.Src); err != nil {
		return fmt.Errorf("cannot serve %s: %w", opts.Src, unwrapPath(err))
	} else if !st.IsDir() {
		return fmt.Errorf("cannot serve %s: it is a file; pass the log's folder", opts.Src)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)))
	if err != nil {
		switch {
		case errors.Is(err, syscall.EADDRINUSE):
			return fmt.Errorf("port %d is in use; try --port 0 to pick a free one", opts.Port)
		case errors.Is(err, syscall.EACCES):
			return fmt.Errorf("port %d needs special privileges; use a port above 1023, or --port 0 to pick a free one", opts.Port)
		case errors.Is(err, syscall.EADDRNOTAVAIL):
			return fmt.Errorf("cannot listen on %s: it is not an address of this machine (the default, 127.0.0.1, is safest)", opts.Bind)
		}
		return fmt.Errorf("listen on %s: %w", net.JoinHostPort(opts.Bind, strconv.Itoa(opts.Port)), err)
	}
	defer ln.Close()
	if ip := net.ParseIP(opts.Bind); (ip == nil && opts.Bind != "localhost") || (ip != nil && !ip.IsLoopback()) {
		fmt.Fprintf(opts.Out, "warning: serving on %s: other machines on the network can read your drafts\n", opts.Bind)
	}

	tmp, err := os.MkdirTemp("", "shiplog-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	st, err := newStore(filepath.Join(tmp, "files"))
	if err != nil {
		return err
	}
	defer st.Close()

	// Everything started below stops when Run returns, whatever the reason.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Watch before the first build, so a save made while it runs (or just
	// after "serving" appears) is not missed.
	w, err := newWatcher(opts.Src)
	if err != nil {
		fmt.Fprintf(opts.Out, "warning: not watching for changes (restart to pick up edits): %v\n", err)
	} else {
		defer w.Close()
	}

	s := &server{opts: opts, store: st, h: NewHandler(opts.Bind, opts.Log)}
	s.h.EnableLive()
	for p, x := range opts.Handlers {
		s.h.Handle(p, x)
	}
	defer s.retireAll()
	if err := s.rebuild(ctx, nil); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		fmt.Fprintln(opts.Out, "the site did not build; fix the problems above and save again")
	}
	if ctx.Err() != nil {
		return nil
	}

	srv := &http.Server{
		Handler:           s.h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(opts.Log.Handler(), slog.LevelWarn),
		// OPTIONS * goes to the handler too, which rejects it.
		DisableGeneralOptionsHandler: true,
	}
	// Open pages hold an event stream each; end them, or Shutdown would
	// wait for them until its deadline.
	srv.RegisterOnShutdown(s.h.live.close)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().(*net.TCPAddr)
	host := opts.Bind
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost" // 0.0.0.0 is where to listen, not an address to open
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"
	fmt.Fprintf(opts.Out, "serving %s (Ctrl-C to stop)\n", url)
	if opts.Ready != nil {
		opts.Ready(url)
	}

	watchDone := make(chan error, 1)
	watching := w != nil
	if watching {
		go func() { watchDone <- s.watch(ctx, w) }()
	}

	var serveErr error
	for serveErr == nil && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case err := <-errc:
			serveErr = fmt.Errorf("serve: %w", err)
		case err := <-watchDone:
			watching = false
			watchDone = nil
			if err != nil {
				fmt.Fprintf(opts.Out, "warning: not watching for changes (restart to pick up edits): %v\n", err)
			}
		}
	}
	cancel()
	shutdown, stop := context.WithTimeout(context.Background(), 3*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close() // requests still running after the grace period
	}
	if watching {
		<-watchDone // a build in progress sees ctx end and returns
	}
	if serveErr != nil {
		return serveErr
	}
	fmt.Fprintln(opts.Out, "stopped")
	return nil
}

// server is one Run's state.
type server struct {
	opts  Options
	store *store
	h     *Handler

	gen   int            // generations built so far
	files map[string]Sum // the files of the generation served
	cur   *Generation    // …and the generation
	// synced says the last Output the build returned is the one served,
	// so the next Output's Changed is relative to it.
	synced   bool
	retired  sync.WaitGroup // generations waiting for their last request
	released chan struct{}  // closed once the last generation retired has let go of its files
}

// rebuild builds a new generation and swaps it in. Calls never overlap:
// the first build runs before serving starts, the others in the watcher.
func (s *server) rebuild(ctx context.Context, changed []string) (err error) {
	defer s.store.collect() // what a failed build stored
	defer func() {
		if r := recover(); r != nil {
			s.opts.Log.Debug("internal error during build", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error while building: %v (this is a bug in shiplog, not in your log; please report this)", r)
		}
		if err != nil && ctx.Err() == nil {
			s.h.SetFailure(err.Error())
			s.h.live.publish(event{Gen: s.gen, Failure: err.Error()})
		}
	}()
	out, err := s.opts.Build(ctx, changed, s.store.Put)
	if err != nil {
		return err
	}
	// Until it is served, the next Output's Changed says nothing of the
	// generation served.
	incremental := s.synced && out.Changed != nil && s.cur != nil
	s.synced = false
	if err := ctx.Err(); err != nil {
		return err
	}
	var g *Generation
	if incremental {
		g, err = s.store.successor(s.cur, out.Files, out.Changed)
	} else {
		g, err = s.store.generation(out.Files)
	}
	if err != nil {
		return err
	}
	s.gen++
	g.n = s.gen
	old := s.h.Swap(g)
	s.h.SetFailure("")
	ev := event{Gen: s.gen}
	if incremental {
		ev.Changed = urlPaths(out.Changed)
	} else {
		ev.Changed = changedPaths(s.files, out.Files)
	}
	if !s.opts.NoNavigate {
		ev.Focus = out.Focus
	}
	s.files, s.cur, s.synced = out.Files, g, true
	s.h.live.publish(ev)
	if old != nil {
		s.retire(old)
	}
	return nil
}

// retire closes g once the requests it is answering are done, which
// gives its files back to the store, and once every generation retired
// before it has (a successor holds the files it shares with the
// generation before it: see store.successor).
func (s *server) retire(g *Generation) {
	s.retired.Add(1)
	before, done := s.released, make(chan struct{})
	s.released = done
	go func() {
		defer s.retired.Done()
		defer close(done)
		g.Wait()
		if before != nil {
			<-before
		}
		g.Close()
		if g.Dir != "" {
			os.RemoveAll(g.Dir)
		}
	}()
}

// retireAll retires the current generation and waits until every retired
// one is gone. The HTTP server must have stopped.
func (s *server) retireAll() {
	if g := s.h.Swap(nil); g != nil {
		s.retire(g)
	}
	s.cur, s.synced = nil, false
	s.retired.Wait()
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return errors.New("no such folder")
		}
		return pe.Err
	}
	return err
}

// watch rebuilds after each burst of changes under opts.Src, telling the
// build which files changed. Builds never overlap: changes during a build
// cause one more build after it, so the served site always ends up
// reflecting the last save.
func (s *server) watch(ctx context.Context, w *fsnotify.Watcher) error {
	opts := s.opts
	var (
		quiet, limit <-chan time.Time // the burst ended; the burst went on too long
		changed      = map[string]bool{}
		all          bool // changes were lost: read everything again
	)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod || ignored(opts.Src, ev.Name) {
				continue // a chmod or touch changes nothing the site shows
			}
			rel, err := filepath.Rel(opts.Src, ev.Name)
			if err != nil {
				all = true
			} else {
				changed[filepath.ToSlash(rel)] = true
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					// Files written into a new folder before it was
					// watched raised no event of their own.
					files, _ := addTree(w, ev.Name)
					for _, p := range files {
						if rel, err := filepath.Rel(opts.Src, p); err == nil && !ignored(opts.Src, p) {
							changed[filepath.ToSlash(rel)] = true
						}
					}
				}
			}
			quiet = time.After(Debounce)
			if limit == nil {
				limit = time.After(maxWait)
			}
			continue
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			// Events may have been lost (a queue overflow): rebuild
			// everything to be sure the site matches the files.
			opts.Log.Warn("watch", "err", err)
			all = true
			quiet = time.After(Debounce)
			if limit == nil {
				limit = time.After(maxWait)
			}
			continue
		case <-quiet:
			if limit != nil && s.halfWritten(changed) {
				// Saved by truncating and writing, and caught between
				// the two: wait for the content.
				quiet = time.After(Debounce)
				continue
			}
		case <-limit:
		}
		quiet, limit = nil, nil
		var list []string
		if !all {
			list = make([]string, 0, len(changed))
			for p := range changed {
				list = append(list, p)
			}
			slices.Sort(list)
		}
		clear(changed)
		all = false
		opts.Log.Debug("rebuilding", "changed", list, "all", list == nil)
		start := time.Now()
		if err := s.rebuild(ctx, list); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintln(opts.Out, "the last good site is still served; fix the problems above and save again")
			continue
		}
		fmt.Fprintf(opts.Out, "rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
	}
}

// halfWritten reports whether a changed file is empty: an editor that
// saves by truncating the file and writing it again was caught between
// the two (no entry, page or image is an empty file).
func (s *server) halfWritten(changed map[string]bool) bool {
	for p := range changed {
		if st, err := os.Stat(filepath.Join(s.opts.Src, filepath.FromSlash(p))); err == nil && st.Mode().IsRegular() && st.Size() == 0 {
			return true
		}
	}
	return false
}

// newWatcher watches every folder under src that the site reads.
func newWatcher(src string) (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if _, err := addTree(w, src); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// addTree watches dir and every folder below it that the site reads, and
// returns the files it holds.
func addTree(w *fsnotify.Watcher, dir string) (files []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			files = append(files, p)
			return nil
		}
		if p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "public" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
	return files, err
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
