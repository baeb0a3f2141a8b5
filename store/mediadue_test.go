package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"

	"sppcrawl/store"
)

// dueURLs lists the URLs due, in order.
func dueURLs(t *testing.T, db *store.DB) []string {
	t.Helper()
	due, err := db.DueMedia(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range due {
		out = append(out, d.ID+" "+d.URL)
	}
	return out
}

// An article's files are due from the transaction that stores it until the
// file is stored or found missing for good; a version without a file drops
// its entry.
func TestDB_MediaDue(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	const img1, img2, pdf = "https://www.spp.gov.cn/spp/a/1.jpg", "https://www.spp.gov.cn/spp/a/2.jpg", "https://www.spp.gov.cn/spp/a/3.pdf"
	a := newArticle("spp-1", u1, "一")
	a.Images = []sppcrawl.Image{{URL: img1}, {URL: img2}, {URL: "https://img.example.com/x.jpg"}}
	a.Attachments = []sppcrawl.Attachment{{URL: pdf}}
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	if got, want := dueURLs(t, db), []string{"spp-1 " + img1, "spp-1 " + img2, "spp-1 " + pdf}; !slices.Equal(got, want) {
		t.Fatalf("due after the store: %q, want %q (the off-site image is not the archive's)", got, want)
	}
	if _, _, err := db.PutMedia(ctx, []string{"spp-1"}, img1, []byte("jpeg"), "image/jpeg", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMediaMissing(ctx, "spp-1", pdf, "HTTP 404"); err != nil {
		t.Fatal(err)
	}
	if got, want := dueURLs(t, db), []string{"spp-1 " + img2}; !slices.Equal(got, want) {
		t.Fatalf("due after one stored, one missing: %q, want %q", got, want)
	}
	c, err := db.MediaCounts(ctx)
	if err != nil || c.Due != 1 || c.DueFiles != 1 || c.Missing != 1 || c.Files != 1 {
		t.Errorf("counts %+v %v", c, err)
	}
	b := newArticle("spp-1", u1, "一（更正）")
	b.Images = []sppcrawl.Image{{URL: img1}}
	if _, err := db.Upsert(ctx, b, rawFor(b)); err != nil {
		t.Fatal(err)
	}
	if got := dueURLs(t, db); len(got) != 0 {
		t.Errorf("due after a version without the image: %q", got)
	}
}

// An archive of 0.1 gets its due list filled by the upgrade, read-only opens
// included: every reference of its articles to a file on the site.
func TestUpgrade_V1ArchiveMediaDue(t *testing.T) {
	path := copyFile(t, "../testdata/archive/v1.db")
	db := MustOpen(t, path, store.Options{ReadOnly: true})
	want := v1MediaRefs(t)
	if len(want) == 0 {
		t.Fatal("the 0.1 archive has no images: the test proves nothing")
	}
	if got := dueURLs(t, db); !slices.Equal(got, want) {
		t.Errorf("due after the upgrade: %q, want %q", got, want)
	}
	if note, _ := db.Upgraded(context.Background()); !strings.Contains(note, "media due list: 3 images and attachments") {
		t.Errorf("upgrade note %q", note)
	}
}

// v1MediaRefs lists "id URL" of every on-site image and attachment 0.1
// exported.
func v1MediaRefs(t *testing.T) []string {
	f, err := os.Open("../testdata/archive/v1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var out []string
	for sc.Scan() {
		var a sppcrawl.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		for _, ref := range a.MediaRefs() {
			out = append(out, a.ID+" "+ref.URL)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return strings.Compare(a[strings.IndexByte(a, ' '):]+a, b[strings.IndexByte(b, ' '):]+b)
	})
	return out
}

// An archive of this schema written before the due list is upgraded in
// place the first time it is opened, read-only too; what it holds of files
// is kept and not made due.
func TestUpgrade_MediaDueArrives(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db := MustOpen(t, path, store.Options{})
	const img1, img2 = "https://www.spp.gov.cn/spp/a/1.jpg", "https://www.spp.gov.cn/spp/a/2.jpg"
	a := newArticle("spp-1", u1, "一")
	a.Images = []sppcrawl.Image{{URL: img1}, {URL: img2}}
	db.Upsert(ctx, a, rawFor(a))
	if _, _, err := db.PutMedia(ctx, []string{"spp-1"}, img1, []byte("jpeg"), "image/jpeg", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.ForgetMediaDue(db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro := MustOpen(t, path, store.Options{ReadOnly: true})
	if got, want := dueURLs(t, ro), []string{"spp-1 " + img2}; !slices.Equal(got, want) {
		t.Errorf("due after the upgrade: %q, want %q", got, want)
	}
	if note, _ := ro.Upgraded(ctx); !strings.Contains(note, "media due list: 1 images") {
		t.Errorf("upgrade note %q", note)
	}
}
