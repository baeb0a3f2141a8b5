package search

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// caughtUp is a log handler that says on a channel each catch-up Trail
// reports.
type caughtUp chan string

func (c caughtUp) Enabled(context.Context, slog.Level) bool { return true }
func (c caughtUp) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "search index:") {
		select {
		case c <- r.Message:
		default: // the test reads the first only
		}
	}
	return nil
}
func (c caughtUp) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c caughtUp) WithGroup(string) slog.Handler      { return c }

// What is stored while a command runs is indexed as it goes, and stop
// waits for the trail to end.
func TestTrailing(t *testing.T) {
	db, apath := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	events := make(caughtUp, 16)
	stop := Trailing(ctx, PathFor(apath), db, Options{Logger: slog.New(events)}, 1)
	testarchive.Seed(t, db, 0, 3)
	select {
	case msg := <-events:
		if !strings.Contains(msg, "indexed") {
			t.Errorf("the trail said %q", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing indexed while the archive was written")
	}
	stop()
	ix, err := Open(PathFor(apath), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if st, err := ix.Status(ctx, db); err != nil || st.Versions == 0 {
		t.Errorf("after the trail: %+v %v, want versions indexed", st, err)
	}
}

// An index that does not open leaves the trail undone, stop is
// harmless, and the hand-off keeps nothing nobody takes.
func TestTrailing_Unopenable(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	hand := NewHandoff()
	stop := Trailing(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "a.search"), db, Options{Handoff: hand}, 1)
	a := testarchive.Article(1)
	res, err := db.Upsert(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	hand.Stored(a, res)
	if len(hand.docs) != 0 {
		t.Errorf("the hand-off of a trail that never started keeps %d", len(hand.docs))
	}
	stop()
}
