package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sppcrawl"
	"sppcrawl/store"
)

// TestDB_BackupWhileWriting: a backup of a database into an archive file
// taken while another goroutine keeps storing articles holds the database
// as of one moment: exactly the articles up to one seq, each whole (its
// versions and page: the backup verifies clean), though more were
// committed while the copy read. A second backup to the same file is
// refused.
func TestDB_BackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	pg := mustOpen(t)
	store1 := func(i int) error {
		a := testArticle(i, fmt.Sprint("第", i, "篇"))
		_, err := pg.Upsert(ctx, a, &sppcrawl.RawPage{URL: a.URL, Status: 200, FetchedAt: a.PublishedAt,
			Body: []byte(fmt.Sprintf("<html><body><p>第%d篇</p></body></html>", i))})
		return err
	}
	for i := range 20 {
		mustDo(t, "store", func() error { return store1(i) })
	}
	// The writer goes on from 20; the copy reads its snapshot only once
	// the writer has committed more after the snapshot was taken.
	committed := make(chan int, 1000)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 20; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := store1(i); err != nil {
				done <- err
				return
			}
			select {
			case committed <- i:
			case <-stop:
				done <- nil
				return
			}
		}
	}()
	read := func(ctx context.Context, fn func(sppcrawl.Archive) error) error {
		return pg.ReadAsOf(ctx, func(src sppcrawl.Archive) error {
			for range 5 {
				<-committed // five articles committed after the snapshot
			}
			return fn(src)
		})
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	rep, err := store.BackupFrom(ctx, read, path, wholePage)
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil || rep.Verify.Err() != nil || rep.Bytes == 0 {
		t.Fatalf("backup: %+v, %v", rep, err)
	}
	backup, err := store.Open(path, store.Options{ReadOnly: true, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer backup.Close()
	last, err := backup.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := pg.LastSeq(ctx)
	if last < 20 || last+5 > now {
		t.Errorf("the backup ends at seq %d, the database at %d: want the 5 or more committed meanwhile left out", last, now)
	}
	var want, got []string
	mustDo(t, "read the database", func() error {
		return pg.ForEachJSON(ctx, 0, func(seq uint64, j []byte) error {
			if seq <= last {
				want = append(want, string(j))
			}
			return nil
		})
	})
	mustDo(t, "read the backup", func() error {
		return backup.ForEachJSON(ctx, 0, func(_ uint64, j []byte) error { got = append(got, string(j)); return nil })
	})
	if len(got) != int(last) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the backup holds %d articles, the database %d up to seq %d, or others", len(got), len(want), last)
	}
	if rep.Verify.Articles != int(last) || rep.Verify.RawPages != int(last) {
		t.Errorf("the backup's verify: %s; want %d articles and pages", rep.Verify, last)
	}
	// Tonight's backup replaces last night's, whole.
	n, _ := pg.Count(ctx)
	if rep, err := store.BackupFrom(ctx, pg.ReadAsOf, path, wholePage); err != nil || rep.Verify.Articles != n || rep.Verify.Err() != nil {
		t.Errorf("a backup over the first: %s, %v; want the %d articles now", rep.Verify, err, n)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".backup.db.tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %q", left)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's mode: %v %v; want 0600", fi.Mode(), err)
	}
}
