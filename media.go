package sppcrawl

import "time"

// MediaInfo is what the archive knows of a stored file.
type MediaInfo struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"` // as claimed, else (none, or octet-stream) as the bytes sniff
	// ClaimedType is the Content-Type the site answered with, as it was.
	ClaimedType string    `json:"claimed_type,omitempty"`
	URL         string    `json:"url"` // where it was first fetched from
	FetchedAt   time.Time `json:"fetched_at"`
}
