package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

// damagedArchive holds articles spp-1…spp-5, the third with two versions,
// and the record of spp-3 damaged.
func damagedArchive(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		id := "spp-" + string(rune('0'+i))
		u := "https://www.spp.gov.cn/spp/tt/202608/t20260805_" + string(rune('0'+i)) + ".shtml"
		a := newArticle(id, u, "正文 "+id)
		if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			b := newArticle(id, u, "正文 "+id, "更正")
			if _, err := db.Upsert(ctx, b, rawFor(b)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := store.CorruptArticle(db, "spp-3"); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// One record that does not decode is skipped by every reader, which says
// so; everything else reads.
func TestDamage_ReadersSkipABadRecord(t *testing.T) {
	db, _ := damagedArchive(t)
	ctx := context.Background()
	var ids []string
	err := db.ForEachJSON(ctx, 0, func(seq uint64, j []byte) error {
		ids = append(ids, string(j[strings.Index(string(j), `"id":"`)+6:][:5]))
		return nil
	})
	skipped, err := store.Partial(err)
	if err != nil || len(skipped) != 1 || len(ids) != 4 || strings.Contains(strings.Join(ids, " "), "spp-3") {
		t.Errorf("ForEachJSON: %v, read %v, skipped %v", err, ids, skipped)
	}
	if !errors.Is(db.ForEach(ctx, 0, func(*sppcrawl.Article) error { return nil }), store.ErrUndecodable) {
		t.Error("ForEach did not say it skipped")
	}
	items, next, err := db.SinceJSON(ctx, 0, 10)
	if _, err := store.Partial(err); err != nil || len(items) != 4 || next != 6 {
		t.Errorf("SinceJSON: %d items, next %d, %v", len(items), next, err)
	}
	chunks, next, err := db.SinceChunks(ctx, 0, 10)
	if _, err := store.Partial(err); err != nil || len(chunks) != 4 || next != 6 {
		t.Errorf("SinceChunks: %d chunks, next %d, %v", len(chunks), next, err)
	}
	latest, err := db.Latest(ctx, 10, nil)
	if _, err := store.Partial(err); err != nil || len(latest) != 4 {
		t.Errorf("Latest: %d, %v", len(latest), err)
	}
	if _, err := db.Get(ctx, "spp-3"); !errors.Is(err, store.ErrUndecodable) {
		t.Errorf("Get of the damaged article: %v", err)
	}
	if recs, _ := db.Damage(); len(recs) == 0 {
		t.Error("the damage met is not noted")
	}
	// A re-verification goes to it, without validators: the answer replaces it.
	due, err := db.DueRechecks(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rc := range due {
		if rc.ID == "spp-3" {
			found = rc.URL != "" && rc.ETag == "" && rc.LastModified == ""
		}
	}
	if !found {
		t.Errorf("rechecks %+v: want spp-3 at its URL, without validators", due)
	}
}

// Fetching the article again replaces the damaged record: the bytes are
// quarantined, the new version follows the earlier ones, nothing else moves.
func TestDamage_FetchReplaces(t *testing.T) {
	db, _ := damagedArchive(t)
	ctx := context.Background()
	u := "https://www.spp.gov.cn/spp/tt/202608/t20260805_3.shtml"
	a := newArticle("spp-3", u, "正文 spp-3", "更正", "再更正")
	if o, err := db.Predict(ctx, a); err != nil || o != sppcrawl.Created {
		t.Errorf("Predict: %v %v", o, err)
	}
	res, err := db.Upsert(ctx, a, rawFor(a))
	if err != nil || res.Outcome != sppcrawl.Created || res.Version != 2 {
		t.Fatalf("upsert over a damaged record: %+v %v (want created as version 2: version 1 is kept, 2 was lost)", res, err)
	}
	got, err := db.Get(ctx, "spp-3")
	if err != nil || got.ContentHash != a.ComputeHash() || got.URL != u {
		t.Fatalf("after: %v %v", got, err)
	}
	if n, _ := db.Count(ctx); n != 5 {
		t.Errorf("%d articles, want 5", n)
	}
	if q, _ := db.Quarantined(ctx); q != 1 {
		t.Errorf("%d quarantined, want 1", q)
	}
	vs, err := db.Versions(ctx, "spp-3")
	if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 {
		t.Errorf("versions %+v %v", vs, err)
	}
	if err := db.ForEach(ctx, 0, func(*sppcrawl.Article) error { return nil }); err != nil {
		t.Errorf("a read after the repair: %v", err)
	}
	rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after: %v %+v", err, rep.Problems)
	}
}

// Repair quarantines every record that does not decode (kept aside, never
// deleted) and makes the articles' URLs due for a fetch.
func TestDamage_Repair(t *testing.T) {
	db, _ := damagedArchive(t)
	ctx := context.Background()
	if err := store.CorruptRecord(db, "channels", "/spp/tt/"); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil || len(rep.Problems) < 2 {
		t.Fatalf("verify: %v %+v", err, rep.Problems)
	}
	if st, err := db.ChannelState(ctx, "/spp/tt/"); err != nil || st.Path != "/spp/tt/" {
		t.Errorf("a damaged channel state reads as a fresh one: %+v %v", st, err)
	}
	if err := store.CorruptArticle(db, "spp-5"); err != nil {
		t.Fatal(err)
	}
	// spp-3's page rebuilds it; spp-5's does not parse: it is fetched again.
	parse := func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		if strings.HasSuffix(raw.URL, "_5.shtml") {
			return nil, errors.New("no longer parses")
		}
		return newArticle("spp-3", raw.URL, "正文 spp-3", "更正"), nil
	}
	rr, err := db.Repair(ctx, parse)
	if err != nil || len(rr.Quarantined) != 3 || len(rr.Rebuilt) != 1 || rr.Rebuilt[0] != "spp-3" ||
		len(rr.Requeued) != 1 || rr.Requeued[0] != "https://www.spp.gov.cn/spp/tt/202608/t20260805_5.shtml" {
		t.Fatalf("repair: %+v %v", rr, err)
	}
	if got, err := db.Get(ctx, "spp-3"); err != nil || got.Version != 2 {
		t.Errorf("rebuilt spp-3: %v %v, want version 2 again (the one lost), after the kept 1", got, err)
	}
	f, ok, err := db.Failure(ctx, rr.Requeued[0])
	if err != nil || !ok || f.NextRetry.After(time.Now()) {
		t.Errorf("requeued: %+v %v %v", f, ok, err)
	}
	if rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil }); err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after repair: %v %+v", err, rep.Problems)
	}
	if n, _ := db.Count(ctx); n != 4 {
		t.Errorf("%d articles, want the 3 that decode and the one rebuilt", n)
	}
}

// A file cut short, or with bytes flipped, is an error in words on open or
// read, never a panic; verify opens it anyway (Salvage) and says what is
// damaged.
func TestDamage_File(t *testing.T) {
	db, path := damagedArchive(t)
	db.Close()
	fi, _ := os.Stat(path)
	cut := filepath.Join(t.TempDir(), "cut.db")
	b, _ := os.ReadFile(path)
	os.WriteFile(cut, b[:fi.Size()/2], 0o644)
	if _, err := store.Open(cut, store.Options{ReadOnly: true}); !errors.Is(err, store.ErrDamaged) {
		t.Errorf("open of a file cut short: %v", err)
	}
	if _, err := store.Open(cut, store.Options{}); err == nil {
		t.Error("read-write open of a file cut short succeeded")
	}
	s, err := store.Open(cut, store.Options{Salvage: true})
	if err != nil {
		t.Fatalf("salvage open: %v", err)
	}
	defer s.Close()
	rep, err := s.Verify(context.Background(), func(*sppcrawl.RawPage) error { return nil })
	if err != nil || len(rep.Problems) == 0 || rep.Problems[0].Kind != "damaged" {
		t.Errorf("verify of a file cut short: %v %+v", err, rep.Problems)
	}
	// Zeroed pages in the middle: reads fail in words.
	zero := filepath.Join(t.TempDir(), "zero.db")
	for i := 4096 * 3; i < len(b) && i < 4096*12; i++ {
		b[i] = 0
	}
	os.WriteFile(zero, b, 0o644)
	z, err := store.Open(zero, store.Options{ReadOnly: true, Salvage: true})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer z.Close()
	err = z.ForEach(context.Background(), 0, func(*sppcrawl.Article) error { return nil })
	if err != nil && !errors.Is(err, store.ErrDamaged) && !errors.Is(err, store.ErrUndecodable) {
		t.Errorf("read of zeroed pages: %v", err)
	}
}

// A backup of an archive being written is a consistent copy that verifies.
func TestBackup_Live(t *testing.T) {
	dir := t.TempDir()
	db := MustOpen(t, filepath.Join(dir, "a.db"), store.Options{})
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			id := "spp-" + strconv.Itoa(100+i)
			a := newArticle(id, "https://www.spp.gov.cn/spp/tt/202608/t20260805_"+strconv.Itoa(100+i)+".shtml", "正文 "+id)
			if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
				done <- err
				return
			}
		}
	}()
	var reports []store.BackupReport
	for i := range 3 {
		rep, err := db.Backup(ctx, filepath.Join(dir, "b"+strconv.Itoa(i)+".db"), func(*sppcrawl.RawPage) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, rep)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		if err := rep.Verify.Err(); err != nil || rep.Bytes == 0 {
			t.Errorf("backup %s: %d bytes, %v %+v", rep.Path, rep.Bytes, err, rep.Verify.Problems)
		}
		b, err := store.Open(rep.Path, store.Options{ReadOnly: true, MustExist: true})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := b.Count(ctx); n != rep.Verify.Articles {
			t.Errorf("backup %s: count %d, verified %d", rep.Path, n, rep.Verify.Articles)
		}
		b.Close()
	}
	if _, err := db.Backup(ctx, filepath.Join(dir, "a.db"), nil); err == nil {
		t.Error("a backup over the archive itself was written")
	}
}

// A file that kept its articles but lost their index pages (URLs, content
// hashes, channel entries): the repair writes the entries again, so the
// articles are found by URL and listed in their channel, and verify finds
// nothing wrong.
func TestDamage_RepairLostIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	ctx := context.Background()
	a := newArticle("spp-1", "https://www.spp.gov.cn/spp/tt/202608/t20260805_1.shtml", "正文")
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	if err := store.DropIndexEntries(db); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil }); err != nil || len(rep.Problems) == 0 {
		t.Fatalf("verify of the archive without its indexes: %v %+v, want problems", err, rep.Problems)
	}
	rr, err := db.Repair(ctx, func(*sppcrawl.RawPage) (*sppcrawl.Article, error) { return nil, errors.New("not needed") })
	if err != nil || rr.Reindexed != 3 {
		t.Fatalf("repair: %+v %v, want 3 index entries written again", rr, err)
	}
	if ok, err := db.HasURL(ctx, a.URL); err != nil || !ok {
		t.Errorf("the article by its URL after the repair: %v %v", ok, err)
	}
	if rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil }); err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after the repair: %v %+v", err, rep.Problems)
	}
}
