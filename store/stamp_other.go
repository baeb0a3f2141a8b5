//go:build !linux

package store

import "os"

// KeepsStamps says whether a file found sound is stamped (stamp_linux.go):
// elsewhere there is no stamp, and every open checks the pages.
const KeepsStamps = false

func stamped(*os.File, uint64) bool { return false }
func setStamp(*os.File, uint64)     {}
