//go:build linux

package store

import (
	"encoding/json"
	"os"

	"golang.org/x/sys/unix"
)

// A full check of the page structure reads every page of the tree: 0.13 s
// warm, the whole file cold, at 10⁵ articles — too much for a cron run every
// few minutes that writes a few pages. After a check (and after each
// process that wrote from a checked file), the file carries a stamp in an
// extended attribute: its size, modification time, inode and last
// transaction. An open that finds the stamp equal to the file skips the
// check; anything else that wrote the file (a copy, a restore, an editor,
// a truncation, bytes flipped by hand) changed its modification time, and a
// copy does not carry the attribute, so the file is checked again. A file
// system without user attributes checks at every open.

const stampAttr = "user.sppcrawl.checked"

// KeepsStamps says whether a file found sound is stamped (stamp_other.go:
// not on other systems, where every open checks the pages).
const KeepsStamps = true

type stamp struct {
	Size  int64  `json:"size"`
	Mtime int64  `json:"mtime_ns"`
	Ino   uint64 `json:"ino"`
	Txid  uint64 `json:"txid"`
}

// stampOf is what the stamp of f would be now, at transaction txid.
func stampOf(f *os.File, txid uint64) (stamp, bool) {
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return stamp{}, false
	}
	return stamp{Size: st.Size, Mtime: st.Mtim.Nano(), Ino: st.Ino, Txid: txid}, true
}

// stamped says whether f carries the stamp it would have now: nothing has
// written it since it was last found sound.
func stamped(f *os.File, txid uint64) bool {
	now, ok := stampOf(f, txid)
	buf := make([]byte, 256)
	n, err := unix.Fgetxattr(int(f.Fd()), stampAttr, buf)
	if !ok || err != nil {
		return false
	}
	var s stamp
	return json.Unmarshal(buf[:n], &s) == nil && s == now
}

// setStamp marks f sound as it is now (a failure only costs the next open
// a check).
func setStamp(f *os.File, txid uint64) {
	if s, ok := stampOf(f, txid); ok {
		b, _ := json.Marshal(s)
		unix.Fsetxattr(int(f.Fd()), stampAttr, b, 0)
	}
}
