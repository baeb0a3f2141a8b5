package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

// leftovers is what of dir's names is not in keep: temporary files a failed
// write should have removed.
func leftovers(tb testing.TB, dir string, keep ...string) []string {
	tb.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var extra []string
	for _, de := range des {
		if !slices.Contains(keep, de.Name()) {
			extra = append(extra, de.Name())
		}
	}
	return extra
}

// A backup that cannot be put in place (a non-empty directory is there:
// the tests run as root, so no permission stops them) fails naming the
// path and leaves no temporary file.
func TestBackup_CannotRename(t *testing.T) {
	dir := t.TempDir()
	db := MustOpen(t, filepath.Join(dir, "a.db"), store.Options{})
	target := filepath.Join(dir, "b.db")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := db.Backup(context.Background(), target, func(*sppcrawl.RawPage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "backup to "+target) {
		t.Fatalf("err = %v, want one naming the backup's path", err)
	}
	if extra := leftovers(t, dir, "a.db", "b.db"); len(extra) > 0 {
		t.Errorf("left behind: %q", extra)
	}
}

// A media file that cannot be put in place is an error naming its URL,
// and the archive indexes nothing for it: never an entry without its file.
func TestPutMedia_CannotRename(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	a := newArticle("spp-1", u1, "一")
	img := "https://www.spp.gov.cn/spp/jczdal/2026-08/05/1/images/a.jpg"
	a.Images = []sppcrawl.Image{{URL: img}}
	if _, err := db.Upsert(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	body := []byte("jpeg bytes")
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	final := filepath.Join(path+".media", sha[:2], sha[2:4], sha)
	if err := os.MkdirAll(filepath.Join(final, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.PutMedia(ctx, []string{"spp-1"}, img, body, "image/jpeg", time.Now())
	if err == nil || !strings.Contains(err.Error(), img) {
		t.Fatalf("err = %v, want one naming %s", err, img)
	}
	if extra := leftovers(t, filepath.Dir(final), sha); len(extra) > 0 {
		t.Errorf("left behind: %q", extra)
	}
	if _, _, err := db.Media(ctx, sha); err == nil {
		t.Error("the file is indexed though it was never written")
	}
	st, err := db.Get(ctx, "spp-1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Images[0].SHA256 != "" {
		t.Errorf("the article's image has sha %s, want none", st.Images[0].SHA256)
	}
}
