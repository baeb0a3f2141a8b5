package web

import (
	"cmp"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"sppcrawl"
	"sppcrawl/diff"
	"sppcrawl/publish"
	"sppcrawl/sites"
)

// idPattern is the shape of every article id, a site's key and its
// document id (spp-1234567, gd.jcy-7770799); anything else is no page.
var idPattern = regexp.MustCompile(`^[0-9a-z]{1,63}(?:[.-][0-9a-z]{1,63}){0,4}-[0-9a-z]{1,40}$`)

// articleData is an article page: a version as the site published it,
// with the article's timeline.
type articleData struct {
	A           *sppcrawl.Article
	Body        template.HTML
	Known       bool // the version's text was kept (not a 0.1 revision)
	IsCurrent   bool
	Current     int // the current version's number
	StoredAt    time.Time
	ReplacedAt  *time.Time
	Timeline    []timelineEntry
	Attachments []attachmentView
	// MediaBase is where the repost HTML links archived media, and
	// Public whether it is serve --public-url (else the request's address).
	MediaBase string
	Public    bool
}

type timelineEntry struct {
	Version    int
	StoredAt   time.Time
	ReplacedAt *time.Time
	Changes    string // from the version before
}

type attachmentView struct {
	Name, URL, Local string
}

func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	s.showVersion(w, r, 0)
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		s.fail(w, r, http.StatusNotFound, "没有这一版："+sppcrawl.Clip(r.PathValue("n"), 20))
		return
	}
	s.showVersion(w, r, n)
}

// showVersion renders version n of the article (0: the current one).
func (s *Server) showVersion(w http.ResponseWriter, r *http.Request, n int) {
	h, ok := s.history(w, r)
	if !ok {
		return
	}
	cur := len(h.Versions) - 1
	i := cur
	if n > 0 {
		if i = h.Index(n); i < 0 {
			s.fail(w, r, http.StatusNotFound, h.ID+" 没有第 "+strconv.Itoa(n)+" 版（共 "+strconv.Itoa(h.Versions[cur].Version)+" 版）。")
			return
		}
	}
	arts, known := h.Articles()
	a, v := arts[i], h.Versions[i]
	d := articleData{A: a, Body: safeBody(a), Known: known[i], IsCurrent: i == cur, Current: h.Versions[cur].Version,
		StoredAt: v.StoredAt, ReplacedAt: v.ReplacedAt, Timeline: timeline(h, arts, known),
		MediaBase: publish.Origin(r, s.public), Public: s.public != ""}
	for _, at := range a.Attachments {
		av := attachmentView{Name: at.Name, URL: at.URL}
		if at.SHA256 != "" {
			av.Local = "/media/" + at.SHA256 + "?article=" + a.ID // downloads under its own name
		}
		d.Attachments = append(d.Attachments, av)
	}
	title := a.Title
	if n > 0 {
		title += " · 第 " + strconv.Itoa(v.Version) + " 版"
	}
	s.render(w, r, http.StatusOK, "article", page{Title: title, Data: d, Source: sites.OfURL(a.URL)})
}

// history reads the article the path names, answering 404 when there is
// none.
func (s *Server) history(w http.ResponseWriter, r *http.Request) (*sppcrawl.History, bool) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		s.fail(w, r, http.StatusNotFound, "没有这篇文章："+sppcrawl.Clip(id, 60))
		return nil, false
	}
	h, err := s.db.History(r.Context(), id)
	if err != nil {
		s.archiveError(w, r, "文章 "+id, err)
		return nil, false
	}
	return h, true
}

// timeline is the versions newest first, each with what changed from the
// one before.
func timeline(h *sppcrawl.History, arts []*sppcrawl.Article, known []bool) []timelineEntry {
	changes := diff.Changes(arts, known)
	out := make([]timelineEntry, len(h.Versions))
	for i, v := range h.Versions {
		out[len(out)-1-i] = timelineEntry{Version: v.Version, StoredAt: v.StoredAt, ReplacedAt: v.ReplacedAt,
			Changes: cmp.Or(changes[i], "首次存档")}
	}
	return out
}
