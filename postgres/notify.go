package postgres

import (
	"context"
	"log/slog"
	"sppcrawl"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultPollEvery is how often a follower looks at the log's last seq when no
// notification came: the fallback when LISTEN is not possible (a pooler
// in transaction mode drops it) or its connection is lost.
const defaultPollEvery = 5 * time.Second

// notifier wakes this process's followers of the log: at once after a
// commit of this process, on a NOTIFY for another process's, and by
// polling the last seq as the fallback.
type notifier struct {
	sppcrawl.Wakeups
	mu     sync.Mutex // guards cancel: the follower starts once
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Commits returns a channel that receives after each commit that gave an
// article a new seq, in this process or another (coalesced), and the func
// that stops it.
func (db *DB) Commits() (<-chan struct{}, func()) {
	n := &db.notify
	// Subscribed before the follower starts: its first signal finds the
	// channel.
	ch, stop := n.Subscribe()
	n.mu.Lock()
	if n.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		n.cancel = cancel
		// The seq as the follower starts: a commit after Commits returns is
		// found by the check once LISTEN is up, or notified.
		last, _ := db.LastSeq(ctx)
		n.wg.Go(func() { db.follow(ctx, last) })
	}
	n.mu.Unlock()
	return ch, stop
}

func (n *notifier) close() {
	n.mu.Lock()
	cancel := n.cancel
	n.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	n.wg.Wait()
}

// follow listens for other processes' commits until ctx ends, looking
// at the last seq after each notification, after (re)connecting, and
// every pollEvery when nothing arrives (the fallback).
func (db *DB) follow(ctx context.Context, last uint64) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for ctx.Err() == nil {
		if conn == nil {
			var err error
			if conn, err = db.listen(ctx); err != nil {
				slog.Debug("postgres: LISTEN not possible, polling", "db", db.name, "err", err)
			}
		}
		if seq, err := db.LastSeq(ctx); err == nil && seq != last {
			last = seq
			db.notify.Signal()
		}
		if conn == nil {
			wait(ctx, db.pollEvery)
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, db.pollEvery)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil && wctx.Err() == nil {
			conn.Close(context.Background())
			conn = nil // lost: listen again
		}
	}
}

// listen opens a connection of its own (a pooled one cannot be held) that
// listens on the log's channel.
func (db *DB) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// wait waits for d or the end of ctx.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
