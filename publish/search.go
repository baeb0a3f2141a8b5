package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"

	"sppcrawl"
	"sppcrawl/search"
)

// searchAnswer is the JSON of GET /api/search: a page of results.
type searchAnswer struct {
	*search.Result
	// IndexBehind is how many articles the archive changed that the index
	// does not hold yet: the results may miss them (absent when none).
	IndexBehind int `json:"index_behind,omitempty"`
}

// search: GET /api/search?q=…&channel=…&from=…&to=…&kind=…&sort=…&limit=…&cursor=…&facets=…
// → {"total":N,"results":[…],"facets":{…},"next_cursor":"…"};
// &format=jsonl|csv|json streams the whole result set (up to limit when
// one is given).
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && !slices.Contains(ResultFormats, format) {
		jsonError(w, http.StatusBadRequest, "format "+strconv.Quote(sppcrawl.Clip(format, 40))+": want jsonl, csv or json (or none for a page)")
		return
	}
	req, ok := s.searchRequest(w, r)
	if !ok {
		return
	}
	tag, behind, ok := s.searchTag(w, r)
	if !ok || NotModified(w, r, tag) {
		return
	}
	if behind > 0 {
		w.Header().Set("X-Sppcrawl-Index-Behind", strconv.Itoa(behind))
	}
	if format != "" {
		s.searchStream(w, r, req, format)
		return
	}
	res, err := s.index.Search(r.Context(), s.db, req)
	if err != nil {
		s.searchError(w, r, err)
		return
	}
	b, err := marshalNoEscape(searchAnswer{res, behind})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(b, '\n'))
}

// searchRequest reads the request's search, answering 503 when the server
// has no index and 400 when the parameters make no sense.
func (s *Server) searchRequest(w http.ResponseWriter, r *http.Request) (search.Request, bool) {
	if s.index == nil {
		jsonError(w, http.StatusServiceUnavailable, "search is not available: the server has no search index")
		return search.Request{}, false
	}
	req, err := search.ParseRequest(r.URL.Query())
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return req, false
	}
	if s.index.Filling() {
		// A new or remade index answers from part of the archive: an
		// empty or short result would look true.
		w.Header().Set("Retry-After", strconv.Itoa(RetryFilling))
		jsonError(w, http.StatusServiceUnavailable, "the search index is being made from the archive: try again in a minute")
		return req, false
	}
	return req, true
}

// RetryFilling is the Retry-After, in seconds, of a search answered while
// the index is being made (Index.Filling).
const RetryFilling = 30

// searchTag is the ETag of a search answer: the index's state, the
// archive's generation and the request's query string; and the index's lag.
func (s *Server) searchTag(w http.ResponseWriter, r *http.Request) (string, int, bool) {
	itag, err := s.index.Tag(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return "", 0, false
	}
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return "", 0, false
	}
	behind, err := s.index.Behind(r.Context(), s.db)
	if err != nil {
		s.serverError(w, r, err)
		return "", 0, false
	}
	sum := sha256.Sum256([]byte(r.URL.RawQuery))
	return itag + ".g" + strconv.FormatUint(gen, 10) + "." + hex.EncodeToString(sum[:8]), behind, true
}

// searchStream writes the whole result set as a file.
func (s *Server) searchStream(w http.ResponseWriter, r *http.Request, req search.Request, format string) {
	m, err := s.index.Match(r.Context(), req)
	if err != nil {
		s.searchError(w, r, err)
		return
	}
	types := map[string]string{"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8",
		"json": "application/json; charset=utf-8"}
	w.Header().Set("Content-Type", types[format])
	w.Header().Set("Content-Disposition", `attachment; filename="search.`+format+`"`)
	w.Header().Set("X-Sppcrawl-Total", strconv.Itoa(m.Total))
	if r.Method == http.MethodHead {
		return
	}
	if _, err := WriteResults(r.Context(), w, format, m, s.db, req.Limit); err != nil {
		// The status is sent: the client sees a cut file (no final newline).
		s.log.Warn("search stream cut", "err", err)
	}
}

// searchError answers a search that failed (see serverError): 400 for a
// bad query or filter, 503 for one that ran out of time or met a damaged
// index (being made again).
func (s *Server) searchError(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Del("ETag") // set for the answer that did not come
	s.serverError(w, r, err)
}

// searchFeedAnswer renders a saved search's feed.
func (s *Server) searchFeedAnswer(ctx context.Context, format string, req search.Request, m feedMeta) (*answer, error) {
	key := req.Values()
	key.Del("sort")
	key.Del("limit")
	m.Key = key.Encode()
	if q, err := search.ParseQuery(req.Query); err == nil {
		m.Sites = append(slices.Clone(req.Sites), q.Sites...)
	}
	res, err := s.index.Search(ctx, s.db, req)
	if err != nil {
		return nil, err
	}
	arts := make([]*sppcrawl.Article, 0, len(res.Results))
	for _, h := range res.Results {
		if h.Article != nil {
			arts = append(arts, h.Article)
		}
	}
	var buf bytes.Buffer
	err = writeFeed(&buf, format, arts, m)
	return &answer{contentType: feedTypes[format], plain: buf.Bytes()}, err
}

// searchFeed answers a feed of a saved search (/feed.atom?q=…): the
// feedItems newest current articles that match, withdrawn ones never.
func (s *Server) searchFeed(w http.ResponseWriter, r *http.Request, format string) {
	req, ok := s.searchRequest(w, r)
	if !ok {
		return
	}
	if req.Withdrawn == "only" || req.Versions == "all" {
		jsonError(w, http.StatusBadRequest, "a feed lists current articles the site still publishes: no withdrawn=only or versions=all")
		return
	}
	req.Sort, req.Limit, req.Cursor, req.Facets = "newest", feedItems, "", nil
	tag, _, ok := s.searchTag(w, r)
	if !ok || NotModified(w, r, tag+"."+format) {
		return
	}
	self := s.selfURL(r)
	s.hubLinks(w, r, self)
	a, err := s.answers.get(r.Context(), tag+" "+format+" "+self, func(ctx context.Context) (*answer, error) {
		return s.searchFeedAnswer(ctx, format, req, feedMeta{Query: req.Query, SelfURL: self, Hub: s.hubURL(self)})
	})
	if err != nil {
		s.searchError(w, r, err)
		return
	}
	a.write(w, r)
}
