package postgres

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sppcrawl"
)

// PutMedia archives a file fetched from url for each article in ids; the
// bytes go into the database (every process serving reads them there).
func (db *DB) PutMedia(ctx context.Context, ids []string, url string, body []byte, claimed string, fetched time.Time) (string, bool, error) {
	contentType := claimed
	if ct := strings.ToLower(claimed); ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		contentType = http.DetectContentType(body)
	}
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	info := sppcrawl.MediaInfo{SHA256: sha, Size: int64(len(body)), ContentType: contentType, ClaimedType: claimed, URL: url, FetchedAt: fetched}
	doc, err := json.Marshal(info)
	if err != nil {
		return "", false, err
	}
	var isNew bool
	err = db.write(ctx, func(w *wtx) error {
		tag, err := w.Exec(ctx, "INSERT INTO media (sha, size, doc, body) VALUES ($1, $2, $3, $4) ON CONFLICT (sha) DO NOTHING", sha, info.Size, string(doc), body)
		if err != nil {
			return err
		}
		isNew = tag.RowsAffected() == 1
		if _, err := w.Exec(ctx, "INSERT INTO media_urls (url, sha) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET sha = EXCLUDED.sha", url, sha); err != nil {
			return err
		}
		for _, id := range ids {
			if err := w.setMedia(id, url, sppcrawl.Media{SHA256: sha, Size: info.Size, ContentType: contentType}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("media %s: %w", url, err)
	}
	return sha, isNew, nil
}

// RecordMediaMissing records on the article why url could not be archived.
func (db *DB) RecordMediaMissing(ctx context.Context, id, url, reason string) error {
	return wrap("media missing "+url, db.write(ctx, func(w *wtx) error {
		return w.setMedia(id, url, sppcrawl.Media{Missing: reason})
	}))
}

// setMedia sets what the archive knows of url's file on the article id: a
// derived field, no version, no seq.
func (w *wtx) setMedia(id, url string, m sppcrawl.Media) error {
	a, err := articleByID(w.ctx, w, id)
	switch {
	case err != nil:
		return fmt.Errorf("media of %s: %w", id, err)
	case a == nil:
		return notFound("media of %s", id)
	}
	for _, ref := range a.MediaRefs() {
		if ref.URL == url {
			*ref.Media = m
		}
	}
	return w.putArticle(a)
}

// mediaByURL is the index entry of the file fetched from url.
func mediaByURL(ctx context.Context, q querier, url string) (sppcrawl.MediaInfo, bool, error) {
	var info sppcrawl.MediaInfo
	ok, err := getDoc(ctx, q, &info, "SELECT m.doc FROM media_urls u JOIN media m USING (sha) WHERE u.url = $1", url)
	return info, ok, err
}

// Media is a stored file's index entry and the path of a local copy of
// its bytes, written to the cache directory when not there yet.
func (db *DB) Media(ctx context.Context, sha string) (sppcrawl.MediaInfo, string, error) {
	var info sppcrawl.MediaInfo
	ok, err := getDoc(ctx, db.rd(), &info, "SELECT doc FROM media WHERE sha = $1", sha)
	switch {
	case err != nil:
		return info, "", fmt.Errorf("media %s: %w", sha, err)
	case !ok:
		return info, "", notFound("media %s", sha)
	}
	path, err := db.cached(ctx, info)
	return info, path, err
}

// cached is the path of the local copy of a file, made when absent. The
// name is the file's hash: a copy of the right size is the right file.
func (db *DB) cached(ctx context.Context, info sppcrawl.MediaInfo) (string, error) {
	sha := info.SHA256
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return "", fmt.Errorf("media %q: not a sha256", sha)
	}
	path := filepath.Join(db.mediaDir, sha[:2], sha)
	if fi, err := os.Stat(path); err == nil && fi.Size() == info.Size {
		return path, nil
	}
	var body []byte
	if err := db.rd().QueryRow(ctx, "SELECT body FROM media WHERE sha = $1", sha).Scan(&body); err != nil {
		return "", fmt.Errorf("media %s: %w", sha, err)
	}
	if err := writeFile(path, body); err != nil {
		return "", fmt.Errorf("media %s: cache: %w", sha, err)
	}
	return path, nil
}

// writeFile writes body to path whole or not at all (a temporary file
// renamed): readers never see a partial copy.
func writeFile(path string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// ForEachMedia calls fn for every stored file, by hash.
func (db *DB) ForEachMedia(ctx context.Context, fn func(sppcrawl.MediaInfo) error) error {
	return wrap("media", eachDoc(ctx, db.rd(), fn, "SELECT doc FROM media ORDER BY sha"))
}

// MediaCounts counts the files, their bytes, those missing and those due.
func (db *DB) MediaCounts(ctx context.Context) (sppcrawl.MediaCounts, error) {
	var c sppcrawl.MediaCounts
	var files, bytes, missing int64
	err := db.rd().QueryRow(ctx, `SELECT (SELECT count(*) FROM media), (SELECT coalesce(sum(size), 0) FROM media),
		(SELECT coalesce(sum(missing), 0) FROM articles)`).Scan(&files, &bytes, &missing)
	if err != nil {
		return c, fmt.Errorf("media counts: %w", err)
	}
	due, err := db.DueMedia(ctx)
	if err != nil {
		return c, err
	}
	urls := map[string]bool{}
	for _, d := range due {
		urls[d.URL] = true
	}
	return sppcrawl.MediaCounts{Files: int(files), Bytes: bytes, Missing: int(missing), Due: len(due), DueFiles: len(urls)}, nil
}

// DueMedia lists the images and attachments of stored articles that the
// archive does not hold yet and that are not missing for good (the
// articles' due column, kept by every write of the article, says which
// rows to read): what the media phase of every run fetches, by URL.
func (db *DB) DueMedia(ctx context.Context) ([]sppcrawl.MediaTodo, error) {
	var out []sppcrawl.MediaTodo
	err := eachDoc(ctx, db.rd(), func(a sppcrawl.Article) error {
		out = append(out, todo(&a, true)...)
		return nil
	}, "SELECT doc FROM articles WHERE due > 0 ORDER BY id")
	slices.SortFunc(out, func(a, b sppcrawl.MediaTodo) int {
		return cmp.Or(strings.Compare(a.URL, b.URL), strings.Compare(a.ID, b.ID))
	})
	return out, wrap("media due", err)
}

// mediaTally counts an article's media references recorded missing for
// good, and those due: neither archived nor missing.
func mediaTally(a *sppcrawl.Article) (missing, due int) {
	for _, r := range a.MediaRefs() {
		switch {
		case r.Missing != "":
			missing++
		case r.SHA256 == "":
			due++
		}
	}
	return missing, due
}

// MediaURLs lists, per file (sha256), every URL it was fetched from.
func (db *DB) MediaURLs(ctx context.Context) (map[string][]string, error) {
	rows, err := db.rd().Query(ctx, "SELECT url, sha FROM media_urls ORDER BY url")
	if err != nil {
		return nil, fmt.Errorf("media urls: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, sha string
		if err := rows.Scan(&u, &sha); err != nil {
			return nil, fmt.Errorf("media urls: %w", err)
		}
		out[sha] = append(out[sha], u)
	}
	return out, rows.Err()
}

// MissingMedia lists the files not archived of one channel's articles (or all).
func (db *DB) MissingMedia(ctx context.Context, channel string) ([]sppcrawl.MediaTodo, error) {
	var out []sppcrawl.MediaTodo
	err := db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		if channel == "" || a.ChannelPath == channel {
			out = append(out, todo(a, false)...)
		}
		return nil
	})
	return out, err
}

// PendingMedia lists the files of one article not archived nor known missing.
func (db *DB) PendingMedia(ctx context.Context, id string) ([]sppcrawl.MediaTodo, error) {
	a, err := articleByID(ctx, db.rd(), id)
	if err != nil || a == nil {
		return nil, err
	}
	return todo(a, true), nil
}

// todo lists a's files not archived (pending: nor known missing).
func todo(a *sppcrawl.Article, pending bool) []sppcrawl.MediaTodo {
	var out []sppcrawl.MediaTodo
	for _, ref := range a.MediaRefs() {
		if ref.SHA256 == "" && (!pending || ref.Missing == "") {
			out = append(out, sppcrawl.MediaTodo{ID: a.ID, URL: ref.URL, Channel: a.ChannelPath, Image: ref.Image})
		}
	}
	return out
}
