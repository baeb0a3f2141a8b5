package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"

	"sppcrawl/store"
)

// Once the archive holds enough pages, new ones are compressed against a
// dictionary of its recent pages: a page of the same template then costs
// little more than its own text. Every page reads back, before and after,
// and after reopening.
func TestRaw_Dictionary(t *testing.T) {
	tpl, err := os.ReadFile("../testdata/pages/detail-current.html")
	if err != nil {
		t.Fatal(err)
	}
	page := func(i int) []byte {
		return bytes.Replace(tpl, []byte("第一百四十条"), []byte(strings.Repeat(fmt.Sprintf("第%d条正文。", i), 40)), 1)
	}
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 60
	for i := range n {
		a := newArticle(fmt.Sprint("spp-", i), fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i), fmt.Sprint("段", i))
		if _, err := db.Upsert(ctx, a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: page(i)}); err != nil {
			t.Fatal(err)
		}
	}
	before, after := store.RawValueSize(db, "spp-5"), store.RawValueSize(db, "spp-55")
	if after*2 > before {
		t.Errorf("a page stored with the dictionary takes %d bytes, one before it %d", after, before)
	}
	db.Close()
	db = MustOpen(t, path, store.Options{ReadOnly: true})
	for i := range n {
		raw, err := db.Raw(ctx, fmt.Sprint("spp-", i))
		if err != nil || !bytes.Equal(raw.Body, page(i)) {
			t.Fatalf("page %d after reopening: %v", i, err)
		}
	}
	t.Logf("%d bytes before the dictionary, %d after, for a %d-byte page", before, after, len(page(55)))
}

// A raw page is compressed into the room of the record being built: no
// buffer of the page's size allocated per page (they were a tenth of a full
// crawl's allocations), with or without a dictionary.
func TestRaw_CompressAllocs(t *testing.T) {
	tpl, err := os.ReadFile("../testdata/pages/detail-current.html")
	if err != nil {
		t.Fatal(err)
	}
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	var buf bytes.Buffer
	buf.Grow(len(tpl))
	if got := testing.AllocsPerRun(50, func() {
		buf.Reset()
		store.CompressRaw(db, tpl, &buf)
	}); got != 0 {
		t.Errorf("compressing a %d-byte page allocates %.1f times, want 0", len(tpl), got)
	}
	if buf.Len() == 0 || buf.Len() >= len(tpl)/2 {
		t.Errorf("a %d-byte page compressed to %d bytes", len(tpl), buf.Len())
	}
}
