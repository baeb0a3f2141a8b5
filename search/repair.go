package search

import "os"

// fileBox holds the identity of the index file an Index has open.
type fileBox struct{ fi os.FileInfo }

// replaced says whether the file at the index's path is no longer the one
// it has open: another process made the index again (a damaged file, an
// earlier layout), and this one would read and write a deleted file.
func (ix *Index) replaced() bool {
	fi, err := os.Stat(ix.path)
	return err == nil && !os.SameFile(fi, ix.file.Load().fi)
}

// reopen swaps in the file now at the index's path: a new database, an
// empty cache (the new file's rows and mod counter are its own).
func (ix *Index) reopen() error {
	fresh, err := open(ix.path, ix.opts)
	if err != nil {
		return err
	}
	ix.swap(fresh)
	return nil
}

// remake replaces a damaged file with a new, empty one of this layout and
// swaps it in; the caller catches it up.
func (ix *Index) remake() error {
	if err := removeIndex(ix.path); err != nil {
		return err
	}
	return ix.reopen()
}

// swap makes fresh's database this index's, closing the old one (a query
// still reading it fails once: it was reading a file being replaced).
func (ix *Index) swap(fresh *Index) {
	old := ix.dbp.Swap(fresh.sql())
	ix.file.Store(fresh.file.Load())
	ix.cache.reset()
	ix.counted.Store(nil)
	ix.damage.Store(nil)
	ix.lastErr.Store(nil)
	ix.filling.Store(fresh.filling.Load())
	old.Close()
}

// mend is what CatchUp does first (the caller holds ix.mu): follow a file
// another process put in the index's place, or make a damaged one again
// (the catch-up then fills it, rep saying it was rebuilt), saying so.
func (ix *Index) mend(rep *Report) error {
	switch b := ix.damage.Load(); {
	case ix.replaced():
		ix.opts.Logger.Info("search index made again by another process: reading the new file", "path", ix.path)
		return ix.reopen()
	case b != nil:
		ix.opts.Logger.Warn("search index damaged: making it again from the archive", "path", ix.path, "err", b.err)
		rep.Rebuilt = true
		return ix.remake()
	}
	return nil
}
