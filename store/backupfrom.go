package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sppcrawl"
)

// ReadAsOf reads an archive of another backend as of one moment (a
// database's snapshot): it calls fn with that archive and returns fn's
// error.
type ReadAsOf func(ctx context.Context, fn func(sppcrawl.Archive) error) error

// BackupFrom writes a consistent copy of an archive of another backend (a
// PostgreSQL database) to a new archive file at path: read hands over the
// archive as of one moment, which is copied whole (CopyFrom: every
// version, raw page, file, failure and subscription, seqs kept) into a
// temporary file beside path, renamed into place once it is whole; the
// copy is then opened read-only and verified with checkPage (see Verify).
// A backup at path already (last night's) is replaced only once the new
// one is whole, as Backup replaces one.
func BackupFrom(ctx context.Context, read ReadAsOf, path string, checkPage func(*sppcrawl.RawPage) error) (BackupReport, error) {
	rep := BackupReport{Path: path}
	tmp, err := tempBeside(path)
	if err == nil {
		err = read(ctx, func(src sppcrawl.Archive) error { return copyInto(ctx, tmp, src) })
	}
	if err == nil {
		err = placeBackup(tmp, path)
	}
	if err != nil {
		if tmp != "" {
			err = errors.Join(err, ignoreMissing(os.Remove(tmp)), os.RemoveAll(tmp+mediaSuffix))
		}
		return rep, fmt.Errorf("backup to %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		rep.Bytes = fi.Size()
	}
	err = verifyBackup(ctx, path, checkPage, &rep)
	return rep, err
}

// tempBeside names a new hidden file beside path, named after it, so that
// what a crash leaves is recognisable.
func tempBeside(path string) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b)), nil
}

// copyInto copies src into a new archive file at path.
func copyInto(ctx context.Context, path string, src sppcrawl.Archive) error {
	db, err := Open(path, Options{})
	if err != nil {
		return err
	}
	_, err = db.CopyFrom(ctx, src)
	return errors.Join(err, db.Close())
}

// placeBackup gives the whole copy at tmp the backup's mode (0600: it
// holds everything the archive does) and renames it, its media folder
// first, to path, durably. An earlier backup's media folder is moved
// aside first (a folder is not replaced by a rename) and removed last.
func placeBackup(tmp, path string) error {
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	old := tmp + ".old" + mediaSuffix
	if err := os.Rename(path+mediaSuffix, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp+mediaSuffix, path+mediaSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

func ignoreMissing(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
