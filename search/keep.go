package search

import (
	"context"
	"errors"
	"fmt"
)

// KeepOptions say how KeepUp keeps a command's index.
type KeepOptions struct {
	Index Options // how the index is opened (for writing: ReadOnly is ignored)
	// Check reads the index's pages first (verify): damage found there is
	// repaired by the catch-up that follows.
	Check bool
	// Rebuild makes the index again from the whole archive: what the
	// archive held was replaced (a salvage).
	Rebuild  bool
	Progress Progress
}

// KeepUp catches the index at path up with what a command that changes
// articles stored (crawl, fetch, reextract, verify --repair), before the
// command ends, and returns the command's own error, stored. A failure is a
// warning (on the index's logger), not the command's: the index is
// derived, and the next command that writes the archive catches up from
// the index's own watermark. But a full disk or a file that cannot be
// written (Environmental) is not mended by a next run: after a command
// that succeeded it is the command's error.
func KeepUp(ctx context.Context, path string, arch Archive, o KeepOptions, stored error) error {
	err := keepUp(ctx, path, arch, o)
	switch {
	case err == nil:
		return stored
	case stored == nil && Environmental(err):
		return fmt.Errorf("articles stored, but %w", err)
	}
	if o.Index.Logger != nil {
		o.Index.Logger.Warn("search index not caught up (searches say how far behind it is)", "err", err)
	}
	return stored
}

// keepUp is KeepUp's catch-up.
func keepUp(ctx context.Context, path string, arch Archive, o KeepOptions) error {
	o.Index.ReadOnly = false
	ix, err := Open(path, o.Index)
	if err != nil {
		return err
	}
	defer ix.Close()
	log := ix.opts.Logger
	log.Debug("search index: catching up with the archive", "path", ix.Path())
	if o.Check {
		if err := ix.Check(ctx); err != nil && !errors.Is(err, ErrDamaged) {
			return err
		}
	}
	rep, err := ix.Refresh(ctx, arch, o.Rebuild, o.Progress)
	if err == nil && rep.Articles > 0 {
		log.Info(rep.String())
	}
	return err
}

// Refresh catches the index up with the archive, or (rebuild) makes it
// again from the whole archive. A file too damaged for a rebuild by SQL is
// made again by the catch-up, as any damaged file is (CatchUp).
func (ix *Index) Refresh(ctx context.Context, arch Archive, rebuild bool, progress Progress) (Report, error) {
	if !rebuild {
		return ix.CatchUp(ctx, arch, progress)
	}
	rep, err := ix.Rebuild(ctx, arch, progress)
	if errors.Is(err, ErrDamaged) {
		rep, err = ix.CatchUp(ctx, arch, progress)
	}
	return rep, err
}
