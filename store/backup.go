package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
	"sppcrawl/internal/atomicfile"
)

// BackupReport is what Backup wrote and what verifying the copy found
// (the root's, one for every backend).
type BackupReport = sppcrawl.BackupReport

// Backup writes a consistent copy of the archive to path from one read
// transaction (bbolt's Tx.WriteTo: writers go on meanwhile), into a
// temporary file beside path that is synced and renamed into place, then
// opens the copy read-only and verifies it whole with checkPage (see
// Verify). The media folder is not copied: its files are immutable and
// named by their hash, so any file copy (rsync) backs it up.
func (db *DB) Backup(ctx context.Context, path string, checkPage func(*sppcrawl.RawPage) error) (BackupReport, error) {
	rep := BackupReport{Path: path}
	if abs, err := filepath.Abs(path); err == nil {
		if self, err := filepath.Abs(db.path); err == nil && abs == self {
			return rep, fmt.Errorf("backup to %s: that is the archive itself", path)
		}
	}
	if err := db.writeBackup(ctx, path, &rep); err != nil {
		return rep, fmt.Errorf("backup to %s: %w", path, err)
	}
	err := verifyBackup(ctx, path, checkPage, &rep)
	return rep, err
}

// verifyBackup opens the backup at path read-only and verifies it whole
// into rep.Verify.
func verifyBackup(ctx context.Context, path string, checkPage func(*sppcrawl.RawPage) error, rep *BackupReport) error {
	copyDB, err := Open(path, Options{ReadOnly: true, MustExist: true})
	if err != nil {
		return fmt.Errorf("backup %s does not open: %w", path, err)
	}
	defer copyDB.Close()
	if rep.Verify, err = copyDB.verifyArchive(ctx, checkPage); err != nil {
		return fmt.Errorf("verify backup %s: %w", path, err)
	}
	return nil
}

// writeBackup writes the copy from one read transaction into place.
// Its mode is 0600, as it always was: it holds everything the archive does.
func (db *DB) writeBackup(ctx context.Context, path string, rep *BackupReport) error {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return err
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		n, err := tx.WriteTo(f)
		rep.Bytes = n
		return err
	})
	if err != nil {
		return errors.Join(err, f.Abort())
	}
	return f.Commit()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error { return atomicfile.SyncDir(dir) }

var _ io.WriterTo = (*bolt.Tx)(nil)
