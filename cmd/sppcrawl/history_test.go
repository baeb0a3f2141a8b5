package main

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"testing"

	"sppcrawl/internal/golden"
	"sppcrawl/internal/testarchive"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/history")

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("../../testdata/history", name), got, *update, "go test ./cmd/sppcrawl -update")
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
	checkGolden(t, "list.txt", text.Bytes())
	checkGolden(t, "diff.txt", diffs.Bytes())
	checkGolden(t, "diff-1-3.txt", diff13.Bytes())
	if err := writeDiffs(&diffs, h, 1, 4); err == nil {
		t.Error("a diff to a version that does not exist succeeded")
	}
}
