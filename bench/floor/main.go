// Command floor does the least work a build of a log cannot avoid: read
// every entry and parse its front matter, then render every body's
// Markdown with highlighted code, in memory, on all cores. No templates,
// no pages, no writes, no cache. bench/run times it next to the real
// builds, so the table shows how far a build is from what is physically
// needed.
//
//	go run ./bench/floor /tmp/shiplog-bench/corpus-1000
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/markdown"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR")
		os.Exit(2)
	}
	start := time.Now()
	root, err := os.OpenRoot(os.Args[1])
	if err != nil {
		fatal(err)
	}
	log, problems := content.Load(root, content.Options{})
	if err := problems.Err(); err != nil {
		fatal(err)
	}
	loaded := time.Since(start)
	md := markdown.New(markdown.Options{})
	var bytes atomic.Int64
	jobs := make(chan *content.Entry)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for e := range jobs {
				res, err := md.Render(markdown.Doc{Path: e.Path, Line: e.BodyLine, Source: e.Body})
				if err != nil {
					fatal(err)
				}
				bytes.Add(int64(len(res.HTML)))
			}
		})
	}
	for _, e := range log.Entries {
		jobs <- e
	}
	close(jobs)
	wg.Wait()
	st := md.Stats()
	fmt.Printf("floor: %d entries, %.1f MiB of HTML in %s (load %s; highlight %s CPU, %d code blocks, %d reused)\n",
		len(log.Entries), float64(bytes.Load())/(1<<20), time.Since(start).Round(time.Millisecond),
		loaded.Round(time.Millisecond), st.Highlight.Round(time.Millisecond), st.Blocks, st.Reused)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
