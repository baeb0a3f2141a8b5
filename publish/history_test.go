package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/history")

// golden compares got with testdata/history/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("../testdata/history", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./publish -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// correctedArchive holds spp-700001 corrected twice (three versions, each
// with its raw page) and 5 other articles, on a fixed clock.
func correctedArchive(t *testing.T) *store.DB {
	t.Helper()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, extract.CST())
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for i := range 6 {
		if _, err := db.Upsert(ctx, testArticle(i), &extract.RawPage{URL: testArticle(i).URL, Status: 200, Body: []byte("<html>v1</html>")}); err != nil {
			t.Fatal(err)
		}
	}
	v2 := testArticle(1)
	v2.Title = "最高检发布第1批指导性案例（修订）"
	v2.Paragraphs[0] = "第1篇，第一段（已更正）。"
	v2.Paragraphs = append(v2.Paragraphs, "新增的一段说明。")
	v3 := *v2
	v3.Paragraphs = append([]string{}, v2.Paragraphs[:1]...)
	v3.Paragraphs = append(v3.Paragraphs, v2.Paragraphs[2:]...) // the second paragraph removed
	v3.Source = "最高人民检察院"
	for i, a := range []*extract.Article{v2, &v3} {
		now = now.Add(24 * time.Hour)
		a.ContentHash = a.ComputeHash()
		body := []byte("<html>v" + string(rune('2'+i)) + "</html>")
		if res, err := db.Upsert(ctx, a, &extract.RawPage{URL: a.URL, Status: 200, Body: body}); err != nil || res.Outcome != extract.Updated {
			t.Fatalf("correction %d: %v %v", i+1, res, err)
		}
	}
	return db
}

func TestHistory_TextDiffAndJSON(t *testing.T) {
	db := correctedArchive(t)
	ctx := context.Background()
	h, err := publish.GetHistory(ctx, db, "spp-700001")
	if err != nil {
		t.Fatal(err)
	}
	// By URL too.
	if h2, err := publish.GetHistory(ctx, db, testArticle(1).URL); err != nil || h2.ID != h.ID {
		t.Errorf("history by URL: %v %v", h2, err)
	}
	var text, diff, diff13 bytes.Buffer
	if err := h.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(h.Versions); i++ {
		h.WriteDiff(&diff, i, i+1)
	}
	h.WriteDiff(&diff13, 1, 3)
	golden(t, "list.txt", text.Bytes())
	golden(t, "diff.txt", diff.Bytes())
	golden(t, "diff-1-3.txt", diff13.Bytes())

	// The JSON shape, exactly.
	var buf bytes.Buffer
	publish.WriteJSON(&buf, h)
	var got struct {
		ID       string `json:"id"`
		URL      string `json:"url"`
		Versions []struct {
			Version     int             `json:"version"`
			ContentHash string          `json:"content_hash"`
			StoredAt    string          `json:"stored_at"`
			ReplacedAt  *string         `json:"replaced_at"`
			Article     json.RawMessage `json:"article"`
		} `json:"versions"`
	}
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("history JSON: %v\n%s", err, buf.Bytes())
	}
	if got.ID != "spp-700001" || got.URL != testArticle(1).URL || len(got.Versions) != 3 {
		t.Fatalf("history %s", buf.Bytes())
	}
	wantParas := [][]string{testArticle(1).Paragraphs, {"第1篇，第一段（已更正）。", "各省、自治区、直辖市人民检察院：", "经最高人民检察院检察委员会决定，现予发布，供参照适用。", "新增的一段说明。"},
		{"第1篇，第一段（已更正）。", "经最高人民检察院检察委员会决定，现予发布，供参照适用。", "新增的一段说明。"}}
	for i, v := range got.Versions {
		var a extract.Article
		if err := json.Unmarshal(v.Article, &a); err != nil {
			t.Fatal(err)
		}
		if v.Version != i+1 || a.Version != i+1 || a.ContentHash != v.ContentHash || strings.Join(a.Paragraphs, "|") != strings.Join(wantParas[i], "|") {
			t.Errorf("version %d: %+v", i+1, a)
		}
		if _, err := time.Parse(time.RFC3339, v.StoredAt); err != nil {
			t.Errorf("stored_at %q", v.StoredAt)
		}
		if (v.ReplacedAt == nil) != (i == 2) {
			t.Errorf("version %d replaced_at %v", i+1, v.ReplacedAt)
		}
		raw, err := db.VersionRaw(ctx, "spp-700001", i+1)
		if err != nil || string(raw.Body) != "<html>v"+string(rune('1'+i))+"</html>" {
			t.Errorf("raw page of version %d: %v", i+1, err)
		}
	}
}

func TestServe_Versions(t *testing.T) {
	db := correctedArchive(t)
	srv := apiTestServer(t, db)
	resp, err := http.Get(srv.URL + "/api/articles/spp-700001/versions")
	if err != nil {
		t.Fatal(err)
	}
	var h publish.History
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(h.Versions) != 3 || resp.Header.Get("ETag") == "" {
		t.Fatalf("versions: %d, %d versions, ETag %q", resp.StatusCode, len(h.Versions), resp.Header.Get("ETag"))
	}
	resp, _ = http.Get(srv.URL + "/api/articles/spp-700001/versions/1")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var v1 extract.Article
	json.Unmarshal(b, &v1)
	if resp.StatusCode != 200 || v1.Version != 1 || v1.Title != testArticle(1).Title {
		t.Errorf("version 1: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/articles/spp-700001/versions/1", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match on a version: %d", resp.StatusCode)
	}
	for path, code := range map[string]int{"/api/articles/spp-700001/versions/4": 404, "/api/articles/spp-700001/versions/x": 400,
		"/api/articles/spp-700001/versions/0": 400, "/api/articles/spp-9/versions": 404} {
		resp, _ := http.Get(srv.URL + path)
		resp.Body.Close()
		if resp.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, code)
		}
	}
}

// A withdrawn article reaches pullers through the cursor, is left out of
// feeds, says so on its repost page, and export --withdrawn lists it.
func TestPublish_Withdrawn(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 8)
	ctx := context.Background()
	u := testArticle(5).URL
	db.Gone(ctx, u, time.Now(), "HTTP 404")
	if w, err := db.Gone(ctx, u, time.Now().Add(time.Minute), "HTTP 404"); err != nil || !w {
		t.Fatalf("withdraw: %v %v", w, err)
	}
	srv := apiTestServer(t, db)
	p := getPage(t, srv.URL+"/api/articles?since=8")
	if len(p.Articles) != 1 || p.Articles[0].ID != "spp-700005" || p.Articles[0].WithdrawnAt.IsZero() {
		t.Errorf("the cursor after the last seq: %+v", p.Articles)
	}
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/feed.atom?channel=jczdal"} {
		resp, _ := http.Get(srv.URL + path)
		f, err := gofeed.NewParser().Parse(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			if it.Link == u {
				t.Errorf("%s lists the withdrawn article", path)
			}
		}
	}
	resp, _ := http.Get(srv.URL + "/api/articles/spp-700005/repost")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if i, j := strings.Index(string(b), "此文已被原发布网站撤下"), strings.Index(string(b), "<h1>"); i < 0 || i > j {
		t.Errorf("repost of a withdrawn article does not say so at the top:\n%s", b)
	}
	var buf bytes.Buffer
	if _, err := publish.Export(ctx, db, &buf, publish.ExportOptions{Format: "jsonl", Filter: publish.Filter{Withdrawn: true}}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), `"withdrawn_at":"`) {
		t.Errorf("export --withdrawn: %d lines\n%s", n, buf.String())
	}
	st, _ := publish.GatherStats(ctx, db, time.Now())
	if st.Withdrawn != 1 {
		t.Errorf("stats withdrawn %d", st.Withdrawn)
	}
}
