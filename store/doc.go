// Package store is sppcrawl's archive: one bbolt file holding every article,
// its revisions, the raw page it came from, the export cursor and the crawl
// state. It is the only package that imports bbolt.
//
// Every Upsert is one transaction, grouped with concurrent writes into one
// commit by the store's own writer (see write.go), so a crash at any moment
// leaves each article either fully stored or not at all. Seq numbers only
// grow: a puller that remembers the last seq it saw gets every new or changed
// article exactly once.
//
// # Caveats
//
// bbolt takes an exclusive file lock for a writer and a shared one for readers,
// so a read-only Open waits while a crawl or serve holds the archive (and fails
// with ErrLocked after Options.Timeout).
package store
