package sppcrawl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// Leaser hands out leases: a key held by one holder until its expiry, so
// that processes sharing an archive split work instead of doing it twice
// (a channel's walk, push's deliveries). A holder that dies stops renewing,
// and its lease runs out for another to take. A backend with one writer
// (the bbolt file lock) needs none: see LeaserOf.
type Leaser interface {
	// Acquire takes the lease on key for holder until ttl from now, and
	// reports whether it did: false while another holder's lease runs.
	// A holder acquiring its own lease again renews it.
	Acquire(ctx context.Context, key, holder string, ttl time.Duration) (bool, error)
	// Renew moves the expiry of holder's lease on key to ttl from now;
	// ErrLeaseLost when another holder has taken it.
	Renew(ctx context.Context, key, holder string, ttl time.Duration) error
	// Release gives the lease up, if holder still has it.
	Release(ctx context.Context, key, holder string) error
}

// Pacer decides the pace of requests to a host across every process of an
// archive, as optional as ChunkReader (see PacerOf).
type Pacer interface {
	// ClaimStart books the next start of a request to host, at least gap
	// after the start booked before it by any process, and says how long
	// from now it is.
	ClaimStart(ctx context.Context, host string, gap time.Duration) (time.Duration, error)
}

// ChannelLease is the key of the lease on the walk of a site's channel.
func ChannelLease(host, channelPath string) string { return "walk " + host + channelPath }

// DeliveryLease is the key of the lease on delivering push's events.
const DeliveryLease = "push"

// LeaserOf is the archive's Leaser, or, for an archive that has none
// (one writer process at a time), one granting every lease.
func LeaserOf(archive any) Leaser {
	if l, ok := archive.(Leaser); ok {
		return l
	}
	return soleWriter{}
}

// PacerOf is the archive's Pacer, or nil when the process paces alone.
func PacerOf(archive any) Pacer {
	p, _ := archive.(Pacer)
	return p
}

// soleWriter is the Leaser of an archive only one process writes: every
// lease is granted.
type soleWriter struct{}

func (soleWriter) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	return true, nil
}
func (soleWriter) Renew(context.Context, string, string, time.Duration) error { return nil }
func (soleWriter) Release(context.Context, string, string) error              { return nil }

// NewHolder names this process as the holder of leases: host, pid and a
// random part (a pid is reused after a restart, a lease may outlive it).
func NewHolder() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	b := make([]byte, 4)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
