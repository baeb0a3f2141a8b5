//go:build windows

package main

import "os"

// dieOf ends the process at once: Windows has no signal to re-raise, so it
// exits with the status a stop by a signal has elsewhere.
func dieOf(os.Signal) {
	os.Exit(exitSignal)
}
