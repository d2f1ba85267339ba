// Command images times shiplog's image work against sharp (libvips, from
// npm) and Hugo's image processing on the same photos, and prints a
// Markdown table for docs/benchmarks.md.
//
//	go run ./bench/gencorpus -n 50 -photos 50 -out /tmp/ib/site
//	go run ./bench/images -site /tmp/ib/site -runs 3
//
// Every tool makes the same files from each photo: WebP at 480, 960 and
// 1600 pixels wide (quality 80) and a 1600-pixel JPEG fallback (quality
// 80), resizing with a Catmull-Rom (bicubic) or better kernel:
//
//   - shiplog: `shiplog build` of the site (its 50 entries use the photos
//     as heroes), with Open Graph cards off so only the variants are
//     compared (cards are timed in a row of their own). Cold is an empty
//     .shiplog/cache/images; warm is a second build with the cache kept.
//   - Hugo (Debian's, as installed): a site whose one page calls
//     .Resize "480x webp q80" … on each photo as a resource, with
//     resampleFilter = "CatmullRom". Cold is without resources/_gen, warm
//     with it.
//   - sharp (npm, in .cache/npm-bench, installed with `npm install sharp`
//     when missing): a script resizing every photo with all of libvips's
//     threads, at effort 4 (its default) and 2 (shiplog's method). It
//     keeps no cache, so it has no warm row.
//
// Wall time is the median of -runs; CPU is user+sys of the tool and its
// children (from rusage); images/s is photos divided by the median wall.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/shiplog/shiplog/bench/internal/release"
)

type sample struct{ wall, cpu time.Duration }

type row struct {
	tool, mode string
	samples    []sample
	err        string
}

func main() {
	site := flag.String("site", "", "a site written by bench/gencorpus -photos N (required)")
	runs := flag.Int("runs", 3, "runs per row")
	work := flag.String("work", filepath.Join(os.TempDir(), "shiplog-imgbench"), "scratch folder")
	npmDir := flag.String("npm", ".cache/npm-bench", "folder holding node_modules/sharp (installed when missing)")
	flag.Parse()
	if *site == "" {
		fmt.Fprintln(os.Stderr, "images: -site is required")
		os.Exit(2)
	}
	photos, err := filepath.Glob(filepath.Join(*site, "log", "photos", "*.jpg"))
	if err != nil || len(photos) == 0 {
		fatal(fmt.Errorf("no photos in %s/log/photos (run gencorpus with -photos)", *site))
	}
	slices.Sort(photos)
	if err := os.MkdirAll(*work, 0o755); err != nil {
		fatal(err)
	}
	bin := filepath.Join(*work, "shiplog")
	if err := release.Build(bin); err != nil {
		fatal(err)
	}

	var rows []row
	rows = append(rows, benchShiplog(bin, *site, *work, *runs)...)
	rows = append(rows, benchHugo(photos, *work, *runs)...)
	rows = append(rows, benchSharp(photos, *work, *npmDir, *runs)...)

	fmt.Printf("%d photos (%s), %d runs per row\n\n", len(photos), filepath.Join(*site, "log", "photos"), *runs)
	fmt.Println("| tool | cache | wall median | wall min–max | CPU median | images/s |")
	fmt.Println("|---|---|---:|---:|---:|---:|")
	for _, r := range rows {
		if r.err != "" {
			fmt.Printf("| %s | %s | — | — | — | %s |\n", r.tool, r.mode, r.err)
			continue
		}
		walls := make([]time.Duration, len(r.samples))
		cpus := make([]time.Duration, len(r.samples))
		for i, s := range r.samples {
			walls[i], cpus[i] = s.wall, s.cpu
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		med := walls[len(walls)/2]
		fmt.Printf("| %s | %s | %s | %s–%s | %s | %.1f |\n", r.tool, r.mode, round(med), round(walls[0]), round(walls[len(walls)-1]),
			round(cpus[len(cpus)/2]), float64(len(photos))/med.Seconds())
	}
}

func benchShiplog(bin, site, work string, runs int) []row {
	// A copy of the site with cards off, and one with them on.
	var rows []row
	for _, cards := range []bool{false, true} {
		dir := filepath.Join(work, fmt.Sprintf("shiplog-cards-%v", cards))
		os.RemoveAll(dir)
		if out, err := command("", nil, "cp", "-r", site, dir).CombinedOutput(); err != nil {
			fatal(fmt.Errorf("copy site: %v %s", err, out))
		}
		os.RemoveAll(filepath.Join(dir, ".shiplog"))
		toml := filepath.Join(dir, "shiplog.toml")
		data, err := os.ReadFile(toml)
		if err != nil {
			fatal(err)
		}
		if err := os.WriteFile(toml, append(data, fmt.Sprintf("\n[images]\ncards = %v\n", cards)...), 0o644); err != nil {
			fatal(err)
		}
		out := filepath.Join(work, "shiplog-out")
		name := "shiplog (variants)"
		if cards {
			name = "shiplog (variants + 50 OG cards)"
		}
		cold, warm := row{tool: name, mode: "cold"}, row{tool: name, mode: "warm"}
		for range runs {
			// The entries' cache goes too: cold is a first build.
			os.RemoveAll(filepath.Join(dir, ".shiplog"))
			s, err := timed(command("", nil, bin, "build", dir, "--out", out, "--quiet"))
			if err != nil {
				cold.err = err.Error()
				break
			}
			cold.samples = append(cold.samples, s)
			s, err = timed(command("", nil, bin, "build", dir, "--out", out, "--quiet"))
			if err != nil {
				warm.err = err.Error()
				break
			}
			warm.samples = append(warm.samples, s)
		}
		rows = append(rows, cold, warm)
	}
	return rows
}

const hugoPage = `{{ range resources.Match "photos/*.jpg" }}
{{ $a := .Resize "480x webp q80" }}{{ $b := .Resize "960x webp q80" }}{{ $c := .Resize "1600x webp q80" }}{{ $d := .Resize "1600x jpg q80" }}
<picture><source type="image/webp" srcset="{{ $a.RelPermalink }} 480w, {{ $b.RelPermalink }} 960w, {{ $c.RelPermalink }} 1600w"><img src="{{ $d.RelPermalink }}"></picture>
{{ end }}
`

func benchHugo(photos []string, work string, runs int) []row {
	name := "Hugo"
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		return []row{{tool: name, mode: "cold", err: "hugo not installed"}}
	}
	if v, err := command("", nil, hugo, "version").Output(); err == nil {
		if f := strings.Fields(string(v)); len(f) > 1 {
			name = "Hugo " + strings.TrimPrefix(strings.SplitN(f[1], "+", 2)[0], "v")
		}
	}
	dir := filepath.Join(work, "hugo")
	os.RemoveAll(dir)
	for _, d := range []string{"assets/photos", "layouts"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			fatal(err)
		}
	}
	for _, p := range photos {
		if err := os.Link(p, filepath.Join(dir, "assets", "photos", filepath.Base(p))); err != nil {
			fatal(err)
		}
	}
	cfg := "baseURL = \"https://bench.example/\"\ntitle = \"images\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n[imaging]\nresampleFilter = \"CatmullRom\"\nquality = 80\n"
	os.WriteFile(filepath.Join(dir, "hugo.toml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "layouts", "index.html"), []byte(hugoPage), 0o644)
	cold, warm := row{tool: name, mode: "cold"}, row{tool: name, mode: "warm"}
	for range runs {
		os.RemoveAll(filepath.Join(dir, "resources"))
		os.RemoveAll(filepath.Join(dir, "public"))
		s, err := timed(command(dir, nil, hugo, "--quiet"))
		if err != nil {
			cold.err = err.Error()
			break
		}
		cold.samples = append(cold.samples, s)
		os.RemoveAll(filepath.Join(dir, "public"))
		s, err = timed(command(dir, nil, hugo, "--quiet"))
		if err != nil {
			warm.err = err.Error()
			break
		}
		warm.samples = append(warm.samples, s)
	}
	return []row{cold, warm}
}

const sharpScript = `const sharp = require('sharp');
const fs = require('fs'), path = require('path');
const [out, effort, ...files] = process.argv.slice(2);
fs.mkdirSync(out, {recursive: true});
(async () => {
  await Promise.all(files.map(async f => {
    const base = path.join(out, path.basename(f, '.jpg'));
    await Promise.all([
      ...[480, 960, 1600].map(w => sharp(f).resize({width: w, kernel: 'cubic'}).webp({quality: 80, effort: +effort}).toFile(base + '-' + w + '.webp')),
      sharp(f).resize({width: 1600, kernel: 'cubic'}).jpeg({quality: 80}).toFile(base + '-1600.jpg'),
    ]);
  }));
})().catch(e => { console.error(e); process.exit(1); });
`

func benchSharp(photos []string, work, npmDir string, runs int) []row {
	node, err := exec.LookPath("node")
	if err != nil {
		return []row{{tool: "sharp", mode: "none", err: "node not installed"}}
	}
	abs, _ := filepath.Abs(npmDir)
	if _, err := os.Stat(filepath.Join(abs, "node_modules", "sharp")); err != nil {
		os.MkdirAll(abs, 0o755)
		if out, err := command(abs, nil, "npm", "install", "--no-audit", "--no-fund", "sharp").CombinedOutput(); err != nil {
			msg := strings.TrimSpace(string(out))
			if i := strings.LastIndex(msg, "\n"); i >= 0 {
				msg = msg[i+1:]
			}
			return []row{{tool: "sharp", mode: "none", err: "npm install sharp failed: " + msg}}
		}
	}
	script := filepath.Join(abs, "bench-images.js")
	os.WriteFile(script, []byte(sharpScript), 0o644)
	version := "sharp"
	if v, err := command(abs, nil, node, "-e", "console.log(require('sharp/package.json').version)").Output(); err == nil {
		version = "sharp " + strings.TrimSpace(string(v))
	}
	var rows []row
	for _, effort := range []string{"4", "2"} {
		r := row{tool: version + " (effort " + effort + ")", mode: "none"}
		for range runs {
			out := filepath.Join(work, "sharp-out")
			os.RemoveAll(out)
			s, err := timed(command(abs, nil, node, append([]string{script, out, effort}, photos...)...))
			if err != nil {
				r.err = err.Error()
				break
			}
			r.samples = append(r.samples, s)
		}
		rows = append(rows, r)
	}
	return rows
}

func command(dir string, env []string, name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	return c
}

// timed runs c and returns its wall time and the CPU time of it and its
// children.
func timed(c *exec.Cmd) (sample, error) {
	var stderr strings.Builder
	c.Stderr = &stderr
	start := time.Now()
	if err := c.Run(); err != nil {
		return sample{}, fmt.Errorf("%s: %v: %s", filepath.Base(c.Path), err, strings.TrimSpace(stderr.String()))
	}
	wall := time.Since(start)
	ru, _ := c.ProcessState.SysUsage().(*syscall.Rusage)
	var cpu time.Duration
	if ru != nil {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return sample{wall: wall, cpu: cpu}, nil
}

func round(d time.Duration) string {
	if d >= 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "images:", err)
	os.Exit(1)
}
