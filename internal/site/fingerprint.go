package site

// Fingerprints let a rebuild skip the pages whose inputs did not change
// (see output.go). A page's fingerprint hashes the global fingerprint
// (the program, the settings, the theme, what every page shows) with the
// fingerprints of the entries it shows. A page whose job has no
// fingerprint is always rendered; only its bytes are compared. So a
// fingerprint must cover everything its page shows, and when in doubt a
// job goes without one.

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/theme"
)

const fingerprintFormat = "pages 1"

// entryFP hashes everything pages show of an entry: its front matter and
// its view, with the rendered body and lesson by the identity of the
// rendered Markdown they come from (renderMarkdown).
func entryFP(e *content.Entry, v *render.Entry, rendered buildcache.Key) buildcache.Key {
	ec := *e
	ec.Body = nil
	vc := *v
	vc.Body, vc.Lesson = "", "" // Row is not marshalled: it is made of the rest
	h := buildcache.NewHasher()
	ej, err1 := json.Marshal(ec)
	vj, err2 := json.Marshal(vc)
	if err1 != nil || err2 != nil {
		return buildcache.Key{} // unknown: pages showing it are always rendered
	}
	return h.Bytes(ej).Bytes(vj).Bytes(rendered[:]).Key()
}

// globalFP hashes what every page may show besides its entries. It is
// called once b.site is complete.
func (b *builder) globalFP() buildcache.Key {
	h := buildcache.NewHasher().String(fingerprintFormat).String(buildcache.ProgramID())
	cfg, err := json.Marshal(b.cfg)
	site, err2 := json.Marshal(b.site)
	if err != nil || err2 != nil {
		return buildcache.Key{}
	}
	h.Bytes(cfg).String(b.cfg.Location.String()).Bytes(site).String(string(b.about))
	h.String(strconv.FormatBool(b.opts.Drafts)).String(strconv.FormatBool(b.opts.Serve)).String(strconv.FormatBool(b.opts.TickerLive))
	names := slices.Clone(theme.Names())
	slices.Sort(names)
	for _, n := range names {
		h.String(n).Bytes(b.files.Get(n))
	}
	return h.Key()
}

// pageFP is the fingerprint of a page of the given kind, described by
// extra, that shows entries (a nil entry stands for an empty place, such
// as no previous entry). Zero when any input is unknown.
func (b *builder) pageFP(kind, extra string, entries ...*content.Entry) buildcache.Key {
	if b.gfp == (buildcache.Key{}) {
		return buildcache.Key{}
	}
	h := buildcache.NewHasher().Bytes(b.gfp[:]).String(kind).String(extra)
	for _, e := range entries {
		var k buildcache.Key
		if e != nil {
			if k = b.efp[e]; k == (buildcache.Key{}) {
				return buildcache.Key{}
			}
		}
		h.Bytes(k[:])
	}
	return h.Key()
}
