package store

import (
	"os"
	"time"
)

// lockFile takes f's lock for writing, as bbolt takes it, waiting up to
// timeout.
func lockFile(f *os.File, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		held, err := tryLock(f)
		if err != nil || !held {
			return err
		}
		if time.Now().After(deadline) {
			return ErrLocked
		}
		time.Sleep(50 * time.Millisecond) // neither flock nor LockFileEx waits with a timeout
	}
}
