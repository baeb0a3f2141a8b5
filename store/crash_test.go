package store_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sppcrawl"

	"sppcrawl/internal/child"
	"sppcrawl/store"
)

// crashChild is the child of TestCrash: it upserts from several goroutines
// until killed, printing "committed <id>" after each Upsert returns.
func crashChild() int {
	path := os.Getenv("SPPCRAWL_CRASH_DB")
	db, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Println("open error:", err)
		return 2
	}
	run := os.Getenv("SPPCRAWL_CRASH_RUN")
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("spp-%s%d%06d", run, g, i)
				a := newArticle(id, "https://www.spp.gov.cn/spp/tt/202608/t20260805_"+strings.TrimPrefix(id, "spp-")+".shtml", "正文 "+id)
				img := "https://www.spp.gov.cn/spp/tt/2026-08/05/" + id + "/images/a.jpg"
				a.Images = []sppcrawl.Image{{URL: img}}
				raw := rawFor(a)
				raw.Body = []byte(strings.Repeat("<p>正文</p>", 2000))
				if _, err := db.Upsert(context.Background(), a, raw); err != nil {
					fmt.Println("upsert error:", err)
					os.Exit(2)
				}
				// Its image: shared content every third article, 64 KiB each,
				// so kills land in file writes too.
				pic := bytes.Repeat([]byte(id[len(id)-1:]), 64<<10)
				if i%3 == 0 {
					pic = bytes.Repeat([]byte{'s'}, 64<<10)
				}
				if _, _, err := db.PutMedia(context.Background(), []string{id}, img, pic, "image/jpeg", time.Now()); err != nil {
					fmt.Println("media error:", err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Println("committed", id+"@1")
				mu.Unlock()
				if i%3 != 2 {
					continue
				}
				// A correction of this article: version 2, its page kept beside
				// the first one's.
				b := newArticle(id, a.URL, "正文 "+id, "更正")
				res, err := db.Upsert(context.Background(), b, raw)
				if err != nil || res.Version != 2 {
					fmt.Println("update error:", err, res)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Println("committed", id+"@2")
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return 0
}

// TestCrash SIGKILLs a child that is upserting, 20 times after a random
// number of commits;
// after each, the archive opens, holds every article the child reported as
// committed exactly once, and its seqs are unique and increasing.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	committed := map[string]int{} // id → highest version reported committed
	for run := range 20 {
		cmd := child.Command("crash", "SPPCRAWL_CRASH_DB="+path, fmt.Sprint("SPPCRAWL_CRASH_RUN=", run%10, run/10))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Killed after a random number of commits, so every kill lands
		// mid-stream (writes of the four goroutines in flight): an event to
		// wait for, not a moment.
		deadline := time.After(30 * time.Second)
		killAt, commits := 1+rand.IntN(40), 0
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				idv, found := strings.CutPrefix(l, "committed ")
				if !found {
					t.Fatalf("child: %s", l)
				}
				id, v, _ := strings.Cut(idv, "@")
				committed[id] = max(committed[id], int(v[0]-'0'))
				if commits++; commits == killAt {
					cmd.Process.Signal(syscall.SIGKILL)
				}
			case <-deadline:
				cmd.Process.Kill()
				t.Fatal("child made no progress")
			}
		}
		cmd.Wait()

		db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("run %d: open after SIGKILL: %v", run, err)
		}
		ctx := context.Background()
		seen := map[string]bool{}
		var last uint64
		err = db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
			if seen[a.ID] {
				return fmt.Errorf("%s twice", a.ID)
			}
			seen[a.ID] = true
			if a.Seq <= last {
				return fmt.Errorf("seq %d after %d", a.Seq, last)
			}
			last = a.Seq
			return nil
		})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for id, v := range committed {
			if !seen[id] {
				t.Fatalf("run %d: committed %s is missing", run, id)
			}
			if v < 2 {
				continue
			}
			vs, err := db.Versions(ctx, id)
			if err != nil || len(vs) != 2 {
				t.Fatalf("run %d: %s committed at v2 has %d versions: %v", run, id, len(vs), err)
			}
			for _, ver := range vs {
				if _, err := db.VersionRaw(ctx, id, ver.Version); err != nil {
					t.Fatalf("run %d: %s v%d: %v", run, id, ver.Version, err)
				}
			}
		}
		rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
		if err != nil {
			t.Fatalf("run %d: verify: %v", run, err)
		}
		due := 0
		for _, p := range rep.Problems {
			// A file written but not yet indexed when the kill came is an
			// orphan, the image of an article stored just before it is due;
			// anything else is damage.
			switch p.Kind {
			case "orphan":
			case "due":
				due++
			default:
				t.Fatalf("run %d: verify: %+v", run, p)
			}
		}
		if got, want := due, unarchived(t, db); got != want {
			t.Fatalf("run %d: %d images due, %d stored articles without their image's file", run, got, want)
		}
		if n, _ := db.Count(ctx); n != len(seen) {
			t.Fatalf("run %d: count %d, seq index %d", run, n, len(seen))
		}
		db.Close()
	}
	// Read-write, verify removes the orphans; then nothing is left to say.
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Verify(context.Background(), func(*sppcrawl.RawPage) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	rep, err = db.Verify(context.Background(), func(*sppcrawl.RawPage) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if p.Kind != "due" {
			t.Errorf("second verify: %+v", p)
		}
	}
	t.Logf("%d articles committed over 20 kills", len(committed))
}

// A media file the archive does not index (a crash between writing it and
// indexing it) is found by verify and removed; an indexed file that is gone
// is a problem.
func TestVerify_MediaFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	a := newArticle("spp-1", u1, "一")
	img := "https://www.spp.gov.cn/spp/jczdal/2026-08/05/1/images/a.jpg"
	a.Images = []sppcrawl.Image{{URL: img}}
	db.Upsert(ctx, a, nil)
	sha, _, err := db.PutMedia(ctx, []string{"spp-1"}, img, []byte("jpeg bytes"), "image/jpeg", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(path+".media", "ab", "cd", strings.Repeat("ab", 32))
	os.MkdirAll(filepath.Dir(orphan), 0o755)
	os.WriteFile(orphan, []byte("stray"), 0o644)
	rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Kind != "orphan" {
		t.Fatalf("verify: %v %+v", err, rep.Problems)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Error("the orphan file was not removed")
	}
	_, file, _ := db.Media(ctx, sha)
	os.Remove(file)
	rep, _ = db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != "missing" {
		t.Errorf("verify with an indexed file gone: %+v", rep.Problems)
	}
	st, _ := db.Get(ctx, "spp-1")
	if st.Images[0].SHA256 != sha || st.Images[0].Size != 10 || st.Images[0].ContentType != "image/jpeg" {
		t.Errorf("image entry %+v", st.Images[0])
	}
}

// TestConcurrentReaders runs readers against a writer (meant for -race).
func TestConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	const n = 200
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			a := newArticle(fmt.Sprint("spp-", i), fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i), fmt.Sprint("正文", i))
			if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			var after uint64
			for seen := 0; seen < n; {
				got, err := db.Since(ctx, after, 17)
				if err != nil {
					t.Error(err)
					return
				}
				for _, a := range got {
					if a.Seq <= after {
						t.Errorf("seq %d not after %d", a.Seq, after)
					}
					after = a.Seq
					seen++
					a.Title += "!" // readers own what they get
				}
				db.Count(ctx)
				db.CountByChannel(ctx)
			}
		})
	}
	wg.Wait()
}

// unarchived counts the stored articles whose image has no file.
func unarchived(tb testing.TB, db *store.DB) int {
	tb.Helper()
	n := 0
	err := db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		for _, im := range a.Images {
			if im.SHA256 == "" {
				n++
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// A media index entry that does not decode is a problem verify names, not
// the end of the check; its file is kept (it may be that entry's), and the
// repair sets the entry aside and indexes the file again.
func TestVerify_UndecodableMediaEntry(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	a := newArticle("spp-1", u1, "一")
	img := "https://www.spp.gov.cn/spp/jczdal/2026-08/05/1/images/a.jpg"
	a.Images = []sppcrawl.Image{{URL: img}}
	db.Upsert(ctx, a, nil)
	sha, _, err := db.PutMedia(ctx, []string{"spp-1"}, img, []byte("jpeg bytes"), "image/jpeg", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CorruptRecord(db, "media", sha); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil || !slices.ContainsFunc(rep.Problems, func(p store.Problem) bool { return p.Kind == "undecodable" }) {
		t.Fatalf("verify: %v %+v, want the entry named as undecodable", err, rep.Problems)
	}
	if _, err := os.Stat(filepath.Join(path+".media", sha[:2], sha[2:4], sha)); err != nil {
		t.Fatalf("the file of the undecodable entry was removed: %v", err)
	}
	if _, err := db.Repair(ctx, func(*sppcrawl.RawPage) (*sppcrawl.Article, error) { return nil, errors.New("not needed") }); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil }); err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after the repair: %v %+v", err, rep.Problems)
	}
	if info, _, err := db.Media(ctx, sha); err != nil || info.SHA256 != sha {
		t.Errorf("the file indexed again: %+v %v", info, err)
	}
}
