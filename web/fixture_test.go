package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sppcrawl/crawler"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// crawledSite serves the pages over an archive of the fixture site as a
// crawl leaves it, with what goes wrong on a real site: a channel whose
// index page is gone (health missing) and an article that answers 404 (a
// gap, gone).
func crawledSite(t *testing.T) *httptest.Server {
	t.Helper()
	files := http.FileServer(http.Dir("../testdata/site"))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/spp/gzbg/") || strings.HasSuffix(r.URL.Path, "_810016.shtml") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(site.Close)
	db, path := testarchive.Open(t, store.Options{})
	c, err := crawler.New(crawler.Config{Origin: site.URL, Discover: true, Full: true, Parallel: 4, Media: crawler.MediaAll, MaxAttempts: 1}, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil && !strings.Contains(err.Error(), "failed") && !strings.Contains(err.Error(), "warning") {
		t.Fatal(err)
	}
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	pages := web.New(db, web.Options{Index: ix, Version: "test"})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, Pages: pages.Handler()}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

var (
	tagOrScript = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)
	hrefs       = regexp.MustCompile(`href="(/[^"]*)"`)
	// statusWords are the English of the crawl's and the archive's states.
	statusWords = regexp.MustCompile(`(?i)\b(ok|missing|shrunk|not-a-list|gone|failed|failures|not yet fetched|skipped|records?|created|updated|unchanged|aliased|requests|walk|blocked|interrupted|warnings?|answers|layout|template|crawl)\b`)
)

// visibleText is the text of a page a reader sees (tags, scripts and
// styles left out; URLs and commands, which are names, too).
func visibleText(page string) string {
	text := tagOrScript.ReplaceAllString(page, " ")
	var keep []string
	for _, f := range strings.Fields(text) {
		if strings.Contains(f, "://") || strings.HasPrefix(f, "sppcrawl") || strings.HasPrefix(f, "--") {
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, " ")
}

// No page of the crawled fixture site shows an English status word: the
// pages, and every page they link to on this server.
func TestPages_NoEnglishStatusWord(t *testing.T) {
	srv := crawledSite(t)
	queue := []string{"/", "/channels", "/cases", "/documents", "/search?q=" + url.QueryEscape("检察"), "/channels/gzbg/gaps", "/channels/gjybs/gaps"}
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < 150 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		code, page, h := get(t, srv.URL+path)
		if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			continue
		}
		if code >= 500 {
			t.Errorf("%s: %d", path, code)
		}
		if m := statusWords.FindString(visibleText(page)); m != "" {
			t.Errorf("%s shows %q: …%s…", path, m, around(visibleText(page), m))
		}
		for _, l := range hrefs.FindAllStringSubmatch(page, -1) {
			if u := strings.ReplaceAll(l[1], "&amp;", "&"); !strings.HasPrefix(u, "/static/") && !strings.HasPrefix(u, "/api/") && !strings.HasPrefix(u, "/media/") {
				queue = append(queue, u)
			}
		}
	}
	if !seen["/channels/gzbg/gaps"] || len(seen) < 40 {
		t.Errorf("visited %d pages", len(seen))
	}
	// A channel outside the table is named as the site's navigation names
	// it, never by its folder.
	for _, p := range []string{"/", "/search?q=" + url.QueryEscape("检察")} {
		_, page, _ := get(t, srv.URL+p)
		if text := visibleText(page); !strings.Contains(text, "地方动态") || regexp.MustCompile(`\bdfjcdt\b`).MatchString(text) {
			t.Errorf("%s: 地方动态 named by its folder, or not at all", p)
		}
	}
}

func around(s, w string) string {
	i := strings.Index(s, w)
	r := []rune(s[max(0, i-60):])
	return string(r[:min(len(r), 60)])
}
