package sppcrawl

// OpenMode is how a command opens the archive: for reading or writing,
// and what becomes of an archive that is absent, held by another process
// or damaged. Every backend's open takes one (store.OpenAs, postgres.OpenAs),
// so the commands name what they need and the backends decide how.
type OpenMode int

const (
	OpenNone           OpenMode = iota // no archive at all (extract, sites)
	OpenReads                          // read-only, waiting while a crawl holds it; it must exist
	OpenWrites                         // for writing; it must exist
	OpenCreates                        // for writing, created when absent (crawl, fetch)
	OpenReadsIfExists                  // read-only if there is one, else none (fetch --dry-run)
	OpenSalvages                       // for writing if it can be, read-only if damaged (verify)
	OpenSalvagesRead                   // read-only, even if damaged (serve: it answers that it is)
	OpenWritesIfExists                 // for writing if there is one, else none (channels --discover)
	OpenReadsBeside                    // read-only; beside a process that writes it, a copy of the subscriptions
)

// ReadOnly says whether an archive opened so is never written.
func (m OpenMode) ReadOnly() bool {
	switch m {
	case OpenReads, OpenReadsIfExists, OpenSalvagesRead, OpenReadsBeside:
		return true
	}
	return false
}

// MayBeAbsent says whether no archive at all is an answer of this mode
// rather than an error.
func (m OpenMode) MayBeAbsent() bool {
	return m == OpenReadsIfExists || m == OpenWritesIfExists
}
