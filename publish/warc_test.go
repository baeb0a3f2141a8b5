package publish_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/store"

	"github.com/nlnwa/gowarc/v3"
)

// A WARC export holds a response record for the canonical URL of every
// article, a cross-post included, whichever of its URLs was stored first.
func TestExport_WARCHasCanonicalURL(t *testing.T) {
	tt := testArticle(3) // in 头条
	tt.Aliases = nil
	own := *tt
	own.URL, own.Channel, own.ChannelPath = strings.Replace(tt.URL, "/spp/tt/", "/spp/gjybs/", 1), "最高检新闻", "/spp/gjybs/"
	// 头条's copy as the site may serve it: its breadcrumb names the
	// article's own channel.
	crumb := *tt
	crumb.Channel, crumb.ChannelPath = own.Channel, own.ChannelPath
	for _, order := range [][]*sppcrawl.Article{{tt, &own}, {&own, tt}, {&crumb, &own}, {&own, &crumb}} {
		db, _ := openTestDB(t)
		ctx := context.Background()
		for _, a := range append(order, testArticle(10), testArticle(11), testArticle(12)) {
			a := *a
			raw := &sppcrawl.RawPage{URL: a.URL, Status: 200, ContentType: "text/html", Body: []byte("<html>" + a.Channel + "</html>")}
			if _, err := db.Upsert(ctx, &a, raw); err != nil {
				t.Fatal(err)
			}
		}
		responses := warcResponses(t, db)
		err := db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
			if responses[a.URL] == 0 {
				t.Errorf("%s (crumb %s) first: no response record for %s, the canonical URL of %s (records for %v)", order[0].URL, order[0].ChannelPath, a.URL, a.ID, responses)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// warcResponses exports db as WARC and counts its response records by
// target URI.
func warcResponses(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.warc.gz")
	out, err := publish.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Export(context.Background(), db, out, publish.ExportOptions{Format: "warc", Software: "sppcrawl/test", Out: path}); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := gowarc.NewWarcFileReader(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	targets := map[string]int{}
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		if rec.WarcRecord.Type() == gowarc.Response {
			targets[rec.WarcRecord.WarcHeader().Get(gowarc.WarcTargetURI)]++
		}
		rec.Close()
	}
	return targets
}
