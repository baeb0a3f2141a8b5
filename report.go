package sppcrawl

import (
	"fmt"
	"time"
)

// The reports of verify, reextract and backup: one for every backend, so
// that a command prints the same lines and JSON of either. Their JSON
// field names are the `--format json` output and never change.

// Problem is something a verify found wrong.
type Problem struct {
	Kind   string `json:"kind"` // cut, undecodable, dangling, missing, orphan, due (a media file not archived yet), damaged (a page of the file) or mismatch (a database's row against its document, a file against its hash)
	Key    string `json:"key"`  // the id, URL, key or file concerned
	Detail string `json:"detail"`
}

// VerifyReport is what a verify checked and found.
type VerifyReport struct {
	Articles int       `json:"articles"`
	Versions int       `json:"versions"`
	RawPages int       `json:"raw_pages"`
	Problems []Problem `json:"problems"`
	// Cut lists the URLs whose stored page is cut short: they are marked to
	// be fetched again by the next crawl, which replaces the page.
	Cut []string `json:"cut"`
}

// String is verify's one-line summary.
func (r VerifyReport) String() string {
	return fmt.Sprintf("verify: %d articles, %d earlier versions, %d raw pages: %d problems, %d stored pages cut short (due for a fetch by the next crawl)",
		r.Articles, r.Versions, r.RawPages, len(r.Problems), len(r.Cut))
}

// Err says why the archive did not pass (nil when it did): ErrDamaged when
// pages of the file itself do not read.
func (r VerifyReport) Err() error {
	for _, p := range r.Problems {
		if p.Kind == "damaged" {
			return fmt.Errorf("%w: %d problems found, the file itself among them: sppcrawl verify --repair salvages what it holds, or restore a backup", ErrDamaged, len(r.Problems))
		}
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("%d problems found", len(r.Problems))
	}
	return nil
}

// ReextractResult counts what a reextract did.
type ReextractResult struct {
	RawPages  int `json:"raw_pages"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Aliased   int `json:"aliased"`
	Failed    int `json:"failed"`
	// Recovered counts the pages of no known template a crawl kept that
	// read now, stored as articles; Unparsed those that still do not.
	Recovered int           `json:"recovered,omitempty"`
	Unparsed  int           `json:"unparsed,omitempty"`
	Took      time.Duration `json:"took_ns"`
}

// String is reextract's one-line summary.
func (r ReextractResult) String() string {
	kept := ""
	if r.Recovered+r.Unparsed > 0 {
		kept = fmt.Sprintf(", %d pages of no known template stored (%d still unread, kept)", r.Recovered, r.Unparsed)
	}
	return fmt.Sprintf("reextract: %d raw pages, %d changed, %d unchanged, %d aliased, %d failed%s in %s",
		r.RawPages, r.Changed, r.Unchanged, r.Aliased, r.Failed, kept, r.Took.Round(time.Millisecond))
}

// Err says why a finished reextract is not ok (nil when it is).
func (r ReextractResult) Err() error {
	if r.Failed > 0 {
		return fmt.Errorf("%d raw pages failed to extract", r.Failed)
	}
	return nil
}

// BackupReport is what a backup wrote and what verifying the copy found.
type BackupReport struct {
	Path   string       `json:"path"`
	Bytes  int64        `json:"bytes"`
	Verify VerifyReport `json:"verify"`
}
