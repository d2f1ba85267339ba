// Command gencorpus writes a deterministic benchmark corpus for shiplog, and
// optionally the same corpus as a Hugo site, so that build times can be
// measured on realistic input and compared with Hugo's on equal terms.
//
// Usage:
//
//	go run ./bench/gencorpus -n 1000 -out DIR [-seed 1] [-photos K] [-hugo HUGODIR] [-hugo-pagersize]
//
// # What it writes
//
//	DIR/shiplog.toml                        title, author, base_url, tagline
//	DIR/log/<project>/YYYY-MM-DD-<slug>-<i>.md
//	DIR/log/photos/photo-<i>.jpg            with -photos K, for i < K
//
// Each entry has YAML front matter (id as urn:uuid, title, date, kind,
// project, 2–5 tags, summary; errors for "broke" entries; hero for the first
// K entries with -photos) and a body of 600–1,200 words: ## sections fitting
// its kind (Symptom / What I tried / Root cause / Fix for "broke", Why /
// Design / Implementation for "built", and so on), paragraphs assembled from
// a few hundred sentence templates and noun lists, bullet lists, inline code,
// links to https://example.com/, one to three fenced code blocks (go, js,
// yaml, sh, dockerfile), an ```error or ```log block with the entry's error
// messages, an ASCII tree in about one entry in eight, and a closing
// "What this reinforced: " paragraph whose lesson comes from 60 fixed
// sentences, so lessons repeat across entries as they do in a real log.
//
// Kinds are weighted (broke 45%, built 25%, note 18%, decision 12%), entries
// are spread over 8 projects and 40 tags whose frequencies fall with rank,
// and dates are spread over 2024-01-01 .. 2025-12-31 (distinct for the first
// 731 entries, never after 2026-01-01). Photos are 2400×1600 JPEGs at quality
// 85 with gradients, shapes and noise, so they compress like photos.
//
// # Determinism
//
// Entry i is generated from its own seed, derived from (seed, i) with a
// SplitMix64 hash, and uses no other state. The same flags therefore write
// byte-identical files, and the corpus of -n 100 is exactly the first 100
// entries of the corpus of -n 1000, so benchmark sizes nest. Text uses
// integer arithmetic only; the photos use floating point and the standard
// JPEG encoder, so they are identical on one platform and Go release.
//
// # The Hugo twin, and why it is comparable
//
// With -hugo, HUGODIR gets the same entries at content/log/<same paths>.md,
// with the same Markdown body and equivalent front matter (title, date, tags,
// projects: [project], summary, the kind as a parameter, the hero photo served
// from static/), and a minimal theme that does the same kind of work per page
// as shiplog's default theme:
//
//   - an HTML page per entry with the full rendered entry;
//   - the log as a stream of full entries (.Content, not summaries), 10 per
//     page, paginated;
//   - a page per tag and per project, also 10 full entries per page, and an
//     index of all tags and all projects;
//   - a home page listing the latest 10 titles;
//   - RSS feeds (Hugo's built-in template);
//   - code highlighted by Chroma with CSS classes (noClasses = false), as
//     shiplog does.
//
// hugo.toml uses `paginate = 10`, which Debian's Hugo (0.111) needs; pass
// -hugo-pagersize for Hugo 0.128 and later, which want
// `[pagination] pagerSize = 10` instead.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	var usage usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return
	case errors.As(err, &usage):
		if !usage.reported {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
		}
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

// usageError is a problem with the command line; it exits with status 2.
// reported is set when the flag package already printed it with the usage.
type usageError struct {
	msg      string
	reported bool
}

func (e usageError) Error() string { return e.msg }

// run parses args, generates the corpus and reports what it wrote on stdout.
func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := generate(o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d entries and %d photos to %s", o.n, o.photos, o.out)
	if o.hugo != "" {
		fmt.Fprintf(stdout, " and %s", o.hugo)
	}
	fmt.Fprintf(stdout, " in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// parseFlags turns the command line into options.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.n, "n", 1000, "number of entries")
	fs.StringVar(&o.out, "out", "", "shiplog site directory to create (must be missing or empty)")
	fs.Uint64Var(&o.seed, "seed", 1, "corpus seed")
	fs.IntVar(&o.photos, "photos", 0, "write this many 2400×1600 photos, as heroes of the first entries")
	fs.StringVar(&o.hugo, "hugo", "", "also write the corpus as a Hugo site in this directory")
	fs.BoolVar(&o.pagerSize, "hugo-pagersize", false, "write [pagination] pagerSize for Hugo ≥ 0.128 instead of paginate")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{msg: err.Error(), reported: true}
	}
	switch {
	case fs.NArg() > 0:
		return o, usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case o.out == "":
		return o, usageError{msg: "-out is required"}
	case o.n < 0:
		return o, usageError{msg: "-n must not be negative"}
	case o.photos < 0 || o.photos > o.n:
		return o, usageError{msg: fmt.Sprintf("-photos must be between 0 and -n (%d)", o.n)}
	case o.hugo != "" && o.hugo == o.out:
		return o, usageError{msg: "-hugo must differ from -out"}
	}
	return o, nil
}
