// Package sppcrawl is the domain of the archive: the article and its parts,
// the site's channels and URLs, the records a crawl keeps, the outcomes and
// health values, and the small interfaces the packages talk through — Site
// among them, a site as data (its URLs, ids, channels, pager, parsers and
// pace), which the crawler fetches through and which packages under site/
// implement.
//
// Every other package imports it and it imports none of them (the layout of
// benbjohnson/wtf): extract turns pages into these types, store keeps them,
// crawler fetches through the interfaces below, and publish, search, push and
// the web UI hand them out. It links no parser, database or network library.
//
// Rules every storage backend must apply alike live here as pure functions
// of the domain types: Revision decides whether an article fetched again is
// a new version of the stored one.
//
// The archive is a set of interfaces by role (archive.go, archive_read.go),
// composed in Archive, with the sentinel errors every backend returns
// (ErrNotFound, ErrDamaged, ErrUndecodable, ErrLocked, ErrConflict): a
// backend implements them all and passes internal/archivetest, the
// contract's tests; each part of the program names only the roles it uses.
package sppcrawl
