package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sppcrawl/internal/pgtest"
)

// TestCLI_Postgres: --db postgres://… crawls the fixture site into
// PostgreSQL; export, stats, channels, failures, history, search,
// reextract and serve's pulls say there what they say of a crawl into
// bbolt; an unreachable database is named without its password.
func TestCLI_Postgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the database's search index
	site := siteServer(t)
	dir := t.TempDir()
	crawl := []string{"crawl", "--origin", site.URL, "--delay", "0", "--parallel", "4", "--log-level", "error", "--channels", "jczdal,gzbg", "--full"}
	for _, db := range []string{dsn, filepath.Join(dir, "a.db")} {
		if code := run(append(crawl, "--db", db)); code != exitOK {
			t.Fatalf("crawl --db %s: exit %d", db, code)
		}
	}
	var got, want []string
	for i, db := range []string{dsn, filepath.Join(dir, "a.db")} {
		out := filepath.Join(dir, []string{"pg.jsonl", "bolt.jsonl"}[i])
		if code := run([]string{"export", "--db", db, "--out", out, "--cursor-file", out + ".cursor"}); code != exitOK {
			t.Fatalf("export --db %s: exit %d", db, code)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := idLines(b)
		if i == 0 {
			got = lines
		} else {
			want = lines
		}
	}
	if len(want) != 66 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("export from PostgreSQL: %d articles, from bbolt %d; want the same 66", len(got), len(want))
	}
	bolt := filepath.Join(dir, "a.db")
	for _, args := range [][]string{{"stats"}, {"stats", "--gaps", "--format", "json"}, {"channels"}, {"channels", "--format", "json"},
		{"failures"}, {"failures", "--format", "json"}, {"history", want[0]}, {"search", "--count", "检察"}, {"subscriptions", "list"}} {
		sameOutput(t, dsn, bolt, args...)
	}
	sameSummary(t, dsn, bolt, "reextract")
	samePulls(t, dsn, bolt)
	// The bbolt archive copied into PostgreSQL exports the same bytes.
	copyDSN := pgtest.NewDatabase(t)
	if code := run([]string{"copy", "--from", filepath.Join(dir, "a.db"), "--to", copyDSN, "--quiet"}); code != exitOK {
		t.Fatalf("copy: exit %d", code)
	}
	copied := filepath.Join(dir, "copy.jsonl")
	if code := run([]string{"export", "--db", copyDSN, "--out", copied, "--cursor-file", copied + ".cursor"}); code != exitOK {
		t.Fatalf("export of the copy: exit %d", code)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "bolt.jsonl"))
	b, _ := os.ReadFile(copied)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the copy exports %d bytes, the source %d, or other bytes", len(b), len(a))
	}
	unreachableNamed(t)
}

// sameSummary: the command says the same summary line (its last) on
// PostgreSQL as on bbolt, but for the time it took.
func sameSummary(t *testing.T, pg, bolt string, args ...string) {
	t.Helper()
	took := regexp.MustCompile(` in [0-9.]+(ns|µs|ms|s|m)$`)
	var lines [2]string
	for i, db := range []string{pg, bolt} {
		var code int
		out := stderrOf(&code, append(slices.Clone(args), "--db", db))
		if code != exitOK {
			t.Errorf("%s --db %s: exit %d\n%s", args[0], db, code, out)
		}
		all := strings.Split(strings.TrimSpace(out), "\n") // the summary is the last line
		lines[i] = took.ReplaceAllString(all[len(all)-1], "")
	}
	if lines[0] != lines[1] || !strings.HasPrefix(lines[0], args[0]+": ") {
		t.Errorf("%s on PostgreSQL says %q, on bbolt %q; want the same line", args[0], lines[0], lines[1])
	}
}

// unreachableNamed: an unreachable database is named without its
// password.
func unreachableNamed(t *testing.T) {
	var code int
	stderr := stderrOf(&code, []string{"stats", "--db", "postgres://crawler:s3cret@127.0.0.1:1/spp"})
	if code == exitOK || strings.Contains(stderr, "s3cret") || !strings.Contains(stderr, "crawler:xxxxx@127.0.0.1:1/spp") {
		t.Errorf("stats on an unreachable PostgreSQL: exit %d, %q; want an error naming the database without its password", code, stderr)
	}
}

// idLines are the ids of an export's articles, sorted: two crawls store
// them in whichever order their responses came.
func idLines(b []byte) []string {
	var ids []string
	for line := range bytes.Lines(b) {
		id, _, _ := strings.Cut(strings.TrimPrefix(string(line), `{"id":"`), `"`)
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
