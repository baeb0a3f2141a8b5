package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"sppcrawl"

	"github.com/mmcdole/gofeed"

	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// correctedArchive holds spp-700001 corrected twice (see testarchive).
func correctedArchive(t *testing.T) *store.DB { return testarchive.Corrected(t) }

func TestHistory_JSON(t *testing.T) {
	db := correctedArchive(t)
	ctx := context.Background()
	h, err := db.History(ctx, "spp-700001")
	if err != nil {
		t.Fatal(err)
	}
	// By URL too.
	if h2, err := db.History(ctx, testArticle(1).URL); err != nil || h2.ID != h.ID {
		t.Errorf("history by URL: %v %v", h2, err)
	}
	// The JSON shape, exactly.
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(h)
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
		var a sppcrawl.Article
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
	var h store.History
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(h.Versions) != 3 || resp.Header.Get("ETag") == "" {
		t.Fatalf("versions: %d, %d versions, ETag %q", resp.StatusCode, len(h.Versions), resp.Header.Get("ETag"))
	}
	resp, _ = http.Get(srv.URL + "/api/articles/spp-700001/versions/1")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var v1 sppcrawl.Article
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
	db.RecordGone(ctx, u, time.Now(), "HTTP 404")
	if w, err := db.RecordGone(ctx, u, time.Now().Add(time.Minute), "HTTP 404"); err != nil || !w {
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
