package main

import (
	"strings"

	"sppcrawl/diff"
)

// lineDiff shows how two texts differ, line by line: "- " what only want
// has, "+ " what only got has, "  " the lines around a change.
func lineDiff(want, got string) string {
	var b strings.Builder
	for _, p := range diff.Paragraphs(strings.Split(want, "\n"), strings.Split(got, "\n")) {
		switch p.Op() {
		case "same":
			b.WriteString("  " + p.Old + "\n")
		case "added":
			b.WriteString("+ " + p.New + "\n")
		case "removed":
			b.WriteString("- " + p.Old + "\n")
		default:
			b.WriteString("- " + p.Old + "\n+ " + p.New + "\n")
		}
	}
	return b.String()
}
