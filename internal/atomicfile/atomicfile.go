// Package atomicfile writes a file so that readers see either the old file or
// the whole new one, and a crash leaves at most a stray temporary file: the
// bytes go to a temporary file in the target's directory, which is synced,
// renamed over the target, and the directory synced so the rename survives a
// power cut. Every error on the way is reported, and a failed write removes
// its temporary file.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// File is a file being written in place of Path; nothing is visible there
// until Commit.
type File struct {
	f    *os.File
	path string
	perm os.FileMode
	done bool
}

var _ io.Writer = (*File)(nil)

// Create starts writing path, which gets the permissions perm (set by chmod,
// so the umask does not narrow them). The temporary file is hidden
// (a leading dot) and named after path, so what a crash leaves is
// recognisable.
func Create(path string, perm os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{f: f, path: path, perm: perm}, nil
}

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Name is the temporary file's path.
func (f *File) Name() string { return f.f.Name() }

// Commit syncs the file, gives it its permissions, renames it over the
// target and syncs the directory. On an error the temporary file is removed
// and the target is as it was (unless only the directory's sync failed: the
// rename is then done but may not survive a crash, which the error says).
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: %w", f.path, os.ErrClosed)
	}
	f.done = true
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.f.Name(), f.perm)
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.path)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", f.path, err), f.remove())
	}
	if err := SyncDir(filepath.Dir(f.path)); err != nil {
		return fmt.Errorf("write %s: renamed into place, not yet durable: %w", f.path, err)
	}
	return nil
}

// Abort drops the temporary file; the target is left as it was. After
// Commit it does nothing, so it can be deferred.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	f.f.Close() // its error is moot: the file is removed next
	return f.remove()
}

func (f *File) remove() error {
	if err := os.Remove(f.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove temporary file: %w", err)
	}
	return nil
}

// WriteFile writes data to path as Create, Write and Commit do.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), f.Abort())
	}
	return f.Commit()
}

// SyncDir syncs the directory dir, which makes a rename in it durable. On
// Windows it does nothing: a directory cannot be opened for syncing there,
// and NTFS journals a rename itself.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
