package publish

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sppcrawl/search"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
)

// Health is the answer of /healthz.
type Health struct {
	// Status is ok; degraded (answers are served but something needs an
	// operator: 200); or failing (503).
	Status           string     `json:"status"`
	Articles         int        `json:"articles"`
	LastCrawl        *time.Time `json:"last_crawl,omitempty"`
	LastCrawlOutcome string     `json:"last_crawl_outcome,omitempty"`
	Reasons          []string   `json:"reasons,omitempty"`
	// MediaDue: image and attachment files of stored articles not archived
	// yet (the next crawl fetches them).
	MediaDue int `json:"media_due"`
	// SearchIndex: how far behind the archive the search index is.
	SearchIndex *search.Status `json:"search_index,omitempty"`
	// Sites: each site of the archive, its articles and channels, and
	// whether one of its channels degrades the whole.
	Sites []SiteReport `json:"sites,omitempty"`
}

// health decides /healthz: failing when the archive cannot be read, when
// the last crawl ended in an error or a block, or (when this process crawls)
// when no crawl finished within three intervals; degraded when a channel is
// missing, empty, shrunk or not a list, or its template drifts.
func (s *Server) health(r *http.Request) (h Health) {
	h = Health{Status: "ok"}
	fail := func(format string, args ...any) {
		h.Status = "failing"
		h.Reasons = append([]string{fmt.Sprintf(format, args...)}, h.Reasons...)
	}
	// Last, over every return: what the readers found damaged (h is named
	// so that this reaches the answer).
	defer s.damageHealth(&h, fail)
	n, err := s.db.Count(r.Context())
	if err != nil {
		fail("archive unreadable: %v", err)
		return h
	}
	h.Articles = n
	run, ok, err := s.db.LastRun(r.Context())
	if err != nil {
		fail("archive unreadable: %v", err)
		return h
	}
	now := s.now()
	if ok {
		fin := run.Finished.In(sppcrawl.CST()) // the clock of logs and stats
		h.LastCrawl, h.LastCrawlOutcome = &fin, string(run.Outcome)
		if run.Outcome.Failing() {
			fail("last crawl ended %s: %s", run.Outcome, run.Error)
		}
	}
	states, err := s.db.ChannelStates(r.Context())
	if skipped, err := sppcrawl.Partial(err); err != nil {
		fail("archive unreadable: %v", err)
		return h
	} else if len(skipped) > 0 {
		h.Reasons = append(h.Reasons, fmt.Sprintf("%d channel records do not decode", len(skipped)))
	}
	m, err := s.db.SiteMap(r.Context())
	if err != nil {
		fail("archive unreadable: %v", err)
		return h
	}
	h.degrade(channelWarnings(states, m, now)...)
	counts, err := s.siteCounts(r.Context())
	if err != nil {
		fail("archive unreadable: %v", err)
		return h
	}
	h.Sites = siteHealth(counts, states, warnable(m, now))
	s.mediaHealth(r, &h)
	s.indexHealth(r, &h)
	if _, warnings, err := subscriptionReports(r.Context(), s.db, false); err == nil {
		h.degrade(warnings...)
	}
	if why := s.overdue(run, ok, now); why != "" {
		fail("%s", why)
	}
	return h
}

// degrade adds reasons that need an operator while answers are still
// served: an ok status becomes degraded.
func (h *Health) degrade(reasons ...string) {
	if len(reasons) == 0 {
		return
	}
	h.Reasons = append(h.Reasons, reasons...)
	if h.Status == "ok" {
		h.Status = "degraded"
	}
}

// overdue says why crawls are late when this process crawls every s.every:
// none finished within three intervals (of the last one, or of the start).
func (s *Server) overdue(run sppcrawl.RunSummary, ok bool, now time.Time) string {
	if s.every <= 0 {
		return ""
	}
	limit := 3 * s.every
	switch {
	case ok && now.Sub(run.Finished) > limit:
		return fmt.Sprintf("no crawl finished since %s, over 3 × --crawl-every (%s)", localTime(run.Finished), limit)
	case !ok && now.Sub(s.started) > limit:
		return fmt.Sprintf("no crawl finished since serve started %s ago (3 × --crawl-every is %s)", now.Sub(s.started).Round(time.Second), limit)
	}
	return ""
}

// mediaHealth counts the files of stored articles not archived yet (a
// crawl killed before its media phase, a transient failure). Counted, not
// degrading: every crawl has them due between its news and its media phase.
func (s *Server) mediaHealth(r *http.Request, h *Health) {
	if mc, err := s.db.MediaCounts(r.Context()); err == nil {
		h.MediaDue = mc.DueFiles
	}
}

// indexHealth adds the search index's state: degraded when searches may
// miss what the archive holds and nothing is catching the index up.
func (s *Server) indexHealth(r *http.Request, h *Health) {
	if s.index == nil {
		return
	}
	st, err := s.index.Status(r.Context(), s.db)
	if err != nil {
		st.Error = err.Error()
	}
	h.SearchIndex = &st
	if why := st.Stale(); why != "" {
		h.degrade(why)
	}
}

// damageHealth adds what the readers of this process found damaged: the
// file itself makes the archive failing, records that do not decode make
// it degraded (each is left out of every answer).
func (s *Server) damageHealth(h *Health, fail func(string, ...any)) {
	records, file := s.db.Damage()
	if file != nil {
		fail("%v", file)
		return
	}
	if len(records) == 0 {
		return
	}
	keys := make([]string, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h.degrade(fmt.Sprintf("%d records do not decode and are left out of every answer (%s): run sppcrawl verify --repair",
		len(keys), sppcrawl.Clip(strings.Join(keys, ", "), 200)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := s.health(r)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if h.Status == "failing" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	newJSONEncoder(w).Encode(h)
}

// localTime is how a time is written for a person: the site's +08:00, as
// the logs write it too.
func localTime(t time.Time) string { return t.In(sppcrawl.CST()).Format("2006-01-02 15:04:05 -0700") }

// siteCounts counts the archive's articles by site once for each of its
// generations: /healthz is asked every few seconds by the probes in front
// of serve.
func (s *Server) siteCounts(ctx context.Context) ([]sppcrawl.SiteCount, error) {
	gen, err := s.db.Generation(ctx)
	if err != nil {
		return nil, err
	}
	return s.bySite.Get(strconv.FormatUint(gen, 10), func() ([]sppcrawl.SiteCount, error) { return countSites(ctx, s.db) })
}
