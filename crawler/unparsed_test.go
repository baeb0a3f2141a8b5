package crawler_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
	"sppcrawl/sites"
)

// newTemplate is an article page of a template spp's adapter does not
// know: its title in an h2, its body in a section.
const newTemplate = `<!DOCTYPE html><html><head><meta charset="UTF-8"><title>改版后的页面_中华人民共和国最高人民检察院</title></head>
<body><div class="new_layout"><h2>改版后的页面</h2><time>2026-11-20</time><section>正文换了容器。</section></div></body></html>`

// correctedParser reads newTemplate, as an adapter corrected for it would.
func correctedParser(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
	m := regexp.MustCompile(`<h2>(.*?)</h2><time>(.*?)</time><section>(.*?)</section>`).FindStringSubmatch(string(raw.Body))
	if m == nil {
		return nil, errNotNew
	}
	pub, _ := time.ParseInLocation("2006-01-02", m[2], sppcrawl.CST())
	a := &sppcrawl.Article{ID: sites.Default().ArticleID(raw.URL), URL: raw.URL, ChannelPath: sites.Default().ChannelPath(raw.URL),
		Title: m[1], PublishedAt: pub, Paragraphs: []string{m[3]}, BodyHTML: "<p>" + m[3] + "</p>"}
	a.ContentHash = a.ComputeHash()
	return a, nil
}

var errNotNew = errorString("not the new template")

type errorString string

func (e errorString) Error() string { return string(e) }

// keeper is an archive that keeps pages of no known template and reads
// them again: both backends.
type keeper interface {
	crawler.Archive
	GetByURL(ctx context.Context, url string) (*sppcrawl.Stored, error)
	Unparsed(ctx context.Context) ([]string, error)
	Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
		failed func(id string, err error), progress func(done, total int)) (sppcrawl.ReextractResult, error)
}

// A page of no known template at an article URL: the run names it in a
// warning and in its channel's state, and keeps its raw page; once the
// adapter reads it, reextract stores the article and forgets the failure;
// on both backends.
func TestCrawl_UnknownTemplateKeptForReextract(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { unknownTemplateKept(t, openStore(t)) })
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		unknownTemplateKept(t, db)
	})
}

func unknownTemplateKept(t *testing.T, db keeper) {
	s := loadSite(t)
	srv := serve(t, s)
	odd := ""
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gjgb/") {
			odd = p
			break
		}
	}
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == odd {
			w.Write([]byte(newTemplate))
			return true
		}
		return false
	})
	ctx := context.Background()
	oddURL := "https://www.spp.gov.cn" + odd
	sum, _ := runOnce(t, fullConfig(t, srv, "gjgb"), db)
	if sum.Outcome != sppcrawl.RunFailures || !slices.ContainsFunc(sum.Warnings, func(w string) bool { return strings.Contains(w, "no known layout ("+oddURL+")") }) {
		t.Errorf("summary %s: want a warning naming %s", sum, oddURL)
	}
	if st, _ := db.ChannelState(ctx, "/spp/gjgb/"); len(st.Drift) != 1 || !strings.Contains(st.Drift[0], oddURL) {
		t.Errorf("gjgb's state drift %q: want the page named", st.Drift)
	}
	if kept, err := db.Unparsed(ctx); err != nil || !slices.Equal(kept, []string{oddURL}) {
		t.Fatalf("pages kept unparsed: %q, %v; want %s", kept, err, oddURL)
	}
	res, err := db.Reextract(ctx, func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		if a, err := correctedParser(raw); err == nil {
			return a, nil
		}
		return sites.Default().ParseArticle(raw.Body, raw.URL, raw.ContentType)
	}, func(string, error) {}, nil)
	if err != nil || res.Recovered != 1 || res.Unparsed != 0 || res.Failed != 0 {
		t.Fatalf("reextract: %s, %v; want the kept page stored", res, err)
	}
	a, err := db.GetByURL(ctx, oddURL)
	if err != nil || a == nil || a.Title != "改版后的页面" || !slices.Equal(a.Paragraphs, []string{"正文换了容器。"}) {
		t.Errorf("stored after reextract: %+v, %v", a, err)
	}
	if _, failed, _ := db.Failure(ctx, oddURL); failed {
		t.Errorf("%s still in the failure log after reextract stored it", oddURL)
	}
	if kept, _ := db.Unparsed(ctx); len(kept) != 0 {
		t.Errorf("pages kept unparsed after reextract: %q", kept)
	}
}
