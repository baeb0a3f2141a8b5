package publish

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"sppcrawl/internal/atomicfile"
)

// Output is where an export goes: standard output ("-"), or a regular file
// written as a temporary file beside it and renamed into place by Commit, so
// a web server never serves half a file.
type Output struct {
	bw   *bufio.Writer
	file *atomicfile.File // nil for standard output
	path string
	done bool
}

// CreateOutput opens path for an export. Only a regular file or a new path
// is accepted: replacing a symlink, FIFO, device or directory by renaming a
// file over it is never what was meant (as root, --out /dev/full would
// replace the device).
func CreateOutput(path string) (*Output, error) { return createOutput(path, nil) }

// createOutput is CreateOutput with "-" going to stdout (nil: os.Stdout).
func createOutput(path string, stdout io.Writer) (*Output, error) {
	if path == "-" {
		if stdout == nil {
			stdout = os.Stdout
		}
		return &Output{bw: bufio.NewWriterSize(stdout, 64<<10), path: "standard output"}, nil
	}
	switch fi, err := os.Lstat(path); {
	case err == nil && !fi.Mode().IsRegular():
		return nil, fmt.Errorf("export to %s: it is a %s, not a regular file: refusing to replace it", path, fileKind(fi.Mode()))
	case err != nil && !os.IsNotExist(err):
		return nil, fmt.Errorf("export to %s: %w", path, err)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, fmt.Errorf("export to %s: %w", path, err)
	}
	return &Output{bw: bufio.NewWriterSize(f, 64<<10), file: f, path: path}, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "directory"
	}
	return "special file"
}

// Write buffers p.
func (o *Output) Write(p []byte) (int, error) { return o.bw.Write(p) }

var _ io.Writer = (*Output)(nil)

// Commit flushes the export and puts it in place; a failed write (a full
// disk, a closed pipe) is reported, never silent.
func (o *Output) Commit() error {
	if o.done {
		return nil
	}
	o.done = true
	err := o.bw.Flush()
	switch {
	case err != nil && o.file != nil:
		err = errors.Join(err, o.file.Abort())
	case o.file != nil:
		err = o.file.Commit()
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", o.path, err)
	}
	return nil
}

// Abort drops an unfinished export; the target is left as it was. It does
// nothing after Commit, so it can be deferred.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	if o.file != nil {
		// Abort is deferred: a leftover temporary file is a hidden name
		// beside the target, recognisable, and no error to report over
		// the one that made the export stop.
		o.file.Abort()
	}
}
