package site

import (
	"cmp"
	"slices"

	"github.com/shiplog/shiplog/internal/lessons"
	"github.com/shiplog/shiplog/internal/render"
)

// lessonsShown is how many entries a lesson learned many times lists;
// repeatedShown how many lessons the "learned more than once" list has.
const (
	lessonsShown  = 5
	repeatedShown = 20
)

// lessonsPage is /lessons/ (page): every lesson, newest first, with its
// near-duplicates (package lessons) folded into it and counted.
func (b *builder) lessonsPage(page render.Page) *render.LessonsPage {
	var with []*render.Entry
	var texts []string
	for _, e := range b.log.Entries {
		if v := b.views[e]; v.Lesson != "" {
			with = append(with, lessonView(v))
			texts = append(texts, v.LessonText)
		}
	}
	p := &render.LessonsPage{
		Page:    page,
		Lessons: with,
	}
	for _, g := range lessons.Group(texts) {
		newest := with[g[0]]
		lg := render.LessonGroup{ID: "lesson-" + newest.Slug, Lesson: newest.Lesson, Text: texts[g[0]], Count: len(g)}
		for _, i := range g[:min(lessonsShown, len(g))] {
			lg.Entries = append(lg.Entries, with[i])
		}
		lg.More = len(g) - len(lg.Entries)
		p.Groups = append(p.Groups, lg)
	}
	for i := range p.Groups {
		if p.Groups[i].Count > 1 {
			p.Repeated = append(p.Repeated, &p.Groups[i])
		}
	}
	slices.SortStableFunc(p.Repeated, func(a, b *render.LessonGroup) int { return cmp.Compare(b.Count, a.Count) })
	p.Repeated = p.Repeated[:min(repeatedShown, len(p.Repeated))]
	return p
}
