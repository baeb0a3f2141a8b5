package search

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// handArchive is an archive written as a crawl writes it, each article
// created handed over after its upsert.
type handArchive struct {
	t    *testing.T
	db   *store.DB
	hand *Handoff
}

func newHandArchive(t *testing.T) *handArchive {
	db, _ := testarchive.Open(t, store.Options{})
	return &handArchive{t: t, db: db, hand: NewHandoff()}
}

// upsert stores a, handing it over when hand.
func (h *handArchive) upsert(a *sppcrawl.Article, hand bool) {
	h.t.Helper()
	res, err := h.db.Upsert(context.Background(), a, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if hand {
		h.hand.Stored(a, res)
	}
}

func (h *handArchive) seed(from, to int, hand bool) {
	for i := from; i < to; i++ {
		h.upsert(testarchive.Article(i), hand)
	}
}

// withdraw has the site answer article i gone on two runs.
func (h *handArchive) withdraw(i int) {
	h.t.Helper()
	for _, run := range []time.Time{time.Now(), time.Now().Add(time.Hour)} {
		if _, err := h.db.RecordGone(context.Background(), testarchive.Article(i).URL, run, "404"); err != nil {
			h.t.Fatal(err)
		}
	}
}

// catchUp is a new index caught up with the archive, taking what hand
// holds (nil: all read back).
func (h *handArchive) catchUp(hand *Handoff) (*Index, Report) {
	h.t.Helper()
	ix, err := Open(filepath.Join(h.t.TempDir(), "a.search"), Options{Handoff: hand})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { ix.Close() })
	rep, err := ix.CatchUp(context.Background(), h.db, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return ix, rep
}

// An index built from what the crawl handed over is the one read back
// from the archive, row for row and byte for byte, whatever the log did
// after the hand-off: seqs another writer gave, versions replacing the
// ones handed over, withdrawals, text the archive does not give back as
// it was handed.
func TestHandoff_SameIndex(t *testing.T) {
	notUTF8 := testarchive.Article(40)
	notUTF8.Paragraphs = append(slices.Clone(notUTF8.Paragraphs), "坏\xff字节")
	for _, c := range []struct {
		name       string
		write      func(*handArchive)
		wantHanded int
	}{
		{"all handed", func(h *handArchive) { h.seed(0, 150, true) }, 150},
		{"another writer's seqs between", func(h *handArchive) {
			h.seed(0, 50, true)
			h.seed(50, 60, false)
			h.seed(60, 120, true)
		}, 50 + 120 - (50 + readSize)}, // the gap is read back with the readSize records from it
		{"a version handed over replaced", func(h *handArchive) {
			h.seed(0, 30, true)
			h.upsert(testarchive.Corrections()[0], true) // an update: read back
		}, 0},
		{"an article handed over withdrawn", func(h *handArchive) {
			h.seed(0, 30, true)
			h.withdraw(5)
		}, 0},
		{"text JSON does not keep", func(h *handArchive) {
			h.seed(0, 10, true)
			h.upsert(notUTF8, true)
			h.seed(10, 20, true)
		}, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHandArchive(t)
			c.write(h)
			byHand, rep := h.catchUp(h.hand)
			read, want := h.catchUp(nil)
			if rep.Handed != c.wantHanded || want.Handed != 0 {
				t.Errorf("handed over %d, read back %d; want %d, 0", rep.Handed, want.Handed, c.wantHanded)
			}
			if rep.Articles != want.Articles || rep.Versions != want.Versions {
				t.Errorf("by hand-off %+v, read back %+v", rep, want)
			}
			sameIndex(t, byHand, read, h.db)
			if n := len(h.hand.docs); n != 0 {
				t.Errorf("the hand-off holds %d after the catch-up, want 0", n)
			}
		})
	}
}

// sameIndex fails unless a and b hold the same tables (the FTS5 tables'
// segments too) and answer the same.
func sameIndex(t *testing.T, a, b *Index, arch Archive) {
	t.Helper()
	ta, tb := indexTables(t, a), indexTables(t, b)
	if len(ta) < 10 {
		t.Fatalf("only %d tables", len(ta))
	}
	for name, rows := range ta {
		if !slices.Equal(rows, tb[name]) {
			t.Errorf("table %s: by hand-off %d rows, read back %d, not the same", name, len(rows), len(tb[name]))
		}
	}
	sameAnswers(t, a, b, arch)
}

// sameAnswers fails unless a and b answer a set of queries alike.
func sameAnswers(t *testing.T, a, b *Index, arch Archive) {
	t.Helper()
	for _, q := range []string{"指导性案例", "第一段", "引号", "应勇", "坏", "高检网", "第7", "案"} {
		for _, versions := range []string{"current", "all"} {
			req := Request{Query: q, Versions: versions, Withdrawn: "include", Limit: 100, Facets: []string{"channel", "kind", "year"}}
			ra, err := a.Search(context.Background(), arch, req)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := b.Search(context.Background(), arch, req)
			if err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(ra)
			jb, _ := json.Marshal(rb)
			if string(ja) != string(jb) {
				t.Errorf("%q (%s): by hand-off %d results, read back %d, not the same answer", q, versions, ra.Total, rb.Total)
			}
		}
	}
}

// indexTables is every table of the index file but meta (which holds
// when it was written), its rows in order, printed.
func indexTables(t *testing.T, ix *Index) map[string][]string {
	t.Helper()
	ctx := context.Background()
	rs, err := ix.sql().QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND name != 'meta' AND sql NOT LIKE 'CREATE VIRTUAL%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rs.Next() {
		var n string
		rs.Scan(&n)
		names = append(names, n)
	}
	rs.Close()
	out := map[string][]string{}
	for _, n := range names {
		out[n] = tableRows(t, ix, n)
	}
	return out
}

func tableRows(t *testing.T, ix *Index, name string) []string {
	rs, err := ix.sql().QueryContext(context.Background(), `SELECT * FROM "`+name+`" ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var rows []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, strings.TrimSpace(fmt.Sprintf("%q", vals)))
	}
	return rows
}

// The hand-off holds at most a batch: batchSize articles, batchBytes of
// text; what does not fit, and what is not a creation, is read back.
func TestHandoff_Bounded(t *testing.T) {
	h := NewHandoff()
	for i := range batchSize + 10 {
		a := testarchive.Article(i)
		h.Stored(a, sppcrawl.UpsertResult{Outcome: sppcrawl.Created, ID: a.ID, Seq: uint64(i + 1), Version: 1})
	}
	if n := len(h.docs); n != batchSize {
		t.Errorf("holds %d articles, want %d", n, batchSize)
	}
	for _, o := range []sppcrawl.Outcome{sppcrawl.Updated, sppcrawl.Restored, sppcrawl.Aliased, sppcrawl.Unchanged} {
		a := testarchive.Article(0)
		h := NewHandoff()
		h.Stored(a, sppcrawl.UpsertResult{Outcome: o, ID: a.ID, Seq: 1, Version: 2})
		if len(h.docs) != 0 {
			t.Errorf("an article %s is kept", o)
		}
	}

	defer func(b int) { batchBytes = b }(batchBytes)
	batchBytes = 1000
	w := newHandArchive(t)
	w.seed(0, 20, true)
	if n, b := len(w.hand.docs), w.hand.bytes; n == 0 || n == 20 || b > batchBytes {
		t.Errorf("holds %d articles, %d bytes; want some of 20, at most %d bytes", n, b, batchBytes)
	}
	byHand, rep := w.catchUp(w.hand)
	read, _ := w.catchUp(nil)
	if rep.Handed == 0 || rep.Handed == 20 {
		t.Errorf("handed over %d of 20", rep.Handed)
	}
	// Not the same bytes: a run handed over ends where the hand-off's
	// room did, and the transactions (segments, mod counters) with it.
	sameAnswers(t, byHand, read, w.db)
}
