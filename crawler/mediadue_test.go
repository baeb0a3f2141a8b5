package crawler_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"sppcrawl"

	"sppcrawl/crawler"
	"sppcrawl/store"
)

// A crawl SIGKILLed before its media phase leaves its articles' files due
// in the archive: verify and the counts stats and /healthz read say how
// many, and the next plain runs fetch every one of them.
func TestCrawl_MediaAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s := loadSite(t)
	srv := serve(t, s)
	path := t.TempDir() + "/a.db"
	total := int64(len(siteArticles(s)))
	// Killed in the walk, before the news is in: the media phase comes after.
	p := startChild(t, srv, path, "SPPCRAWL_MEDIA=all")
	awaitDetails(t, srv, 0, total/4+rand.Int64N(total/2), p)
	p.Process.Signal(syscall.SIGKILL)
	p.wait()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	unarchived := refsWithoutFile(t, db)
	if unarchived == 0 {
		t.Fatal("the kill left no file unarchived: the test proves nothing")
	}
	counts, err := db.MediaCounts(ctx)
	if err != nil || counts.Due != unarchived {
		t.Fatalf("media counts %+v (%v), want %d due", counts, err, unarchived)
	}
	rep, err := db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := problemsOf(rep, "due"); got != unarchived || rep.Err() == nil {
		t.Fatalf("verify: %d due problems, want %d; err %v", got, unarchived, rep.Err())
	}
	cfg := testConfig(srv.URL)
	cfg.Media = crawler.MediaAll
	for range 2 {
		mustRun(t, cfg, db)
	}
	checkMediaServed(t, db, s)
	if counts, _ := db.MediaCounts(ctx); counts.Due != 0 || counts.DueFiles != 0 {
		t.Errorf("after two plain runs: %+v", counts)
	}
	rep, err = db.Verify(ctx, func(*sppcrawl.RawPage) error { return nil })
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after the runs: %v %+v", err, rep.Problems)
	}
}

// A file that fails on transient errors stays due; one the site answers
// 404 for is recorded missing and is due no more.
func TestCrawl_MediaDueTransient(t *testing.T) {
	s := loadSite(t)
	var img, gone string
	s.mu.Lock()
	for _, a := range s.articles["/spp/tt/"] {
		if a.image && img == "" {
			img = a.imagePath()
		} else if a.image && gone == "" && a.id%3 != 0 {
			gone = a.imagePath()
		}
	}
	delete(s.pages, gone)
	s.mu.Unlock()
	srv := serve(t, s)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == img {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "tt")
	cfg.Media = crawler.MediaAll
	mustRun(t, cfg, db)
	due, err := db.DueMedia(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, d := range due {
		urls = append(urls, strings.TrimPrefix(d.URL, "https://www.spp.gov.cn"))
	}
	if len(urls) == 0 || urls[0] != img || strings.Contains(strings.Join(urls, " "), gone) {
		t.Fatalf("due after a 503 on %s and a 404 on %s: %v", img, gone, urls)
	}
	srv.setFault(nil)
	cfg.Full = false
	mustRun(t, cfg, db)
	if due, _ := db.DueMedia(context.Background()); len(due) != 0 {
		t.Errorf("still due once the site answers: %+v", due)
	}
}

// refsWithoutFile counts the references of stored articles to files on the
// site that the archive does not hold.
func refsWithoutFile(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	err := db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		for _, ref := range a.MediaRefs() {
			if ref.SHA256 == "" {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func problemsOf(rep store.VerifyReport, kind string) int {
	n := 0
	for _, p := range rep.Problems {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

// checkMediaServed asserts every article of the site is stored and every
// image and attachment carries the sha256 of the bytes the site serves, its
// file archived.
func checkMediaServed(t *testing.T, db *store.DB, s *site) {
	t.Helper()
	ctx := context.Background()
	if n, _ := db.Count(ctx); n != len(siteArticles(s)) {
		t.Errorf("%d articles stored, the site has %d", n, len(siteArticles(s)))
	}
	refs := 0
	db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		for _, ref := range a.MediaRefs() {
			refs++
			s.mu.Lock()
			served := s.pages[strings.TrimPrefix(ref.URL, "https://www.spp.gov.cn")]
			s.mu.Unlock()
			sum := sha256.Sum256(served)
			if ref.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s of %s: sha256 %q missing %q, want that of the %d bytes served", ref.URL, a.ID, ref.SHA256, ref.Missing, len(served))
				continue
			}
			if _, _, err := db.Media(ctx, ref.SHA256); err != nil {
				t.Errorf("%s: %v", ref.URL, err)
			}
		}
		return nil
	})
	if refs == 0 {
		t.Error("the site's articles have no images or attachments")
	}
}

// A run whose media files cannot be written (a full disk, here a file where
// the media folder goes) stops with the error; its files stay due, and once
// the disk takes them a plain run archives every one.
func TestCrawl_MediaDueAfterFailedWrite(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	blocker := db.Path() + ".media"
	if err := os.WriteFile(blocker, []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fullConfig(t, srv, "")
	cfg.Media = crawler.MediaAll
	if _, err := runOnce(t, cfg, db); err == nil {
		t.Fatal("the run wrote its media files where it cannot")
	}
	unarchived := refsWithoutFile(t, db)
	if counts, _ := db.MediaCounts(context.Background()); unarchived == 0 || counts.Due != unarchived {
		t.Fatalf("after the failed writes: %+v, %d references without a file", counts, unarchived)
	}
	os.Remove(blocker)
	cfg.Full = false
	mustRun(t, cfg, db)
	checkMediaServed(t, db, s)
}
