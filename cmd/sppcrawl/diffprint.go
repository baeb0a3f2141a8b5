package main

import (
	"fmt"
	"io"

	"sppcrawl"
	"sppcrawl/diff"
)

// writeDiff is the one text diff of two versions of an article (history
// --diff, fetch --diff): the header fields, then paragraph by paragraph,
// counted from 1, and inside a changed paragraph character by character
// ([-removed-]{+added+}); then images and attachments. known says whether
// both versions kept their text.
func writeDiff(w io.Writer, a, b *sppcrawl.Article, known bool, olderVersion int) {
	for _, f := range diff.Fields(a, b, known) {
		fmt.Fprintf(w, "@@ %s\n  %s\n", f.Name, diff.Inline(diff.Chars(f.Old, f.New)))
	}
	if !known {
		fmt.Fprintf(w, "@@ paragraphs\n  (the text of v%d was not kept: archived before every version was kept)\n", olderVersion)
		return
	}
	same := true
	for _, p := range diff.Paragraphs(a.Paragraphs, b.Paragraphs) {
		switch p.Op() {
		case diff.Equal:
			continue
		case diff.Insert:
			fmt.Fprintf(w, "@@ paragraph %d added\n  + %s\n", p.Pos, p.New)
		case diff.Delete:
			fmt.Fprintf(w, "@@ paragraph %d removed\n  - %s\n", p.Pos, p.Old)
		default:
			fmt.Fprintf(w, "@@ paragraph %d changed\n  %s\n", p.Pos, diff.Inline(diff.Chars(p.Old, p.New)))
		}
		same = false
	}
	if same {
		fmt.Fprintln(w, "(paragraphs unchanged)")
	}
	for _, l := range []struct {
		name string
		a, b []string
	}{{"images", diff.Images(a), diff.Images(b)}, {"attachments", diff.Attachments(a), diff.Attachments(b)}} {
		removed, added := diff.Lists(l.a, l.b)
		for _, x := range removed {
			fmt.Fprintf(w, "@@ %s\n  - %s\n", l.name, x)
		}
		for _, x := range added {
			fmt.Fprintf(w, "@@ %s\n  + %s\n", l.name, x)
		}
	}
}
