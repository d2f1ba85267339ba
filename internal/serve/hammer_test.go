package serve

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHammerDuringRebuilds sends many concurrent GETs to a real server
// while the site is rebuilt again and again. Every page names its build
// in many places; every response must be a 200, complete (it ends with
// </html>) and from one build alone. The load is bounded: a few workers,
// a few hundred requests each, a few seconds, on 127.0.0.1. It runs with
// builds that say which files changed (Output.Changed: each generation
// takes over the last one's files) and with builds that do not.
func TestHammerDuringRebuilds(t *testing.T) {
	for _, changed := range []bool{false, true} {
		t.Run(fmt.Sprintf("changed=%v", changed), func(t *testing.T) { hammer(t, changed) })
	}
}

func hammer(t *testing.T, sayChanged bool) {
	const (
		pages       = 20
		workers     = 8
		maxRequests = 400 // per worker
		maxDuration = 4 * time.Second
	)
	src := t.TempDir()
	writeTree(t, src, map[string]string{"gen.txt": "0"})
	var builds atomic.Int32
	var last map[string]Sum // the last Output's files
	build := func(ctx context.Context, changed []string, put func(Sum, []byte) error) (*Output, error) {
		data, err := os.ReadFile(filepath.Join(src, "gen.txt"))
		if err != nil {
			return nil, err
		}
		gen := strings.TrimSpace(string(data))
		builds.Add(1)
		out := &Output{Files: map[string]Sum{}}
		add := func(name, body string) error {
			sum := sha256.Sum256([]byte(body))
			out.Files[name] = sum
			return put(sum, []byte(body))
		}
		for i := range pages {
			// Big enough that a response spans many writes.
			body := "<!doctype html><html><head><link rel=stylesheet href=/s.css></head><body>" +
				strings.Repeat("<p>build "+gen+" page "+strconv.Itoa(i)+"</p>\n", 3000) + "</body></html>"
			name := "p" + strconv.Itoa(i) + "/index.html"
			if i == 0 {
				name = "index.html"
			}
			if err := add(name, body); err != nil {
				return nil, err
			}
		}
		if err := add("s.css", "/* build "+gen+" */"); err != nil {
			return nil, err
		}
		if n, _ := strconv.Atoi(gen); n%2 == 1 { // a file that comes and goes
			if err := add("odd.html", "<html>build "+gen+" page odd</html>"); err != nil {
				return nil, err
			}
		}
		if sayChanged && last != nil {
			out.Changed = []string{}
			for name, sum := range out.Files {
				if last[name] != sum {
					out.Changed = append(out.Changed, name)
				}
			}
			for name := range last {
				if _, ok := out.Files[name]; !ok {
					out.Changed = append(out.Changed, name)
				}
			}
		}
		last = out.Files
		return out, nil
	}
	r := startRunWith(t, src, build)

	// The hammer runs for maxDuration, and longer (up to hardLimit) on a
	// machine too busy to have done enough by then: the test is about
	// what responses contain, never about speed.
	deadline := time.Now().Add(maxDuration)
	hardLimit := time.Now().Add(30 * time.Second)
	stop := make(chan struct{})
	editorDone := make(chan struct{})
	go func() { // the author, saving every few milliseconds
		defer close(editorDone)
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			os.WriteFile(filepath.Join(src, "gen.txt"), []byte(strconv.Itoa(i)), 0o644)
		}
	}()

	marker := regexp.MustCompile(`build (\d*) page`) // a build may catch gen.txt mid-save, empty
	var wg sync.WaitGroup
	var total atomic.Int64
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			for i := 0; i < maxRequests; i++ {
				if now := time.Now(); now.After(hardLimit) || (now.After(deadline) && builds.Load() >= 5 && total.Load() >= workers*10) {
					break
				}
				path := "/"
				if n := (w + i) % pages; n > 0 {
					path = "/p" + strconv.Itoa(n) + "/"
				}
				resp, err := client.Get(strings.TrimSuffix(r.url, "/") + path)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					errs <- fmt.Errorf("GET %s: %v", path, err)
					return
				}
				page := string(body)
				gens := map[string]bool{}
				for _, m := range marker.FindAllStringSubmatch(page, -1) {
					gens[m[1]] = true
				}
				switch {
				case resp.StatusCode != 200:
					errs <- fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
					return
				case !strings.HasSuffix(strings.TrimSpace(page), "</html>"):
					errs <- fmt.Errorf("GET %s: incomplete page (%d bytes, ends %q)", path, len(page), page[max(0, len(page)-40):])
					return
				case len(gens) != 1:
					errs <- fmt.Errorf("GET %s: a page mixing builds %v", path, gens)
					return
				}
				total.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-editorDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d responses during %d builds", total.Load(), builds.Load())
	if builds.Load() < 5 || total.Load() < workers*10 {
		t.Errorf("too little happened to test anything: %d responses, %d builds", total.Load(), builds.Load())
	}
	// The server is still up and serves the last build.
	code, _ := r.fetch(t, "/")
	if code != 200 {
		t.Errorf("after the hammer, GET / = %d", code)
	}
}
