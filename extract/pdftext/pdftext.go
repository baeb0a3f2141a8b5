// Package pdftext reads the text layer of a PDF as the paragraphs of a
// document: github.com/ledongthuc/pdf decodes the pages (CID fonts,
// Identity-H, ToUnicode maps; measured against rsc.io/pdf and
// github.com/dslipak/pdf in library_test.go), and Reflow turns its lines
// back into paragraphs. A PDF comes from the site: it is read within
// limits of size, objects, pages, text and time (MaxTime), and whatever
// the library makes of a hostile file ends as an error in words.
package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// Errors of Read, checked with errors.Is.
var (
	// ErrNoText is a PDF that reads but holds no text: a scan.
	ErrNoText = errors.New("no text layer (a scan?)")
	// ErrUnreadable is a file that is no PDF the reader can open: cut,
	// damaged, encrypted, over the limits.
	ErrUnreadable = errors.New("unreadable PDF")
)

// Limits of what Read takes on: a document of the procuratorates has a
// few pages, a few hundred objects, some thousands of characters.
const (
	MaxBytes   = 32 << 20
	MaxObjects = 1 << 20
	MaxPages   = 2000
	MaxRunes   = 4 << 20
	// MaxTime is how long reading one PDF may take: a document of a few
	// pages reads in milliseconds.
	MaxTime = 10 * time.Second
)

// Line is a line of a page's text and where it starts: its left edge and
// font size, in points.
type Line struct {
	Text string
	X    float64
	Size float64
}

// Read reads a PDF's text layer as paragraphs (Reflow).
func Read(data []byte) ([]string, error) {
	pages, err := Lines(data)
	if err != nil {
		return nil, err
	}
	paras := Reflow(pages)
	if len(paras) == 0 {
		return nil, ErrNoText
	}
	return paras, nil
}

// The object counts a file declares: the reader makes a table of that
// size before reading on, so a count no document needs is refused first.
var (
	// sizeRE is a trailer's or an xref stream's /Size.
	sizeRE = regexp.MustCompile(`/Size[\s\x00]+(\d+)`)
	// xrefHeadRE is a subsection of an xref table: its first object
	// number and count, on their own line or after the keyword.
	xrefHeadRE = regexp.MustCompile(`(?m)(?:^|xref)[\s\x00]*(\d+)[ \t\x00]+(\d+)[ \t\x00]*\r?$`)
)

// checkCounts refuses a file declaring more objects than MaxObjects.
func checkCounts(data []byte) error {
	for _, m := range sizeRE.FindAllSubmatch(data, -1) {
		if n, err := strconv.Atoi(string(m[1])); err != nil || n > MaxObjects {
			return fmt.Errorf("%w: declares %s objects, over %d", ErrUnreadable, m[1], MaxObjects)
		}
	}
	for _, m := range xrefHeadRE.FindAllSubmatch(data, -1) {
		start, err1 := strconv.Atoi(string(m[1]))
		n, err2 := strconv.Atoi(string(m[2]))
		if err1 != nil || err2 != nil || start+n > MaxObjects {
			return fmt.Errorf("%w: declares objects %s to %s+%s, over %d", ErrUnreadable, m[1], m[1], m[2], MaxObjects)
		}
	}
	return nil
}

// Lines reads each page's lines of text, top to bottom, within MaxTime.
func Lines(data []byte) ([][]Line, error) {
	return linesWithin(data, MaxTime)
}

// linesWithin is Lines within limit: the library cannot be told to stop,
// so it is stopped where it reads the file (see deadlineReader).
func linesWithin(data []byte, limit time.Duration) (pages [][]Line, err error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, over %d", ErrUnreadable, len(data), MaxBytes)
	}
	if err := checkCounts(data); err != nil {
		return nil, err
	}
	f := &deadlineReader{r: bytes.NewReader(data), deadline: time.Now().Add(limit), limit: limit}
	defer func() {
		if v := recover(); v != nil {
			pages, err = nil, fmt.Errorf("%w: %v", ErrUnreadable, v)
		}
		if err != nil && f.late() {
			// Whatever the library made of the refused read, the cause is
			// the time.
			pages, err = nil, f.err()
		}
	}()
	r, err := pdf.NewReader(f, int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	n := r.NumPage()
	if n > MaxPages {
		return nil, fmt.Errorf("%w: %d pages, over %d", ErrUnreadable, n, MaxPages)
	}
	runes := 0
	for i := 1; i <= n; i++ {
		if f.late() {
			return nil, f.err()
		}
		lines, err := pageLines(r.Page(i), i)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			runes += len(l.Text)
		}
		if runes > MaxRunes {
			return nil, fmt.Errorf("%w: over %d bytes of text", ErrUnreadable, MaxRunes)
		}
		pages = append(pages, lines)
	}
	return pages, nil
}

// pageLines reads the lines of page n.
func pageLines(p pdf.Page, n int) ([]Line, error) {
	if p.V.IsNull() {
		return nil, fmt.Errorf("%w: page %d missing", ErrUnreadable, n)
	}
	if err := checkStreams(p, n); err != nil {
		return nil, err
	}
	return rows(p.Content().Text), nil
}

// deadlineReader is the file as the library reads it, refusing every read
// once the deadline has passed. The library reads through it for every
// object and, a few KiB at a time, for every stream it decodes (a page's
// content is interpreted as it is read), so a refused read ends its work
// within a few KiB of a stream: the refusal panics inside the library,
// which Lines recovers, and no goroutine is left behind. What it could do
// for ever without reading (the lexer's loop on an unended hex string) is
// refused before it runs (lexcheck.go).
type deadlineReader struct {
	r        *bytes.Reader
	deadline time.Time
	limit    time.Duration
}

func (d *deadlineReader) ReadAt(p []byte, off int64) (int, error) {
	if d.late() {
		return 0, d.err()
	}
	return d.r.ReadAt(p, off)
}

func (d *deadlineReader) late() bool { return !time.Now().Before(d.deadline) }

func (d *deadlineReader) err() error {
	return fmt.Errorf("%w: PDF text extraction exceeded %v", ErrUnreadable, d.limit)
}

// rows groups a page's runs of text into lines: top to bottom, a line
// being the runs on one baseline (within a fifth of the font size), left
// to right within it.
func rows(ts []pdf.Text) []Line {
	ts = slices.Clone(ts)
	slices.SortStableFunc(ts, func(a, b pdf.Text) int { return cmpFloat(b.Y, a.Y) })
	var out []Line
	for i := 0; i < len(ts); {
		j := i + 1
		for j < len(ts) && sameRow(ts[j-1], ts[j]) {
			j++
		}
		row := ts[i:j]
		slices.SortStableFunc(row, func(a, b pdf.Text) int { return cmpFloat(a.X, b.X) })
		var b strings.Builder
		for _, t := range row {
			b.WriteString(t.S)
		}
		out = append(out, Line{Text: b.String(), X: row[0].X, Size: row[0].FontSize})
		i = j
	}
	return out
}

func sameRow(a, b pdf.Text) bool {
	return math.Abs(a.Y-b.Y) <= max(a.FontSize, b.FontSize, 1)/5
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
