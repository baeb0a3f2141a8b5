package search

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors of the index's surroundings, not of its file: the file is never
// made again for them (it would not help, and it may hold the only copy of
// what a catch-up wrote); the message names the file and the cause.
var (
	// ErrNoSpace: the disk holding the index file is full.
	ErrNoSpace = errors.New("no space left on the disk holding it")
	// ErrNoAccess: the index file, or its folder, cannot be opened or
	// written (no permission, a read-only file system, a folder that is
	// not one).
	ErrNoAccess = errors.New("cannot open or write it")
	// ErrWrite: the disk refused a write of the index file without saying
	// it is full: SQLite's I/O error on a write, as a file size limit or
	// quota (EFBIG) or a failing disk gives it; SQLite keeps the errno.
	ErrWrite = errors.New("the disk refused a write (full, past a file size limit or quota, or failing)")
)

// Environmental says whether err is a failure of the index file's
// surroundings (ErrNoSpace, ErrNoAccess, ErrWrite): one a next run does
// not mend, for an operator to see.
func Environmental(err error) bool {
	return errors.Is(err, ErrNoSpace) || errors.Is(err, ErrNoAccess) || errors.Is(err, ErrWrite)
}

// environ is err as a failure of the index file's surroundings at path
// (ErrNoSpace, ErrNoAccess, with the cause in words), or nil when err is
// none (damage, a bad query, another error).
func environ(path string, err error) error {
	switch {
	case err == nil || Environmental(err):
		return nil
	case isNoSpace(err):
		return fmt.Errorf("search index %s: %w (%v)", path, ErrNoSpace, rootCause(err))
	case isNoAccess(err):
		return fmt.Errorf("search index %s: %w: %s", path, ErrNoAccess, accessCause(path, err))
	case isCode(err, sqlite3.SQLITE_IOERR) && extended(err) == sqlite3.SQLITE_IOERR_WRITE:
		return fmt.Errorf("search index %s: %w (%v)", path, ErrWrite, rootCause(err))
	}
	return nil
}

// isNoSpace says whether err is a write the disk had no room for.
// SQLite's unix VFS reports ENOSPC, and a short write, as SQLITE_FULL.
func isNoSpace(err error) bool {
	return isCode(err, sqlite3.SQLITE_FULL) || errors.Is(err, syscall.ENOSPC) ||
		errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG)
}

// isNoAccess says whether err is a file or folder that cannot be opened or
// written. SQLite's SQLITE_CANTOPEN and SQLITE_READONLY carry no errno, so
// accessCause looks at the folder itself.
func isNoAccess(err error) bool {
	return isCode(err, sqlite3.SQLITE_CANTOPEN) || isCode(err, sqlite3.SQLITE_READONLY) ||
		errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.ENOTDIR)
}

// extended is SQLite's extended result code of err (0 if none).
func extended(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// rootCause is the innermost error that says what happened: SQLite's, or
// the system's.
func rootCause(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// accessCause says in words why the file at path cannot be opened or
// written, from its folder and a probe file created there; err is what
// was met, said when the probe finds nothing wrong.
func accessCause(path string, err error) string {
	dir := filepath.Dir(path)
	fi, serr := os.Stat(dir)
	switch {
	case serr != nil && errors.Is(serr, syscall.ENOTDIR):
		return fmt.Sprintf("a part of the folder %s is a file, not a folder", dir)
	case errors.Is(serr, fs.ErrNotExist):
		return fmt.Sprintf("the folder %s does not exist", dir)
	case serr != nil:
		return fmt.Sprintf("the folder %s: %v", dir, errnoWords(serr))
	case !fi.IsDir():
		return fmt.Sprintf("%s is a file, not a folder", dir)
	}
	if f, oerr := os.OpenFile(path, os.O_RDWR, 0); oerr == nil {
		f.Close()
	} else if !errors.Is(oerr, fs.ErrNotExist) {
		return fmt.Sprintf("the file: %s", errnoWords(oerr))
	}
	probe, perr := os.CreateTemp(dir, ".sppcrawl-probe-*")
	if perr != nil {
		return fmt.Sprintf("the folder %s: %s", dir, errnoWords(perr))
	}
	probe.Close()
	os.Remove(probe.Name())
	return rootCause(err).Error()
}

// errnoWords is a file system error's cause for a person.
func errnoWords(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, fs.ErrPermission):
		return "no permission (" + rootCause(err).Error() + ")"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is a file, not a folder"
	case errors.Is(err, syscall.EISDIR):
		return "it is a folder, not a file"
	}
	return rootCause(err).Error()
}
