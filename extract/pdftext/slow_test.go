package pdftext

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// slowPDF is a PDF that costs the library long: pages pages sharing one
// content stream of ops operators that draw nothing, compressed a
// thousand to one, so that neither the file's size nor its text is over
// a limit.
func slowPDF(tb testing.TB, pages, ops int) []byte {
	tb.Helper()
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	chunk := []byte(strings.Repeat("q Q\n", 1<<16))
	for range ops >> 16 {
		if _, err := w.Write(chunk); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	objs := []string{
		"<</Type/Catalog/Pages 2 0 R>>",
		"", // the page tree
		fmt.Sprintf("<</Length %d/Filter/FlateDecode>>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}
	var kids []string
	for range pages {
		objs = append(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 3 0 R>>")
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)))
	}
	objs[1] = fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(kids, " "), pages)
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A PDF the library would read for minutes is given up at the deadline,
// in words: across pages, and within one page whose content is read
// after the deadline (one page, so no check between pages can stop it).
func TestLines_Deadline(t *testing.T) {
	const limit = 10 * time.Millisecond
	for name, data := range map[string][]byte{
		// unbounded, some 180ms a page: six minutes
		"2000 pages of 4 MiB of operators": slowPDF(t, 2000, 1<<20),
		// unbounded, over a second
		"a page of 32 MiB of operators": slowPDF(t, 1, 1<<23),
	} {
		t.Run(name, func(t *testing.T) {
			pages, err := linesWithin(data, limit)
			if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "PDF text extraction exceeded 10ms") {
				t.Fatalf("got %d pages, %v; want the deadline's error", len(pages), err)
			}
		})
	}
}

// Within its time a PDF reads as before the deadline was kept.
func TestLines_InTime(t *testing.T) {
	pages, err := linesWithin(slowPDF(t, 2, 1<<16), time.Hour)
	if err != nil || len(pages) != 2 {
		t.Fatalf("got %d pages, %v; want 2 empty pages", len(pages), err)
	}
}
