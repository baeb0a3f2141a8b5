package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// The due list of media: every image and attachment of a stored article
// whose file the archive does not hold yet. An entry is written in the
// transaction that stores the article, so a run killed before its media
// phase (or one whose disk filled) leaves it for the next run, which drains
// the list; it goes only when the file is stored or found missing for good
// (404, an HTML page, over the size cap). Until then stats, /healthz and
// verify count it.

// bucketMediaDue: a hash of URL \x00 id → dueMedia (JSON). Keys are hashed
// because a URL comes from the site and may be longer than bbolt allows a
// key: the article must be stored whatever its images are called.
var bucketMediaDue = []byte("mediadue")

// dueMedia is one reference of an article to a file not archived yet.
type dueMedia struct {
	URL     string `json:"url"`
	ID      string `json:"id"`
	Channel string `json:"channel"`
	Image   bool   `json:"image"`
}

func dueKey(url, id string) []byte {
	sum := sha256.Sum256([]byte(url + "\x00" + id))
	return sum[:16]
}

// storeMedia fills in what the archive already holds of the media of n, the
// article being stored in tx (before: the version it replaces, or nil),
// counts those missing and makes the others due.
func storeMedia(tx *bolt.Tx, n, before *sppcrawl.Article) error {
	if err := addCount(tx, countMediaMissing, int64(knownMedia(tx, n, before))); err != nil {
		return err
	}
	return syncDue(tx, n, before)
}

// syncDue brings the due entries of article a in line with its references:
// a file stored is no longer due, one neither stored nor recorded missing
// is; one recorded missing keeps what it had (due again after a transient
// failure, not after a permanent one). References the version before had
// and a has not are dropped.
func syncDue(tx *bolt.Tx, a, before *sppcrawl.Article) error {
	due := tx.Bucket(bucketMediaDue)
	has := map[string]bool{}
	for _, ref := range a.MediaRefs() {
		has[ref.URL] = true
		k := dueKey(ref.URL, a.ID)
		var err error
		switch {
		case ref.SHA256 != "":
			err = due.Delete(k)
		case ref.Missing == "":
			err = putDue(due, k, dueMedia{URL: ref.URL, ID: a.ID, Channel: a.ChannelPath, Image: ref.Image})
		}
		if err != nil {
			return fmt.Errorf("media due of %s: %w", a.ID, err)
		}
	}
	if before == nil {
		return nil
	}
	for _, ref := range before.MediaRefs() {
		if has[ref.URL] {
			continue
		}
		if err := due.Delete(dueKey(ref.URL, a.ID)); err != nil {
			return fmt.Errorf("media due of %s: %w", a.ID, err)
		}
	}
	return nil
}

func putDue(due *bolt.Bucket, k []byte, d dueMedia) error {
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return due.Put(k, v)
}

// dropDue removes the entry of the file at url of the article id: it was
// found missing for good.
func dropDue(tx *bolt.Tx, id, url string) error {
	return tx.Bucket(bucketMediaDue).Delete(dueKey(url, id))
}

// eachDue calls fn for every due entry whose article is stored (an entry of
// an article set aside comes back with the article).
func eachDue(tx *bolt.Tx, fn func(dueMedia) error) error {
	due := tx.Bucket(bucketMediaDue)
	if due == nil {
		return nil // an archive not upgraded yet: read-only opens upgrade first
	}
	ids := tx.Bucket(bucketIDs)
	return due.ForEach(func(_, v []byte) error {
		var d dueMedia
		if json.Unmarshal(v, &d) != nil || ids.Get([]byte(d.ID)) == nil {
			return nil
		}
		return fn(d)
	})
}

// DueMedia lists the images and attachments of stored articles that the
// archive does not hold yet and that are not missing for good: what the
// media phase of every run fetches, by URL.
func (db *DB) DueMedia(ctx context.Context) ([]sppcrawl.MediaTodo, error) {
	var out []sppcrawl.MediaTodo
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachDue(tx, func(d dueMedia) error {
			out = append(out, sppcrawl.MediaTodo{ID: d.ID, URL: d.URL, Channel: d.Channel, Image: d.Image})
			return nil
		})
	})
	slices.SortFunc(out, func(a, b sppcrawl.MediaTodo) int {
		return cmpOr(strings.Compare(a.URL, b.URL), strings.Compare(a.ID, b.ID))
	})
	return out, err
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// countDue is the number of due references and of distinct files they name.
func countDue(tx *bolt.Tx) (refs, files int, err error) {
	urls := map[string]bool{}
	err = eachDue(tx, func(d dueMedia) error {
		refs++
		urls[d.URL] = true
		return nil
	})
	return refs, len(urls), err
}

// keyMediaDueFilled marks an archive whose due list was filled from its
// stored articles (the upgrade of an archive written before the list).
var keyMediaDueFilled = []byte("mediadue-filled")

// mediaDueUnfilled says whether the archive predates the due list, so that
// a read-only open upgrades it first.
func mediaDueUnfilled(tx *bolt.Tx) bool {
	meta := tx.Bucket(bucketMeta)
	return meta != nil && meta.Get(keyMediaDueFilled) == nil
}

// fillMediaDue is the upgrade of an archive written before the due list:
// every reference of a stored article to a file it does not hold becomes
// due (one recorded missing too: an earlier release recorded transient
// failures so, and a permanent one costs one request to find again). It
// runs once, in the transaction that opens the archive for writing.
func fillMediaDue(tx *bolt.Tx) (string, error) {
	if !mediaDueUnfilled(tx) {
		return "", nil
	}
	due := tx.Bucket(bucketMediaDue)
	n := 0
	err := tx.Bucket(bucketArticles).ForEach(func(_, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil {
			return nil // a record that does not decode: verify --repair's
		}
		for _, ref := range a.MediaRefs() {
			if ref.SHA256 != "" {
				continue
			}
			n++
			if err := putDue(due, dueKey(ref.URL, a.ID), dueMedia{URL: ref.URL, ID: a.ID, Channel: a.ChannelPath, Image: ref.Image}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("fill the media due list: %w", err)
	}
	if err := tx.Bucket(bucketMeta).Put(keyMediaDueFilled, []byte("1")); err != nil {
		return "", err
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("media due list: %d images and attachments of stored articles not archived, due for the next run", n), nil
}

// verifyDue names every file not archived yet as a problem: the archive is
// not whole until the next run has fetched them.
func (db *DB) verifyDue(ctx context.Context, problem func(kind, key, format string, args ...any)) error {
	due, err := db.DueMedia(ctx)
	for _, d := range due {
		what := "attachment"
		if d.Image {
			what = "image"
		}
		problem("due", d.URL, "%s of %s not archived yet: the next crawl (or sppcrawl media) fetches it", what, d.ID)
	}
	return err
}
