// Package store is sppcrawl's archive: one bbolt file holding every article
// and every earlier version of it, the raw pages they came from, the export
// cursor, the crawl's ledger and the index of media files kept beside it.
// It is the only package that imports bbolt, and it links no HTML parser:
// it keeps the domain types of package sppcrawl.
//
// Writes go through one writer goroutine that commits whatever has queued up
// in a single transaction (group commit, see write.go): an Upsert is one
// write of that queue (plus a read before it, and a second write in the rare
// race where another writer changed the article meanwhile), so a crash at any
// moment leaves each article either fully stored or not at all. Seq numbers
// only grow: a puller that remembers the last seq it saw gets every new or
// changed article exactly once.
//
// # Caveats
//
// bbolt takes an exclusive file lock for a writer and a shared one for readers,
// so a read-only Open waits while a crawl or serve holds the archive (and fails
// with ErrLocked after Options.Timeout).
package store
