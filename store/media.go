package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/internal/atomicfile"

	bolt "go.etcd.io/bbolt"
)

// Images and attachments are files beside the archive, not inside bbolt's
// B+tree: <archive>.media/ab/cd/<sha256>, one per content however many
// articles use it. A file is written to a temporary name, synced and renamed
// into place before the archive indexes it, so a crash leaves at most a file
// the index does not know, which Verify reports and removes; never an index
// entry without its file.

// MediaInfo is what the archive knows of a stored file (the root package's).
type MediaInfo = sppcrawl.MediaInfo

const (
	countMedia        = "count:media"
	countMediaBytes   = "count:media-bytes"
	countMediaMissing = "count:media-missing"
)

// mediaDir is where the archive keeps its media files.
func (db *DB) mediaDir() string { return db.path + mediaSuffix }

// mediaSuffix names an archive file's media folder after the file.
const mediaSuffix = ".media"

func (db *DB) mediaPath(sha string) string {
	return filepath.Join(db.mediaDir(), sha[:2], sha[2:4], sha)
}

// PutMedia archives body, fetched from url as an image or attachment of the
// articles ids with the Content-Type the site claimed: the file once, then
// each article's entry for url gets its hash, size and type (in place: the
// article keeps its seq). isNew says the archive did not hold the file
// before.
func (db *DB) PutMedia(ctx context.Context, ids []string, url string, body []byte, claimed string, fetched time.Time) (sha string, isNew bool, err error) {
	contentType := claimed
	if ct := strings.ToLower(claimed); ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		contentType = http.DetectContentType(body)
	}
	if db.readOnly {
		return "", false, ErrReadOnly
	}
	sum := sha256.Sum256(body)
	sha = hex.EncodeToString(sum[:])
	var known bool
	err = db.view(ctx, func(tx *bolt.Tx) error {
		known = tx.Bucket(bucketMedia).Get([]byte(sha)) != nil
		return nil
	})
	if err != nil {
		return "", false, err
	}
	if !known {
		if err := db.writeMediaFile(sha, body); err != nil {
			return "", false, fmt.Errorf("media %s: %w", url, err)
		}
	}
	info := MediaInfo{SHA256: sha, Size: int64(len(body)), ContentType: contentType, ClaimedType: claimed, URL: url, FetchedAt: fetched}
	err = db.write(ctx, func(tx *bolt.Tx) error {
		var err error
		// Decided in the transaction: two URLs of one file may be
		// stored at once, and only one of them brings it.
		if isNew, err = indexMedia(tx, info); err != nil {
			return err
		}
		for _, id := range ids {
			if err := setMedia(tx, id, url, sppcrawl.Media{SHA256: sha, Size: info.Size, ContentType: contentType}); err != nil {
				return err
			}
		}
		return nil
	})
	return sha, isNew, err
}

// indexMedia indexes a file (once, counted) and the URL it was fetched
// from; isNew says the file was not indexed before.
func indexMedia(tx *bolt.Tx, info MediaInfo) (isNew bool, err error) {
	media := tx.Bucket(bucketMedia)
	if isNew = media.Get([]byte(info.SHA256)) == nil; isNew {
		if err := putJSON(media, info.SHA256, info); err != nil {
			return false, err
		}
		if err := addCount(tx, countMedia, 1); err != nil {
			return false, err
		}
		if err := addCount(tx, countMediaBytes, info.Size); err != nil {
			return false, err
		}
	}
	if info.URL == "" { // a file indexed again after its entry was lost: no article names it
		return isNew, nil
	}
	return isNew, tx.Bucket(bucketMediaURL).Put([]byte(info.URL), []byte(info.SHA256))
}

// writeMediaFile puts the file of sha in place, whole or not at all.
// Its mode is 0600, as media files always had: this program serves them.
func (db *DB) writeMediaFile(sha string, body []byte) error {
	final := db.mediaPath(sha)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(final, body, 0o600)
}

// RecordMediaMissing records on the article why the file at url could not
// be archived for good (404, an HTML page instead of an image, over the
// size cap…): it is no longer due. A transient failure is not recorded: the
// file stays due for the next run.
func (db *DB) RecordMediaMissing(ctx context.Context, id, url, reason string) error {
	return db.write(ctx, func(tx *bolt.Tx) error {
		if err := setMedia(tx, id, url, sppcrawl.Media{Missing: reason}); err != nil {
			return err
		}
		return dropDue(tx, id, url)
	})
}

// setMedia sets the Media of the image or attachment at url of the article
// id, in place, keeping the missing count.
func setMedia(tx *bolt.Tx, id, url string, m sppcrawl.Media) error {
	r, err := getRecord(tx, id)
	switch {
	case errors.Is(err, ErrUndecodable):
		return nil // the file is indexed; the record, once fetched again, finds it
	case err != nil:
		return fmt.Errorf("media of %s: %w", id, err)
	case r == nil:
		return fmt.Errorf("media of %s: %w", id, ErrNotFound)
	}
	delta := 0
	for _, ref := range r.Article.MediaRefs() {
		if ref.URL != url {
			continue
		}
		delta += boolInt(m.Missing != "") - boolInt(ref.Missing != "")
		*ref.Media = m
	}
	if err := addCount(tx, countMediaMissing, int64(delta)); err != nil {
		return err
	}
	if err := syncDue(tx, r.Article, nil); err != nil {
		return err
	}
	return putArticle(tx, r.Article, false)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// knownMedia fills in the media of an article's images and attachments
// that the archive already holds (the same image in another article, or the
// version before): they are not fetched again. It returns the change in the
// number of missing ones.
func knownMedia(tx *bolt.Tx, a *sppcrawl.Article, before *sppcrawl.Article) int {
	old := map[string]sppcrawl.Media{}
	if before != nil {
		for _, ref := range before.MediaRefs() {
			old[ref.URL] = *ref.Media
		}
	}
	delta := 0
	for _, ref := range a.MediaRefs() {
		if m, ok := old[ref.URL]; ok {
			*ref.Media = m
		} else if sha := tx.Bucket(bucketMediaURL).Get([]byte(ref.URL)); sha != nil {
			var info MediaInfo
			if ok, _ := getJSON(tx.Bucket(bucketMedia), string(sha), &info); ok {
				*ref.Media = sppcrawl.Media{SHA256: info.SHA256, Size: info.Size, ContentType: info.ContentType}
			}
		}
		delta += boolInt(ref.Missing != "")
	}
	if before != nil {
		for _, ref := range before.MediaRefs() {
			delta -= boolInt(ref.Missing != "")
		}
	}
	return delta
}

// Media returns a stored file's index entry and path, or ErrNotFound.
func (db *DB) Media(ctx context.Context, sha string) (MediaInfo, string, error) {
	var info MediaInfo
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketMedia), sha, &info)
		if err == nil && !ok {
			err = fmt.Errorf("media %s: %w", sha, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return info, "", err
	}
	return info, db.mediaPath(sha), nil
}

// ForEachMedia calls fn for every stored file, by hash.
func (db *DB) ForEachMedia(ctx context.Context, fn func(MediaInfo) error) error {
	var all []MediaInfo
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMedia).ForEach(func(k, v []byte) error {
			var m MediaInfo
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("media index entry %x: %w (%v)", k, ErrUndecodable, err)
			}
			all = append(all, m)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, m := range all {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// MissingMedia lists the images and attachments of stored articles (of one
// channel, or all) whose file is not archived: never fetched, or missing.
func (db *DB) MissingMedia(ctx context.Context, channel string) ([]sppcrawl.MediaTodo, error) {
	var out []sppcrawl.MediaTodo
	err := db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		if channel != "" && a.ChannelPath != channel {
			return nil
		}
		for _, ref := range a.MediaRefs() {
			if ref.SHA256 == "" {
				out = append(out, sppcrawl.MediaTodo{ID: a.ID, URL: ref.URL, Channel: a.ChannelPath, Image: ref.Image})
			}
		}
		return nil
	})
	_, err = Partial(err) // a record that does not decode has no files to ask for
	return out, err
}

// MediaCounts is what stats says of media (the root package's).
type MediaCounts = sppcrawl.MediaCounts

// MediaCounts reads the media counters.
func (db *DB) MediaCounts(ctx context.Context) (MediaCounts, error) {
	var c MediaCounts
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c = MediaCounts{Files: getCount(tx, countMedia), Bytes: int64(getCount(tx, countMediaBytes)), Missing: getCount(tx, countMediaMissing)}
		var err error
		c.Due, c.DueFiles, err = countDue(tx)
		return err
	})
	return c, err
}

// verifyMedia checks the media files against their index: an index entry
// without its file is a problem; a file the index does not know (a crash
// between writing and indexing) is an orphan, removed unless read-only.
func (db *DB) verifyMedia(ctx context.Context, problem func(kind, key, format string, args ...any)) (orphans []string, err error) {
	indexed, unsure, err := db.mediaIndexed(ctx, problem)
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(db.mediaDir(), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || indexed[d.Name()] {
			return err
		}
		orphans = append(orphans, p)
		problem("orphan", p, "a media file the archive does not index (a crash while it was stored)")
		if !db.readOnly && !unsure {
			return os.Remove(p)
		}
		return nil
	})
	return orphans, err
}

// mediaIndexed checks every media index entry against its file and returns
// the hashes indexed. An entry that does not decode is a problem (the
// repair sets it aside, then indexes its file again); while there is one,
// the index is unsure: a file it seems not to know may be that entry's, and
// is kept.
func (db *DB) mediaIndexed(ctx context.Context, problem func(kind, key, format string, args ...any)) (indexed map[string]bool, unsure bool, err error) {
	indexed = map[string]bool{}
	var all []MediaInfo
	err = db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMedia).ForEach(func(k, v []byte) error {
			var m MediaInfo
			if err := json.Unmarshal(v, &m); err != nil {
				unsure = true
				problem("undecodable", fmt.Sprintf("%x", k), "media index entry does not decode (verify --repair sets it aside): %v", err)
				return nil
			}
			all = append(all, m)
			return nil
		})
	})
	for _, m := range all {
		indexed[m.SHA256] = true
		if fi, err := os.Stat(db.mediaPath(m.SHA256)); err != nil || fi.Size() != m.Size {
			problem("missing", m.SHA256, "media file of %s: %v", m.URL, err)
		}
	}
	return indexed, unsure, err
}

// PendingMedia lists the images and attachments of the article id that are
// not archived yet and not known to be missing.
func (db *DB) PendingMedia(ctx context.Context, id string) ([]sppcrawl.MediaTodo, error) {
	var out []sppcrawl.MediaTodo
	err := db.view(ctx, func(tx *bolt.Tx) error {
		r, err := getRecord(tx, id)
		switch {
		case errors.Is(err, ErrUndecodable), err == nil && r == nil:
			return nil
		case err != nil:
			return err
		}
		for _, ref := range r.Article.MediaRefs() {
			if ref.SHA256 == "" && ref.Missing == "" {
				out = append(out, sppcrawl.MediaTodo{ID: id, URL: ref.URL, Channel: r.Article.ChannelPath, Image: ref.Image})
			}
		}
		return nil
	})
	return out, err
}

// MediaURLs lists, per file (sha256), every URL it was fetched from.
func (db *DB) MediaURLs(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMediaURL).ForEach(func(u, sha []byte) error {
			out[string(sha)] = append(out[string(sha)], string(u))
			return nil
		})
	})
	return out, err
}

// reindexMedia indexes again the files of the media folder whose index
// entries were lost (a salvage passed their page): a file whose bytes hash
// to its name is the archive's, never to be removed as an orphan. Its URL
// is the one an article names it by, when one does. It returns how many.
func (db *DB) reindexMedia(ctx context.Context) (int, error) {
	urls := map[string]string{}
	err := db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		for _, ref := range a.MediaRefs() {
			if ref.SHA256 != "" {
				urls[ref.SHA256] = ref.URL
			}
		}
		return nil
	})
	if _, err := Partial(err); err != nil {
		return 0, err
	}
	var found []MediaInfo
	err = filepath.WalkDir(db.mediaDir(), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || !isSHA256(d.Name()) {
			return err
		}
		if _, _, err := db.Media(ctx, d.Name()); !errors.Is(err, ErrNotFound) {
			return err
		}
		body, err := os.ReadFile(p)
		if sum := sha256.Sum256(body); err != nil || hex.EncodeToString(sum[:]) != d.Name() {
			return err // a file that is not what its name says stays an orphan
		}
		found = append(found, MediaInfo{SHA256: d.Name(), Size: int64(len(body)), ContentType: http.DetectContentType(body),
			URL: urls[d.Name()], FetchedAt: db.now()})
		return nil
	})
	if err != nil || len(found) == 0 {
		return 0, err
	}
	return len(found), db.write(ctx, func(tx *bolt.Tx) error {
		for _, info := range found {
			if _, err := indexMedia(tx, info); err != nil {
				return err
			}
		}
		return nil
	})
}

func isSHA256(name string) bool {
	if len(name) != 64 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}
