package main

import (
	"context"
	"encoding/json"
	"os"
	"sppcrawl"
	"strings"
	"testing"

	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// Records that do not decode are counted by stats (text and JSON) and by
// search, which leaves them out and exits 1, as export does.
func TestCLI_SkippedRecordsCounted(t *testing.T) {
	path := crawlFixture(t, "--media", "all")
	var code int
	all := stdoutOf(&code, []string{"search", "--db", path, "--format", "jsonl", "检察"})
	total := strings.Count(all, "\n")
	if code != exitOK || total < 10 {
		t.Fatalf("search of the sound archive: exit %d, %d results", code, total)
	}
	// Three articles' current records (a cross-post met first in 头条
	// moves on to a later seq when its own channel is read: which seqs are
	// current depends on the crawl's order).
	for _, seq := range currentSeqs(t, path, 3, 7, 11) {
		storetest.CorruptArticle(t, path, seq)
	}
	out := stdoutOf(&code, []string{"stats", "--db", path, "--format", "json"})
	var s struct {
		Undecodable int `json:"undecodable"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Undecodable != 3 {
		t.Errorf("stats --format json: %v, undecodable %d, want 3", err, s.Undecodable)
	}
	out = stdoutOf(&code, []string{"stats", "--db", path})
	if !strings.Contains(out, "undecodable: 3 article records do not decode") {
		t.Errorf("stats does not say how many records do not decode:\n%s", out)
	}
	// The index read them before the damage; then an index made again
	// after it, which passes them.
	for _, remake := range []bool{false, true} {
		if remake {
			os.Remove(search.PathFor(path))
		}
		o := runIO([]string{"search", "--db", path, "--format", "jsonl", "--log-level", "error", "检察"}, nil)
		code, out, errOut := o.code, o.stdout, o.stderr
		got := strings.Count(out, "\n")
		if code != exitFailures || got > total || !strings.Contains(errOut, "3 records skipped") {
			t.Errorf("search with 3 bad records (index made again: %v): exit %d, %d of %d results, %q: want exit 1 saying how many were skipped", remake, code, got, total, errOut)
		}
	}
}

// currentSeqs is the seqs of the articles at the given places (1-based) in
// the archive's seq order.
func currentSeqs(t *testing.T, path string, at ...int) []uint64 {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seqs []uint64
	if err := db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		seqs = append(seqs, a.Seq)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var out []uint64
	for _, i := range at {
		out = append(out, seqs[i-1])
	}
	return out
}
