package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl/internal/pgtest"
)

// hashes maps the articles of an export (JSON lines) to their content
// hash.
func hashes(t *testing.T, export []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(export)), "\n") {
		var a struct {
			ID   string `json:"id"`
			Hash string `json:"content_hash"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("export line %.80s: %v", line, err)
		}
		out[a.ID] = a.Hash
	}
	return out
}

// TestCLI_VerifyPostgres: a crawl into bbolt copied into PostgreSQL
// verifies there as it does in its file (exit 0, the same line); a row
// whose document is not JSON and a stored page cut short are found and
// named (exit 1); verify --repair sets the row aside and stores it again
// from its page (exit 1 still: the cut page is due), and a plain crawl
// then replaces the cut page: the archive verifies clean and exports what
// the bbolt crawl does.
func TestCLI_VerifyPostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	site := siteServer(t)
	bolt := filepath.Join(t.TempDir(), "a.db")
	crawl := []string{"crawl", "--origin", site.URL, "--delay", "0", "--parallel", "4", "--log-level", "error", "--channels", "jczdal,gzbg"}
	if code := run(append(crawl, "--db", bolt, "--full")); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	if code := run([]string{"copy", "--from", bolt, "--to", dsn, "--quiet"}); code != exitOK {
		t.Fatalf("copy: exit %d", code)
	}
	sameSummary(t, dsn, bolt, "verify")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var id string
	if err := conn.QueryRow(ctx, "UPDATE articles SET doc = '{' WHERE seq = (SELECT max(seq) FROM articles) RETURNING id").Scan(&id); err != nil {
		t.Fatal(err)
	}
	var cutURL string
	if err := conn.QueryRow(ctx, `UPDATE raw_pages SET body = substr(body, 1, length(body) * 9 / 10)
		WHERE key = (SELECT raw_key FROM articles WHERE seq = (SELECT min(seq) FROM articles)) RETURNING header::json->>'url'`).Scan(&cutURL); err != nil {
		t.Fatal(err)
	}
	var code int
	out := stdoutOf(&code, []string{"verify", "--db", dsn, "--quiet"})
	if code != exitFailures || !strings.Contains(out, "undecodable\t"+id+"\t") || !strings.Contains(out, "cut\t"+cutURL+"\t") {
		t.Fatalf("verify of a row that does not decode and a page cut short: exit %d\n%s", code, out)
	}
	stderr := stderrOf(&code, []string{"verify", "--repair", "--db", dsn})
	if code != exitFailures || !strings.Contains(stderr, "repair: 1 records quarantined, 1 articles rebuilt from their stored page, 0 URLs due for a fetch by the next crawl") ||
		!strings.Contains(stderr, "amcheck") || !strings.Contains(stderr, "verify: ") {
		t.Fatalf("verify --repair: exit %d\n%s", code, stderr)
	}
	if code := run(append(crawl, "--db", dsn)); code != exitOK {
		t.Fatalf("the crawl after the repair: exit %d", code)
	}
	if out := stdoutOf(&code, []string{"verify", "--db", dsn, "--quiet"}); code != exitOK {
		t.Errorf("verify after the crawl: exit %d\n%s", code, out)
	}
	got, want := hashes(t, exportOf(t, dsn, "jsonl")), hashes(t, exportOf(t, bolt, "jsonl"))
	if len(got) != len(want) || got[id] == "" || got[id] != want[id] {
		t.Errorf("after the repair and a crawl: %d articles, %s hashing %s; the bbolt crawl %d, %s", len(got), id, got[id], len(want), want[id])
	}
	for k, h := range want {
		if got[k] != h {
			t.Errorf("%s: %s, the bbolt crawl's %s", k, got[k], h)
		}
	}
}
