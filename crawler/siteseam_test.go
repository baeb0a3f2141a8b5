package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/site/spp"
)

// countingSite is spp.gov.cn with one channel in its table, counting the
// pages its parsers read.
type countingSite struct {
	spp.Site
	lists, articles atomic.Int64
}

func (s *countingSite) Channels() []sppcrawl.Channel {
	return []sppcrawl.Channel{s.ChannelByPath("/spp/jczdal/")}
}

func (s *countingSite) ParseList(body []byte, u, ct string) (*sppcrawl.List, error) {
	s.lists.Add(1)
	return s.Site.ParseList(body, u, ct)
}

func (s *countingSite) ParseArticle(body []byte, u, ct string) (*sppcrawl.Article, error) {
	s.articles.Add(1)
	return s.Site.ParseArticle(body, u, ct)
}

// The crawler reads the site through Config.Site: its table is the default
// channels, its parsers read every page, and no channel outside its table
// is asked for.
func TestCrawl_TakesTheSite(t *testing.T) {
	var mu sync.Mutex
	lists := map[string]bool{}
	files := http.FileServer(http.Dir("../testdata/site"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/index") {
			mu.Lock()
			lists[r.URL.Path[:strings.LastIndexByte(r.URL.Path, '/')+1]] = true
			mu.Unlock()
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	site := &countingSite{}
	db := openStore(t)
	c, err := crawler.New(crawler.Config{Site: site, Origin: srv.URL, Full: true}, db)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(context.Background())
	if err != nil || sum.Created != 62 {
		t.Fatalf("run = %+v, %v; want 62 created", sum, err)
	}
	if got, want := site.lists.Load(), int64(sum.ListPages); got != want || got == 0 {
		t.Errorf("the site's ParseList read %d pages, the run %d list pages", got, want)
	}
	if got := site.articles.Load(); got != 62 {
		t.Errorf("the site's ParseArticle read %d pages, want 62", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lists) != 1 || !lists["/spp/jczdal/"] {
		t.Errorf("lists asked for: %v, want only /spp/jczdal/", lists)
	}
}
