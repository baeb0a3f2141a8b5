package archivetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

const (
	image2 = "https://www.spp.gov.cn/spp/jczdal/202608/W020260805_2.jpg"
	image3 = "https://www.spp.gov.cn/spp/jczdal/202608/W020260805_3.jpg" // the same file as image1
)

// withImages is an article with images at urls.
func withImages(id, url string, urls ...string) *sppcrawl.Article {
	a := article(id, url, id)
	for _, u := range urls {
		a.Images = append(a.Images, sppcrawl.Image{URL: u, Alt: "图"})
	}
	return rehash(a)
}

// testMedia: a file is kept once by its sha256 however many URLs and
// articles bring it, and what could not be fetched is recorded as missing.
func testMedia(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	mustUpsert(t, db, withImages("spp-1", url1, image1, image2), nil, sppcrawl.Created)
	mustUpsert(t, db, withImages("spp-2", url2, image3), nil, sppcrawl.Created)
	if todo, err := db.PendingMedia(ctx, "spp-1"); err != nil || len(todo) != 2 || todo[0].URL != image1 || !todo[0].Image {
		t.Errorf("pending media of spp-1: %+v, %v; want its 2 images", todo, err)
	}
	checkDue(t, db, "before any file", image1+" spp-1", image2+" spp-1", image3+" spp-2")
	body := []byte("\xff\xd8\xff\xe0 a JPEG file")
	sum := sha256.Sum256(body)
	want := hex.EncodeToString(sum[:])
	fetched := time.Now().UTC().Truncate(time.Second)
	sha, isNew, err := db.PutMedia(ctx, []string{"spp-1"}, image1, body, "image/jpeg", fetched)
	if err != nil || sha != want || !isNew {
		t.Fatalf("put media: %s %v %v; want %s, new", sha, isNew, err, want)
	}
	sha, isNew, err = db.PutMedia(ctx, []string{"spp-2"}, image3, body, "image/jpeg", fetched)
	if err != nil || sha != want || isNew {
		t.Errorf("the same file from another URL: %s %v %v; want %s, not new", sha, isNew, err, want)
	}
	checkDue(t, db, "after two of them", image2+" spp-1")
	must(t, "record media missing", db.RecordMediaMissing(ctx, "spp-1", image2, "HTTP 404"))
	checkDue(t, db, "after the last is missing for good")
	if c, err := db.MediaCounts(ctx); err != nil || c.Files != 1 || c.Missing != 1 || c.Due != 0 {
		t.Errorf("media counts %+v, %v; want 1 file, 1 missing, none due", c, err)
	}
	checkMediaOnArticles(t, db, want)
	checkMediaIndex(t, db, want, body, fetched)
}

// checkMediaOnArticles: the articles name their files (derived fields: no
// version, no seq) and what is missing.
func checkMediaOnArticles(t *testing.T, db sppcrawl.Archive, sha string) {
	ctx := context.Background()
	a, err := db.Get(ctx, "spp-1")
	must(t, "get spp-1", err)
	if a.Images[0].SHA256 != sha || a.Images[1].Missing != "HTTP 404" || a.Version != 1 {
		t.Errorf("spp-1's images %+v version %d; want the first archived, the second missing, version 1", a.Images, a.Version)
	}
	if b, err := db.Get(ctx, "spp-2"); err != nil || b.Images[0].SHA256 != sha {
		t.Errorf("spp-2's image: %v; want the same file %s", err, sha)
	}
	if todo, err := db.PendingMedia(ctx, "spp-1"); err != nil || len(todo) != 0 {
		t.Errorf("pending media of spp-1: %+v, %v; want none", todo, err)
	}
	if todo, err := db.MissingMedia(ctx, ""); err != nil || len(todo) != 1 || todo[0].URL != image2 || todo[0].ID != "spp-1" {
		t.Errorf("missing media: %+v, %v; want %s of spp-1", todo, err, image2)
	}
	if last, err := db.LastSeq(ctx); err != nil || last != 2 {
		t.Errorf("last seq %d, %v after media; want 2", last, err)
	}
}

// checkMediaIndex: the file's entry, its bytes, the counts and URLs.
func checkMediaIndex(t *testing.T, db sppcrawl.Archive, sha string, body []byte, fetched time.Time) {
	ctx := context.Background()
	info, path, err := db.Media(ctx, sha)
	must(t, "media", err)
	if info.SHA256 != sha || info.Size != int64(len(body)) || info.ContentType != "image/jpeg" || info.URL != image1 || !info.FetchedAt.Equal(fetched) {
		t.Errorf("media %s = %+v", sha, info)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != string(body) {
		t.Errorf("media file %s: %v; want the bytes stored", path, err)
	}
	if c, err := db.MediaCounts(ctx); err != nil || c != (sppcrawl.MediaCounts{Files: 1, Bytes: int64(len(body)), Missing: 1}) {
		t.Errorf("media counts %+v, %v; want 1 file of %d bytes, 1 missing", c, err, len(body))
	}
	urls, err := db.MediaURLs(ctx)
	must(t, "media urls", err)
	if got := slices.Sorted(slices.Values(urls[sha])); !slices.Equal(got, []string{image1, image3}) {
		t.Errorf("URLs of %s: %v, want %s and %s", sha, got, image1, image3)
	}
	var n int
	must(t, "for each media", db.ForEachMedia(ctx, func(m sppcrawl.MediaInfo) error { n++; return nil }))
	if n != 1 {
		t.Errorf("ForEachMedia met %d files, want 1", n)
	}
}

// checkDue: the due list is every reference of a stored article neither
// archived nor missing for good ("URL id", by URL): what a killed run left
// for the next.
func checkDue(t *testing.T, db sppcrawl.Archive, when string, want ...string) {
	t.Helper()
	due, err := db.DueMedia(context.Background())
	must(t, "due media", err)
	var got []string
	for _, d := range due {
		got = append(got, d.URL+" "+d.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("due media %s: %q, want %q", when, got, want)
	}
	c, err := db.MediaCounts(context.Background())
	if err != nil || c.Due != len(want) {
		t.Errorf("media counts %s: %+v, %v; want %d due", when, c, err, len(want))
	}
}
