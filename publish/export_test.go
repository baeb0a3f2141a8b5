package publish_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sppcrawl"

	"github.com/mmcdole/gofeed"

	"sppcrawl/publish"
	"sppcrawl/store"
)

// exportFile exports as `sppcrawl export --out FILE` does and returns the file.
func exportFile(t *testing.T, db *store.DB, o publish.ExportOptions) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out")
	out, err := publish.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Export(context.Background(), db, out, o); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func archiveArticles(t *testing.T, db *store.DB) []*sppcrawl.Article {
	t.Helper()
	arts, err := db.Since(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

func canonicalJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExport_JSONL(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 40)
	db.Upsert(context.Background(), func() *sppcrawl.Article {
		a := testArticle(3)
		a.Paragraphs[0] = "更正"
		a.ContentHash = a.ComputeHash()
		return a
	}(), nil)
	want := archiveArticles(t, db)
	out := exportFile(t, db, publish.ExportOptions{Format: "jsonl"})
	// Downstream sites read body_html as it is: tags literal, not \u003c.
	if !bytes.Contains(out, []byte(`"body_html":"<p>`)) || bytes.Contains(out, []byte(`\u003c`)) {
		t.Errorf("body_html HTML-escaped in the export: %.300s", out)
	}
	var got []*sppcrawl.Article
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a sppcrawl.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %d: %v", len(got)+1, err)
		}
		got = append(got, &a)
	}
	if len(got) != 40 || canonicalJSON(t, got) != canonicalJSON(t, want) {
		t.Errorf("jsonl read back (%d articles) differs from the archive (%d)", len(got), len(want))
	}
	// The updated article comes last, at its new seq, once.
	if last := got[len(got)-1]; last.ID != "spp-700003" || last.Version != 2 {
		t.Errorf("last exported %s v%d, want spp-700003 v2", last.ID, last.Version)
	}
	// JSON array form holds the same.
	var arr []*sppcrawl.Article
	if err := json.Unmarshal(exportFile(t, db, publish.ExportOptions{Format: "json"}), &arr); err != nil {
		t.Fatal(err)
	}
	if canonicalJSON(t, arr) != canonicalJSON(t, want) {
		t.Error("json export differs from the archive")
	}
}

func TestExport_Cursor(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 10)
	ctx := context.Background()
	var buf bytes.Buffer
	next, err := publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{AfterSeq: 0}, Limit: 4})
	if err != nil || next != 4 || strings.Count(buf.String(), "\n") != 4 {
		t.Fatalf("first page: next %d, %d lines, %v", next, strings.Count(buf.String(), "\n"), err)
	}
	buf.Reset()
	next, _ = publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{AfterSeq: next}, Limit: 100})
	if next != 10 || strings.Count(buf.String(), "\n") != 6 {
		t.Errorf("second page: next %d, %d lines", next, strings.Count(buf.String(), "\n"))
	}
	buf.Reset()
	next2, _ := publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{AfterSeq: next}, Limit: 100})
	if next2 != next || buf.Len() != 0 {
		t.Errorf("nothing new: next %d, %d bytes", next2, buf.Len())
	}
	// A channel filter still moves the cursor past what it skipped.
	buf.Reset()
	next, _ = publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{Channel: "/spp/qwfb/"}, Limit: 100})
	if next != 10 || strings.Count(buf.String(), "\n") != 3 {
		t.Errorf("channel filter: next %d, %d lines", next, strings.Count(buf.String(), "\n"))
	}
}

func TestExport_CSV(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 12)
	want := archiveArticles(t, db)
	out := exportFile(t, db, publish.ExportOptions{Format: "csv"})
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatal("csv has no UTF-8 BOM: Excel would read it as GBK")
	}
	rows, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want)+1 || strings.Join(rows[0], ",") != "id,url,aliases,channel,channel_path,title,kicker,subtitle,published_at,modified_at,source,author,editor,paragraphs,images,attachments,content_hash,version,seq,first_seen_at,updated_at,fetched_at,body_html,withdrawn_at,document,cases,site" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, a := range want {
		r := rows[i+1]
		pub, err := time.Parse(time.RFC3339, r[col["published_at"]])
		if err != nil || !pub.Equal(a.PublishedAt) || !strings.HasSuffix(r[col["published_at"]], "+08:00") {
			t.Errorf("row %d published_at %q, want %v", i, r[col["published_at"]], a.PublishedAt)
		}
		for field, wantV := range map[string]string{
			"id": a.ID, "url": a.URL, "title": a.Title, "kicker": a.Kicker, "source": a.Source,
			"paragraphs": strings.Join(a.Paragraphs, "\n"), "body_html": a.BodyHTML, "content_hash": a.ContentHash,
			"site": "www.spp.gov.cn",
		} {
			if r[col[field]] != wantV {
				t.Errorf("row %d %s = %q, want %q", i, field, r[col[field]], wantV)
			}
		}
		if len(a.Images) > 0 && r[col["images"]] != a.Images[0].URL {
			t.Errorf("row %d images = %q", i, r[col["images"]])
		}
	}
}

func TestExport_Feeds(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 60)
	all := archiveArticles(t, db)
	byURL := map[string]*sppcrawl.Article{}
	for _, a := range all {
		byURL[a.URL] = a
	}
	for _, format := range []string{"atom", "rss", "jsonfeed"} {
		t.Run(format, func(t *testing.T) {
			out := exportFile(t, db, publish.ExportOptions{Format: format})
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("gofeed cannot parse the %s export: %v", format, err)
			}
			if len(feed.Items) != 50 {
				t.Fatalf("%d items, want the newest 50", len(feed.Items))
			}
			for _, it := range feed.Items {
				a := byURL[it.Link]
				if a == nil {
					t.Fatalf("item link %q is not a canonical article URL", it.Link)
				}
				if it.Title != a.Title {
					t.Errorf("title %q, want %q", it.Title, a.Title)
				}
				if it.GUID != a.URL {
					t.Errorf("guid %q, want the canonical URL", it.GUID)
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.PublishedAt) {
					t.Errorf("%s published %v, want %v", format, it.PublishedParsed, a.PublishedAt)
				}
				if format != "rss" && !strings.Contains(it.Published, "+08:00") {
					t.Errorf("published %q not in +08:00", it.Published)
				}
				content := it.Content
				if content == "" {
					content = it.Description
				}
				if strings.TrimSpace(content) != strings.TrimSpace(a.BodyHTML) {
					t.Errorf("content %q, want body_html %q", content, a.BodyHTML)
				}
				if len(it.Categories) == 0 || it.Categories[0] != a.Channel {
					t.Errorf("categories %v, want [%s]", it.Categories, a.Channel)
				}
			}
		})
	}
	// --channel narrows a feed.
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(exportFile(t, db, publish.ExportOptions{Format: "atom", Filter: publish.Filter{Channel: "/spp/jczdal/"}})))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range feed.Items {
		if !strings.Contains(it.Link, "/spp/jczdal/") {
			t.Errorf("channel feed has %s", it.Link)
		}
	}
}

func TestExport_AtomicOut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.xml")
	os.WriteFile(path, []byte("old"), 0o644)
	out, err := publish.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(out, "half")
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("target changed before commit: %q", b)
	}
	out.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("an aborted export replaced the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	out, _ = publish.CreateOutput(path)
	io.WriteString(out, "new")
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("after commit: %q", b)
	}
}

// --out replaces only a regular file: a symlink, FIFO, device or directory
// is refused, and left as it was.
func TestExport_OutRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, kind string }{
		{link, "symbolic link"}, {fifo, "FIFO"}, {"/dev/null", "device"}, {dir, "directory"},
	} {
		out, err := publish.CreateOutput(c.path)
		if err == nil {
			out.Abort()
			t.Errorf("%s: accepted", c.path)
			continue
		}
		if !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.kind) {
			t.Errorf("%s: error %q should name the path and say it is a %s", c.path, err, c.kind)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("symlink target changed: %q", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
}
