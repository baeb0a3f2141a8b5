package store

// Commits returns a channel that receives after each commit of this
// process that gave an article a new seq (coalesced: one pending signal at
// most), and the func that stops it; a delivery's own commit, or a crawl's
// bookkeeping, wakes nobody. It lets the search index and push deliveries
// follow the seq log as it grows, woken by an event rather than polling.
func (db *DB) Commits() (<-chan struct{}, func()) { return db.notify.Subscribe() }
