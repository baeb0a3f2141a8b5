package archivetest

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
)

// unparsedArchive is what a backend offers of the pages of no known
// template: the crawl keeps them, reextract lists and reads them.
type unparsedArchive interface {
	sppcrawl.UnparsedKeeper
	Unparsed(ctx context.Context) ([]string, error)
	UnparsedPage(ctx context.Context, url string) (*sppcrawl.RawPage, error)
}

// testUnparsed: a page of no known template is kept whole by URL (the last
// one kept), listed and read back; storing an article at its URL, or at
// an alias, forgets it.
func testUnparsed(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	u, ok := db.(unparsedArchive)
	if !ok {
		t.Fatalf("%T keeps no pages of no known template", db)
	}
	first := rawPage(url1, "旧")
	page := rawPage(url1, "\xd6\xd0\xce\xc4 新") // GB18030 bytes, as fetched
	page.Listed = json.RawMessage(`{"id":"x1"}`)
	for _, p := range []*sppcrawl.RawPage{first, rawPage(urlAlias, "别"), page, rawPage(url3, "三")} {
		must(t, "keep "+p.URL, u.KeepUnparsed(ctx, p))
	}
	wantUnparsed(t, u, url1, url3, urlAlias)
	got, err := u.UnparsedPage(ctx, url1)
	must(t, "read the page kept", err)
	if got == nil || !sameRaw(got, page) {
		t.Errorf("the page kept at %s: %+v, want the last one kept, %+v", url1, got, page)
	}
	if got, err := u.UnparsedPage(ctx, url2); got != nil || err != nil {
		t.Errorf("no page kept at %s: %+v, %v; want nil, nil", url2, got, err)
	}
	if err := u.KeepUnparsed(ctx, rawPage(url2+"?"+strings.Repeat("x", 2100), "长")); err == nil {
		t.Error("a URL over 2 KiB kept; want an error")
	}
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	wantUnparsed(t, u, url3, urlAlias)
	mustUpsert(t, db, article("spp-1", urlAlias, "一"), nil, sppcrawl.Aliased)
	wantUnparsed(t, u, url3)
}

func rawPage(url, body string) *sppcrawl.RawPage {
	return &sppcrawl.RawPage{URL: url, Status: 200, ContentType: "text/html; charset=gb2312",
		ETag: `"e1"`, LastModified: "Wed, 05 Aug 2026 01:56:38 GMT",
		FetchedAt: time.Date(2026, 8, 5, 10, 0, 0, 123000000, time.UTC), Body: []byte(body)}
}

func sameRaw(a, b *sppcrawl.RawPage) bool {
	return a.URL == b.URL && a.Status == b.Status && a.ContentType == b.ContentType && a.ETag == b.ETag &&
		a.LastModified == b.LastModified && a.FetchedAt.Equal(b.FetchedAt) && bytes.Equal(a.Body, b.Body) &&
		bytes.Equal(a.Listed, b.Listed)
}

func wantUnparsed(t *testing.T, u unparsedArchive, want ...string) {
	t.Helper()
	got, err := u.Unparsed(context.Background())
	must(t, "list the pages kept unparsed", err)
	if !slices.Equal(got, want) {
		t.Errorf("pages kept unparsed: %q, want %q", got, want)
	}
}
