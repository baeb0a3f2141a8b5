// Package postgres is the archive in a PostgreSQL database: the second
// backend of sppcrawl.Archive, for deployments past one machine (several
// crawl and serve processes on one database, a standby replicating it). It
// is the only importer of pgx. Open creates the schema, or upgrades it by
// the versioned migrations embedded here (migrations/NNN_*.sql), under a
// session advisory lock so that processes starting at once upgrade it once;
// a schema newer than this binary knows is refused (ErrSchemaNewer).
//
// Articles are rows holding the JSON the bbolt store keeps (text, not
// jsonb: the export is these bytes), with the columns queries look up
// beside it; raw pages and media files are bytea (TOAST compresses them),
// so every process reads everything from the database.
//
// # The seq log, in commit order
//
// A reader following the log by cursor must never see seq N+1 before N
// commits, or it would move its cursor past N for good. A bare sequence
// does not give that (a transaction may take N and commit after another
// took N+1). Here the last seq is a row of the counters table, and every
// transaction that changes an article locks that row first (SELECT … FOR
// UPDATE) and increments it to take a seq: the next writer waits on the
// lock until the previous commits or rolls back, so seqs become visible in
// the order they were handed out, and a rolled-back seq is handed out
// again (no gap). The price is that article writes are serial, as they are
// in bbolt; each is one short transaction. The same lock makes upserts
// race-free: two processes storing one article decide in turn, and the
// second sees the first's row (one article, one version).
//
// A commit that gave a seq sends NOTIFY on the channel sppcrawl_log
// (delivered only on commit); Commits listens on a connection of its own
// and falls back to polling the last seq every few seconds when it cannot.
//
// # Caveats
//
// Not yet: leases per (site, channel) for several crawl processes, a copy
// out of PostgreSQL (CopyFrom copies into it), backup, verify and salvage
// (the database checks and replicates itself: pg_dump, streaming
// replication). Reads are not retried when the connection is lost; writes
// are (see tx).
package postgres
