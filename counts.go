package sppcrawl

import "time"

// ChannelCount is the number of articles of one channel and the newest of them.
type ChannelCount struct {
	Path     string    `json:"channel_path"`
	Articles int       `json:"articles"`
	NewestID string    `json:"newest_id"`
	Newest   time.Time `json:"newest_published_at"`
}

// Counters are what this process has written to the archive since it
// opened it (serve's /metrics shows them).
type Counters struct {
	Commits        uint64 // write transactions committed
	CommitFailures uint64 // write transactions that failed
	Upserts        map[Outcome]uint64
}

// MediaCounts is what stats says of media.
type MediaCounts struct {
	Files   int   `json:"files"`
	Bytes   int64 `json:"bytes"`
	Missing int   `json:"missing"` // recorded missing for good, with the reason
	// Due: references of stored articles to files not archived yet (a run
	// killed before its media phase, a transient failure), in DueFiles
	// files; the next run fetches them.
	Due      int `json:"due"`
	DueFiles int `json:"due_files"`
}
