package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

// noEarlier is an archive with no earlier versions: all the writer reads.
type noEarlier struct{ Archive }

func (noEarlier) EarlierVersions(context.Context, string) ([]*sppcrawl.Article, error) {
	return nil, nil
}

// newIndex is an index in a folder of the test's, closed when it ends.
func newIndex(t *testing.T) *Index {
	t.Helper()
	ix := openT(t, filepath.Join(t.TempDir(), "x.search"), nil)
	t.Cleanup(func() { ix.Close() })
	return ix
}

// indexT indexes batch as one batch read after the watermark wm, and
// returns the new watermark and what was written.
func indexT(t *testing.T, ix *Index, wm int64, batch []*sppcrawl.Article) (int64, Report) {
	t.Helper()
	var rep Report
	wm, err := ix.indexBatch(context.Background(), noEarlier{}, wm, wm+int64(len(batch)), batch, &rep)
	if err != nil {
		t.Fatal(err)
	}
	return wm, rep
}

// TestWriter_QueuedChanges: the FTS tables' writes wait for the end of the
// batch; an article met twice in one batch (indexed, then its text
// replaced) leaves only its last text, and rows written out of rid order
// are all found, long and short terms alike.
func TestWriter_QueuedChanges(t *testing.T) {
	ix := newIndex(t)
	ctx := context.Background()
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	art := func(id string, days int, body string) *sppcrawl.Article {
		return &sppcrawl.Article{ID: id, Version: 1, ChannelPath: "/spp/zdgz/", Title: "标题",
			PublishedAt: day.AddDate(0, 0, days), Paragraphs: []string{body}}
	}
	batch := []*sppcrawl.Article{
		art("a", 5, "甲乙丙丁"), art("b", 1, "子丑寅卯"), art("a", 5, "戊己庚辛"), art("c", 3, "辰巳午未"),
	}
	_, rep := indexT(t, ix, 0, batch)
	if rep.Versions != 4 || rep.Removed != 1 {
		t.Errorf("report %+v, want 4 versions written, 1 removed", rep)
	}
	// counted from the docs table, then (a query loaded it) from the cache
	if n, err := ix.versions(ctx); n != 3 || err != nil || ix.cache.loaded() {
		t.Errorf("versions counted %d (%v), want 3: the replaced one is gone", n, err)
	}
	for q, want := range map[string]int{
		"甲乙丙": 0, "甲": 0, "乙丙": 0, "戊己庚": 1, "戊": 1, "己庚": 1,
		"子丑寅卯": 1, "丑": 1, "辰巳": 1, "午未": 1, "标题": 3,
	} {
		m, err := ix.Match(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if m.Total != want {
			t.Errorf("%s: %d results, want %d", q, m.Total, want)
		}
	}
	if n, err := ix.versions(ctx); n != 3 || err != nil || !ix.cache.loaded() {
		t.Errorf("versions from the cache %d (%v), want 3", n, err)
	}
}

// TestVersions_FollowChanges: the count of versions a process without the
// filter cache keeps is counted again once the index changed.
func TestVersions_FollowChanges(t *testing.T) {
	ix := newIndex(t)
	ctx := context.Background()
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	wm := int64(0)
	for i, want := range []int{1, 2, 3} {
		a := &sppcrawl.Article{ID: fmt.Sprint("a", i), Version: 1, ChannelPath: "/spp/zdgz/", Title: "标题", PublishedAt: day}
		wm, _ = indexT(t, ix, wm, []*sppcrawl.Article{a})
		for range 2 {
			if n, err := ix.versions(ctx); n != want || err != nil {
				t.Fatalf("after %d batches: %d versions (%v), want %d", i+1, n, err, want)
			}
		}
	}
}

// TestRid_SiteDays: a channel and a date range are rowid ranges of the
// site's days (+08:00): the first and last minute of a day are in it, the
// minutes around it are not, and results come newest first by the second.
func TestRid_SiteDays(t *testing.T) {
	ix := newIndex(t)
	ctx := context.Background()
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, sppcrawl.CST())
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	var batch []*sppcrawl.Article
	for i, when := range []string{"2025-05-31 23:59", "2025-06-01 00:00", "2025-06-01 12:00", "2025-06-01 23:59", "2025-06-02 00:00"} {
		for _, ch := range []string{"/spp/zdgz/", "/spp/tt/"} {
			batch = append(batch, &sppcrawl.Article{ID: fmt.Sprintf("%s%d", ch, i), Version: 1, ChannelPath: ch, Title: "标题", PublishedAt: at(when)})
		}
	}
	indexT(t, ix, 0, batch)
	m, err := ix.Match(ctx, Request{Query: "标题", Channels: []string{"/spp/zdgz/"}, From: "2025-06-01", To: "2025-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.entries {
		var id string
		if err := ix.sql().QueryRow(`SELECT id FROM docs WHERE rid=?`, e.rid).Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if want := []string{"/spp/zdgz/3", "/spp/zdgz/2", "/spp/zdgz/1"}; !slices.Equal(got, want) {
		t.Errorf("zdgz on 2025-06-01: %v, want %v", got, want)
	}
}
