package search

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// logEvents is a slog handler that hands each message to a channel: a test
// awaits what a goroutine logs instead of sleeping.
type logEvents chan string

func (l logEvents) Enabled(context.Context, slog.Level) bool { return true }
func (l logEvents) Handle(_ context.Context, r slog.Record) error {
	l <- r.Message
	return nil
}
func (l logEvents) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logEvents) WithGroup(string) slog.Handler      { return l }

// await reads messages until one starts with prefix (failing after a
// minute without it: a bound, not a pause).
func (l logEvents) await(t *testing.T, prefix string) {
	t.Helper()
	limit := time.After(time.Minute)
	for {
		select {
		case m := <-l:
			if strings.HasPrefix(m, prefix) {
				return
			}
		case <-limit:
			t.Fatalf("no log message %q within a minute", prefix)
		}
	}
}

// damagedArchive is a test archive of n articles whose index (at the
// returned path, closed) was caught up, then damaged as a failing disk
// leaves a file.
func damagedArchive(t *testing.T, n int) (*store.DB, string) {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, n)
	ix := openT(t, PathFor(path), nil)
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	storetest.Scribble(t, PathFor(path))
	return db, PathFor(path)
}

// scanCount is how many current articles of db hold query, read from
// their text (Query.Matches), not from an index.
func scanCount(t *testing.T, db *store.DB, query string) int {
	t.Helper()
	q, err := ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	arts, _, err := db.SinceSeq(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range arts {
		if q.Matches(a) {
			n++
		}
	}
	return n
}

// A process that follows the archive (serve) makes a damaged index again
// as soon as the damage is found (here by its own catch-up of articles
// stored since; a query's finding wakes it the same way), and answers as
// a scan of the articles does.
func TestFollow_RemakesDamaged(t *testing.T) {
	db, ixPath := damagedArchive(t, 60)
	ctx := context.Background()
	testarchive.Seed(t, db, 60, 70)

	ix, events := following(t, ixPath, db)
	events.await(t, "search index damaged: making it again")
	events.await(t, "search index: 70 articles indexed")

	got, err := ix.Match(ctx, Request{Query: "检察院 第6"})
	if want := scanCount(t, db, "检察院 第6"); err != nil || got.Total != want || want == 0 {
		t.Fatalf("after the repair: %v, %v; the scan finds %d", got, err, want)
	}
	if st, _ := ix.Status(ctx, db); st.Damaged != "" {
		t.Errorf("status after the repair: %+v", st)
	}
}

// following opens the index at path and follows db with it until the
// test ends, its log messages on events.
func following(t *testing.T, path string, db *store.DB) (*Index, logEvents) {
	t.Helper()
	events := make(logEvents, 100)
	ix := openT(t, path, slog.New(events))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ix.Follow(ctx, db, nil); close(done) }()
	t.Cleanup(func() { stop(); <-done; ix.Close() })
	return ix, events
}

// A follower whose catch-ups never read the damaged pages (nothing new to
// index) is woken by the query that met the damage, and makes the file
// again at once, not at the next change.
func TestFollow_WokenByQueryThatMetDamage(t *testing.T) {
	db, ixPath := damagedArchive(t, 60)
	ctx := context.Background()
	ix, events := following(t, ixPath, db)
	events.await(t, "search index: waiting for changes")

	if _, err := ix.Match(ctx, Request{Query: "检察院 第6"}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a query over the damaged file: %v, want ErrDamaged", err)
	}
	events.await(t, "search index damaged: making it again")
	events.await(t, "search index: waiting for changes")
	got, err := ix.Match(ctx, Request{Query: "检察院 第6"})
	if want := scanCount(t, db, "检察院 第6"); err != nil || got.Total != want || want == 0 {
		t.Fatalf("after the repair: %v, %v; the scan finds %d", got, err, want)
	}
}

// An index another process made again (a new file at the path) is
// followed: this one reads the new file, with a cache of its own rows.
func TestMend_FollowsReplacedFile(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 30)
	ctx := context.Background()
	ixPath := PathFor(path)
	events := make(logEvents, 100)
	a := openT(t, ixPath, slog.New(events))
	defer a.Close()
	if _, err := a.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := a.Match(ctx, Request{Query: "第3"})

	if err := removeIndex(ixPath); err != nil {
		t.Fatal(err)
	}
	b := openT(t, ixPath, nil)
	testarchive.Seed(t, db, 30, 40)
	if _, err := b.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if !a.replaced() {
		t.Fatal("the new file is not seen")
	}
	if _, err := a.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	events.await(t, "search index made again by another process")
	after, err := a.Match(ctx, Request{Query: "第3"})
	if err != nil || after.Total <= before.Total {
		t.Fatalf("after following the new file: %v, %v (before: %d)", after, err, before.Total)
	}
}
