package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// batchArchive is batch as the records after seq wm, one seq each, with no
// earlier versions; it remembers the most articles one read asked for.
type batchArchive struct {
	noEarlier
	wm      int64
	batch   []*sppcrawl.Article
	maxRead *int
}

func (b batchArchive) SinceSeq(_ context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error) {
	if b.maxRead != nil {
		*b.maxRead = max(*b.maxRead, limit)
	}
	i := max(int(int64(after)-b.wm), 0)
	if i >= len(b.batch) {
		return nil, after, nil
	}
	end := min(i+limit, len(b.batch))
	return b.batch[i:end], uint64(b.wm + int64(end)), nil
}

// indexT indexes batch, read after the watermark wm, in one transaction
// (batch must fit one), and returns the new watermark and what was
// written.
func indexT(t *testing.T, ix *Index, wm int64, batch []*sppcrawl.Article) (int64, Report) {
	t.Helper()
	var rep Report
	next, n, err := ix.indexBatch(context.Background(), batchArchive{wm: wm, batch: batch}, wm, map[string]bool{}, &rep)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(batch) {
		t.Fatalf("one transaction indexed %d of %d articles", n, len(batch))
	}
	return next, rep
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

// TestCatchUp_Bounds: a catch-up decodes readSize articles of the archive
// at a time, and commits a transaction after the read that takes the text
// it holds for the FTS tables to batchBytes, before batchSize articles;
// every article is found after.
func TestCatchUp_Bounds(t *testing.T) {
	defer func(b int) { batchBytes = b }(batchBytes)
	batchBytes = 16 << 10
	ix := newIndex(t)
	ctx := context.Background()
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var batch []*sppcrawl.Article
	for i := range 3 * readSize {
		body := fmt.Sprintf("第%d篇", i) + strings.Repeat("检察机关依法履职", 30)
		batch = append(batch, &sppcrawl.Article{ID: fmt.Sprint(i), Version: 1, ChannelPath: "/spp/zdgz/",
			Title: "标题", PublishedAt: day.AddDate(0, 0, -i), Paragraphs: []string{body}})
	}
	maxRead := 0
	arch := seqArchive{batchArchive{batch: batch, maxRead: &maxRead}}
	var commits []int
	rep, err := ix.CatchUp(ctx, arch, func(done, total int) { commits = append(commits, done) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != len(batch) || rep.Behind != 0 {
		t.Errorf("report %+v, want %d articles, none behind", rep, len(batch))
	}
	if maxRead > readSize {
		t.Errorf("a read of the archive asked for %d articles, want at most %d", maxRead, readSize)
	}
	// ~1 KB of text and grams an article: one read passes the bound
	if want := []int{readSize, 2 * readSize, 3 * readSize}; !slices.Equal(commits, want) {
		t.Errorf("commits after %v articles, want after %v (each read)", commits, want)
	}
	for q, want := range map[string]int{"第7篇": 1, "第150篇": 1, "履职": len(batch), "检": len(batch)} {
		m, err := ix.Match(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if m.Total != want {
			t.Errorf("%s: %d results, want %d", q, m.Total, want)
		}
	}
}

// seqArchive is a batchArchive as CatchUp reads it: with its last seq and
// counts.
type seqArchive struct{ batchArchive }

func (s seqArchive) LastSeq(context.Context) (uint64, error) {
	return uint64(s.wm) + uint64(len(s.batch)), nil
}

func (s seqArchive) CountAfter(_ context.Context, after uint64) (int, error) {
	return max(len(s.batch)-int(int64(after)-s.wm), 0), nil
}

// growingArchive is an archive whose seq log grows while an index trails
// it: one record per article, no earlier versions.
type growingArchive struct {
	noEarlier
	mu   sync.Mutex
	arts []*sppcrawl.Article
}

func (g *growingArchive) add(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for range n {
		i := len(g.arts)
		g.arts = append(g.arts, &sppcrawl.Article{ID: fmt.Sprint(i), Version: 1, ChannelPath: "/spp/zdgz/",
			Title: fmt.Sprintf("第%d篇", i), PublishedAt: day.AddDate(0, 0, -i), Paragraphs: []string{"依法履职"}})
	}
}

func (g *growingArchive) view() seqArchive {
	g.mu.Lock()
	defer g.mu.Unlock()
	return seqArchive{batchArchive{batch: slices.Clone(g.arts)}}
}

func (g *growingArchive) SinceSeq(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error) {
	return g.view().SinceSeq(ctx, after, limit)
}
func (g *growingArchive) LastSeq(ctx context.Context) (uint64, error) { return g.view().LastSeq(ctx) }
func (g *growingArchive) CountAfter(ctx context.Context, after uint64) (int, error) {
	return g.view().CountAfter(ctx, after)
}

// TestIndex_Trail: a trailing index catches up when a signal finds it lag
// records behind, not before, and returns when stopped.
func TestIndex_Trail(t *testing.T) {
	ix := newIndex(t)
	ctx := context.Background()
	arch := &growingArchive{}
	changes, stop, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		ix.Trail(ctx, arch, changes, stop, 10)
	}()
	// The unbuffered channel: a second send returns once the first
	// signal's work is done.
	signal := func() { changes <- struct{}{}; changes <- struct{}{} }
	watermark := func() int64 {
		wm, err := metaInt(ctx, ix.sql(), "watermark")
		if err != nil {
			t.Fatal(err)
		}
		return wm
	}
	arch.add(9)
	signal()
	if wm := watermark(); wm != 0 {
		t.Errorf("9 records behind a lag of 10: caught up to %d, want 0", wm)
	}
	arch.add(3)
	signal()
	if wm := watermark(); wm != 12 {
		t.Errorf("12 records behind a lag of 10: caught up to %d, want 12", wm)
	}
	close(stop)
	<-done
	m, err := ix.Match(ctx, Request{Query: "第11篇"})
	if err != nil || m.Total != 1 {
		t.Errorf("the last article trailed: %d results (%v), want 1", m.Total, err)
	}
}
