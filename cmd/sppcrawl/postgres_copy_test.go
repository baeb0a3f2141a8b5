package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/internal/pgtest"
)

// exportOf exports the archive db whole to a file and returns its bytes.
func exportOf(t *testing.T, db, format string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export."+format)
	if code := run([]string{"export", "--db", db, "--format", format, "--out", out, "--cursor-file", out + ".cursor"}); code != exitOK {
		t.Fatalf("export --db %s --format %s: exit %d", db, format, code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCLI_CopyOutOfPostgres: a crawl into PostgreSQL copied into an archive
// file exports the same bytes, seqs and all, passes verify, and reads as
// its source in every command; a second copy into it is refused.
func TestCLI_CopyOutOfPostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	site := siteServer(t)
	crawl := []string{"crawl", "--db", dsn, "--origin", site.URL, "--delay", "0", "--parallel", "4", "--log-level", "error", "--channels", "jczdal,gzbg,tt", "--full"}
	if code := run(crawl); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	file := filepath.Join(t.TempDir(), "copy.db")
	if code := run([]string{"copy", "--from", dsn, "--to", file, "--quiet"}); code != exitOK {
		t.Fatalf("copy --from postgres --to a file: exit %d", code)
	}
	for _, format := range []string{"jsonl", "csv"} {
		a, b := exportOf(t, dsn, format), exportOf(t, file, format)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("export --format %s: the copy exports %d bytes, its source %d, or other bytes", format, len(b), len(a))
		}
	}
	var code int
	out := stdoutOf(&code, []string{"verify", "--db", file})
	if code != exitOK {
		t.Errorf("verify the copy: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"stats"}, {"stats", "--gaps", "--format", "json"}, {"channels", "--format", "json"},
		{"failures", "--format", "json"}, {"search", "--count", "检察"}, {"subscriptions", "list"}} {
		sameOutput(t, dsn, file, args...)
	}
	stderr := stderrOf(&code, []string{"copy", "--from", dsn, "--to", file})
	if code == exitOK || !strings.Contains(stderr, "not empty") {
		t.Errorf("a second copy into the file: exit %d, %q; want it refused as not empty", code, stderr)
	}
}
