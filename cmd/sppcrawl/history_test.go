package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sppcrawl/internal/testarchive"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/history")

// golden compares got with testdata/history/name (rewritten with -update),
// printing a line diff when they differ.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("../../testdata/history", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/sppcrawl -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (- want, + got):\n%s", name, lineDiff(string(want), string(got)))
	}
}

func TestHistory_TextAndDiff(t *testing.T) {
	db := testarchive.Corrected(t)
	h, err := db.History(context.Background(), "spp-700001")
	if err != nil {
		t.Fatal(err)
	}
	var text, diffs, diff13 bytes.Buffer
	if err := writeVersions(&text, h); err != nil {
		t.Fatal(err)
	}
	if err := writeDiffs(&diffs, h, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := writeDiffs(&diff13, h, 1, 3); err != nil {
		t.Fatal(err)
	}
	golden(t, "list.txt", text.Bytes())
	golden(t, "diff.txt", diffs.Bytes())
	golden(t, "diff-1-3.txt", diff13.Bytes())
	if err := writeDiffs(&diffs, h, 1, 4); err == nil {
		t.Error("a diff to a version that does not exist succeeded")
	}
}
