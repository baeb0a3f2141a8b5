package sppcrawl

import (
	"context"
	"time"
)

// The interfaces below are the archive as its readers see it (the pull
// interface, the web pages, push, search, the commands), one per role like
// those of archive.go, and Archive composes them all. They name no storage:
// a second backend (PostgreSQL) implements the same methods with the same
// errors, and internal/archivetest holds the contract's tests, run against
// every backend.
//
// Reads that meet records that do not decode go on past them and return a
// *Skipped error beside what they read (see Partial); a damaged archive
// returns ErrDamaged; a missing article, version or file ErrNotFound.

// ArticleReader reads the current version of articles.
type ArticleReader interface {
	// Get is the article with the given id; ErrNotFound if there is none.
	Get(ctx context.Context, id string) (*Stored, error)
	// GetByURL is the article stored under url, canonical or alias.
	GetByURL(ctx context.Context, url string) (*Stored, error)
	// GetJSON is the article's JSON exactly as exported.
	GetJSON(ctx context.Context, id string) ([]byte, error)
	// Raw is the page the article's current version came from.
	Raw(ctx context.Context, id string) (*RawPage, error)
	// ArticleWithCase is the article that states the case of number.
	ArticleWithCase(ctx context.Context, number string) (*Article, error)
	// Count is the number of articles; Withdrawn of those withdrawn.
	Count(ctx context.Context) (int, error)
	Withdrawn(ctx context.Context) (int, error)
	// Latest is up to n articles that keep accepts (nil: all), most
	// recently created or updated first.
	Latest(ctx context.Context, n int, keep func(*Article) bool) ([]*Article, error)
	// LatestInChannel is up to n articles of a channel, newest published first.
	LatestInChannel(ctx context.Context, path string, n int, keep func(*Article) bool) ([]*Article, error)
	// ChannelPage is LatestInChannel for those published before before
	// (zero: all): the next page of a channel's list.
	ChannelPage(ctx context.Context, path string, before time.Time, n int, keep func(*Article) bool) ([]*Article, error)
	// Recent is up to n articles stored, corrected or withdrawn since
	// since, latest first, looking at no more than scan records.
	Recent(ctx context.Context, since time.Time, n, scan int, keep func(*Article) bool) ([]*Article, error)
}

// VersionReader reads the earlier versions of articles, kept whole.
type VersionReader interface {
	// History is every version of the article with the given id or URL.
	History(ctx context.Context, idOrURL string) (*History, error)
	// ArticleVersion is version v of an article, current or earlier.
	ArticleVersion(ctx context.Context, id string, v int) (*Article, error)
	// VersionRaw is the page version v came from.
	VersionRaw(ctx context.Context, id string, v int) (*RawPage, error)
	// EarlierVersions are the replaced versions whose text was kept,
	// oldest first.
	EarlierVersions(ctx context.Context, id string) ([]*Article, error)
}

// SeqLog is the archive as a log: every change of an article gives it the
// next seq, so a reader that remembers the last seq it saw (a cursor)
// resumes exactly where it stopped, missing nothing and reading nothing
// twice but what changed again.
type SeqLog interface {
	// LastSeq is the highest seq handed out.
	LastSeq(ctx context.Context) (uint64, error)
	// CountAfter is the number of articles with seq > after.
	CountAfter(ctx context.Context, after uint64) (int, error)
	// Since is up to limit articles with seq > after, in seq order.
	Since(ctx context.Context, after uint64, limit int) ([]*Article, error)
	// SinceSeq is Since with the seq of the last record passed, the cursor
	// to resume from (records that do not decode are passed too).
	SinceSeq(ctx context.Context, after uint64, limit int) ([]*Article, uint64, error)
	// SinceJSON is Since as the articles' exported JSON, with the cursor.
	SinceJSON(ctx context.Context, after uint64, limit int) ([][]byte, uint64, error)
	// ForEach calls fn for every article with seq > after, in seq order;
	// ForEachJSON with its seq and exported JSON; ForEachWithCases for
	// those that state cases.
	ForEach(ctx context.Context, after uint64, fn func(*Article) error) error
	ForEachJSON(ctx context.Context, after uint64, fn func(seq uint64, j []byte) error) error
	ForEachWithCases(ctx context.Context, after uint64, fn func(*Article) error) error
	// ForEachRaw calls fn for every raw page kept, every version's.
	ForEachRaw(ctx context.Context, fn func(*RawPage) error) error
	// Events is up to limit events with seq > after, in seq order.
	Events(ctx context.Context, after uint64, limit int) ([]Event, error)
	// Generation changes whenever exported data changes: caches and ETags
	// are valid while it stays.
	Generation(ctx context.Context) (uint64, error)
}

// Notifier tells a reader that the seq log grew, so that it follows the log
// woken by an event rather than polling.
type Notifier interface {
	// Commits returns a channel that receives after each commit that gave
	// an article a new seq (coalesced: one pending signal at most; the
	// reader reads what changed from the archive), and the func that stops
	// it.
	Commits() (<-chan struct{}, func())
}

// ChunkReader is an optional fast path a backend may implement, checked
// with a type assertion: the articles as the DEFLATE chunks it stores them
// in, spliced into gzip answers without compressing anything per request.
// It is not part of Archive because it exists only where a backend stores
// each article compressed on its own (bbolt does; a database that
// compresses pages of rows does not), and an answer built from SinceJSON is
// the same bytes once inflated.
type ChunkReader interface {
	// EachChunk calls fn with up to limit articles after after, in seq
	// order, as chunks whose bytes are valid only until fn returns; it
	// returns the seq to resume from.
	EachChunk(ctx context.Context, after uint64, limit int, fn func(Chunk) error) (uint64, error)
	// GetChunk is the article id as a chunk (copied), with its seq.
	GetChunk(ctx context.Context, id string) (uint64, Chunk, error)
}

// ChannelReader is the crawl's record of the site's channels, as stats,
// /healthz and the channel pages read it.
type ChannelReader interface {
	// ChannelStates lists every channel crawled so far.
	ChannelStates(ctx context.Context) ([]ChannelState, error)
	// CountByChannel counts the articles of each channel, with its newest.
	CountByChannel(ctx context.Context) ([]ChannelCount, error)
	// Gaps lists the URLs a channel (or every one: "") listed and the
	// archive does not hold, with why.
	Gaps(ctx context.Context, channel string) ([]Gap, error)
	// LastRun is the summary of the latest crawl, if there was one.
	LastRun(ctx context.Context) (RunSummary, bool, error)
	// OldestCheck is when the article checked longest ago was last checked.
	OldestCheck(ctx context.Context) (time.Time, error)
}

// FailureLog is the failure log as people act on it.
type FailureLog interface {
	Failures(ctx context.Context, due bool, now time.Time) ([]Failure, error)
	// ResetFailures makes the log's URLs due now: those listed, or all; it
	// returns how many.
	ResetFailures(ctx context.Context, urls []string, all bool) (int, error)
	// ForgetChannel forgets what crawls recorded of a channel (its
	// articles stay); it reports whether there was anything to forget.
	ForgetChannel(ctx context.Context, path string) (bool, error)
}

// HealthReader is what the archive knows of its own state.
type HealthReader interface {
	// Counters are the writes of this process since it opened the archive.
	Counters() Counters
	// Damage is what this process's readers found damaged: the records
	// skipped (key → why), and the archive itself (ErrDamaged, or nil).
	Damage() (records map[string]string, file error)
	// Quarantined is the number of records moved aside as undecodable.
	Quarantined(ctx context.Context) (int, error)
	// Upgraded says what the last upgrade of the archive's format did.
	Upgraded(ctx context.Context) (string, error)
}

// MediaIndex reads the archive's files (images and attachments).
type MediaIndex interface {
	// Media is a stored file's index entry and the path of a local file
	// holding its bytes; ErrNotFound if there is none. A backend that keeps
	// files elsewhere keeps them in a local cache too (serve hands files out
	// with http.ServeContent over it).
	Media(ctx context.Context, sha string) (MediaInfo, string, error)
	// ForEachMedia calls fn for every stored file, by hash.
	ForEachMedia(ctx context.Context, fn func(MediaInfo) error) error
	// MediaCounts counts the files, their bytes and those missing.
	MediaCounts(ctx context.Context) (MediaCounts, error)
	// MediaURLs lists, per file (sha256), every URL it was fetched from.
	MediaURLs(ctx context.Context) (map[string][]string, error)
}
