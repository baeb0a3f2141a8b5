//go:build unix

package search

import (
	"testing"

	"sppcrawl/internal/child"
)

func TestMain(m *testing.M) {
	child.Main(m, map[string]func() int{"indexfull": indexFullChild})
}
