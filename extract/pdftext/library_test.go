package pdftext

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	dslipak "github.com/dslipak/pdf"
	ledongthuc "github.com/ledongthuc/pdf"
	rscpdf "rsc.io/pdf"

	"sppcrawl/internal/pdfgen"
)

// glyph is a run of text at a place, as each library gives it.
type glyph struct {
	x, y float64
	s    string
}

// rowsOf groups glyphs into lines: top to bottom, left to right.
func rowsOf(gs []glyph) []string {
	slices.SortStableFunc(gs, func(a, b glyph) int {
		if math.Abs(a.y-b.y) > 2 {
			return -cmpF(a.y, b.y)
		}
		return cmpF(a.x, b.x)
	})
	var out []string
	var b strings.Builder
	for i, g := range gs {
		if i > 0 && math.Abs(gs[i-1].y-g.y) > 2 {
			out = append(out, b.String())
			b.Reset()
		}
		b.WriteString(g.s)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// libraries are the candidates, each reading a PDF into lines per page.
var libraries = []struct {
	name string
	read func([]byte) ([][]string, error)
}{
	{"github.com/ledongthuc/pdf", func(b []byte) (pages [][]string, err error) {
		defer recoverInto(&err)
		r, err := ledongthuc.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, err
		}
		for i := 1; i <= r.NumPage(); i++ {
			var gs []glyph
			for _, t := range r.Page(i).Content().Text {
				gs = append(gs, glyph{t.X, t.Y, t.S})
			}
			pages = append(pages, rowsOf(gs))
		}
		return pages, nil
	}},
	{"rsc.io/pdf", func(b []byte) (pages [][]string, err error) {
		defer recoverInto(&err)
		r, err := rscpdf.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, err
		}
		for i := 1; i <= r.NumPage(); i++ {
			var gs []glyph
			for _, t := range r.Page(i).Content().Text {
				gs = append(gs, glyph{t.X, t.Y, t.S})
			}
			pages = append(pages, rowsOf(gs))
		}
		return pages, nil
	}},
	{"github.com/dslipak/pdf", func(b []byte) (pages [][]string, err error) {
		defer recoverInto(&err)
		r, err := dslipak.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, err
		}
		for i := 1; i <= r.NumPage(); i++ {
			var gs []glyph
			for _, t := range r.Page(i).Content().Text {
				gs = append(gs, glyph{t.X, t.Y, t.S})
			}
			pages = append(pages, rowsOf(gs))
		}
		return pages, nil
	}},
}

func recoverInto(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("panic: %v", v)
	}
}

// TestLibraries measures the candidates on generated CJK PDFs (Type0,
// Identity-H, ToUnicode): which gives the text exactly (go test -v logs
// each). The one Lines uses must; rsc.io/pdf gives the raw codes.
func TestLibraries(t *testing.T) {
	for _, n := range []int{2, 3, 10} {
		pdf := pdfgen.Indictment(n).Bytes()
		want := fmt.Sprint(pdfgen.IndictmentText(n))
		for _, lib := range libraries {
			got, err := lib.read(pdf)
			exact := err == nil && fmt.Sprint(got) == want
			t.Logf("%s, %d pages: exact %v (err %v)", lib.name, n, exact, err)
			if lib.name == "github.com/ledongthuc/pdf" && !exact {
				t.Errorf("the chosen library reads %d pages as %q, want %s", n, got, want)
			}
		}
	}
}

// BenchmarkLibraries times each candidate on a 10-page document.
func BenchmarkLibraries(b *testing.B) {
	pdf := pdfgen.Indictment(10).Bytes()
	for _, lib := range libraries {
		b.Run(strings.ReplaceAll(lib.name, "/", "_"), func(b *testing.B) {
			for b.Loop() {
				if _, err := lib.read(pdf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
