// Package search makes the archive searchable: exact Chinese full-text
// search (a term matches where its text occurs, as Ctrl-F finds it), with
// legal filters, exact facets and cursor paging, over an index kept beside
// the archive. It is the only package that imports the search engine.
//
// The index is SQLite's FTS5 (modernc.org/sqlite: no cgo) in a file of its
// own, <archive>.search, derived from the archive and rebuildable from it at
// any time: never the only copy of anything. A term of three characters or
// more is a phrase of the trigram tokenizer, which matches every substring
// exactly, punctuation included. A trigram index finds nothing shorter, so
// one- and two-character terms go to a second FTS5 table whose tokens are
// the distinct characters and character pairs of each field, each token
// naming its field: a term of one or two characters occurs in a field
// exactly when its token does.
// Text is folded first, for both index and query (NFKC: full and half width
// alike; Latin letters in lower case).
//
// # Caveats
//
// Facets and totals are exact, so a query visits every match: a term that
// most articles contain costs in proportion to the archive; a channel or a
// date range narrows what the engine reads (rowids are laid out by channel
// and day, see rid.go). Every query runs under a timeout (Options.Timeout).
package search
