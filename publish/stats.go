package publish

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/search"
)

// Stats is the state of an archive: what `sppcrawl stats` prints and
// /metrics exposes.
type Stats struct {
	Articles int                     `json:"articles"`
	LastSeq  uint64                  `json:"last_seq"`
	Channels []sppcrawl.ChannelCount `json:"channels"`
	// Sites are the sites of the archive, each with its articles and
	// channels (an archive of spp alone has one).
	Sites        []SiteReport         `json:"sites,omitempty"`
	LastRun      *sppcrawl.RunSummary `json:"last_run,omitempty"`
	FailuresDue  int                  `json:"failures_due"`
	FailuresWait int                  `json:"failures_waiting"`
	Gone         int                  `json:"gone"`
	Failures     []sppcrawl.Failure   `json:"failures,omitempty"` // not gone
	Withdrawn    int                  `json:"withdrawn"`
	// OldestCheck: every article has been re-verified with the site since.
	OldestCheck time.Time `json:"oldest_check,omitzero"`
	// Upgraded says what the last upgrade of the archive's schema did.
	Upgraded string `json:"upgraded,omitempty"`
	// Media: image and attachment files archived, their bytes, those
	// recorded missing and those not archived yet (due for the next run).
	Media sppcrawl.MediaCounts `json:"media"`
	// Ledger is, per channel, what the site announces against what the
	// archive holds, with the channel's health and any unfinished walk.
	Ledger []ChannelReport `json:"ledger"`
	// Warnings are the channels' health problems and template drift, as the
	// last runs found them, and records found damaged: /healthz is degraded
	// while there are any.
	Warnings []string `json:"warnings,omitempty"`
	// Quarantined counts the records verify --repair (or a fetch replacing
	// one) set aside because they did not decode; Damaged lists those met
	// by this read that do not decode.
	Quarantined int      `json:"quarantined"`
	Damaged     []string `json:"damaged,omitempty"`
	// Undecodable counts the article records that do not decode, which
	// every reader skips (CheckedStats reads them all; GatherStats counts
	// those its own reads met).
	Undecodable int `json:"undecodable"`
	// SearchIndex is the search index's state, when there is one: how far
	// behind the archive it is, its size.
	SearchIndex *search.Status `json:"search_index,omitempty"`
	// Subscriptions are push's receivers and how their deliveries go.
	Subscriptions []SubscriptionReport `json:"subscriptions,omitempty"`
}

// AddIndex adds the search index's state, and a warning when searches may
// miss what the archive holds.
func (s *Stats) AddIndex(ctx context.Context, ix *search.Index, db search.Archive) error {
	st, err := ix.Status(ctx, db)
	if err != nil {
		return err
	}
	s.SearchIndex = &st
	if why := st.Stale(); why != "" {
		s.Warnings = append(s.Warnings, why)
	}
	return nil
}

// ChannelReport is one channel of the ledger.
type ChannelReport struct {
	// Site is the host of the channel's site: an archive holds many, and
	// their channels may share a path.
	Site         string          `json:"site,omitempty"`
	Key          string          `json:"key"`
	Name         string          `json:"name"`
	Path         string          `json:"path"`
	Announced    int             `json:"announced"` // the total its pager announces
	Stored       int             `json:"stored"`
	Failed       int             `json:"failed"` // in the failure log, retried
	Gone         int             `json:"gone"`
	Gaps         int             `json:"gaps"` // listed on its pages, never stored (stats --gaps); with an unfinished walk, at least what its pager announces beyond what is stored
	NewestID     string          `json:"newest_id,omitempty"`
	Newest       time.Time       `json:"newest_published_at,omitzero"`
	Health       sppcrawl.Health `json:"health,omitempty"`
	HealthReason string          `json:"health_reason,omitempty"`
	HealthSince  time.Time       `json:"health_since,omitzero"`
	Drift        []string        `json:"drift,omitempty"`
	// Walk is an unfinished walk the next run resumes: "page 7 of 12 (full walk)".
	Walk    string    `json:"walk,omitempty"`
	LastRun time.Time `json:"last_run,omitzero"`
}

// GatherStats reads the state of the archive at now.
func GatherStats(ctx context.Context, db Reader, now time.Time) (*Stats, error) {
	var s Stats
	var err error
	if s.Articles, err = db.Count(ctx); err != nil {
		return nil, err
	}
	if s.LastSeq, err = db.LastSeq(ctx); err != nil {
		return nil, err
	}
	if s.Channels, err = db.CountByChannel(ctx); err != nil {
		return nil, err
	}
	if s.Withdrawn, err = db.Withdrawn(ctx); err != nil {
		return nil, err
	}
	if s.OldestCheck, err = db.OldestCheck(ctx); err != nil {
		return nil, err
	}
	if s.Upgraded, err = db.Upgraded(ctx); err != nil {
		return nil, err
	}
	if s.Media, err = db.MediaCounts(ctx); err != nil {
		return nil, err
	}
	if r, ok, err := db.LastRun(ctx); err != nil {
		return nil, err
	} else if ok {
		s.LastRun = &r
	}
	fails, err := db.Failures(ctx, false, now)
	if err != nil {
		return nil, err
	}
	s.countFailures(fails, now)
	if s.Quarantined, err = db.Quarantined(ctx); err != nil {
		return nil, err
	}
	if err := s.ledger(ctx, db, fails, now); err != nil {
		return nil, err
	}
	subs, warnings, err := subscriptionReports(ctx, db, true)
	if err != nil {
		return nil, err
	}
	s.Subscriptions, s.Warnings = subs, append(s.Warnings, warnings...)
	s.addDamaged(db)
	return &s, nil
}

// CheckedStats is GatherStats after a read of every article record's
// checksum, so that records that do not decode are counted, not only those
// a reader happened to meet: what `sppcrawl stats` says. (/metrics and the
// home page, asked often, do without: at 10⁵ articles the check reads the
// whole log.)
func CheckedStats(ctx context.Context, db RecordChecker, now time.Time) (*Stats, error) {
	if _, err := db.CheckRecords(ctx); err != nil {
		return nil, err
	}
	return GatherStats(ctx, db, now)
}

// RecordChecker is a Reader that can read every article record's checksum
// (CheckRecords), noting those that do not decode for the counters the
// stats read.
type RecordChecker interface {
	Reader
	CheckRecords(ctx context.Context) ([]sppcrawl.SkippedRecord, error)
}

// countFailures sorts the failure log: gone pages, failures due for a retry
// and those waiting (both listed).
func (s *Stats) countFailures(fails []sppcrawl.Failure, now time.Time) {
	for _, f := range fails {
		switch {
		case f.Gone:
			s.Gone++
		case f.NextRetry.After(now):
			s.FailuresWait++
			s.Failures = append(s.Failures, f)
		default:
			s.FailuresDue++
			s.Failures = append(s.Failures, f)
		}
	}
}

// addDamaged lists the records this process's readers found undecodable,
// with a warning that says what repairs them.
func (s *Stats) addDamaged(db Reader) {
	damaged, _ := db.Damage()
	for k, why := range damaged {
		s.Damaged = append(s.Damaged, k+": "+why)
	}
	slices.Sort(s.Damaged)
	for k := range damaged {
		if strings.HasPrefix(k, "seq ") { // an article record, as the log names it
			s.Undecodable++
		}
	}
	if len(s.Damaged) > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d records do not decode (sppcrawl verify --repair sets them aside and fetches them again)", len(s.Damaged)))
	}
}

// ledger fills Ledger and Warnings from the channels' states, counts,
// failures and gaps.
func (s *Stats) ledger(ctx context.Context, db Reader, fails []sppcrawl.Failure, now time.Time) error {
	states, err := db.ChannelStates(ctx)
	if err != nil {
		return err
	}
	gaps, err := db.Gaps(ctx, "")
	if err != nil {
		return err
	}
	byPath := ledgerRows{}
	row, siteOf := byPath.row, ledgerSites(states)
	for _, st := range states {
		r := row(st.Site, st.Path)
		if st.Name != "" {
			r.Name = st.Name
		}
		r.Announced, r.Health, r.HealthReason, r.HealthSince, r.Drift, r.LastRun = st.Total, st.Health, st.HealthReason, st.HealthSince, st.Drift, st.LastRun
		if st.Walk != nil {
			r.Walk = st.Walk.String()
		}
	}
	for _, c := range s.Channels {
		r := row(cmp.Or(siteOf[c.Path], idSite(c.NewestID)), c.Path)
		r.Stored, r.NewestID, r.Newest = c.Articles, c.NewestID, c.Newest
	}
	for _, f := range fails {
		if f.Channel == "" || !sites.OfURL(f.URL).IsArticleURL(f.URL) {
			continue
		}
		if f.Gone {
			row(sppcrawl.URLHost(f.URL), f.Channel).Gone++
		} else {
			row(sppcrawl.URLHost(f.URL), f.Channel).Failed++
		}
	}
	for _, g := range gaps {
		row(sppcrawl.URLHost(g.URL), g.Channel).Gaps++
	}
	m, err := db.SiteMap(ctx)
	if err != nil {
		return err
	}
	// A page of the navigation no crawl named (a hub passed over, a list
	// never read) has the navigation's name.
	for _, c := range m.AllOf(sites.Default().Channels()) {
		if r := byPath[ledgerKey("", c.Path)]; r != nil && r.Name == "" {
			r.Name = c.Name
		}
	}
	for _, r := range byPath {
		r.Gaps = max(r.Gaps, r.unwalked())
		s.Ledger = append(s.Ledger, *r)
	}
	slices.SortFunc(s.Ledger, func(a, b ChannelReport) int {
		return cmp.Or(strings.Compare(a.Site, b.Site), strings.Compare(a.Path, b.Path))
	})
	s.Warnings = channelWarnings(states, m, now)
	return s.addSites(ctx, db, states, warnable(m, now))
}

// unwalked is what a channel whose walk has not reached its end lacks of
// what its pager announces: the articles listed on pages not walked yet (a
// repair that lost articles marks the walk so) are gaps too, though no list
// page seen names them. A channel walked to its end has its gaps listed
// exactly (an article listed in two channels is stored in one: the
// announced totals overlap).
func (r *ChannelReport) unwalked() int {
	if r.Walk == "" {
		return 0
	}
	return max(0, r.Announced-r.Stored-r.Failed-r.Gone)
}

// ledgerRows are the ledger's channels by path.
type ledgerRows map[string]*ChannelReport

// row is the channel at path of site (host; "": www.spp.gov.cn), added
// (named from the table) if it is not yet.
func (rows ledgerRows) row(site, path string) *ChannelReport {
	k := ledgerKey(site, path)
	if r := rows[k]; r != nil {
		return r
	}
	c := sites.Of(site).ChannelByPath(path)
	r := &ChannelReport{Site: cmp.Or(site, sites.Default().Host()), Key: c.Key, Name: c.Name, Path: path}
	rows[k] = r
	return r
}

// ledgerKey is the row of the channel at path of site.
func ledgerKey(site, path string) string { return cmp.Or(site, sites.Default().Host()) + path }

// ledgerSites is, by path, the site of the only channel crawled at that
// path, for the counts by path (a path of several sites, and one never
// crawled, is www.spp.gov.cn's).
func ledgerSites(states []sppcrawl.ChannelState) map[string]string {
	out, shared := map[string]string{}, map[string]bool{}
	for _, st := range states {
		if h, ok := out[st.Path]; ok && h != st.Site {
			shared[st.Path] = true
		}
		out[st.Path] = st.Site
	}
	for p := range shared {
		delete(out, p)
	}
	return out
}

// staleAfter is how long a channel outside the default set may go uncrawled
// before its warnings stop counting: a one-off --channels, or a folder typed
// by mistake, does not stay unhealthy for ever (channels --forget drops it).
const staleAfter = 30 * 24 * time.Hour

// warnable says whether a channel's problems count, by its path and last
// run: those of the default set always, another's until it is stale.
func warnable(m sppcrawl.SiteMap, now time.Time) func(path string, lastRun time.Time) bool {
	inDefault := map[string]bool{}
	for _, c := range m.AllOf(sites.Default().Channels()) {
		inDefault[c.Path] = true
	}
	return func(path string, lastRun time.Time) bool { return inDefault[path] || now.Sub(lastRun) <= staleAfter }
}

// channelWarnings are the channels' health problems and template drift, as
// the last runs recorded them.
func channelWarnings(states []sppcrawl.ChannelState, m sppcrawl.SiteMap, now time.Time) []string {
	var out []string
	counts := warnable(m, now)
	slices.SortFunc(states, func(a, b sppcrawl.ChannelState) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Site, b.Site))
	})
	for _, st := range states {
		c := sites.Of(stateSite(st)).ChannelByPath(st.Path)
		if !counts(st.Path, st.LastRun) {
			continue
		}
		if st.Name != "" {
			c.Name = st.Name
		}
		// Another site's channel is named with its host (spp's, as ever,
		// without).
		site := ""
		if st.Site != "" && st.Site != sites.Default().Host() {
			site = st.Site + " "
		}
		if st.Health != "" && st.Health != "ok" {
			out = append(out, fmt.Sprintf("%s%s: %s: %s", site, c.Label(), st.Health, st.HealthReason))
		}
		for _, d := range st.Drift {
			out = append(out, site+d)
		}
	}
	return out
}
