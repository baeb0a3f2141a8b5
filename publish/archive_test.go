package publish_test

import (
	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// Any backend of the archive serves the pull interface and the web pages:
// what publish reads is a part of sppcrawl.Archive, and the bbolt store is
// one.
var (
	_ publish.Reader       = sppcrawl.Archive(nil)
	_ publish.ExportReader = sppcrawl.Archive(nil)
	_ publish.Reader       = (*store.DB)(nil)
)
