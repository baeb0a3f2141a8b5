package store_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/store"
)

// bbolt's freelist is written to the file: without it, every read-write
// open (every cron run) reads the whole archive to rebuild the list.
func TestOpen_FreelistPersisted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	for i := range 20 {
		a := newArticle(fmt.Sprint("spp-", i), fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i), "正文")
		if _, err := db.Upsert(context.Background(), a, rawFor(a)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Both meta pages: a 16-byte page header, then magic, version, page size,
	// flags (4 bytes each), the root bucket (16), the freelist's page id.
	pageSize := int(binary.LittleEndian.Uint32(b[24:28]))
	for _, off := range []int{0, pageSize} {
		if free := binary.LittleEndian.Uint64(b[off+48 : off+56]); free == ^uint64(0) {
			t.Errorf("meta page at %d: no freelist written (NoFreelistSync)", off)
		}
	}
}

// reextract writes only what changed, and in batches: an archive whose
// pages extract as before costs no commit at all.
func TestReextract_CommitsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	const n = 40
	url := func(i int) string { return fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i) }
	for i := range n {
		a := newArticle(fmt.Sprint("spp-", i), url(i), "正文")
		if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
			t.Fatal(err)
		}
	}
	reextract := func(paragraph string) (store.ReextractResult, uint64) {
		before := db.Counters().Commits
		res, err := db.Reextract(ctx, func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
			return newArticle(sites.Default().ArticleID(raw.URL), raw.URL, paragraph), nil
		}, func(id string, err error) { t.Errorf("%s: %v", id, err) }, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, db.Counters().Commits - before
	}
	if res, commits := reextract("正文"); res.Unchanged != n || commits != 0 {
		t.Errorf("unchanged archive: %+v in %d commits, want %d unchanged in 0", res, commits, n)
	}
	if res, commits := reextract("更正后的正文"); res.Changed != n || commits != 1 {
		t.Errorf("every article changed: %+v in %d commits, want %d changed in one", res, commits, n)
	}
}
