package main

import "strings"

// hugoConfig returns hugo.toml. pagerSize selects the pagination key:
// `paginate = 10` for Hugo before 0.128 (Debian bookworm ships 0.111), or
// `[pagination] pagerSize = 10` for 0.128 and later, which deprecate the
// former and eventually reject it.
func hugoConfig(pagerSize bool) string {
	pagination := "paginate = 10\n"
	if pagerSize {
		pagination = "[pagination]\npagerSize = 10\n"
	}
	return `# Written by bench/gencorpus: the Hugo twin of the shiplog bench site.
# Same entries, 10 full entries per list page, tag and project pages,
# CSS-class syntax highlighting, RSS. See bench/README.md.
baseURL = "https://bench.example/"
title = "Bench log"
languageCode = "en"
disableKinds = []
enableRobotsTXT = false

[params]
author = "Bench"
tagline = "Things I built. Things that broke."

[taxonomies]
tag = "tags"
project = "projects"

[markup.highlight]
noClasses = false
codeFences = true
guessSyntax = false
` + "\n" + pagination
}

// hugoLayouts is the minimal theme, keyed by path under HUGODIR. Hugo picks
// templates by page kind:
//
//	home            index.html          latest 10 titles
//	page            _default/single.html  one full entry
//	section (/log/) _default/list.html  10 full entries per page
//	term (/tags/go/, /projects/billing/)
//	                _default/taxonomy.html  10 full entries per page
//	taxonomy (/tags/, /projects/)
//	                _default/terms.html  every term with its count
//	RSS             Hugo's built-in template, for home, section and terms
//
// Hugo 0.111 looks up term.html, then taxonomy.html, then list.html for a
// term page, so taxonomy.html is the term page here, as in Hugo's own docs
// before the kinds were renamed.
var hugoLayouts = map[string]string{
	"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header>
<a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<p>{{ .Site.Params.tagline }}</p>
<nav><a href="{{ "log/" | relURL }}">Log</a> <a href="{{ "tags/" | relURL }}">Tags</a> <a href="{{ "projects/" | relURL }}">Projects</a></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>{{ .Site.Params.author }}</footer>
</body>
</html>
`,
	"layouts/partials/entry.html": `<article class="entry kind-{{ .Params.entrykind }}">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ partial "meta.html" . }}
{{ .Content }}
</article>
`,
	"layouts/partials/meta.html": `<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
· {{ .Params.entrykind }}
{{ range .GetTerms "projects" }}· <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "tags" }}<a class="tag" href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a> {{ end }}</p>
{{ with .Params.hero }}<figure><img src="{{ .src | relURL }}" alt="{{ .alt }}" width="2400" height="1600" loading="lazy"><figcaption>{{ .caption }}</figcaption></figure>{{ end }}
`,
	"layouts/partials/stream.html": `<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}{{ partial "entry.html" . }}{{ end }}
<nav class="pager">
{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
<span>Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}</span>
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>
`,
	"layouts/_default/single.html": `{{ define "main" }}
<article class="entry kind-{{ .Params.entrykind }}">
<h1>{{ .Title }}</h1>
{{ partial "meta.html" . }}
{{ .Content }}
</article>
{{ end }}
`,
	"layouts/_default/list.html": `{{ define "main" }}{{ partial "stream.html" . }}{{ end }}
`,
	"layouts/_default/taxonomy.html": `{{ define "main" }}{{ partial "stream.html" . }}{{ end }}
`,
	"layouts/_default/terms.html": `{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
`,
	"layouts/index.html": `{{ define "main" }}
<h1>Latest</h1>
<ul class="latest">
{{ range first 10 (where .Site.RegularPages "Section" "log") }}<li><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
`,
	"static/style.css": strings.TrimLeft(`
body { max-width: 44rem; margin: 0 auto; padding: 1rem; font: 17px/1.6 system-ui, sans-serif; }
pre { overflow-x: auto; padding: .75rem; background: #f6f8fa; }
figure img { max-width: 100%; height: auto; }
.meta { color: #555; font-size: .9rem; }
.pager { display: flex; justify-content: space-between; }
/* chroma classes, as emitted with noClasses = false */
.chroma .k, .chroma .kd, .chroma .kn { color: #cf222e; }
.chroma .s, .chroma .s1, .chroma .s2 { color: #0a3069; }
.chroma .c, .chroma .c1 { color: #6e7781; font-style: italic; }
.chroma .nf { color: #8250df; }
.chroma .m, .chroma .mi { color: #0550ae; }
`, "\n"),
}
