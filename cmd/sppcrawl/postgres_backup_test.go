package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/internal/pgtest"
)

// TestCLI_BackupPostgres: backup --db postgres://… FILE writes an archive
// file of the database that verifies clean and exports the same bytes;
// copy --from that file --to a new database restores it (the same
// export); a backup over an earlier one replaces it, with what was
// stored since.
func TestCLI_BackupPostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	site := siteServer(t)
	crawl := []string{"crawl", "--db", dsn, "--origin", site.URL, "--delay", "0", "--parallel", "4", "--log-level", "error", "--channels", "jczdal,gzbg", "--full"}
	if code := run(crawl); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	var code int
	stderr := stderrOf(&code, []string{"backup", "--db", dsn, file})
	if code != exitOK || !strings.Contains(stderr, "backup: "+file+", ") || !strings.Contains(stderr, "66 articles, 0 earlier versions, 66 raw pages verified: 0 problems") {
		t.Fatalf("backup: exit %d\n%s", code, stderr)
	}
	want := exportOf(t, dsn, "jsonl")
	if got := exportOf(t, file, "jsonl"); len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("the backup exports %d bytes, the database %d, or other bytes", len(got), len(want))
	}
	if out := stdoutOf(&code, []string{"verify", "--db", file, "--quiet"}); code != exitOK {
		t.Errorf("verify the backup: exit %d\n%s", code, out)
	}
	restored := pgtest.NewDatabase(t)
	if code := run([]string{"copy", "--from", file, "--to", restored, "--quiet"}); code != exitOK {
		t.Fatalf("copy the backup into a new database: exit %d", code)
	}
	if got := exportOf(t, restored, "jsonl"); !bytes.Equal(got, want) {
		t.Errorf("the restored database exports %d bytes, the one backed up %d, or other bytes", len(got), len(want))
	}
	if code := run(append(crawl[:len(crawl)-3:len(crawl)-3], "--channels", "gjgb", "--full")); code != exitOK {
		t.Fatalf("crawl of another channel: exit %d", code)
	}
	stderr = stderrOf(&code, []string{"backup", "--db", dsn, file})
	if code != exitOK || strings.Contains(stderr, " 66 articles") {
		t.Errorf("a backup over the first: exit %d, %q; want it to hold the articles stored since", code, stderr)
	}
	if got, want := exportOf(t, file, "jsonl"), exportOf(t, dsn, "jsonl"); !bytes.Equal(got, want) {
		t.Errorf("the second backup exports %d bytes, the database %d, or other bytes", len(got), len(want))
	}
}
