package store_test

import (
	"testing"

	"sppcrawl/internal/child"
)

func TestMain(m *testing.M) {
	child.Main(m, map[string]func() int{"crash": crashChild, "diskfull": diskFullChild})
}
