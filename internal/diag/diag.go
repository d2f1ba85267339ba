// Package diag holds the problems shiplog reports to people.
//
// A Problem names a place in a source file (path relative to the site root,
// 1-based line and column counted in the source file, front matter
// delimiters included), says what is wrong and how to fix it:
//
//	log/2026-03-14-lambda-elf.md:3:7: error: date: cannot parse "14/03/2026" (write it as 2026-03-14)
//
// A List gathers every problem of a run so they are reported together,
// sorted by path, then line, then column.
package diag

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a problem stops the run.
type Severity int

const (
	// Error fails the run (exit 1).
	Error Severity = iota
	// Warning is reported but the run succeeds, unless --strict.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one thing wrong with the input.
type Problem struct {
	Path     string // relative to the site root, slash-separated
	Line     int    // 1-based; 0 when the problem concerns the whole file
	Col      int    // 1-based; 0 when unknown
	Severity Severity
	Msg      string
	Hint     string // how to fix it; may be empty
}

// String formats p as PATH:LINE:COL: SEVERITY: MSG (HINT).
func (p Problem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		line, col := max(p.Line, 1), max(p.Col, 1)
		fmt.Fprintf(&b, ":%d:%d: ", line, col)
	}
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Errorf returns an error Problem.
func Errorf(path string, line, col int, hint, format string, args ...any) Problem {
	return Problem{Path: path, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// Warnf returns a warning Problem.
func Warnf(path string, line, col int, hint, format string, args ...any) Problem {
	return Problem{Path: path, Line: line, Col: col, Severity: Warning, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// List is every problem found in a run. Its zero value is ready to use.
type List []Problem

// Add appends problems to l.
func (l *List) Add(p ...Problem) { *l = append(*l, p...) }

// HasErrors reports whether any problem in l is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(p Problem) bool { return p.Severity == Error })
}

// Count returns the number of errors and warnings in l.
func (l List) Count() (errors, warnings int) {
	for _, p := range l {
		if p.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sort orders l by path, then line, then column (errors before warnings at
// the same place), then message, so that reports are stable whatever the
// order in which work finished.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
}

// Errors returns only the errors in l.
func (l List) Errors() List {
	var out List
	for _, p := range l {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Print writes one line per problem to w, sorted.
func (l List) Print(w io.Writer) {
	s := slices.Clone(l)
	s.Sort()
	for _, p := range s {
		fmt.Fprintln(w, p.String())
	}
}

// Err returns l as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	s := slices.Clone(l)
	s.Sort()
	return &ListError{List: s}
}

// ListError is the error returned for a run that found errors. It carries
// the whole list, warnings included, so the caller can print everything.
type ListError struct{ List List }

func (e *ListError) Error() string {
	errs := e.List.Errors()
	if len(errs) == 0 {
		// Built by hand from warnings only (Err never does this).
		errs = e.List
	}
	switch len(errs) {
	case 0:
		return "no problems"
	case 1:
		return errs[0].String()
	}
	return fmt.Sprintf("%s (and %d more)", errs[0].String(), len(errs)-1)
}

// LineCol converts a byte offset in src into a 1-based line and column.
// The column counts runes, so editors agree with it.
func LineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1 + strings.Count(string(src[:off]), "\n")
	start := strings.LastIndexByte(string(src[:off]), '\n') + 1
	col = 1 + len([]rune(string(src[start:off])))
	return line, col
}

// Suggest returns the candidate closest to word when it is close enough to
// be a likely typo ("titel" → "title"), or "".
func Suggest(word string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := distance(strings.ToLower(word), c); d < bestDist || (d == bestDist && best == "" && d <= len(c)/3) {
			best, bestDist = c, d
		}
	}
	if best != "" && bestDist > len(best)/2 {
		return ""
	}
	return best
}

// distance is the Damerau–Levenshtein (optimal string alignment) distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
