// Package golden compares a test's output with a golden file (rewritten when
// the test runs with -update), printing only the lines that differ.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/diff"
)

// Check compares got with the file at path; with update set it writes the
// file instead. how says how to refresh it ("go test ./extract -update").
func Check(tb testing.TB, path string, got []byte, update bool, how string) {
	tb.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (%s writes it)", err, how)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs (- golden, + got; %s rewrites it):\n%s", path, how, LineDiff(string(want), string(got)))
	}
}

// LineDiff shows how two texts differ, line by line: "- " what only want
// has, "+ " what only got has, and up to two unchanged lines around each
// change ("…" for those left out).
func LineDiff(want, got string) string {
	ps := diff.Paragraphs(strings.Split(want, "\n"), strings.Split(got, "\n"))
	near := func(i int) bool {
		for j := max(i-2, 0); j <= min(i+2, len(ps)-1); j++ {
			if ps[j].Op() != diff.Equal {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	gap := false
	for i, p := range ps {
		switch op := p.Op(); {
		case op == diff.Equal && !near(i):
			if !gap {
				b.WriteString("  …\n")
			}
			gap = true
			continue
		case op == diff.Equal:
			b.WriteString("  " + p.Old + "\n")
		case op == diff.Insert:
			b.WriteString("+ " + p.New + "\n")
		case op == diff.Delete:
			b.WriteString("- " + p.Old + "\n")
		default:
			b.WriteString("- " + p.Old + "\n+ " + p.New + "\n")
		}
		gap = false
	}
	return b.String()
}
