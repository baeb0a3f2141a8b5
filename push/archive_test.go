package push_test

import (
	"sppcrawl"
	"sppcrawl/push"
	"sppcrawl/store"
)

// Any backend of the archive can push: what push uses is a part of
// sppcrawl.Archive, and the bbolt store is one.
var (
	_ push.Archive = sppcrawl.Archive(nil)
	_ push.Archive = (*store.DB)(nil)
)
