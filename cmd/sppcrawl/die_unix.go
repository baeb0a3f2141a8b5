//go:build unix

package main

import (
	"os"
	"syscall"
)

// dieOf ends the process killed by s, as if nothing had caught it (the
// handler is reset first), so a shell sees the signal in its status.
func dieOf(s os.Signal) {
	syscall.Kill(syscall.Getpid(), s.(syscall.Signal))
}
