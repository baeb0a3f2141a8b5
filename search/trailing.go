package search

import "context"

// Notifying is an archive that says when a commit gives a seq
// (sppcrawl.Notifier): what Trailing follows.
type Notifying interface {
	Archive
	Commits() (changes <-chan struct{}, unsubscribe func())
}

// Trailing indexes what arch stores while a command writes it (Trail,
// lag records at a time) into the index at path, taking what o.Handoff
// is handed instead of reading it back, until the returned stop is called, which waits for a catch-up under way; KeepUp catches up the
// rest. An index that does not open for writing is left to KeepUp to
// report: stop then does nothing. Once stopped (or not started), the
// hand-off keeps nothing.
func Trailing(ctx context.Context, path string, arch Notifying, o Options, lag int) (stop func()) {
	o.ReadOnly = false
	ix, err := Open(path, o)
	if err != nil {
		o.Handoff.close()
		return func() {}
	}
	changes, unsubscribe := arch.Commits()
	halt, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		ix.Trail(ctx, arch, changes, halt, lag)
	}()
	return func() {
		close(halt)
		<-done
		unsubscribe()
		o.Handoff.close()
		ix.Close()
	}
}
